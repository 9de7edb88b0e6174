// CUCM alarm definitions that matter for registration troubleshooting. Facts from the CUCM 8.0(1) Managed Services
// Guide alarm catalog, the CUCM 15 System Error Messages and TAC documents (doc 200410, doc 108548); texts are our
// own summaries. Parameter lists follow the catalog where it was available.

import type { ReasonCode } from './reasons';
import { REGISTRATION_FAILURE_REASONS, UNREGISTER_REASONS } from './reasons';

export type AlarmFamily = 'unregistered' | 'registered' | 'transient' | 'connection-failure';

export interface AlarmInfo {
  readonly name: string;
  readonly family: AlarmFamily;
  /** Rule id of the finding raised for it. */
  readonly rule: string;
  /** Severity digit CUCM normally logs it with (syslog numbering). */
  readonly severity: number;
  /** Reasons for which CUCM lowers the alarm to Informational (6). */
  readonly lowered: ReadonlySet<number>;
  readonly reasons: ReadonlyMap<number, ReasonCode> | null;
  readonly reasonsLabel: string;
  readonly meaning: string;
  readonly action: string;
  readonly parameters: readonly string[];
}

const UNREG_PARAMS = [
  'DeviceName', 'IPAddress', 'IPV6Address', 'Protocol', 'DeviceType', 'Description', 'Reason', 'IPAddrAttributes',
  'IPV6AddrAttributes', 'LastSignalReceived', 'CallState', 'AppID', 'ClusterID', 'NodeID',
];

const LIST: AlarmInfo[] = [
  {
    name: 'EndPointUnregistered',
    family: 'unregistered',
    rule: 'alarm.endpoint-unregistered',
    severity: 3,
    lowered: new Set([8, 9, 15, 19, 20]),
    reasons: UNREGISTER_REASONS,
    reasonsLabel: 'unregistration reason',
    meaning: 'A registered endpoint (phone, etc.) unregistered: on purpose (reset, EM login, config change) or not (keepalives lost, network outage, re-home, duplicate registration).',
    action: 'Decide by Reason: keepalive/connectivity reasons point at the network path or CUCM load; resets and EM logins need nothing.',
    parameters: UNREG_PARAMS,
  },
  {
    name: 'DeviceUnregistered',
    family: 'unregistered',
    rule: 'alarm.device-unregistered',
    severity: 4,
    lowered: new Set([8, 9, 15]),
    reasons: UNREGISTER_REASONS,
    reasonsLabel: 'unregistration reason',
    meaning: 'A device (gateway, media resource, or a phone on older releases) unregistered. Same Reason enumeration as EndPointUnregistered; CUCM 8.0 lowered it from Error to Warning.',
    action: 'Decide by Reason, as for EndPointUnregistered.',
    parameters: ['DeviceName', 'MACAddress', 'IPAddress', 'Protocol', 'DeviceType', 'Description', 'Reason', 'IPV6Address', 'IPAddrAttributes', 'IPV6AddrAttributes'],
  },
  {
    name: 'EndPointTransientConnection',
    family: 'transient',
    rule: 'alarm.transient-connection',
    severity: 3,
    lowered: new Set(),
    reasons: REGISTRATION_FAILURE_REASONS,
    reasonsLabel: 'registration-failure reason (enumeration assumed)',
    meaning: 'A connection was set up and dropped before registration completed: a re-home in the middle of registration, a misconfigured or unknown device, or a database error.',
    action: 'Nothing if it was a normal re-home; otherwise check the device\'s configuration and the reason.',
    parameters: ['ConnectingPort', 'DeviceName', 'IPAddress', 'IPV6Address', 'DeviceType', 'Protocol', 'Reason', 'AppID', 'ClusterID', 'NodeID'],
  },
  {
    name: 'DeviceTransientConnection',
    family: 'transient',
    rule: 'alarm.transient-connection',
    severity: 3,
    lowered: new Set(),
    reasons: REGISTRATION_FAILURE_REASONS,
    reasonsLabel: 'registration-failure reason (enumeration assumed)',
    meaning: 'A device connection was set up and dropped before registration completed (older/gateway form of EndPointTransientConnection).',
    action: 'Nothing if it was a normal re-home; otherwise check the device\'s configuration and the reason.',
    parameters: ['ConnectingPort', 'DeviceName', 'IPAddress', 'DeviceType', 'Reason', 'AppID', 'ClusterID', 'NodeID'],
  },
  {
    name: 'EndPointRegistered',
    family: 'registered',
    rule: 'alarm.endpoint-registered',
    severity: 6,
    lowered: new Set(),
    reasons: null,
    reasonsLabel: '',
    meaning: 'An endpoint registered with CUCM. (Its parameter list was not available from the catalog; the usual DeviceName, IPAddress, Protocol, DeviceType parameters are read.)',
    action: 'None; useful to measure how long a device was unregistered.',
    parameters: ['DeviceName', 'IPAddress', 'IPV6Address', 'Protocol', 'DeviceType', 'Description', 'AppID', 'ClusterID', 'NodeID'],
  },
  {
    name: 'DeviceRegistered',
    family: 'registered',
    rule: 'alarm.endpoint-registered',
    severity: 6,
    lowered: new Set(),
    reasons: null,
    reasonsLabel: '',
    meaning: 'A device registered with CUCM.',
    action: 'None.',
    parameters: ['DeviceName', 'IPAddress', 'Protocol', 'DeviceType', 'Description'],
  },
  {
    name: 'ConnectionFailure',
    family: 'connection-failure',
    rule: 'alarm.connection-failure',
    severity: 3,
    lowered: new Set(),
    reasons: null,
    reasonsLabel: 'connection-failure reason (own enumeration, not in our tables)',
    meaning: 'CUCM failed to open a (TLS) connection for the device, e.g. the certificate name did not match (InvalidX509NameInCertificate).',
    action: 'Check the device security profile and certificates; look at the SIPStationD lines just before the alarm in the trace.',
    parameters: ['DeviceName', 'IPAddress', 'IPV6Address', 'DeviceType', 'Reason', 'AppID', 'ClusterID', 'NodeID'],
  },
];

