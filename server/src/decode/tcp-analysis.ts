// TCP sequence analysis that agrees with Wireshark's tcp.analysis.* flags: checked against TShark 4.0.17 on the
// scenarios of test/unit/tcp-analysis.test.ts and on random conversations (see that file).
//
// Per conversation (the 4-tuple, either direction) and per direction, the state Wireshark's
// tcp_analyze_sequence_number keeps: next expected sequence number (and the frame/time that set it), the highest
// contiguous sequence number to be acked, last ACK and its time, last window, window scale, duplicate-ACK counter and
// the last non-duplicate ACK frame, the analysis flags of the last segment. The rules run in Wireshark's order:
//   1. zero window probe (then straight to 5) / zero window / previous segment not captured (not on RST) /
//      keep-alive / window update / window full / keep-alive ACK (then 5) / zero window probe ACK (then 5) /
//      duplicate ACK (numbered; refFrame = the last frame that changed the ACK number);
//   5. ACKed unseen segment;
//   6. for segments carrying data, SYN or FIN, unless a keep-alive: spurious retransmission (all its data already
//      ACKed by the other side) / fast retransmission (the other side sent >= 2 duplicate ACKs for exactly this seq,
//      the last within 20 ms) / out-of-order (seq below nextseq, within the handshake RTT, or 3 ms without one, of
//      the segment that set nextseq, and not ending exactly at nextseq) / retransmission (seq below nextseq).
// As in Wireshark's display, fast and spurious retransmissions carry the Retransmission bit too (the
// tcp.analysis.retransmission filter matches them). Quirks of 4.0.17 kept on purpose, because tshark shows them:
// SYN windows are never scaled; a next sequence number of 0 reads as "unknown"; "ACKed unseen" parks the other
// side's duplicate-ACK counter at -1, which the unsigned fast-retransmission test then reads as ">= 2".
// Port reuse as Wireshark: a SYN whose sequence number is not the ISN seen for that direction starts a new
// conversation (flag ReusedPorts, new stream number); a SYN/ACK with another ISN is flagged ReusedPorts too. A SYN
// after FIN/RST is therefore a new conversation, a resent SYN (same ISN) a retransmission.
//
// Memory: per conversation a fixed set of numbers plus, per direction that sends data, a small ring of the most
// recent segments (to name the frame that first carried retransmitted data). Conversations live in a least-recently
// used list: when the least recently used one is closed (RST, or FIN both ways) and silent for `closedTimeoutUs`, or
// silent for `idleTimeoutUs`, or there are more than `maxConversations`, it is forgotten (a later segment of it
// starts afresh, as at the start of a capture).
// Hot path: two Map lookups by number, no strings, no objects per segment (the input and result objects are reused).
import { TcpFlag } from '../model';
import { IpProto, type DecodedFrame } from './net';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const TWO32 = 4294967296;

/** One TCP segment as the analyzer needs it. Reuse one object for all segments (`newTcpSegment`). */
export interface TcpSegment {
  frame: number;
  tsUs: number;
  /** Endpoint keys (`endpointKey(addressId, port)`): equal endpoints must give equal keys. */
  srcKey: number;
  dstKey: number;
  /** Raw sequence and acknowledgement numbers (uint32). */
  seq: number;
  ack: number;
  /** TCP flags byte (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, ...). */
  flags: number;
  /** Raw (unscaled) window field. */
  win: number;
  /** Window scale option shift, -1 when the segment has none. */
  windowScale: number;
  /** Payload length on the wire (IP length minus headers). */
  len: number;
}

export function newTcpSegment(): TcpSegment {
  return { frame: 0, tsUs: 0, srcKey: 0, dstKey: 0, seq: 0, ack: 0, flags: 0, win: 0, windowScale: -1, len: 0 };
}

/** A number naming one endpoint: address id (IPv4 uint32, or a NetDecoder IPv6 id below 2^37) and port. */
export function endpointKey(addressId: number, port: number): number {
  return addressId * 65536 + port;
}

