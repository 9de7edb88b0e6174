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
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
