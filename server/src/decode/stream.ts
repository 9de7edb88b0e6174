// TCP stream reassembly for the application protocols we read (SIP, SCCP): per direction, bytes are put back in
// sequence order (retransmitted bytes dropped, out-of-order segments held until the gap fills, bounded), and cut
// into PDUs by a framer. A PDU belongs to the frame that carried its last byte, as in Wireshark. Retransmitted data
// is not framed again (as in Wireshark, whose SIP count leaves retransmitted segments out): the segment itself is
// reported by the TCP analysis, with the frame that first carried the data.

import { looksLikeSip, sipMessageLength } from './sip';
import { sccpPduLength } from './sccp';

export type AppProtocol = 'sip' | 'sccp';
/** > 0: a PDU of that length; 0: need more bytes; -1: not this protocol here. */
type Framer = (buf: Uint8Array, off: number, end: number) => number;

const FRAMERS: Record<AppProtocol, Framer> = { sip: sipMessageLength, sccp: sccpPduLength };
const MAX_BUFFER = 1 << 20;
const EMPTY = new Uint8Array(0);
const MAX_PENDING_SEGMENTS = 64;
const MAX_PENDING_BYTES = 512 * 1024;

export type PduHandler = (protocol: AppProtocol, bytes: Uint8Array, frame: number, tsUs: number) => void;

interface Pending {
  seq: number;
  data: Uint8Array;
  frame: number;
  tsUs: number;
}

/** One direction of one TCP connection. */
export class TcpDirection {
  private next: number | null = null;
  private buf = EMPTY;
  private start = 0;
  private end = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  /** Decided from the first bytes: null until then, 'none' when they are neither SIP nor SCCP. */
  protocol: AppProtocol | 'none' | null;
  /** Bytes skipped to find a PDU start again after a gap or garbage. */
  resyncBytes = 0;
  gaps = 0;
  /** Key of this direction in a capture's SegmentLog (correlation), -1 until first needed. */
  segKey = -1;

  constructor(private readonly onPdu: PduHandler, hint: AppProtocol | null) {
    this.protocol = hint;
  }

