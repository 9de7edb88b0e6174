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
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));
