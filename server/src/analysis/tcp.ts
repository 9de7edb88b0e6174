// Rules over TCP segments (from captures and exports): retransmissions as Wireshark classifies them, segments the
// capture missed, resets, and a client opening a new connection to the same server after a failure.

import type { Finding, Message, NetMessage, RelatedInfo, Severity } from '../model';
import { TcpFlag } from '../model';
import { formatDuration } from '../sources/time';
import { FindingList } from './cap';

const RST = 4;
const SYN = 2;
const ACK = 16;
const FIN = 1;

function endpoint(ip: string, port: number): string {
  return Number.isNaN(port) ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function flow(m: NetMessage): string {
  return `${endpoint(m.src, m.srcPort)} → ${endpoint(m.dst, m.dstPort)}`;
}

function segmentText(m: NetMessage): string {
  const t = m.tcp!;
  // an export may not give the length
  return Number.isFinite(t.len) ? `Seq=${t.seq} Len=${t.len}` : `Seq=${t.seq}`;
}

/** What the retransmitted data was, when the segment carried SIP or SCCP. */
function carrying(m: NetMessage): string {
  if (m.kind === 'sip' || m.kind === 'sccp') return ` (${m.label})`;
  return '';
}

function finding(rule: string, severity: Severity, m: NetMessage, message: string, related: RelatedInfo[] = [], evidence: Record<string, number | string | boolean | null> = {}): Finding {
  return { rule, severity, message, loc: m.loc, time: m.time, dated: m.dated, related, evidence: { frame: m.loc.frame, ...evidence } };
}

interface ConnState {
  /** A RST, FIN or retransmissions seen on the connection: a later SYN to the same server is a reconnect. */
  failedAt: number;
  failedFrame: number | null;
  failure: string;
  failedLoc: NetMessage['loc'] | null;
}

/** Recent frames' locations per source, to point related information at the frame a retransmission repeats. Bounded:
 * a retransmission refers back a few seconds, not across the whole capture. */
const FRAME_MEMORY = 65_536;

/** The tcp.* rules, fed one message at a time in each source's order (memory: per server connection state and the
 * locations of the most recent frames, whatever the capture's size). */
export class TcpRules {
  private readonly out = new FindingList();
  // source + client IP + server endpoint -> state, to recognise reconnects
  private readonly byServer = new Map<string, ConnState>();
  private readonly frameLoc = new Map<number, Map<number, NetMessage['loc']>>();
  private lastSource = -1;
  private lastFrame: number | null = null;

  private locOf(m: NetMessage, frame: number | undefined): NetMessage['loc'] | undefined {
    if (frame === undefined || frame === 0) return undefined;
    const known = this.frameLoc.get(m.loc.source)?.get(frame);
    if (known) return known;
    // a capture's locations are its frame numbers: no need to have kept the frame
    return m.loc.line === null ? { source: m.loc.source, line: null, frame } : undefined;
  }

  push(msg: Message): void {
    if (msg.kind === 'alarm' || !msg.tcp) return;
    // several messages (two SIP messages in one segment) share one segment: judge the segment once
    if (msg.loc.frame !== null && msg.loc.source === this.lastSource && msg.loc.frame === this.lastFrame) return;
    this.lastSource = msg.loc.source;
    this.lastFrame = msg.loc.frame;
    const out = this.out;
    const byServer = this.byServer;
    const m = msg;
    const t = m.tcp!;
    if (m.loc.frame !== null && m.loc.line !== null) {
      let fl = this.frameLoc.get(m.loc.source);
      if (!fl) this.frameLoc.set(m.loc.source, (fl = new Map()));
      fl.set(m.loc.frame, m.loc);
      if (fl.size > FRAME_MEMORY) fl.delete(fl.keys().next().value as number);
    }
    // most segments (a SIP message in order) say nothing to these rules
    if (t.analysis === 0 && (t.flags & (RST | FIN | SYN)) === 0) return;
    const ref = this.locOf(m, t.refFrame);
    const refRel: RelatedInfo[] = ref ? [{ loc: ref, message: `first sent in frame ${t.refFrame}` }] : [];
    const a = t.analysis;
    if (a & TcpFlag.SpuriousRetransmission) {
      out.push(finding('tcp.spurious-retransmission', 'information', m,
        `Spurious retransmission ${flow(m)} ${segmentText(m)}${carrying(m)}: the data had already been acknowledged${t.refFrame ? ` (first sent in frame ${t.refFrame})` : ''}.`, refRel, { refFrame: t.refFrame ?? null }));
    } else if (a & TcpFlag.FastRetransmission) {
      out.push(finding('tcp.fast-retransmission', 'warning', m,
        `Fast retransmission ${flow(m)} ${segmentText(m)}${carrying(m)} after duplicate ACKs: a segment was lost on the way${t.refFrame ? ` (first sent in frame ${t.refFrame})` : ''}.`, refRel, { refFrame: t.refFrame ?? null }));
    } else if (a & TcpFlag.Retransmission) {
      out.push(finding('tcp.retransmission', 'warning', m,
        `Retransmission ${flow(m)} ${segmentText(m)}${carrying(m)}: no acknowledgement came for the first transmission${t.refFrame ? ` (frame ${t.refFrame})` : ''}.`, refRel, { refFrame: t.refFrame ?? null }));
    }
    if (a & TcpFlag.LostSegment) {
      out.push(finding('tcp.lost-segment', 'warning', m, `Previous segment not captured ${flow(m)}: bytes before ${segmentText(m)} are missing from this capture (lost on the way, or missed by the capture).`));
    }
    if (a & TcpFlag.AckedUnseen) {
      out.push(finding('tcp.lost-segment', 'information', m, `ACKed segment that was not captured ${flow(m)}: the peer acknowledges data this capture never saw (the capture missed it).`));
    }
    if (a & TcpFlag.ZeroWindow) {
      out.push(finding('tcp.zero-window', 'warning', m, `Zero window from ${endpoint(m.src, m.srcPort)}: its receive buffer is full, the peer must stop sending.`));
    }
    // connection life: the server is the side that did not send the SYN; without a handshake, the lower port
    const clientSide = m.srcPort > m.dstPort;
    const key = clientSide ? `${m.loc.source}|${m.src}>${endpoint(m.dst, m.dstPort)}` : `${m.loc.source}|${m.dst}>${endpoint(m.src, m.srcPort)}`;
    if (t.flags & RST) {
      out.push(finding('tcp.reset', 'warning', m, `Connection reset by ${endpoint(m.src, m.srcPort)} (${flow(m)}).`));
      byServer.set(key, { failedAt: m.time, failedFrame: m.loc.frame, failure: `reset by ${endpoint(m.src, m.srcPort)}`, failedLoc: m.loc });
    } else if ((t.flags & FIN) && !byServer.get(key)?.failedLoc) {
      byServer.set(key, { failedAt: m.time, failedFrame: m.loc.frame, failure: `closed (FIN) by ${endpoint(m.src, m.srcPort)}`, failedLoc: m.loc });
    } else if ((a & (TcpFlag.Retransmission | TcpFlag.FastRetransmission)) && !(t.flags & SYN)) {
      const s = byServer.get(key);
      if (!s || !s.failedLoc) byServer.set(key, { failedAt: m.time, failedFrame: m.loc.frame, failure: 'retransmissions', failedLoc: m.loc });
    }
    if ((t.flags & SYN) && !(t.flags & ACK) && !(a & TcpFlag.Retransmission)) {
      const s = byServer.get(key);
      if (s && s.failedLoc) {
        const gap = m.time - s.failedAt;
        out.push(finding('tcp.reconnect', 'information', m,
          `${m.src} opens a new connection to ${endpoint(m.dst, m.dstPort)}${Number.isFinite(gap) ? ` ${formatDuration(gap)}` : ''} after the previous one ${s.failure === 'retransmissions' ? 'stalled with retransmissions' : `was ${s.failure}`}${s.failedFrame !== null ? ` (frame ${s.failedFrame})` : ''}.`,
          [{ loc: s.failedLoc, message: s.failure }], { afterMs: Number.isFinite(gap) ? gap : null }));
      }
      byServer.set(key, { failedAt: NaN, failedFrame: null, failure: '', failedLoc: null });
    }
  }

  finish(): Finding[] {
    return this.out.finish();
  }
}

/** All tcp.* findings of a timeline (each source's messages in order). */
export function tcpFindings(timeline: readonly Message[]): Finding[] {
  const rules = new TcpRules();
  for (const m of timeline) rules.push(m);
  return rules.finish();
}
