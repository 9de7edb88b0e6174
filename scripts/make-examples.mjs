// Writes the example inputs under examples/ (deterministic; run `node scripts/make-examples.mjs` after editing).
// The seed line is the EndPointUnregistered example of Cisco TAC doc 200410 (the case study CUCM Lens starts from);
// the rest is a realistic reconstruction of its case 2: SIP phones on one access switch whose port-security aging
// (1 min) is shorter than the 2-minute SIP keepalive. Each phone unregisters about every 16 minutes with Reason 13,
// registers to the secondary node within seconds, and falls back to the primary about 2 minutes later.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const write = (rel, text) => {
  const p = join(here, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
};

// --- seed: the alarm line exactly as the case study prints it -----------------------------------------------------
write('seed-200410/cucm-syslog.txt',
  '31 uc-ucm-01 local7 3 : 41679: uc-ucm-01.pcce.local Jul 02 2015 06:22:31 UTC :   %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEPE0D1730A8137][IPAddress=10.60.98.210][Protocol=SIP][DeviceType=592][Description=Phone][Reason=13][IPAddrAttributes=0][LastSignalReceived=SIPStationDPrimaryLineTimeout][AppID=Cisco CallManager][ClusterID=StandAloneCluster][NodeID=uc-ucm-01]: An endpoint has unregistered\n');

