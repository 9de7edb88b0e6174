// Frames → messages: each frame is decoded (link, IP, TCP/UDP, ARP), TCP segments go through Wireshark-style
// sequence analysis and per-direction stream reassembly, and what matters for registration is kept as NetMessages:
// SIP (TCP or UDP, by content as well as port), SCCP, ARP, TLS records on 5061/2443, and TCP segments that open,
// close or reset a connection or carry an analysis flag. Plain data and ACK frames are counted, not kept.

import type { NetMessage, SccpInfo, SipInfo, TcpInfo } from '../model';
import type { RawFrame } from './frames';
import type { ProblemSink } from './text';
import { DecodedFrame, IpProto, L3, NetDecoder, NetStatus, macString, ipv4String } from '../decode/net';
import { TcpAnalyzer, newTcpSegment, segmentFromFrame } from '../decode/tcp-analysis';
import { TcpDirection } from '../decode/stream';
import type { AppProtocol } from '../decode/stream';
import { looksLikeSip, parseSip } from '../decode/sip';
import { parseSccp, sccpLabel } from '../decode/sccp';

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
const SIP_PORTS = new Set([5060]);
const SCCP_PORTS = new Set([2000]);
const TLS_PORTS = new Set([5061, 2443]);
const MAX_DIRECTIONS = 200_000;

function flagText(f: number): string {
  const parts: string[] = [];
  if (f & FIN) parts.push('FIN');
  if (f & SYN) parts.push('SYN');
  if (f & RST) parts.push('RST');
  if (f & PSH) parts.push('PSH');
  if (f & ACK) parts.push('ACK');
  return parts.length ? `[${parts.join(', ')}]` : '[<None>]';
}

interface Pdu {
  protocol: AppProtocol;
  text?: string;
  sccp?: SccpInfo;
}

export class CaptureDecoder {
  readonly messages: NetMessage[] = [];
  readonly net = new NetDecoder();
  private readonly d = new DecodedFrame();
  private readonly seg = newTcpSegment();
  readonly tcp = new TcpAnalyzer();
  private readonly dirs = new Map<number, Map<number, TcpDirection>>();
  private directions = 0;
  private pdus: Pdu[] = [];
  frames = 0;
  firstTsUs = NaN;
  lastTsUs = NaN;

  constructor(private readonly source: number) {}