  syn(seq: number): void {
    this.next = (seq + 1) >>> 0;
    this.start = this.end = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** A segment with payload. `data` may be reused by the caller after the call returns. */
  segment(seq: number, data: Uint8Array, frame: number, tsUs: number): void {
    if (data.length === 0 || this.protocol === 'none') return;
    if (this.next === null) this.next = seq;
    const delta = (seq - this.next) | 0;
    if (delta > 0) {
      this.hold(seq, data, frame, tsUs);
      return;
    }
    if (delta < 0) {
      // data sent again: already framed once (Wireshark does not dissect it a second time either)
      if (delta + data.length <= 0) return;
      data = data.subarray(-delta);
    }
    this.append(data, frame, tsUs);
    if (this.pending.length) this.drainPending(false, frame, tsUs);
  }

  private append(data: Uint8Array, frame: number, tsUs: number): void {
    this.next = (this.next! + data.length) >>> 0;
    const protocol = this.protocol;
    if (this.start === this.end && protocol !== null && protocol !== 'none') {
      // nothing buffered: frame straight from the segment's bytes and keep only an incomplete tail
      const framer = FRAMERS[protocol];
      let off = 0;
      while (off < data.length) {
        const n = framer(data, off, data.length);
        if (n <= 0) break;
        this.onPdu(protocol, data.subarray(off, off + n), frame, tsUs);
        off += n;
      }
      if (off === data.length) return;
      data = data.subarray(off);
    }
    this.put(data);
    if (this.protocol === null) {
      // 12 bytes tell: every SIP start line is recognisable by then, and an SCCP header is complete
      if (this.end - this.start < 12) return;
      this.protocol = looksLikeSip(this.buf, this.start, this.end) ? 'sip' : sccpPduLength(this.buf, this.start, this.end) >= 0 ? 'sccp' : 'none';
      if (this.protocol === 'none') {
        this.start = this.end = 0;
        this.buf = new Uint8Array(0);
        return;
      }
    }
    this.frameOut(frame, tsUs);
  }

  private put(data: Uint8Array): void {
    const live = this.end - this.start;
    if (live + data.length > MAX_BUFFER) {
      // a PDU this large is not one of ours: drop what is buffered and look for a new start
      this.resyncBytes += live;
      this.start = this.end = 0;
      if (data.length > MAX_BUFFER) return;
    }
    if (this.end + data.length > this.buf.length) {
      const live2 = this.end - this.start;
      const size = Math.max(4096, (live2 + data.length) * 2);
      const nb = size > this.buf.length ? new Uint8Array(Math.min(size, MAX_BUFFER * 2)) : this.buf;
      nb.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = nb;
      this.end = live2;
      this.start = 0;
    }
    this.buf.set(data, this.end);
    this.end += data.length;
  }

  private frameOut(frame: number, tsUs: number): void {
    const framer = FRAMERS[this.protocol as AppProtocol];
    for (;;) {
      if (this.start >= this.end) {
        // nothing left: free the buffer (a connection idles between messages; thousands of them must not each
        // hold one)
        this.start = this.end = 0;
        this.buf = EMPTY;
        return;
      }
      const n = framer(this.buf, this.start, this.end);
      if (n > 0) {
        this.onPdu(this.protocol as AppProtocol, this.buf.subarray(this.start, this.start + n), frame, tsUs);
        this.start += n;
      } else if (n === 0) return;
      else if (!this.resync()) return;
    }
  }

  /** Skips to the next place a PDU could start; false when none is buffered yet. */
  private resync(): boolean {
    const from = this.start + 1;
    for (let i = from; i < this.end; i++) {
      const ok = this.protocol === 'sip' ? looksLikeSip(this.buf, i, this.end) : sccpPduLength(this.buf, i, this.end) >= 0;
      if (ok) {
        this.resyncBytes += i - this.start;
        this.start = i;
        return true;
      }
    }
    // keep a short tail: a start line may be split across segments
    const keep = Math.min(16, this.end - this.start);
    this.resyncBytes += this.end - this.start - keep;
    this.start = this.end - keep;
    return false;
  }

  private hold(seq: number, data: Uint8Array, frame: number, tsUs: number): void {
    if (this.pending.some((p) => p.seq === seq)) return;
    this.pending.push({ seq, data: data.slice(), frame, tsUs });
    this.pendingBytes += data.length;
    if (this.pending.length > MAX_PENDING_SEGMENTS || this.pendingBytes > MAX_PENDING_BYTES) {
      // the gap will not fill (the segment was not captured): give up on it and go on from the held data
      this.gaps++;
      this.pending.sort((a, b) => ((a.seq - b.seq) | 0));
      this.resyncBytes += this.end - this.start;
      this.start = this.end = 0;
      this.next = this.pending[0]!.seq;
      this.drainPending(true);
    }
  }

  /** Appends held segments that now fit. Their PDUs complete on the frame that filled the gap (`frame`), or on
   * their own frame after a gap was given up on. */
  private drainPending(afterGap: boolean, frame?: number, tsUs?: number): void {
    let progressed = true;
    let first = afterGap;
    while (progressed && this.pending.length) {
      progressed = false;
      for (let k = 0; k < this.pending.length; k++) {
        const p = this.pending[k]!;
        const delta = (p.seq - this.next!) | 0;
        if (delta > 0) continue;
        this.pending.splice(k, 1);
        this.pendingBytes -= p.data.length;
        if (delta + p.data.length > 0) {
          if (first && this.protocol !== null && this.protocol !== 'none') {
            // after a gap the data may start inside a PDU: frame from the next plausible start
            first = false;
            this.next = (this.next! + p.data.length + delta) >>> 0;
            this.put(p.data.subarray(-delta));
            if (this.start < this.end && (FRAMERS[this.protocol](this.buf, this.start, this.end) < 0)) this.resync();
            this.frameOut(p.frame, p.tsUs);
          } else this.append(delta < 0 ? p.data.subarray(-delta) : p.data, frame ?? p.frame, tsUs ?? p.tsUs);
        }
        progressed = true;
        break;
      }
    }
  }
}
