// Network messages as numbers, for the rules thread (rules-thread.ts): the reading thread writes each NetMessage into
// a batch of float64 values, the rules thread reads it back into an equivalent message. Strings go by number: each
// distinct string is sent once (with the batch that first uses it) and both sides keep the same table, cleared
// together when it grows past a bound (a capture of unique Call-IDs must not grow it without end).
//
// What is kept is everything the rule families read: kind, location (source, line, frame, columns), time, dated,
// addresses, ports, transport, label, MACs, and the SIP, SCCP, TCP and ARP fields. A label the message has not made
// yet (capture and trace messages make theirs on first use) is not sent: the rebuilt message makes it from the same
// fields with the same function. Alarms are not sent: their rules stay on the reading thread.
//
// A capture's SIP and SCCP messages over TCP (most of a capture's messages) go as their frame's numbers and the
// message's bytes instead (`pdu`): the rules thread parses them, with the same parser, into the message the capture
// reader would have made. The reading thread then neither parses them nor makes strings for them.

import type { NetMessage, SccpInfo, SipInfo, SourceLocation, TcpInfo } from '../model';
import { CaptureMessage, FrameTcp } from '../sources/capture';
import type { DecodedFrame } from '../decode/net';
import { IPV6_ID_BASE, ipv4String, macString } from '../decode/net';
import { parseSipBytes } from '../decode/sip';
import { parseSccp } from '../decode/sccp';
import { ByteInterner } from '../decode/intern';

/** Values per batch (256 KiB), and bytes of messages sent as bytes. */
const BATCH_VALUES = 32 * 1024;
const BATCH_BYTES = 512 * 1024;
/** The most values one message takes (header, location, addresses, SIP, SCCP, TCP, ARP), rounded up. */
const MAX_MESSAGE_VALUES = 96;
/** Strings kept in the table before both sides start a new one. */
const STRING_TABLE_LIMIT = 1 << 17;

const KINDS: readonly NetMessage['kind'][] = ['sip', 'sccp', 'tcp', 'arp', 'tls'];
const KIND_CODE: Readonly<Record<NetMessage['kind'], number>> = { sip: 0, sccp: 1, tcp: 2, arp: 3, tls: 4 };

// header bits
const DATED = 1 << 3;
const TRANSPORT_SHIFT = 4; // 2 bits: 0 none, 1 tcp, 2 udp
const HAS_COL = 1 << 6;
const HAS_END_COL = 1 << 7;
const HAS_LABEL = 1 << 8;
const SRC_MAC_SHIFT = 9; // 2 bits: 0 absent, 1 number (48-bit), 2 string
const DST_MAC_SHIFT = 11;
const HAS_SIP = 1 << 13;
const HAS_SCCP = 1 << 14;
const HAS_TCP = 1 << 15;
const HAS_ARP = 1 << 16;
const HAS_REF_FRAME = 1 << 17;
/** A message sent as its frame's numbers and its bytes (`pdu`). */
const PDU = 1 << 18;
/** The address is an IPv4 address as a number (else a string id). */
const SRC_V4 = 1 << 19;
const DST_V4 = 1 << 20;

// SIP fields, in the order they are written (a bit each in the SIP mask)
const SIP_STRING = 0, SIP_NUMBER = 1, SIP_BOOLEAN = 2;
const SIP_FIELDS: readonly (readonly [keyof SipInfo, number])[] = [
  ['method', SIP_STRING], ['status', SIP_NUMBER], ['reasonPhrase', SIP_STRING], ['requestUri', SIP_STRING], ['callId', SIP_STRING],
  ['cseq', SIP_NUMBER], ['cseqMethod', SIP_STRING], ['expires', SIP_NUMBER], ['contactExpires', SIP_NUMBER], ['device', SIP_STRING],
  ['ciscoKeepAlive', SIP_BOOLEAN], ['userAgent', SIP_STRING], ['bodyLength', SIP_NUMBER], ['bindings', SIP_NUMBER], ['aor', SIP_STRING],
];

/** A capture message's MACs as numbers, and a lazily made label: the shape the encoder looks for. */
interface MacNumbers {
  readonly srcMacN?: number;
  readonly dstMacN?: number;
}
interface LazyLabel {
  labelIfMade?(): string | undefined;
}

/** One batch: `values` holds `count` messages; `strings` are the table's new entries, in order; `reset` clears the
 * table before they are added. */
export interface WireBatch {
  readonly values: Float64Array;
  /** The bytes of the messages sent as bytes (null when none). */
  readonly bytes: Uint8Array | null;
  readonly count: number;
  readonly strings: string[];
  readonly reset: boolean;
}