/** Fills `seg` from a decoded TCP frame; false when the frame carries no decoded TCP header. */
export function segmentFromFrame(d: DecodedFrame, seg: TcpSegment): boolean {
  if (d.l4 !== IpProto.TCP) return false;
  seg.frame = d.frame;
  seg.tsUs = d.tsUs;
  seg.srcKey = d.srcAddr * 65536 + d.srcPort;
  seg.dstKey = d.dstAddr * 65536 + d.dstPort;
  seg.seq = d.tcpSeq;
  seg.ack = d.tcpAck;
  seg.flags = d.tcpFlags;
  seg.win = d.tcpWin;
  seg.windowScale = d.tcpWscale;
  seg.len = d.payloadLen;
  return true;
}

/** What the analyzer says about one segment. Reused: read it before the next `analyze`. */
export interface TcpAnalysis {
  /** TcpFlag bits. */
  flags: number;
  /**
   * Duplicate ACK: the frame it duplicates (Wireshark's tcp.analysis.duplicate_ack_frame).
   * Retransmission / fast / spurious / out-of-order: the first captured frame carrying this segment's first byte
   * (or SYN/FIN), when still remembered; else the frame that last advanced the sequence number. 0 otherwise.
   */
  refFrame: number;
  /** Capture time of `refFrame` (microseconds), 0 when there is none. */
  refTsUs: number;
  /** Duplicate ACK number (#1, #2, ... as Wireshark's tcp.analysis.duplicate_ack_num), 0 otherwise. */
  dupAckNum: number;
  /** Conversation index in order of first appearance, from 0 (Wireshark's tcp.stream). */
  stream: number;
  /** The conversation's slots for the caller's per-direction state (stream reassembly): forgotten with it. */
  slots: ConversationSlots | null;
  /** The segment goes from the lower endpoint key to the higher (slot `a`), else the other way (slot `b`). */
  forward: boolean;
}

/** Per-direction state a caller keeps with a conversation. */
export interface ConversationSlots {
  appA: unknown;
  appB: unknown;
}

export interface TcpAnalyzerOptions {
  /** Most conversations kept (least recently used are forgotten first). Default 100,000. */
  maxConversations?: number;
  /** Capture time a closed conversation (RST, or FIN both ways) is kept after its last segment. Default 120 s. */
  closedTimeoutUs?: number;
  /** Capture time an open but silent conversation is kept. Default 1 hour. */
  idleTimeoutUs?: number;
  /** Recent segments remembered per direction to find the first transmission (4..1024, default 32). */
  historySize?: number;
}

/** Wireshark's internal "zero window probe ACK" (no TcpFlag bit of its own; it only changes the rule flow). */
const ZWP_ACK = 1 << 30;

class Flow {
  baseSet = false;
  baseSeq = 0;
  /** 0 = unknown, as in Wireshark (a real next sequence number of 0 reads as unknown there too). */
  nextseq = 0;
  nextseqFrame = 0;
  nextseqTime = 0;
  maxseqtobeacked = 0;
  lastack = 0;
  lastackTime = 0;
  window = 0xffffffff;
  /** -1 unknown, -2 not used, else the shift. */
  winScale = -1;
  dupacknum = 0;
  lastnondupack = 0;
  lastSegmentFlags = 0;
  /** The last segment of this direction was a SYN (its window is unscaled). */
  lastSyn = false;
  fin = false;
  /** Ring of recent segments: [seq, end, frame, tsUs] per entry, oldest at `head`. */
  ring: Float64Array | null = null;
  ringHead = 0;
  ringLen = 0;
}

class Conversation {
  readonly a = new Flow(); // sent by the lower endpoint key
  readonly b = new Flow();
  mruSynUs = 0;
  firstRttUs = 0;
  closed = false;
  lastUs = 0;
  prev: Conversation | null = null;
  next: Conversation | null = null;
  appA: unknown = null;
  appB: unknown = null;
  /** Next conversation in the same hash bucket. */
  bucketNext: Conversation | null = null;
  constructor(
    readonly lowKey: number,
    readonly highKey: number,
    readonly stream: number,
  ) {}
}

