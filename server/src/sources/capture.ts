// Frames → messages: each frame is decoded (link, IP, TCP/UDP, ARP), TCP segments go through Wireshark-style
// sequence analysis and per-direction stream reassembly, and what matters for registration is kept as NetMessages:
// SIP (TCP or UDP, by content as well as port), SCCP, ARP, TLS records on 5061/2443, and TCP segments that open,
// close or reset a connection or carry an analysis flag. Plain data and ACK frames are counted, not kept.

import type { ArpInfo, NetMessage, SccpInfo, SipInfo, SourceLocation, TcpInfo } from '../model';
import type { RawFrame } from './frames';
import type { ProblemSink } from './text';
import { DecodedFrame, IpProto, L3, NetDecoder, NetStatus, macString, ipv4String } from '../decode/net';
import { TcpAnalyzer, newTcpSegment, segmentFromFrame } from '../decode/tcp-analysis';
import { TcpDirection } from '../decode/stream';
import type { AppProtocol } from '../decode/stream';
import { isSipStartLine, looksLikeSip, parseSipBytes } from '../decode/sip';
import type { MessageEncoder } from '../analysis/wire';
import { netLabel } from '../decode/labels';
import { ByteInterner } from '../decode/intern';
import { parseSccp } from '../decode/sccp';
import type { SegmentLog } from '../analysis/segments';

const FIN = 1, SYN = 2, RST = 4;
const SIP_PORTS = new Set([5060]);
const SCCP_PORTS = new Set([2000]);
const TLS_PORTS = new Set([5061, 2443]);


/** A message decoded from a capture. Its Info column text (`label`) is made on first use: most messages of a large
 * capture are judged by the rules and never displayed. */
export class CaptureMessage implements NetMessage {
  private text: string | undefined;
  /** Ethernet addresses as numbers (-1 when the link has none): strings only when asked. */
  srcMacN = -1;
  dstMacN = -1;
  arp?: ArpInfo;
  get srcMac(): string | undefined {
    return this.srcMacN >= 0 ? macString(this.srcMacN) : undefined;
  }
  get dstMac(): string | undefined {
    return this.dstMacN >= 0 ? macString(this.dstMacN) : undefined;
  }
  constructor(
    readonly kind: NetMessage['kind'],
    readonly loc: SourceLocation,
    readonly time: number,
    readonly dated: boolean,
    readonly src: string,
    readonly dst: string,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly transport: 'tcp' | 'udp' | null,
    readonly sip: SipInfo | undefined,
    readonly sccp: SccpInfo | undefined,
    readonly tcp: TcpInfo | undefined,
    label?: string,
  ) {
    this.text = label;
  }

  get label(): string {
    return (this.text ??= netLabel(this.kind, this.srcPort, this.dstPort, this.sip, this.sccp, this.tcp));
  }

  /** The label when it was given or already made, else undefined (it can be made again from the fields). */
  labelIfMade(): string | undefined {
    return this.text;
  }

  toJSON(): object {
    return { ...this, label: this.label, text: undefined };
  }
}

/** A frame's TCP fields. One class, its fields always of one shape: an object literal whose refFrame was undefined on
 * most frames and a number on some had V8 throw its optimised code away over a hundred times on the bench capture. */
export class FrameTcp implements TcpInfo {
  constructor(
    readonly seq: number,
    readonly ack: number,
    readonly len: number,
    readonly flags: number,
    readonly win: number,
    readonly analysis: number,
    readonly refFrame: number | undefined,
  ) {}
}

export class CaptureDecoder {
  /** Messages decoded so far, when no `emit` was given (else they go to `emit` and are not kept). */
  readonly messages: NetMessage[] = [];
  messageCount = 0;
  private readonly emit: (m: NetMessage) => void;
  readonly net = new NetDecoder();
  private readonly d = new DecodedFrame();
  private readonly seg = newTcpSegment();
  readonly tcp = new TcpAnalyzer();
  private readonly intern = new ByteInterner(15);
  /** TCP info of the frame being decoded (made when its first PDU or flag needs it). */
  private frameTcp: TcpInfo | undefined;
  private frameAnalysis = 0;
  private frameRef = 0;
  private framePdus = 0;
  frames = 0;
  firstTsUs = NaN;
  lastTsUs = NaN;