export class MessageEncoder {
  private readonly ids = new Map<string, number>();
  private values = new Float64Array(BATCH_VALUES);
  private pos = 0;
  private bytes: Uint8Array | null = null;
  private bpos = 0;
  private count = 0;
  private strings: string[] = [];
  private reset = false;

  /** `send` takes each full batch (its buffers are not used again here: they may be transferred). `tableLimit`: the
   * strings kept before both sides start a new table (tests lower it). */
  constructor(private readonly send: (b: WireBatch) => void, private readonly tableLimit = STRING_TABLE_LIMIT) {}

  private str(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.strings.push(s);
    }
    return id;
  }

  /** A string or undefined: -1 for undefined. */
  private opt(s: string | undefined): number {
    return s === undefined ? -1 : this.str(s);
  }

  push(m: NetMessage): void {
    if (this.pos + MAX_MESSAGE_VALUES > BATCH_VALUES) this.flush();
    const v = this.values;
    let p = this.pos;
    const at = p++;
    let h = KIND_CODE[m.kind];
    if (m.dated) h |= DATED;
    h |= (m.transport === 'tcp' ? 1 : m.transport === 'udp' ? 2 : 0) << TRANSPORT_SHIFT;
    const loc = m.loc;
    v[p++] = loc.source;
    v[p++] = loc.line === null ? NaN : loc.line;
    v[p++] = loc.frame === null ? NaN : loc.frame;
    if (loc.col !== undefined) {
      h |= HAS_COL;
      v[p++] = loc.col;
    }
    if (loc.endCol !== undefined) {
      h |= HAS_END_COL;
      v[p++] = loc.endCol;
    }
    v[p++] = m.time;
    v[p++] = this.str(m.src);
    v[p++] = this.str(m.dst);
    v[p++] = m.srcPort;
    v[p++] = m.dstPort;
    const lazy = (m as LazyLabel).labelIfMade;
    const label = typeof lazy === 'function' ? lazy.call(m) : m.label;
    if (label !== undefined) {
      h |= HAS_LABEL;
      v[p++] = this.str(label);
    }
    const n = m as MacNumbers;
    if (n.srcMacN !== undefined) {
      if (n.srcMacN >= 0) {
        h |= 1 << SRC_MAC_SHIFT;
        v[p++] = n.srcMacN;
      }
      if (n.dstMacN! >= 0) {
        h |= 1 << DST_MAC_SHIFT;
        v[p++] = n.dstMacN!;
      }
    } else {
      if (m.srcMac !== undefined) {
        h |= 2 << SRC_MAC_SHIFT;
        v[p++] = this.str(m.srcMac);
      }
      if (m.dstMac !== undefined) {
        h |= 2 << DST_MAC_SHIFT;
        v[p++] = this.str(m.dstMac);
      }
    }
    const sip = m.sip;
    if (sip) {
      h |= HAS_SIP;
      const maskAt = p++;
      let mask = 0;
      for (let i = 0; i < SIP_FIELDS.length; i++) {
        const f = SIP_FIELDS[i]!;
        const x = sip[f[0]];
        if (x === undefined) continue;
        mask |= 1 << i;
        v[p++] = f[1] === SIP_STRING ? this.str(x as string) : f[1] === SIP_BOOLEAN ? (x ? 1 : 0) : (x as number);
      }
      v[maskAt] = mask;
    }
    const sccp = m.sccp;
    if (sccp) {
      h |= HAS_SCCP;
      v[p++] = sccp.id;
      v[p++] = this.str(sccp.name);
      v[p++] = sccp.keepAliveInterval === undefined ? NaN : sccp.keepAliveInterval;
      v[p++] = sccp.secondaryKeepAliveInterval === undefined ? NaN : sccp.secondaryKeepAliveInterval;
      v[p++] = (sccp.keepAliveInterval === undefined ? 0 : 1) | (sccp.secondaryKeepAliveInterval === undefined ? 0 : 2);
      v[p++] = this.opt(sccp.device);
    }
    const tcp = m.tcp;
    if (tcp) {
      h |= HAS_TCP;
      v[p++] = tcp.seq;
      v[p++] = tcp.ack;
      v[p++] = tcp.len;
      v[p++] = tcp.flags;
      v[p++] = tcp.win;
      v[p++] = tcp.analysis;
      if (tcp.refFrame !== undefined) {
        h |= HAS_REF_FRAME;
        v[p++] = tcp.refFrame;
      }
    }
    const arp = m.arp;
    if (arp) {
      h |= HAS_ARP;
      v[p++] = arp.op;
      v[p++] = this.str(arp.senderMac);
      v[p++] = this.str(arp.senderIp);
      v[p++] = this.str(arp.targetMac);
      v[p++] = this.str(arp.targetIp);
    }
    v[at] = h;
    this.pos = p;
    this.count++;
  }

  /** A SIP (`sccp` false) or SCCP message the capture reader found in a TCP segment: the frame being decoded, its
   * addresses (`addr` makes an IPv6 address's string), the segment's analysis flags and reference frame, and the
   * message's bytes. */
  pdu(source: number, sccp: boolean, d: DecodedFrame, addr: (id: number) => string, analysis: number, refFrame: number, msg: Uint8Array): void {
    if (this.pos + MAX_MESSAGE_VALUES > BATCH_VALUES || (this.bytes !== null && this.bpos + msg.length > this.bytes.length)) this.flush();
    if (this.bytes === null) this.bytes = new Uint8Array(Math.max(BATCH_BYTES, msg.length));
    const v = this.values;
    let p = this.pos;
    const at = p++;
    let h = PDU | (sccp ? 1 : 0);
    v[p++] = source;
    v[p++] = d.frame;
    v[p++] = d.tsUs;
    if (d.srcAddr >= 0 && d.srcAddr < IPV6_ID_BASE) {
      h |= SRC_V4;
      v[p++] = d.srcAddr;
    } else v[p++] = this.str(addr(d.srcAddr));
    if (d.dstAddr >= 0 && d.dstAddr < IPV6_ID_BASE) {
      h |= DST_V4;
      v[p++] = d.dstAddr;
    } else v[p++] = this.str(addr(d.dstAddr));
    v[p++] = d.srcPort;
    v[p++] = d.dstPort;
    v[p++] = d.srcMac;
    v[p++] = d.dstMac;
    v[p++] = d.tcpSeq;
    v[p++] = d.tcpAck;
    v[p++] = d.payloadLen;
    v[p++] = d.tcpFlags;
    v[p++] = d.tcpWin;
    v[p++] = analysis;
    v[p++] = refFrame;
    v[p++] = msg.length;
    this.bytes.set(msg, this.bpos);
    this.bpos += msg.length;
    v[at] = h;
    this.pos = p;
    this.count++;
  }

  /** Sends what is pending (if anything). */
  flush(): void {
    if (this.count === 0) return;
    this.send({ values: this.values, bytes: this.bytes, count: this.count, strings: this.strings, reset: this.reset });
    this.values = new Float64Array(BATCH_VALUES);
    this.pos = 0;
    this.bytes = null;
    this.bpos = 0;
    this.count = 0;
    this.strings = [];
    this.reset = false;
    // a new table from the next batch on: both sides clear theirs at the same point of the stream
    if (this.ids.size > this.tableLimit) {
      this.ids.clear();
      this.reset = true;
    }
  }
}

