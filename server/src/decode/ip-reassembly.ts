// IP fragment reassembly (IPv4 and the IPv6 fragment header), with bounded memory.
//
// Fragments of one datagram are keyed by the caller (IPv4: source, destination, identification and protocol;
// IPv6: source, destination and identification) and kept as copies, because capture readers hand frames in buffers
// they reuse. As in Wireshark, the reassembled datagram is reported on the frame whose fragment completed it,
// whatever the order the fragments came in. Limits: a datagram may not grow past `maxDatagramBytes` (64 KiB: the
// IP length fields cannot describe more); all pending fragments together stay under `maxPendingBytes`, evicting the
// oldest datagrams first; a datagram still incomplete `maxAgeUs` after its first fragment is dropped (capture time).
// Overlapping fragments: the bytes that arrived first win (Wireshark's default too).
// Fragments are rare next to whole packets, so this path may allocate (one copy per fragment); the hot path of
// whole packets never comes here.

export interface ReassemblyOptions {
  /** Largest datagram (payload after the IP header) accepted; bigger ones are dropped as malformed. */
  maxDatagramBytes?: number;
  /** All pending fragments together (plus a per-fragment overhead of 64 bytes in the count). */
  maxPendingBytes?: number;
  /** Capture time after which an incomplete datagram is dropped (microseconds). */
  maxAgeUs?: number;
}

/** The outcome of adding one fragment. */
export const FragmentResult = {
  /** Kept; the datagram is not complete yet. */
  Pending: 0,
  /** This fragment completed the datagram: see `Reassembled`. */
  Complete: 1,
  /** The fragment would make the datagram larger than allowed (the datagram is dropped). */
  TooBig: 2,
  /** The fragment contradicts the others (a second last fragment with another end, data past the end). */
  Inconsistent: 3,
} as const;

/** The datagram completed by the last `add` (valid until the next call: `data` is a reused scratch buffer). */
export interface Reassembled {
  /** Reassembled payload: bytes [0, length) of `data`. */
  data: Uint8Array;
  length: number;
  fragments: number;
  firstFrame: number;
  firstTsUs: number;
  /** Protocol / next header carried in the fragment at offset 0 (as given to `add`). */
  proto: number;
}

interface Piece {
  offset: number;
  bytes: Uint8Array;
}

interface Pending {
  key: string;
  pieces: Piece[];
  /** Payload length when the last fragment (MF clear) was seen, else -1. */
  total: number;
  proto: number;
  firstFrame: number;
  firstTsUs: number;
  cost: number;
}

const PIECE_OVERHEAD = 64;

export interface ReassemblyStats {
  completed: number;
  fragments: number;
  /** Datagrams dropped: too big, inconsistent, evicted for memory, or expired. */
  tooBig: number;
  inconsistent: number;
  evicted: number;
  expired: number;
}

export class IpReassembler {
  readonly maxDatagramBytes: number;
  readonly maxPendingBytes: number;
  readonly maxAgeUs: number;
  /** Insertion order = age order (Map keeps it), so eviction looks at the front only. */
  private readonly pending = new Map<string, Pending>();
  private pendingBytes = 0;
  private scratch: Uint8Array;
  readonly result: Reassembled;
  readonly stats: ReassemblyStats = { completed: 0, fragments: 0, tooBig: 0, inconsistent: 0, evicted: 0, expired: 0 };

  constructor(opts: ReassemblyOptions = {}) {
    this.maxDatagramBytes = opts.maxDatagramBytes ?? 65535;
    this.maxPendingBytes = opts.maxPendingBytes ?? 4 * 1024 * 1024;
    this.maxAgeUs = opts.maxAgeUs ?? 30_000_000;
    this.scratch = new Uint8Array(Math.min(this.maxDatagramBytes, 2048));
    this.result = { data: this.scratch, length: 0, fragments: 0, firstFrame: 0, firstTsUs: 0, proto: 0 };
  }