// --- case 2: periodic unregistrations, as the remote syslog server received them ----------------------------------
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n, w = 2) => String(n).padStart(w, '0');
const stamp = (ms) => {
  const d = new Date(ms);
  return `${MON[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC`;
};
const rx = (ms) => {
  const d = new Date(ms);
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
let seq = 52110;
const lines = [];
const line = (ms, node, sev, name, tags, text) => {
  const host = node === 'uc-ucm-01' ? '10.106.114.161' : '10.106.114.162';
  lines.push({ ms, s: `${rx(ms)} ${host} ${seq++}: ${node}.pcce.local: ${stamp(ms)}: %UC_CALLMANAGER-${sev}-${name}: %${tags.map(([k, v]) => `[${k}=${v}]`).join('')}: ${text}` });
};
const phones = [
  { name: 'SEP0024142DDF24', ip: '10.106.114.185', type: 540, desc: 'Lobby 8961', offset: 0 },
  { name: 'SEP1C1D862F7A31', ip: '10.106.114.186', type: 540, desc: 'Reception 8961', offset: 311000 },
];
const common = (p) => [['DeviceName', p.name], ['IPAddress', p.ip], ['IPV6Address', ''], ['Protocol', 'SIP'], ['DeviceType', p.type], ['Description', p.desc]];
const cluster = (node) => [['AppID', 'Cisco CallManager'], ['ClusterID', 'StandAloneCluster'], ['NodeID', node]];
const t0 = Date.UTC(2015, 6, 15, 18, 2, 41, 220);
const PERIOD = [962100, 958400, 965300, 960900, 963700, 959800, 961500];
for (const p of phones) {
  let t = t0 + p.offset;
  for (let k = 0; k < PERIOD.length; k++) {
    t += PERIOD[k];
    line(t, 'uc-ucm-01', 3, 'EndPointUnregistered', [...common(p), ['Reason', 13], ['IPAddrAttributes', 0], ['LastSignalReceived', 'SIPStationDPrimaryLineTimeout'], ['CallState', ''], ...cluster('uc-ucm-01')], 'An endpoint has unregistered');
    line(t + 4210 + k * 37, 'uc-ucm-02', 6, 'EndPointRegistered', [...common(p), ['IPAddrAttributes', 0], ...cluster('uc-ucm-02')], 'Endpoint registered');
    // fall back to the primary about two minutes later
    line(t + 121800 + k * 53, 'uc-ucm-02', 6, 'EndPointUnregistered', [...common(p), ['Reason', 28], ['IPAddrAttributes', 0], ['LastSignalReceived', ''], ['CallState', ''], ...cluster('uc-ucm-02')], 'An endpoint has unregistered');
    line(t + 123950 + k * 53, 'uc-ucm-01', 6, 'EndPointRegistered', [...common(p), ['IPAddrAttributes', 0], ...cluster('uc-ucm-01')], 'Endpoint registered');
  }
}
// other traffic on the same syslog server: an admin login, a phone reset on purpose, an EM login
line(t0 + 1500000, 'uc-ucm-01', 5, 'AuthenticationSucceeded', [['Login IP Address', '10.106.114.20'], ['UserID', 'ccmadmin'], ...cluster('uc-ucm-01')], 'Login Authentication succeeded');
line(t0 + 2400000, 'uc-ucm-01', 6, 'EndPointUnregistered', [['DeviceName', 'SEP00AF1F9C4410'], ['IPAddress', '10.106.114.190'], ['Protocol', 'SCCP'], ['DeviceType', 437], ['Description', 'Conference room'], ['Reason', 9], ['IPAddrAttributes', 0], ['LastSignalReceived', 'StationOutputReset'], ...cluster('uc-ucm-01')], 'An endpoint has unregistered');
line(t0 + 2430000, 'uc-ucm-01', 6, 'EndPointRegistered', [['DeviceName', 'SEP00AF1F9C4410'], ['IPAddress', '10.106.114.190'], ['Protocol', 'SCCP'], ['DeviceType', 437], ['Description', 'Conference room'], ...cluster('uc-ucm-01')], 'Endpoint registered');
line(t0 + 3600000, 'uc-ucm-01', 6, 'EndPointUnregistered', [['DeviceName', 'SEP5C838F1E2B07'], ['IPAddress', '10.106.114.201'], ['Protocol', 'SIP'], ['DeviceType', 36213], ['Description', 'Hot desk'], ['Reason', 19], ...cluster('uc-ucm-01')], 'An endpoint has unregistered');
line(t0 + 4100000, 'uc-ucm-01', 3, 'EndPointTransientConnection', [['DeviceName', 'SEP5C838F1E2B07'], ['IPAddress', '10.106.114.201'], ['Protocol', 'SIP'], ['DeviceType', 36213], ['ConnectingPort', 5060], ['Reason', 6], ...cluster('uc-ucm-01')], 'Endpoint transient connection');
lines.sort((a, b) => a.ms - b.ms);
write('case2-port-security/cucm-syslog.txt', lines.map((l) => l.s).join('\n') + '\n');

// --- older and trace forms of the same alarms ---------------------------------------------------------------------
write('alarm-forms/ccm6-eventlog-syslog.txt', [
  'Mar 14 09:12:05 10.1.20.5 1204: cm6-pub: Mar 14 2011 09:12:05.418 CET: %CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: Device unregistered. Device name.:SEP000B5F327F9A Device IP address.:10.1.30.44 Protocol.:SCCP Device type. [Optional]:8 Device description [Optional].:Front desk 7940 Reason Code [Optional].:12 App ID:Cisco CallManager Cluster ID:CM6-Cluster Node ID:cm6-pub',
  'Mar 14 09:12:31 10.1.20.5 1205: cm6-pub: Mar 14 2011 09:12:31.002 CET: %CCM_CALLMANAGER-CALLMANAGER-6-DeviceRegistered: Device registered. Device name.:SEP000B5F327F9A Device IP address.:10.1.30.44 Protocol.:SCCP Device type. [Optional]:8 Device description [Optional].:Front desk 7940 App ID:Cisco CallManager Cluster ID:CM6-Cluster Node ID:cm6-pub',
  '',
].join('\r\n'));
write('alarm-forms/SDL002_100_000417.txt', [
  '11204511.000 |16:31:15.911 |SdlSig   |SIPStationRegistrationInd              |wait                           |SIPStationD(2,100,76,1732)       |SIPHandler(2,100,74,1)           |2,100,14,190.44^10.20.7.108^SEP00506006EAFE |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0] ',
  '11204511.001 |16:31:15.912 |AppInfo  |SIPStationD(1732) - validTLSConnection:TLS InvalidX509NameInCertificate, Rcvd=expc-01.example.local, Expected=SEP00506006EAFE',
  '11204511.002 |16:31:15.912 |AppInfo  |ConnectionFailure - Unified CM failed to open a TLS connection for the indicated device Device Name:SEP00506006EAFE IP Address:10.20.7.108 IPV6Address: Device type:584 Reason code:2 App ID:Cisco CallManager Cluster ID:StandAloneCluster Node ID:cucm-sub2 ',
  '11204511.003 |16:31:15.913 |AlarmErr |AlarmClass: CallManager, AlarmName: ConnectionFailure, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: Unified CM failed to open a TLS connection for the indicated device, AlarmParameters: DeviceName:SEP00506006EAFE, IPAddress:10.20.7.108, IPV6Address:, DeviceType:584, Reason:2, AppID:Cisco CallManager, ClusterID:StandAloneCluster, NodeID:cucm-sub2,',
  '11204902.000 |16:33:40.262 |AlarmErr |AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: An endpoint has unregistered, AlarmParameters: DeviceName:SEP64167F2A90B3, IPAddress:10.20.9.31, IPV6Address:, Protocol:SIP, DeviceType:683, Description:Warehouse 8845, Reason:13, IPAddrAttributes:0, IPV6AddrAttributes:0, LastSignalReceived:SIPStationDPrimaryLineTimeout, CallState:, AppID:Cisco CallManager, ClusterID:StandAloneCluster, NodeID:cucm-sub2,',
  '',
].join('\n'));