  private readonly onPdu = (protocol: AppProtocol, bytes: Uint8Array): void => {
    if (protocol === 'sip') this.pdus.push({ protocol, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') });
    else this.pdus.push({ protocol, sccp: parseSccp(bytes, 0, bytes.length) });
  };

  private direction(srcKey: number, dstKey: number, srcPort: number, dstPort: number): TcpDirection {
    let m = this.dirs.get(srcKey);
    if (!m) this.dirs.set(srcKey, (m = new Map()));
    let dir = m.get(dstKey);
    if (!dir) {
      if (this.directions >= MAX_DIRECTIONS) {
        // bound memory on captures with very many connections: forget the oldest senders
        const oldest = this.dirs.keys().next().value as number;
        this.directions -= this.dirs.get(oldest)!.size;
        this.dirs.delete(oldest);
      }
      const hint = TLS_PORTS.has(srcPort) || TLS_PORTS.has(dstPort) ? null
        : SCCP_PORTS.has(dstPort) || SCCP_PORTS.has(srcPort) ? 'sccp' : SIP_PORTS.has(dstPort) || SIP_PORTS.has(srcPort) ? 'sip' : null;
      dir = new TcpDirection(this.onPdu, hint);
      if (TLS_PORTS.has(srcPort) || TLS_PORTS.has(dstPort)) dir.protocol = 'none';
      m.set(dstKey, dir);
      this.directions++;
    }
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

  private readonly strings = new Map<string, string>();
  /** One copy of each repeated string (labels, URIs, Call-IDs), copied so it does not pin the packet text. */
  private readonly intern = (s: string): string => {
    const got = this.strings.get(s);
    if (got !== undefined) return got;
    const own = s.length > 12 ? Buffer.from(s, 'latin1').toString('latin1') : s;
    if (this.strings.size < 500_000) this.strings.set(own, own);
    return own;
  };

  /** One fixed-shape message object (no intermediate objects per frame). */
  private message(d: DecodedFrame, kind: NetMessage['kind'], label: string, transport: 'tcp' | 'udp' | null,
    sip: SipInfo | undefined, sccp: SccpInfo | undefined, tcp: TcpInfo | undefined): NetMessage {
    return {
      kind, loc: { source: this.source, line: null, frame: d.frame }, time: d.tsUs / 1000, dated: Number.isFinite(d.tsUs),
      src: this.net.addrString(d.srcAddr), dst: this.net.addrString(d.dstAddr), srcPort: d.srcPort < 0 ? NaN : d.srcPort,
      dstPort: d.dstPort < 0 ? NaN : d.dstPort, transport, label, sip, sccp, tcp,
    };
  }

  private arp(d: DecodedFrame): void {
    const sIp = ipv4String(d.arpSenderIp), tIp = ipv4String(d.arpTargetIp);
    const sMac = macString(d.arpSenderMac);
    const label = d.arpOp === 1 ? `Who has ${tIp}? Tell ${sIp}` : d.arpOp === 2 ? `${sIp} is at ${sMac}` : `ARP opcode ${d.arpOp}`;
    this.messages.push({
      kind: 'arp', loc: { source: this.source, line: null, frame: d.frame }, time: d.tsUs / 1000, dated: Number.isFinite(d.tsUs),
      src: sMac || macString(d.srcMac), dst: d.dstMac >= 0 ? macString(d.dstMac) : '', srcPort: NaN, dstPort: NaN, transport: null, label,
      srcMac: macString(d.srcMac) || undefined, dstMac: d.dstMac >= 0 ? macString(d.dstMac) : undefined,
      arp: { op: d.arpOp, senderMac: sMac, senderIp: sIp, targetMac: macString(d.arpTargetMac), targetIp: tIp },
    });
  }

  private tcpFrame(d: DecodedFrame): void {
    const seg = this.seg;
    segmentFromFrame(d, seg);
    const a = this.tcp.analyze(seg);
    const dir = this.direction(seg.srcKey, seg.dstKey, d.srcPort, d.dstPort);
    if (d.tcpFlags & SYN) dir.syn(d.tcpSeq);
    this.pdus = [];
    if (d.payloadCapLen > 0) dir.segment(d.tcpSeq, d.payload(), d.frame, d.tsUs);
    const tcp: TcpInfo = {
      seq: d.tcpSeq, ack: d.tcpAck, len: d.payloadLen, flags: d.tcpFlags, win: d.tcpWin, analysis: a.flags,
      refFrame: a.refFrame || undefined,
    };
    let kept = false;
    for (const p of this.pdus) {
      if (p.protocol === 'sip') {
        const sip = parseSip(p.text!, this.intern);
        if (!sip) continue;
        this.messages.push(this.message(d, 'sip', sip.label, 'tcp', sip.info, undefined, tcp));
      } else {
        this.messages.push(this.message(d, 'sccp', sccpLabel(p.sccp!), 'tcp', undefined, p.sccp!, tcp));
      }
      kept = true;
    }
    if (kept) return;
    const tls = TLS_PORTS.has(d.srcPort) || TLS_PORTS.has(d.dstPort);
    if (tls && d.payloadLen > 0) {
      this.messages.push(this.message(d, 'tls', this.intern(`${d.srcPort} → ${d.dstPort} TLS record (${d.payloadLen} bytes)`), 'tcp', undefined, undefined, tcp));
      return;
    }
    if ((d.tcpFlags & (SYN | FIN | RST)) || a.flags) {
      const label = `${d.srcPort} → ${d.dstPort} ${flagText(d.tcpFlags)} Seq=${d.tcpSeq}${d.tcpFlags & ACK ? ` Ack=${d.tcpAck}` : ''} Win=${d.tcpWin} Len=${d.payloadLen}`;
      this.messages.push(this.message(d, 'tcp', label, 'tcp', undefined, undefined, tcp));
    }
  }

  private udpFrame(d: DecodedFrame): void {
    if (d.payloadCapLen === 0) return;
    const bytes = d.bytes;
    const off = d.payloadOffset;
    const end = off + d.payloadCapLen;
    if (!looksLikeSip(bytes, off, end)) return;
    const sip = parseSip(Buffer.from(bytes.buffer, bytes.byteOffset + off, end - off).toString('latin1'), this.intern);
    if (!sip) return;
    this.messages.push(this.message(d, 'sip', sip.label, 'udp', sip.info, undefined, undefined));
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