  /** Datagrams waiting for more fragments. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Bytes held for pending datagrams (with the per-fragment overhead). */
  get pendingByteCount(): number {
    return this.pendingBytes;
  }

  /**
   * Adds one fragment: `data` (copied) holds payload bytes [offset, offset + length) of the datagram; `more` is the
   * MF flag (IPv4) or M flag (IPv6); `proto` the protocol carried (only the offset-0 fragment's value counts).
   */
  add(key: string, frame: number, tsUs: number, offset: number, more: boolean, data: Uint8Array, proto: number): number {
    this.stats.fragments++;
    this.expire(tsUs);
    const end = offset + data.length;
    let p = this.pending.get(key);
    if (end > this.maxDatagramBytes) {
      if (p) this.drop(p);
      this.stats.tooBig++;
      return FragmentResult.TooBig;
    }
    if (!p) {
      p = { key, pieces: [], total: -1, proto: -1, firstFrame: frame, firstTsUs: tsUs, cost: 0 };
      this.pending.set(key, p);
    }
    if (!more) {
      if (p.total >= 0 && p.total !== end) {
        this.drop(p);
        this.stats.inconsistent++;
        return FragmentResult.Inconsistent;
      }
      p.total = end;
    }
    if (p.total >= 0 && end > p.total) {
      this.drop(p);
      this.stats.inconsistent++;
      return FragmentResult.Inconsistent;
    }
    if (offset === 0) p.proto = proto;
    const cost = data.length + PIECE_OVERHEAD;
    p.pieces.push({ offset, bytes: data.slice() });
    p.cost += cost;
    this.pendingBytes += cost;
    if (p.total >= 0 && p.proto >= 0 && this.covered(p)) {
      this.assemble(p);
      this.drop(p);
      this.stats.completed++;
      return FragmentResult.Complete;
    }
    this.shrink(p);
    return FragmentResult.Pending;
  }

  /** Forgets everything (a new capture). */
  clear(): void {
    this.pending.clear();
    this.pendingBytes = 0;
  }

  private covered(p: Pending): boolean {
    const pieces = p.pieces.slice().sort((a, b) => a.offset - b.offset);
    let reach = 0;
    for (const piece of pieces) {
      if (piece.offset > reach) return false;
      const e = piece.offset + piece.bytes.length;
      if (e > reach) reach = e;
      if (reach >= p.total) return true;
    }
    return reach >= p.total;
  }

  private assemble(p: Pending): void {
    if (this.scratch.length < p.total) {
      let n = this.scratch.length;
      while (n < p.total) n *= 2;
      this.scratch = new Uint8Array(Math.min(n, Math.max(this.maxDatagramBytes, p.total)));
    }
    // Latest first, so the bytes that arrived first overwrite any overlap and win.
    for (let i = p.pieces.length - 1; i >= 0; i--) this.scratch.set(p.pieces[i].bytes, p.pieces[i].offset);
    const r = this.result;
    r.data = this.scratch;
    r.length = p.total;
    r.fragments = p.pieces.length;
    r.firstFrame = p.firstFrame;
    r.firstTsUs = p.firstTsUs;
    r.proto = p.proto;
  }

  private drop(p: Pending): void {
    if (this.pending.get(p.key) === p) this.pending.delete(p.key);
    this.pendingBytes -= p.cost;
  }

  /** Evicts the oldest datagrams (never the one just added to) while over the memory bound. */
  private shrink(keep: Pending): void {
    if (this.pendingBytes <= this.maxPendingBytes) return;
    for (const p of this.pending.values()) {
      if (this.pendingBytes <= this.maxPendingBytes) break;
      if (p === keep) continue;
      this.drop(p);
      this.stats.evicted++;
    }
    if (this.pendingBytes > this.maxPendingBytes) {
      this.drop(keep);
      this.stats.evicted++;
    }
  }

  private expire(nowUs: number): void {
    for (const p of this.pending.values()) {
      if (nowUs - p.firstTsUs <= this.maxAgeUs) break;
      this.drop(p);
      this.stats.expired++;
    }
  }
}
