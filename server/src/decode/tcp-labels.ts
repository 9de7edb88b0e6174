// Wireshark's words for TCP: the header flags ("[SYN, ACK]") and the analysis flags ("[TCP Retransmission] "), shared
// by the capture reader's labels, the decoded capture view and the ladder.

import type { NetMessage } from '../model';
import { TcpFlag } from '../model';

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

/** "[SYN, ACK]", "[<None>]" */
export function flagText(f: number): string {
  const parts: string[] = [];
  if (f & FIN) parts.push('FIN');
  if (f & SYN) parts.push('SYN');
  if (f & RST) parts.push('RST');
  if (f & PSH) parts.push('PSH');
  if (f & ACK) parts.push('ACK');
  return parts.length ? `[${parts.join(', ')}]` : '[<None>]';
}

const FLAG_LABELS: [number, string][] = [
  [TcpFlag.SpuriousRetransmission, 'TCP Spurious Retransmission'],
  [TcpFlag.FastRetransmission, 'TCP Fast Retransmission'],
  [TcpFlag.Retransmission, 'TCP Retransmission'],
  [TcpFlag.LostSegment, 'TCP Previous segment not captured'],
  [TcpFlag.AckedUnseen, 'TCP ACKed unseen segment'],
  [TcpFlag.OutOfOrder, 'TCP Out-Of-Order'],
  [TcpFlag.ZeroWindow, 'TCP ZeroWindow'],
  [TcpFlag.KeepAlive, 'TCP Keep-Alive'],
];

/** "[TCP Retransmission] " etc. for the Info column. Duplicate ACKs carry their reference: [TCP Dup ACK 27918#1]. */
export function analysisPrefix(m: NetMessage): string {
  const t = m.tcp;
  if (!t || !t.analysis) return '';
  const parts: string[] = [];
  for (const [bit, label] of FLAG_LABELS) {
    if (!(t.analysis & bit)) continue;
    // Wireshark shows one retransmission kind
    if (bit === TcpFlag.Retransmission && t.analysis & (TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission)) continue;
    parts.push(`[${label}]`);
  }
  if (t.analysis & TcpFlag.DuplicateAck) parts.push(`[TCP Dup ACK${t.refFrame ? ` ${t.refFrame}` : ''}]`);
  return parts.length ? parts.join(' ') + ' ' : '';
}
