// Strings out of packet bytes without a new string per packet: a capture repeats the same Call-IDs, URIs, reason
// phrases and user agents thousands of times. A fixed-size table (direct-mapped by an FNV-1a hash of the bytes)
// returns the string already made for equal bytes; a miss decodes the bytes (latin1, one byte per character) and
// takes the slot. Memory is bounded by the table size whatever the capture's size.

const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** The bytes as a string, one character per byte (no copy of the surrounding buffer is pinned). */
export function latin1(buf: Uint8Array, off: number, end: number): string {
  if (end - off < 24) {
    let s = '';
    for (let i = off; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  return latin1Slice.call(buf, off, end);
}

export class ByteInterner {
  private readonly hashes: Int32Array;
  private readonly strings: (string | undefined)[];
  private readonly mask: number;
  hits = 0;
  misses = 0;

  constructor(bits = 14) {
    this.hashes = new Int32Array(1 << bits);
    this.strings = new Array<string | undefined>(1 << bits).fill(undefined);
    this.mask = (1 << bits) - 1;
  }

  /** The string of bytes `off`..`end`. */
  get(buf: Uint8Array, off: number, end: number): string {
    let h = 0x811c9dc5 | 0;
    for (let i = off; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    const slot = (h ^ (h >>> 15)) & this.mask;
    const s = this.strings[slot];
    const n = end - off;
    if (s !== undefined && this.hashes[slot] === h && s.length === n) {
      let i = 0;
      while (i < n && s.charCodeAt(i) === buf[off + i]) i++;
      if (i === n) {
        this.hits++;
        return s;
      }
    }
    this.misses++;
    const made = latin1(buf, off, end);
    this.hashes[slot] = h;
    this.strings[slot] = made;
    return made;
  }

  /** The same table for a string (it is kept when new, so that later equal bytes or strings share it). */
  string(s: string): string {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ (s.charCodeAt(i) & 0xff), 16777619);
    const slot = (h ^ (h >>> 15)) & this.mask;
    const got = this.strings[slot];
    if (got !== undefined && this.hashes[slot] === h && got === s) return got;
    this.hashes[slot] = h;
    this.strings[slot] = s;
    return s;
  }
}