export const ALARMS: ReadonlyMap<string, AlarmInfo> = new Map(LIST.map((a) => [a.name, a]));

export interface ParameterInfo {
  readonly name: string;
  readonly meaning: string;
}

const PARAMS: ParameterInfo[] = [
  { name: 'DeviceName', meaning: 'Device name as configured in CUCM (SEP + MAC address for phones).' },
  { name: 'MACAddress', meaning: 'MAC address of the device.' },
  { name: 'IPAddress', meaning: 'IPv4 address the device registered from (as CUCM saw it: behind NAT or MRA this is the translating device).' },
  { name: 'IPV6Address', meaning: 'IPv6 address of the device, empty when it has none.' },
  { name: 'Protocol', meaning: 'Signalling protocol of the device: SIP or SCCP.' },
  { name: 'DeviceType', meaning: 'Device model number (CUCM TypeModel enumeration).' },
  { name: 'Description', meaning: 'The Description field of the device in CUCM Administration.' },
  { name: 'Reason', meaning: 'Reason code of the alarm.' },
  { name: 'IPAddrAttributes', meaning: 'What the device uses its IPv4 address for. The enumeration is not published in the catalog we could read; commonly cited values: 0 unknown, 1 administrative only, 2 signalling only, 3 administrative and signalling (unverified).' },
  { name: 'IPV6AddrAttributes', meaning: 'What the device uses its IPv6 address for (same enumeration as IPAddrAttributes).' },
  { name: 'LastSignalReceived', meaning: 'Name of the last SDL signal the device\'s station process received before it unregistered: shows what CUCM was doing (e.g. a line timeout).' },
  { name: 'CallState', meaning: 'Call state of the device when it unregistered (empty or idle when not in a call).' },
  { name: 'AppID', meaning: 'The CUCM service that raised the alarm.' },
  { name: 'ClusterID', meaning: 'The cluster ID (Enterprise Parameters).' },
  { name: 'NodeID', meaning: 'The CUCM node that raised the alarm: the node the device was registered to.' },
  { name: 'ConnectingPort', meaning: 'The TCP port the device connected to (2000 SCCP, 2443 secure SCCP, 5060/5061 SIP).' },
];

export const PARAMETERS: ReadonlyMap<string, ParameterInfo> = new Map(PARAMS.map((p) => [p.name, p]));

/** Commonly cited IPAddrAttributes values; not confirmed in a Cisco catalog. */
export const IP_ADDR_ATTRIBUTES: ReadonlyMap<number, string> = new Map([
  [0, 'unknown (the device did not say)'],
  [1, 'administrative only'],
  [2, 'signalling only'],
  [3, 'administrative and signalling'],
]);

/** LastSignalReceived values seen in public Cisco material, with what they say. */
export const LAST_SIGNALS: ReadonlyMap<string, string> = new Map([
  [
    'SIPStationDPrimaryLineTimeout',
    'The SIP station process timed out waiting for the phone\'s primary-line refresh REGISTER (the SIP keepalive): CUCM gave up on the registration. Look for the last REGISTER the phone sent and whether it reached CUCM.',
  ],
]);

export const SYSLOG_SEVERITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'];

/** The severity digit CUCM would log for this alarm and reason (catalog lowering rules applied). */
export function expectedSeverity(alarm: AlarmInfo, reason: number | undefined): number {
  if (reason !== undefined && alarm.lowered.has(reason)) return 6;
  return alarm.severity;
}