  /** When set, every data/SYN/FIN segment and SIP-over-UDP message is logged for matching with another capture. */
  segments: SegmentLog | null = null;
  /** When set (the rules thread, analysis/rules-thread.ts), SIP and SCCP messages out of TCP streams go to it as their
   * frame's numbers and bytes, to be parsed there, instead of being parsed here and emitted. */
  pdus: MessageEncoder | null = null;
  private readonly addr = (id: number): string => this.net.addrString(id);

  constructor(private readonly source: number, emit?: (m: NetMessage) => void) {
    this.emit = emit ?? ((m) => this.messages.push(m));
  }

  private push(m: NetMessage): void {
    this.messageCount++;
    this.emit(m);
  }

  private tcpInfo(): TcpInfo {
    if (this.frameTcp) return this.frameTcp;
    const d = this.d;
    return (this.frameTcp = new FrameTcp(d.tcpSeq, d.tcpAck, d.payloadLen, d.tcpFlags, d.tcpWin, this.frameAnalysis, this.frameRef || undefined));
  }

  /** A SIP message or SCCP PDU out of the TCP stream: a message on the frame being decoded. */
  private readonly onPdu = (protocol: AppProtocol, bytes: Uint8Array): void => {
    const d = this.d;
    const pdus = this.pdus;
    if (pdus) {
      if (protocol === 'sip' && !isSipStartLine(bytes, 0, bytes.length)) return;
      this.framePdus++;
      this.messageCount++;
      pdus.pdu(this.source, protocol !== 'sip', d, this.addr, this.frameAnalysis, this.frameRef, bytes);
      return;
    }
    if (protocol === 'sip') {
      const sip = parseSipBytes(bytes, 0, bytes.length, this.intern);
      if (!sip) return;
      this.framePdus++;
      this.push(this.message(d, 'sip', 'tcp', sip, undefined, this.tcpInfo()));
    } else {
      this.framePdus++;
      this.push(this.message(d, 'sccp', 'tcp', undefined, parseSccp(bytes, 0, bytes.length), this.tcpInfo()));
    }
  };

  private newDirection(srcPort: number, dstPort: number): TcpDirection {
    const tls = TLS_PORTS.has(srcPort) || TLS_PORTS.has(dstPort);
    const hint = tls ? null : SCCP_PORTS.has(dstPort) || SCCP_PORTS.has(srcPort) ? 'sccp' : SIP_PORTS.has(dstPort) || SIP_PORTS.has(srcPort) ? 'sip' : null;
    const dir = new TcpDirection(this.onPdu, hint);
    if (tls) dir.protocol = 'none';
    return dir;
  }

  frame(f: RawFrame): void {
    this.frames++;
    if (Number.isFinite(f.tsUs)) {
      if (Number.isNaN(this.firstTsUs)) this.firstTsUs = f.tsUs;
      this.lastTsUs = f.tsUs;
    }
    const d = this.d;
    if (this.net.decode(f, d) !== NetStatus.Ok) return;
    if (d.l3 === L3.Arp) {
      this.arp(d);
      return;
    }
    if (d.l4 === IpProto.TCP) this.tcpFrame(d);
    else if (d.l4 === IpProto.UDP) this.udpFrame(d);
  }

  /** One fixed-shape message object (its label made on first use). */
  private message(d: DecodedFrame, kind: NetMessage['kind'], transport: 'tcp' | 'udp' | null,
    sip: SipInfo | undefined, sccp: SccpInfo | undefined, tcp: TcpInfo | undefined): NetMessage {
    const m = new CaptureMessage(kind, { source: this.source, line: null, frame: d.frame }, d.tsUs / 1000, Number.isFinite(d.tsUs),
      this.net.addrString(d.srcAddr), this.net.addrString(d.dstAddr), d.srcPort < 0 ? NaN : d.srcPort, d.dstPort < 0 ? NaN : d.dstPort,
      transport, sip, sccp, tcp);
    m.srcMacN = d.srcMac;
    m.dstMacN = d.dstMac;
    return m;
  }

  private arp(d: DecodedFrame): void {
    const sIp = ipv4String(d.arpSenderIp), tIp = ipv4String(d.arpTargetIp);
    const sMac = macString(d.arpSenderMac);
    const label = d.arpOp === 1 ? `Who has ${tIp}? Tell ${sIp}` : d.arpOp === 2 ? `${sIp} is at ${sMac}` : `ARP opcode ${d.arpOp}`;
    const m = new CaptureMessage('arp', { source: this.source, line: null, frame: d.frame }, d.tsUs / 1000, Number.isFinite(d.tsUs),
      sMac || macString(d.srcMac), d.dstMac >= 0 ? macString(d.dstMac) : '', NaN, NaN, null, undefined, undefined, undefined, label);
    m.srcMacN = d.srcMac;
    m.dstMacN = d.dstMac;
    m.arp = { op: d.arpOp, senderMac: sMac, senderIp: sIp, targetMac: macString(d.arpTargetMac), targetIp: tIp };
    this.push(m);
  }

