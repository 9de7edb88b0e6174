// What a capture saw on the wire, compactly, for matching two captures of the same traffic (the seed's method:
// capture at the phone and at the CUCM at the same time, and check that what one side sent arrived). One entry per
// TCP segment that carries data or SYN/FIN, and per SIP message over UDP. About 30 bytes an entry, in growable
// typed arrays; keys are small integers into a table of strings (a TCP direction "10.1.1.5:51234>10.1.1.1:5060", or
// a SIP-over-UDP message "u|10.1.1.5:5060>10.1.1.1:5060|call-id|cseq|REGISTER").

export class SegmentLog {
  /** Key id → key text. */
  readonly keys: string[] = [];
  private readonly keyIds = new Map<string, number>();
  count = 0;
  key = new Int32Array(1024);
  seq = new Float64Array(1024);
  len = new Int32Array(1024);
  flags = new Uint8Array(1024);
  time = new Float64Array(1024);
  frame = new Int32Array(1024);
  /** Entries kept at most (beyond, counted in `dropped`). 16 Mi entries ≈ 500 MB would be too much: 8 Mi. */
  static readonly MAX = 8 << 20;
  dropped = 0;

  keyId(text: string): number {
    let id = this.keyIds.get(text);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(text);
      this.keyIds.set(text, id);
    }
    return id;
  }

  findKey(text: string): number | undefined {
    return this.keyIds.get(text);
  }

  add(key: number, seq: number, len: number, flags: number, time: number, frame: number): void {
    if (this.count >= SegmentLog.MAX) {
      this.dropped++;
      return;
    }
    if (this.count === this.key.length) this.grow();
    const i = this.count++;
    this.key[i] = key;
    this.seq[i] = seq;
    this.len[i] = len;
    this.flags[i] = flags;
    this.time[i] = time;
    this.frame[i] = frame;
  }

  private grow(): void {
    const n = this.key.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.key = g(this.key, (k) => new Int32Array(k));
    this.seq = g(this.seq, (k) => new Float64Array(k));
    this.len = g(this.len, (k) => new Int32Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
    this.time = g(this.time, (k) => new Float64Array(k));
    this.frame = g(this.frame, (k) => new Int32Array(k));
  }
}
