// The Info column of a decoded network message, made from its fields (as Wireshark writes it): shared by the capture
// reader's messages, which make it on first use, and the rules thread, which rebuilds messages from their fields.

import type { NetMessage, SccpInfo, SipInfo, TcpInfo } from '../model';
import { sipLabel } from './sip';
import { sccpLabel } from './sccp';
import { flagText } from './tcp-labels';

const ACK = 16;

export function netLabel(kind: NetMessage['kind'], srcPort: number, dstPort: number, sip: SipInfo | undefined, sccp: SccpInfo | undefined,
  tcp: TcpInfo | undefined): string {
  if (sip) return sipLabel(sip);
  if (sccp) return sccpLabel(sccp);
  if (kind === 'tls') return `${srcPort} → ${dstPort} TLS record (${tcp?.len ?? 0} bytes)`;
  if (tcp) return `${srcPort} → ${dstPort} ${flagText(tcp.flags)} Seq=${tcp.seq}${tcp.flags & ACK ? ` Ack=${tcp.ack}` : ''} Win=${tcp.win} Len=${tcp.len}`;
  return '';
}
