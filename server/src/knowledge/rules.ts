// The rule ids CUCM Lens reports (stable: they are the diagnostic `code` and the SARIF ruleId). docs/rules.md
// describes each one at length.

export interface RuleInfo {
  readonly id: string;
  readonly summary: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'alarm.endpoint-unregistered', summary: 'EndPointUnregistered alarm, with the reason, last signal and device model decoded.' },
  { id: 'alarm.device-unregistered', summary: 'DeviceUnregistered alarm (gateways, media resources, older releases), reason decoded.' },
  { id: 'alarm.transient-connection', summary: 'EndPointTransientConnection / DeviceTransientConnection: a connection dropped before registration completed.' },
  { id: 'alarm.endpoint-registered', summary: 'EndPointRegistered / DeviceRegistered; says how long the device was unregistered.' },
  { id: 'alarm.connection-failure', summary: 'ConnectionFailure: CUCM could not open a (TLS) connection for the device.' },
  { id: 'alarm.flapping', summary: 'The same device unregisters again and again; the period is estimated when it is regular.' },
  { id: 'tcp.retransmission', summary: 'A TCP segment sent again because no acknowledgement came (Wireshark: TCP Retransmission).' },
  { id: 'tcp.fast-retransmission', summary: 'A TCP segment sent again after duplicate ACKs (Wireshark: TCP Fast Retransmission).' },
  { id: 'tcp.spurious-retransmission', summary: 'A TCP segment sent again although it had been acknowledged (Wireshark: TCP Spurious Retransmission).' },
  { id: 'tcp.lost-segment', summary: 'Bytes missing from the capture: previous segment not captured, or ACKed segment never seen.' },
  { id: 'tcp.zero-window', summary: 'A receiver advertised a zero window: it cannot take more data.' },
  { id: 'tcp.reset', summary: 'A TCP connection was reset (RST).' },
  { id: 'tcp.reconnect', summary: 'A client opened a new connection to the same server after the previous one failed (RST, FIN or retransmissions).' },
  { id: 'sip.register.late', summary: 'A refresh REGISTER came later than the phone\'s cadence (or Expires − Timer Register Delta) allows, before the deadline.' },
  { id: 'sip.register.expired', summary: 'No successful refresh before the last 200 OK + Expires + grace: CUCM would unregister the phone.' },
  { id: 'sip.register.slow-response', summary: 'A REGISTER answered long after its first transmission.' },
  { id: 'sip.register.no-response', summary: 'A REGISTER never answered.' },
  { id: 'sip.register.rejected', summary: 'A REGISTER rejected with a final 3xx-6xx answer (401/407 challenges excepted).' },
  { id: 'sip.register.backup-keepalive', summary: 'Keepalive REGISTERs (Expires: 0, cisco-keep-alive) to a backup CUCM.' },
  { id: 'sip.retransmission', summary: 'A SIP request sent again over UDP (same Call-ID and CSeq, Timer E).' },
  { id: 'sccp.keepalive.missed', summary: 'No SCCP KeepAlive for longer than the keepalive interval.' },
  { id: 'sccp.keepalive.ack-missing', summary: 'An SCCP KeepAlive to the primary CUCM without KeepAliveAck.' },
  { id: 'sccp.failover', summary: 'No KeepAliveAck for the failover number of intervals: delayed failover would fire.' },
  { id: 'keepalive.backoff', summary: 'Keepalives get through only after retransmission, with a delay that grows; the unregistration is projected.' },
  { id: 'keepalive.first-packet-lost', summary: 'The first transmission after idle is lost every time: MAC / session aging suspected.' },
  { id: 'capture.not-received', summary: 'Two captures of the same path: a segment or SIP message one shows sent never appears in the other.' },
  { id: 'capture.correlated', summary: 'Two captures matched: clock offset, one-way transit times, how many copies were lost in between.' },
  { id: 'arp.duplicate-reply', summary: 'Two or more MACs answer ARP for one IP (proxy ARP); frames then sent to the wrong MAC.' },
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