/** A NetMessage rebuilt from a batch: the capture reader's own message class (its label, when it was not sent, made
 * on first use the same way), with MACs that may also come as strings (exports). */
class WireMessage extends CaptureMessage {
  srcMacS: string | undefined = undefined;
  dstMacS: string | undefined = undefined;
  override get srcMac(): string | undefined {
    return this.srcMacN >= 0 ? macString(this.srcMacN) : this.srcMacS;
  }
  override get dstMac(): string | undefined {
    return this.dstMacN >= 0 ? macString(this.dstMacN) : this.dstMacS;
  }
}

export class MessageDecoder {
  private table: string[] = [];
  /** For the messages sent as bytes: the capture reader's interner size and address strings. */
  private readonly intern = new ByteInterner(15);
  private readonly v4 = new Map<number, string>();

  private addr(v4: boolean, x: number): string {
    if (!v4) return this.table[x]!;
    let s = this.v4.get(x);
    if (s === undefined) {
      if (this.v4.size >= 65536) this.v4.clear();
      this.v4.set(x, (s = ipv4String(x)));
    }
    return s;
  }

  /** Calls `each` with every message of the batch, in order. */
  decode(b: WireBatch, each: (m: NetMessage) => void): void {
    if (b.reset) this.table = [];
    const t = this.table;
    for (const s of b.strings) t.push(s);
    const v = b.values;
    const bytes = b.bytes;
    let bp = 0;
    let p = 0;
    for (let k = 0; k < b.count; k++) {
      const h = v[p++]!;
      if (h & PDU) {
        // as the capture reader makes it (capture.ts: onPdu, message, tcpInfo)
        const source = v[p++]!, frame = v[p++]!, tsUs = v[p++]!;
        const src = this.addr((h & SRC_V4) !== 0, v[p++]!), dst = this.addr((h & DST_V4) !== 0, v[p++]!);
        const srcPort = v[p++]!, dstPort = v[p++]!, srcMac = v[p++]!, dstMac = v[p++]!;
        const tcp = new FrameTcp(v[p++]!, v[p++]!, v[p++]!, v[p++]!, v[p++]!, v[p++]!, v[p++]! || undefined);
        const n = v[p++]!;
        const off = bp;
        bp += n;
        let sip: SipInfo | undefined;
        let sccp: SccpInfo | undefined;
        if (h & 1) sccp = parseSccp(bytes!, off, n);
        else {
          const parsed = parseSipBytes(bytes!, off, off + n, this.intern);
          if (!parsed) continue; // (the reading thread sends only messages whose start line is SIP)
          sip = parsed;
        }
        const m = new WireMessage(sip ? 'sip' : 'sccp', { source, line: null, frame }, tsUs / 1000, Number.isFinite(tsUs), src, dst,
          srcPort < 0 ? NaN : srcPort, dstPort < 0 ? NaN : dstPort, 'tcp', sip, sccp, tcp);
        m.srcMacN = srcMac;
        m.dstMacN = dstMac;
        each(m);
        continue;
      }
      const source = v[p++]!, line = v[p++]!, frame = v[p++]!;
      const col = h & HAS_COL ? v[p++]! : undefined;
      const endCol = h & HAS_END_COL ? v[p++]! : undefined;
      const loc: SourceLocation = col === undefined && endCol === undefined
        ? { source, line: Number.isNaN(line) ? null : line, frame: Number.isNaN(frame) ? null : frame }
        : { source, line: Number.isNaN(line) ? null : line, frame: Number.isNaN(frame) ? null : frame, col, endCol };
      const time = v[p++]!;
      const src = t[v[p++]!]!, dst = t[v[p++]!]!;
      const srcPort = v[p++]!, dstPort = v[p++]!;
      const label = h & HAS_LABEL ? t[v[p++]!]! : undefined;
      const sm = (h >> SRC_MAC_SHIFT) & 3;
      const srcMac = sm !== 0 ? v[p++]! : -1;
      const dm = (h >> DST_MAC_SHIFT) & 3;
      const dstMac = dm !== 0 ? v[p++]! : -1;
      let sip: SipInfo | undefined;
      if (h & HAS_SIP) {
        const mask = v[p++]!;
        const o: Record<string, string | number | boolean> = {};
        for (let i = 0; i < SIP_FIELDS.length; i++) {
          if (!(mask & (1 << i))) continue;
          const f = SIP_FIELDS[i]!;
          const x = v[p++]!;
          o[f[0]] = f[1] === SIP_STRING ? t[x]! : f[1] === SIP_BOOLEAN ? x === 1 : x;
        }
        sip = o as SipInfo;
      }
      let sccp: SccpInfo | undefined;
      if (h & HAS_SCCP) {
        const id = v[p++]!, name = t[v[p++]!]!, ka = v[p++]!, ska = v[p++]!, has = v[p++]!, dev = v[p++]!;
        const o: { id: number; name: string; keepAliveInterval?: number; secondaryKeepAliveInterval?: number; device?: string } = { id, name };
        if (has & 1) o.keepAliveInterval = ka;
        if (has & 2) o.secondaryKeepAliveInterval = ska;
        if (dev >= 0) o.device = t[dev]!;
        sccp = o;
      }
      let tcp: TcpInfo | undefined;
      if (h & HAS_TCP) {
        const seq = v[p++]!, ack = v[p++]!, len = v[p++]!, flags = v[p++]!, win = v[p++]!, analysis = v[p++]!;
        tcp = new FrameTcp(seq, ack, len, flags, win, analysis, h & HAS_REF_FRAME ? v[p++]! : undefined);
      }
      const transport = (h >> TRANSPORT_SHIFT) & 3;
      const m = new WireMessage(KINDS[h & 7]!, loc, time, (h & DATED) !== 0, src, dst, srcPort, dstPort,
        transport === 1 ? 'tcp' : transport === 2 ? 'udp' : null, sip, sccp, tcp, label);
      if (sm === 1) m.srcMacN = srcMac;
      else if (sm === 2) m.srcMacS = t[srcMac]!;
      if (dm === 1) m.dstMacN = dstMac;
      else if (dm === 2) m.dstMacS = t[dstMac]!;
      if (h & HAS_ARP) {
        m.arp = { op: v[p++]!, senderMac: t[v[p++]!]!, senderIp: t[v[p++]!]!, targetMac: t[v[p++]!]!, targetIp: t[v[p++]!]! };
      }
      each(m);
    }
  }
}
