// Hover text for a line of a capture view or an export: what the message is, its SIP/SCCP/TCP/ARP details and what
// they mean for registration, and the findings on that line. Everything from the capture is escaped (untrusted).

import type { Finding, NetMessage } from '../model';
import { TcpFlag } from '../model';
import { SCCP } from '../knowledge/sccpMessages';
import { formatClock } from '../sources/time';

/** Markdown-escapes untrusted text (device names, SIP headers). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => '\\' + c);
}

function ep(ip: string, port: number): string {
  return Number.isNaN(port) ? ip : `${ip}:${port}`;
}

const FLAG_TEXT: [number, string][] = [
  [TcpFlag.Retransmission, 'retransmission: the sender got no acknowledgement in time and sent the data again'],
  [TcpFlag.FastRetransmission, 'fast retransmission: sent again after duplicate ACKs showed a loss'],
  [TcpFlag.SpuriousRetransmission, 'spurious retransmission: the data had already been acknowledged'],
  [TcpFlag.LostSegment, 'previous segment not captured: bytes before this one are missing from the capture'],
  [TcpFlag.AckedUnseen, 'ACKed unseen segment: the peer acknowledges data the capture never saw'],
  [TcpFlag.DuplicateAck, 'duplicate ACK: the receiver still waits for earlier data'],
  [TcpFlag.OutOfOrder, 'out of order'],
  [TcpFlag.ZeroWindow, 'zero window: the receiver cannot take more data'],
  [TcpFlag.KeepAlive, 'TCP keep-alive'],
  [TcpFlag.WindowUpdate, 'window update'],
];

function sipLines(m: NetMessage): string[] {
  const s = m.sip!;
  const out: string[] = [];
  if (s.callId) out.push(`Call-ID \`${md(s.callId)}\``);
  if (s.cseq !== undefined) out.push(`CSeq ${s.cseq} ${md(s.cseqMethod ?? '')}`);
  if (s.device) out.push(`Device **${md(s.device)}**`);
  if (s.userAgent) out.push(`User-Agent ${md(s.userAgent)}`);
  if (s.expires !== undefined) {
    if (s.method === 'REGISTER' && s.expires === 0 && s.ciscoKeepAlive) {
      out.push('Expires 0 with `cisco-keep-alive`: a keepalive to a **backup** CUCM, not a registration.');
    } else if (s.method === 'REGISTER') {
      out.push(`Expires ${s.expires} s requested (CUCM answers with its SIP Station KeepAlive Interval, 120 s by default).`);
    } else if (s.status !== undefined && s.status >= 200 && s.status < 300 && s.cseqMethod === 'REGISTER') {
      out.push(`Registered for ${s.expires} s: a Cisco phone refreshes at ${Math.max(0, s.expires - 5)} s (Expires − Timer Register Delta 5 s); CUCM gives up about 10–15 s after that point.`);
    } else out.push(`Expires ${s.expires}`);
  }
  if (s.status !== undefined && s.status >= 400) out.push(`A failure response: the REGISTER was **rejected** (${s.status}).`);
  return out;
}

function sccpLines(m: NetMessage): string[] {
  const c = m.sccp!;
  const out = [`Message id 0x${c.id.toString(16).padStart(4, '0')}`];
  if (c.id === SCCP.KeepAlive) out.push('Phone → CUCM application keepalive: every 30 s to the primary (answered by KeepAliveAck), every 60 s to the backup (answered only by a TCP ACK).');
  if (c.id === SCCP.KeepAliveAck) out.push('The primary CUCM answering a KeepAlive.');
  if (c.keepAliveInterval !== undefined) out.push(`Keepalive interval ${c.keepAliveInterval} s to this CUCM, ${c.secondaryKeepAliveInterval ?? '?'} s to the backup.`);
  if (c.device) out.push(`Device **${md(c.device)}**`);
  return out;
}

export function netHover(messages: readonly NetMessage[], findings: readonly Finding[]): string {
  const parts: string[] = [];
  for (const m of messages) {
    const head = `**${md(m.label)}**`;
    const where = `Frame ${m.loc.frame ?? '?'} · ${formatClock(m.time, m.dated)} · ${md(ep(m.src, m.srcPort))} → ${md(ep(m.dst, m.dstPort))}${m.transport ? ` over ${m.transport.toUpperCase()}` : ''}`;
    const lines: string[] = [];
    if (m.sip) lines.push(...sipLines(m));
    if (m.sccp) lines.push(...sccpLines(m));
    if (m.arp) {
      lines.push(m.arp.op === 2
        ? `ARP reply: ${md(m.arp.senderIp)} is at ${md(m.arp.senderMac)}. Two different MACs answering for one IP point at proxy ARP (a firewall answering for the CUCM).`
        : `ARP request for ${md(m.arp.targetIp)} from ${md(m.arp.senderIp)} (${md(m.arp.senderMac)}).`);
    }
    if (m.tcp) {
      const t = m.tcp;
      lines.push(`TCP Seq ${t.seq} · Ack ${t.ack} · Len ${t.len} · Win ${t.win}`);
      for (const [bit, text] of FLAG_TEXT) if (t.analysis & bit) lines.push(`⚠ ${text}${t.refFrame && bit !== TcpFlag.DuplicateAck ? ` (first sent in frame ${t.refFrame})` : ''}${bit === TcpFlag.DuplicateAck && t.refFrame ? ` (of frame ${t.refFrame})` : ''}.`);
    }
    parts.push([head, where, ...lines.map((l) => `- ${l}`)].join('\n\n'));
  }
  if (findings.length) parts.push('---\n\n' + findings.map((f) => `**${f.rule}** ${md(f.message)}`).join('\n\n'));
  return parts.join('\n\n');
}