  private tcpFrame(d: DecodedFrame): void {
    const seg = this.seg;
    segmentFromFrame(d, seg);
    const a = this.tcp.analyze(seg);
    const slots = a.slots!;
    let dir = (a.forward ? slots.appA : slots.appB) as TcpDirection | null;
    if (dir === null) {
      dir = this.newDirection(d.srcPort, d.dstPort);
      if (a.forward) slots.appA = dir;
      else slots.appB = dir;
    }
    this.frameTcp = undefined;
    this.frameAnalysis = a.flags;
    this.frameRef = a.refFrame;
    this.framePdus = 0;
    const log = this.segments;
    if (log && (d.payloadLen > 0 || (d.tcpFlags & (SYN | FIN)))) {
      if (dir.segKey < 0) {
        dir.segKey = log.keyId(`${this.net.addrString(d.srcAddr)}:${d.srcPort}>${this.net.addrString(d.dstAddr)}:${d.dstPort}`);
      }
      log.add(dir.segKey, d.tcpSeq, d.payloadLen, d.tcpFlags & (SYN | FIN), d.tsUs / 1000, d.frame);
    }
    if (d.tcpFlags & SYN) dir.syn(d.tcpSeq);
    if (d.payloadCapLen > 0) dir.segment(d.tcpSeq, d.payload(), d.frame, d.tsUs);
    if (this.framePdus > 0) return;
    const tls = TLS_PORTS.has(d.srcPort) || TLS_PORTS.has(d.dstPort);
    if (tls && d.payloadLen > 0) {
      this.push(this.message(d, 'tls', 'tcp', undefined, undefined, this.tcpInfo()));
      return;
    }
    if ((d.tcpFlags & (SYN | FIN | RST)) || a.flags) this.push(this.message(d, 'tcp', 'tcp', undefined, undefined, this.tcpInfo()));
  }

  private udpFrame(d: DecodedFrame): void {
    if (d.payloadCapLen === 0) return;
    const bytes = d.bytes;
    const off = d.payloadOffset;
    const end = off + d.payloadCapLen;
    if (!looksLikeSip(bytes, off, end)) return;
    const sip = parseSipBytes(bytes, off, end, this.intern);
    if (!sip) return;
    const log = this.segments;
    if (log) {
      const what = sip.method ?? `${sip.status ?? ''} ${sip.cseqMethod ?? ''}`;
      const key = log.keyId(`u|${this.net.addrString(d.srcAddr)}:${d.srcPort}>${this.net.addrString(d.dstAddr)}:${d.dstPort}|${sip.callId ?? ''}|${sip.cseq ?? ''}|${what}`);
      log.add(key, 0, d.payloadLen, 0, d.tsUs / 1000, d.frame);
    }
    this.push(this.message(d, 'sip', 'udp', sip, undefined, undefined));
  }

  /** Aggregated decode problems, one entry per kind with a count. Frames of protocols we do not read (LLDP, CDP,
   * STP, ...) are normal on a switch port and are not problems; malformed frames and unknown link types are. */
  report(problems: ProblemSink): void {
    for (const [lt, n] of this.net.linkTypes) {
      problems.add('capture.unsupported-link', 'warning', `${plural(n, 'frame')} of link type ${lt} not decoded (supported: Ethernet, Linux cooked SLL/SLL2, raw IP, BSD loopback).`);
    }
    for (const [reason, n] of this.net.reasons) {
      if (!MALFORMED.has(reason)) continue;
      problems.add('capture.malformed', 'warning', `${plural(n, 'frame')} malformed (${reason.replace(/-/g, ' ')}); their bytes were skipped.`);
    }
  }
}

const MALFORMED = new Set(['truncated-link', 'truncated-ip', 'bad-ip-header', 'truncated-tcp', 'bad-tcp-header', 'truncated-udp',
  'bad-udp-length', 'truncated-arp', 'fragment-too-big', 'fragment-inconsistent']);

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