/** A 30-bit hash of two endpoint keys (integers below 2^53): a small integer, the fastest kind of Map key. */
function bucketOf(lowKey: number, highKey: number): number {
  let h = Math.imul((lowKey >>> 0) ^ Math.imul((lowKey / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (highKey >>> 0) ^ Math.imul((highKey / 4294967296) | 0, 0xc2b2ae35), 0x27d4eb2f);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** seq-space comparisons (RFC 1982 style, 32 bits) */
function gtSeq(x: number, y: number): boolean {
  return ((y - x) | 0) < 0;
}
function ltSeq(x: number, y: number): boolean {
  return ((x - y) | 0) < 0;
}
function leSeq(x: number, y: number): boolean {
  return ((x - y) | 0) <= 0;
}

export class TcpAnalyzer {
  /** Conversations by a 30-bit hash of the endpoint keys (small-integer Map keys), chained on collision. */
  private readonly buckets = new Map<number, Conversation>();
  private count = 0;
  private streams = 0;
  private head: Conversation | null = null; // least recently used
  private tail: Conversation | null = null;
  private readonly maxConversations: number;
  private readonly closedTimeoutUs: number;
  private readonly idleTimeoutUs: number;
  private readonly historySize: number;
  /** Conversations forgotten because of the cap or the timeouts. */
  evicted = 0;
  readonly result: TcpAnalysis = { flags: 0, refFrame: 0, refTsUs: 0, dupAckNum: 0, stream: 0, slots: null, forward: true };

  constructor(opts: TcpAnalyzerOptions = {}) {
    this.maxConversations = Math.max(1, opts.maxConversations ?? 100_000);
    this.closedTimeoutUs = opts.closedTimeoutUs ?? 120_000_000;
    this.idleTimeoutUs = opts.idleTimeoutUs ?? 3_600_000_000;
    this.historySize = Math.min(1024, Math.max(4, opts.historySize ?? 32));
  }

  /** Conversations currently tracked. */
  get conversationCount(): number {
    return this.count;
  }

  /** Forgets every conversation (a new capture): stream numbers start again from 0. */
  clear(): void {
    this.buckets.clear();
    this.count = 0;
    this.streams = 0;
    this.evicted = 0;
    this.head = this.tail = null;
  }

  /** Analyses one segment (in capture order). The returned object is reused. */
  analyze(seg: TcpSegment): TcpAnalysis {
    const { seq, ack, flags, len } = seg;
    const win = seg.win;
    const now = seg.tsUs;
    const forward = seg.srcKey <= seg.dstKey;
    const lowKey = forward ? seg.srcKey : seg.dstKey;
    const highKey = forward ? seg.dstKey : seg.srcKey;
    let f = 0;

    let conv = this.find(lowKey, highKey);
    if (conv === null) {
      conv = this.create(lowKey, highKey);
    } else {
      const cf = forward ? conv.a : conv.b;
      if ((flags & (SYN | ACK)) === SYN && cf.baseSet && seq !== cf.baseSeq) {
        // A new connection on the same ports (a SYN with another ISN): a new conversation.
        this.remove(conv);
        conv = this.create(lowKey, highKey);
        f |= TcpFlag.ReusedPorts;
      } else if ((flags & (SYN | ACK)) === (SYN | ACK) && cf.baseSet && seq !== cf.baseSeq) {
        f |= TcpFlag.ReusedPorts;
      }
    }
    this.touch(conv, now);
    const fwd = forward ? conv.a : conv.b;
    const rev = forward ? conv.b : conv.a;
    const r = this.result;
    r.refFrame = 0;
    r.refTsUs = 0;
    r.dupAckNum = 0;
    r.stream = conv.stream;
    r.slots = conv;
    r.forward = forward;

    if (!fwd.baseSet) {
      fwd.baseSeq = flags & SYN ? seq : (seq - 1) >>> 0;
      fwd.baseSet = true;
    }
    if (!rev.baseSet && flags & ACK) {
      rev.baseSeq = (ack - 1) >>> 0;
      rev.baseSet = true;
    }

    const noSfr = (flags & (SYN | FIN | RST)) === 0;
    analysis: {
      // ZERO WINDOW PROBE: exactly one byte at the next expected seq while the other side's window is 0.
      if (len === 1 && seq === fwd.nextseq && rev.window === 0) {
        f |= TcpFlag.ZeroWindowProbe;
        break analysis;
      }
      // ZERO WINDOW
      if (win === 0 && noSfr) f |= TcpFlag.ZeroWindow;
      // PREVIOUS SEGMENT NOT CAPTURED: beyond the next expected seq (RST excepted).
      if (fwd.nextseq !== 0 && gtSeq(seq, fwd.nextseq) && (flags & RST) === 0) f |= TcpFlag.LostSegment;
      // KEEP-ALIVE: 0 or 1 byte starting one before the next expected seq.
      if ((len === 0 || len === 1) && seq === ((fwd.nextseq - 1) >>> 0) && noSfr) f |= TcpFlag.KeepAlive;
      // WINDOW UPDATE: no data, same seq/ack, another (non-zero) window.
      if (len === 0 && win !== 0 && win !== fwd.window && seq === fwd.nextseq && ack === fwd.lastack && noSfr) {
        f |= TcpFlag.WindowUpdate;
      }
      // WINDOW FULL: data reaching exactly the right edge of the other side's advertised window.
      if (len > 0 && rev.winScale !== -1 && noSfr) {
        // the window of a SYN is never scaled
        const shift = rev.lastSyn || rev.winScale === -2 ? 0 : rev.winScale;
        const edge = (rev.lastack + rev.window * (1 << shift)) % TWO32;
        if ((seq + len) % TWO32 === edge) f |= TcpFlag.WindowFull;
      }
      const sameAck = len === 0 && seq === fwd.nextseq && ack === fwd.lastack && noSfr;
      // KEEP-ALIVE ACK: repeats the last ACK after a keep-alive from the other side.
      if (sameAck && win !== 0 && win === fwd.window && rev.lastSegmentFlags & TcpFlag.KeepAlive) {
        f |= TcpFlag.KeepAliveAck;
        break analysis;
      }
      // ZERO WINDOW PROBE ACK
      if (sameAck && win === 0 && fwd.window === 0 && rev.lastSegmentFlags & TcpFlag.ZeroWindowProbe) {
        f |= ZWP_ACK;
        break analysis;
      }
      // DUPLICATE ACK: no data, same seq, ack and (non-zero) window as the previous segment.
      if (sameAck && win !== 0 && win === fwd.window) {
        fwd.dupacknum = fwd.dupacknum === -1 ? 1 : fwd.dupacknum + 1;
        f |= TcpFlag.DuplicateAck;
        r.dupAckNum = fwd.dupacknum;
        r.refFrame = fwd.lastnondupack;
      }
    }
    // A new ACK number resets the duplicate-ACK count.
    if (ack !== fwd.lastack) {
      fwd.lastnondupack = seg.frame;
      fwd.dupacknum = 0;
    }
    // ACKED UNSEEN SEGMENT: acks beyond the highest contiguous seq seen from the other side.
    // When the other side has sent beyond its contiguous part, move the mark there and flag; otherwise flag once
    // (the other side's duplicate-ACK counter is parked at -1 until it sends a new ACK). This is what tshark 4.0.17
    // does, sequence-space comparison included (checked across the 2^32 wrap).
    if (rev.maxseqtobeacked !== 0 && gtSeq(ack, rev.maxseqtobeacked) && flags & ACK) {
      if (gtSeq(rev.nextseq, rev.maxseqtobeacked)) {
        rev.maxseqtobeacked = rev.nextseq;
        f |= TcpFlag.AckedUnseen;
      } else {
        if (rev.dupacknum === 0) f |= TcpFlag.AckedUnseen;
        rev.dupacknum = -1;
      }
    }

    // RETRANSMISSION / SPURIOUS / FAST RETRANSMISSION / OUT-OF-ORDER: data (or SYN/FIN) not advancing nextseq.
    // Wireshark shows tcp.analysis.retransmission on fast and spurious retransmissions too: so do these flags.
    const carries = len > 0 || (flags & (SYN | FIN)) !== 0;
    if (carries && (f & TcpFlag.KeepAlive) === 0) {
      let notAdvanced = fwd.nextseq !== 0 && ltSeq(seq, fwd.nextseq);
      // More than one byte starting one before nextseq: new data after a zero window probe.
      if (len > 1 && ((fwd.nextseq - 1) >>> 0) === seq) notAdvanced = false;
      const sinceDupAck = now - rev.lastackTime;
      const sinceNext = now - fwd.nextseqTime;
      const oooThreshold = conv.firstRttUs !== 0 ? conv.firstRttUs : 3000;
      const synFin = flags & (SYN | FIN) ? 1 : 0;
      if (len > 0 && rev.lastack !== 0 && leSeq((seq + len) % TWO32, rev.lastack)) {
        // all its data was already acknowledged by the other side
        f |= TcpFlag.SpuriousRetransmission | TcpFlag.Retransmission;
      } else if (
        notAdvanced &&
        (rev.dupacknum >= 2 || rev.dupacknum === -1) &&
        rev.lastack === seq &&
        sinceDupAck >= 0 &&
        sinceDupAck < 20000
      ) {
        // >= 2 duplicate ACKs for this seq, and within 20 ms of the last one. The counter is unsigned in Wireshark,
        // so the -1 parked by "ACKed unseen segment" counts as >= 2 there (tshark 4.0.17 agrees): so here.
        f |= TcpFlag.FastRetransmission | TcpFlag.Retransmission;
      } else if (
        notAdvanced &&
        sinceNext >= 0 &&
        sinceNext < oooThreshold &&
        fwd.nextseq !== (seq + len + synFin) % TWO32
      ) {
        // soon after the highest segment (within the handshake RTT, or 3 ms), and not simply the last one again
        f |= TcpFlag.OutOfOrder;
      } else if (notAdvanced) {
        f |= TcpFlag.Retransmission;
      }
    }

    // Bookkeeping, as Wireshark does after the checks.
    const endSeq = (seq + len + (flags & (SYN | FIN) ? 1 : 0)) % TWO32;
    const isRetrans =
      (f &
        (TcpFlag.Retransmission |
          TcpFlag.FastRetransmission |
          TcpFlag.SpuriousRetransmission |
          TcpFlag.OutOfOrder)) !==
      0;
    if (isRetrans) this.findFirst(fwd, seq, r);
    if (carries) this.remember(fwd, seq, endSeq, seg.frame, now, isRetrans);
    const zwp = (f & TcpFlag.ZeroWindowProbe) !== 0;
    if (gtSeq(endSeq, fwd.nextseq) || fwd.nextseq === 0) {
      if (!zwp) {
        fwd.nextseq = endSeq;
        fwd.nextseqFrame = seg.frame;
        fwd.nextseqTime = now;
      }
    }
    if (seq === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) {
      if (!zwp) fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = win;
    fwd.lastack = ack;
    fwd.lastackTime = now;
    fwd.lastSegmentFlags = f;
    fwd.lastSyn = (flags & SYN) !== 0;

    // Handshake bookkeeping (after the analysis, as in dissect_tcp): window scaling and the first RTT.
    if (seg.windowScale >= 0) fwd.winScale = seg.windowScale > 14 ? 14 : seg.windowScale;
    if (flags & SYN) {
      if (fwd.winScale === -1) {
        fwd.winScale = -2;
        rev.winScale = -2;
      } else if (flags & ACK && rev.winScale === -2) {
        fwd.winScale = -2;
      }
      if ((flags & ACK) === 0) conv.mruSynUs = now;
    }
    if ((flags & (SYN | ACK)) === ACK && conv.mruSynUs !== 0 && conv.firstRttUs === 0) {
      conv.firstRttUs = now - conv.mruSynUs;
    }
    if (flags & RST) conv.closed = true;
    if (flags & FIN) {
      fwd.fin = true;
      if (rev.fin) conv.closed = true;
    }

    r.flags = f & ~ZWP_ACK;
    return r;
  }

  private find(lowKey: number, highKey: number): Conversation | null {
    let c = this.buckets.get(bucketOf(lowKey, highKey)) ?? null;
    while (c !== null && (c.lowKey !== lowKey || c.highKey !== highKey)) c = c.bucketNext;
    return c;
  }

  private create(lowKey: number, highKey: number): Conversation {
    const c = new Conversation(lowKey, highKey, this.streams++);
    const h = bucketOf(lowKey, highKey);
    c.bucketNext = this.buckets.get(h) ?? null;
    this.buckets.set(h, c);
    this.count++;
    // append as most recently used
    c.prev = this.tail;
    if (this.tail) this.tail.next = c;
    else this.head = c;
    this.tail = c;
    return c;
  }

  private remove(c: Conversation): void {
    const h = bucketOf(c.lowKey, c.highKey);
    let b = this.buckets.get(h) ?? null;
    if (b === c) {
      if (c.bucketNext) this.buckets.set(h, c.bucketNext);
      else this.buckets.delete(h);
    } else {
      while (b !== null && b.bucketNext !== c) b = b.bucketNext;
      if (b !== null) b.bucketNext = c.bucketNext;
    }
    c.bucketNext = null;
    if (c.prev) c.prev.next = c.next;
    else this.head = c.next;
    if (c.next) c.next.prev = c.prev;
    else this.tail = c.prev;
    c.prev = c.next = null;
    this.count--;
  }

  /** Marks `c` most recently used and forgets conversations past their time or over the cap. */
  private touch(c: Conversation, now: number): void {
    c.lastUs = now;
    if (this.tail !== c) {
      // unlink
      if (c.prev) c.prev.next = c.next;
      else this.head = c.next;
      if (c.next) c.next.prev = c.prev;
      // append
      c.prev = this.tail;
      c.next = null;
      if (this.tail) this.tail.next = c;
      this.tail = c;
    }
    let h = this.head;
    while (h !== null && h !== c) {
      const limit = h.closed ? this.closedTimeoutUs : this.idleTimeoutUs;
      if (this.count <= this.maxConversations && now - h.lastUs <= limit) break;
      const next = h.next;
      this.remove(h);
      this.evicted++;
      h = next;
    }
  }

  /** The oldest remembered segment containing `seq` (the first transmission), else the frame that set nextseq. */
  private findFirst(fl: Flow, seq: number, r: TcpAnalysis): void {
    const ring = fl.ring;
    if (ring !== null) {
      const cap = ring.length >> 2;
      for (let i = 0; i < fl.ringLen; i++) {
        const k = ((fl.ringHead + i) % cap) * 4;
        if (leSeq(ring[k], seq) && ltSeq(seq, ring[k + 1])) {
          r.refFrame = ring[k + 2];
          r.refTsUs = ring[k + 3];
          return;
        }
      }
    }
    r.refFrame = fl.nextseqFrame;
    r.refTsUs = fl.nextseqTime;
  }

  /** Adds a segment to the ring (a retransmission only when no remembered segment already covers it). */
  private remember(fl: Flow, seq: number, end: number, frame: number, ts: number, retrans: boolean): void {
    let ring = fl.ring;
    if (ring === null) {
      ring = fl.ring = new Float64Array(4 * 4);
    } else if (retrans) {
      const cap = ring.length >> 2;
      for (let i = 0; i < fl.ringLen; i++) {
        const k = ((fl.ringHead + i) % cap) * 4;
        if (leSeq(ring[k], seq) && leSeq(end, ring[k + 1])) return;
      }
    }
    let cap = ring.length >> 2;
    if (fl.ringLen === cap && cap < this.historySize) {
      // grow (doubling up to historySize), keeping the order oldest first
      const grown = new Float64Array(Math.min(cap * 2, this.historySize) * 4);
      for (let i = 0; i < fl.ringLen; i++) {
        const k = ((fl.ringHead + i) % cap) * 4;
        grown.set(ring.subarray(k, k + 4), i * 4);
      }
      fl.ring = ring = grown;
      fl.ringHead = 0;
      cap = ring.length >> 2;
    }
    let k: number;
    if (fl.ringLen < cap) {
      k = ((fl.ringHead + fl.ringLen) % cap) * 4;
      fl.ringLen++;
    } else {
      k = fl.ringHead * 4;
      fl.ringHead = (fl.ringHead + 1) % cap;
    }
    ring[k] = seq;
    ring[k + 1] = end;
    ring[k + 2] = frame;
    ring[k + 3] = ts;
  }
}
