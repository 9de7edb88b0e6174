// Writes the example inputs under examples/ (deterministic; run `node scripts/make-examples.mjs` after editing).
// The seed line is the EndPointUnregistered example of Cisco TAC doc 200410 (the case study CUCM Lens starts from);
// the rest is a realistic reconstruction of its case 2: SIP phones on one access switch whose port-security aging
// (1 min) is shorter than the 2-minute SIP keepalive. Each phone unregisters about every 16 minutes with Reason 13,
// registers to the secondary node within seconds, and falls back to the primary about 2 minutes later.
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
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

// =====================================================================================================================
// The seed's packet captures as Wireshark text exports (what the engineer of each case would have on disk)
// =====================================================================================================================
const hx = (n, w = 2) => n.toString(16).padStart(w, '0');
const h32 = (n) => hx(Math.imul((n + 0x9e37) | 0, 2654435761) >>> 0, 8); // deterministic "random" hex
const macB = (m) => m.split(':').map((h) => parseInt(h, 16));
const ipB = (s) => s.split('.').map(Number);
const be16 = (n) => [(n >>> 8) & 255, n & 255];
const be32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
function inetSum(bytes) {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
/** Wireshark's hex + ASCII dump lines. */
function hexDump(bytes) {
  const out = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.slice(o, o + 16);
    const asc = row.map((b) => (b > 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${hx(o, 4)}  ${row.map((b) => hx(b)).join(' ').padEnd(47)}   ${asc.slice(0, 8)} ${asc.slice(8)}`.trimEnd());
  }
  return out;
}
/** Microseconds since the epoch -> "HH:MM:SS.ffffff[fff]" in a zone `offMin` east of UTC. */
const tod = (us, offMin, digits = 6) => {
  const d = new Date(Math.floor(us / 1000) + offMin * 60000);
  const frac = pad(((us % 1e6) + 1e6) % 1e6, 6) + '000';
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${frac.slice(0, digits)}`;
};
const secs = (us) => `${Math.floor(us / 1e6)}.${pad(us % 1e6, 6)}000`;
const IG_LG = ['        .... ..0. .... .... .... .... = LG bit: Globally unique address (factory default)',
  '        .... ...0 .... .... .... .... = IG bit: Individual address (unicast)'];

// --- case 1.2: SCCP phone, proxy ARP on the ASA ----------------------------------------------------------------------
// The seed's packet list (filter eth.addr == 58:0a:20:fb:07:1f, Wireshark 1.x, time of day, raw sequence numbers)
// verbatim, with its typos (the ACK of frame 26771 says port 35602 where the frame-27787 details and hex say 35601;
// the SYN/SYN,ACK/RST numbers do not agree; frame 27918's time has ten decimals and its addresses are garbled).
// Added before it: the four previous 30 s KeepAlive / KeepAliveAck / ACK cycles of the same connection. After it, the
// details the engineer copied: the 18:07:04 KeepAlive (sent to the CUCM VM's MAC) and its KeepAliveAck (from that
// MAC), the two ARP replies, the 18:07:34 KeepAlive (frame 27787, sent to the ASA's MAC, with its bytes) and its three
// retransmissions (same wrong MAC).
const SEED_12 = [
  "No.\tTime\tSource\tDestination\tProtocol\tSequence number\tAcknowledgement number\tInfo",
  "26544\t18:07:36.474587000\t58:0a:20:fb:07:1f\t10.10.10.202\tLLDP_Multicast\t\t\tChassis Id = 10.10.10.130 Port Id = 580A20FB071F:P2 TTL = 180 System Name = SEP580A2",
  "26769\t18:07:04.408906000\t10.10.10.130\t10.10.10.202\tSKINNY\t204530782\t2085624343\tKeepAlive",
  "26770\t18:07:04.408907000\t10.10.10.202\t10.10.10.130\tSKINNY\t2085624343\t204530794\tKeepAliveAck",
  "26771\t18:07:04.408919000\t10.10.10.130\t10.10.10.202\tTCP\t204530794\t2085624355\t35602 > cisco-sccp [ACK] Seq=204530794 Ack=2085624355 Win=611 Len=0 TSV=76674527 TSE",
  "27625\t18:07:29.501257000\t58:0a:20:fb:07:1f\t10.10.10.130\tLLDP_Multicast\t\t\tChassis Id = 10.10.10.130 Port Id = 580A20FB071F:P1 TTL = 180 System Name = SEP580A2",
  "27784\t18:07:34.418935000\t58:0a:20:fb:07:1f\tBroadcast\tARP\t\t\twho has 10.10.10.202? Tell 10.10.10.130",
  "27785\t18:07:34.419757000\tf4:0f:1b:1e:26:a9\t58:0a:20:fb:07:1f\tARP\t\t\t10.10.10.202 is at f4:0f:1b:1e:26:a9",
  "27786\t18:07:34.419774000\tvmware_90:10:cf\t58:0a:20:fb:07:1f\tARP\t\t\t10.10.10.202 is at 00:0c:29:90:10:cf",
  "27787\t18:07:34.419774000\t10.10.10.130\t10.10.10.202\tSKINNY\t204530794\t2085624355\tKeepAlive",
  "27788\t18:07:34.618965000\t10.10.10.130\t10.10.10.202\tSKINNY\t204530794\t2085624355\t[TCP Retransmission] KeepAlive",
  "27802\t18:07:35.038931000\t10.10.10.130\t10.10.10.202\tSKINNY\t204530794\t2085624355\t[TCP Retransmission] KeepAlive",
  "27842\t18:07:35.878875000\t10.10.10.130\t10.10.10.202\tSKINNY\t204530794\t2085624355\t[TCP Retransmission] KeepAlive",
  "27879\t18:07:36.821433000\t10.10.10.130\t10.10.10.202\tTCP\t1638850975\t35602\t35602 > cisco-sccp [SYN] Seq=1638850975 Win=5840 Len=0 MSS=1460 SACK_PERM=1 TSV=7667",
  "27880\t18:07:36.822237000\t10.10.10.202\t10.10.10.130\tTCP\t3958510895\t3154496376\t[TCP ACKed lost segment] cisco-sccp > 35602 [SYN, ACK] Seq=3958510895 Ack=3154496376",
  "27881\t18:07:36.822249000\t10.10.10.130\t10.10.10.202\tTCP\t3154496376\t35602\t35602 > cisco-sccp [RST] Seq=3154496376 Win=0 Len=0",
  "27910\t18:07:37.600142000\t58:0a:20:fb:07:1f\t10.10.10.202\tCDP_VTP/OTF/PAGP/UDCP\t\t\tDevice ID: SEP580A20FB071F Port ID: Port 1",
  "27918\t18:07:37.8926352000\t10.10.10.130\t10.10.10.130\tTCP\t3958510895\t3154496376\tcisco-sccp > 35602 [SYN, ACK] Seq=3958510895 Ack=3154496376 Win=14600 Len=0 MSS=1460",
  "27919\t18:07:37.927119000\t10.10.10.130\t10.10.10.202\tTCP\t3154496376\t35602\t35602 > cisco-sccp [RST] Seq=3154496376 Win=0 Len=0",
  "27985\t18:07:39.818859000\t10.10.10.130\t10.10.10.202\tTCP\t1638850975\t35602\t35602 > cisco-sccp [SYN] Seq=1638850975 Win=5840 Len=0 MSS=1460 SACK_PERM=1 TSV=7667",
  "27986\t18:07:39.819690000\t10.10.10.202\t10.10.10.130\tTCP\t3958510896\t3154496376\t[TCP Dup ACK 27918#1] cisco-sccp > 35602 [ACK] Seq=3958510896 Ack=3154496376 Win=1460",
];
{
  const PHONE = { mac: '58:0a:20:fb:07:1f', ip: '10.10.10.130', port: 35601 };
  const CUCM = { mac: '00:0c:29:90:10:cf', ip: '10.10.10.202' };
  const ASA = 'f4:0f:1b:1e:26:a9';
  const named = (m) => (m === CUCM.mac ? `Vmware_90:10:cf (${m})` : `${m} (${m})`);
  const KA_US = Date.UTC(2015, 0, 1, 18, 7, 4, 408) * 1000 + 906; // 18:07:04.408906 (the seed's KeepAlive 26769)
  const earlier = [];
  for (let k = 4; k >= 1; k--) {
    const t = KA_US - k * 30010100;
    const f = 26769 - 1018 * k - (k % 2) * 7;
    const seq = 204530782 - 12 * k, ack = 2085624343 - 12 * k;
    earlier.push([f, tod(t, 0, 9), PHONE.ip, CUCM.ip, 'SKINNY', seq, ack, 'KeepAlive']);
    earlier.push([f + 1, tod(t + 884, 0, 9), CUCM.ip, PHONE.ip, 'SKINNY', ack, seq + 12, 'KeepAliveAck']);
    earlier.push([f + 2, tod(t + 896, 0, 9), PHONE.ip, CUCM.ip, 'TCP', seq + 12, ack + 12,
      `${PHONE.port} > cisco-sccp [ACK] Seq=${seq + 12} Ack=${ack + 12} Win=611 Len=0 TSV=${76674527 - 3001 * k} TSER=${876489803 - 30010 * k}`]);
  }
  const eth = (src, dst, type = 'IP (0x0800)') => [
    `Ethernet II, Src: ${named(src)}, Dst: ${named(dst)}`,
    `    Destination: ${named(dst)}`, `        Address: ${named(dst)}`, IG_LG[1], IG_LG[0],
    `    Source: ${named(src)}`, `        Address: ${named(src)}`, IG_LG[1], IG_LG[0],
    `    Type: ${type}`,
  ];
  // one SCCP segment of the phone's connection: its details and its bytes
  const sccp = ({ frame, fromPhone, dstMac, srcMac, seq, ack, tsval, tsecr, win, id, name, ipId, rto }) => {
    const [sip, dip] = fromPhone ? [PHONE.ip, CUCM.ip] : [CUCM.ip, PHONE.ip];
    const [sp, dp] = fromPhone ? [PHONE.port, 2000] : [2000, PHONE.port];
    const payload = [4, 0, 0, 0, 0x16, 0, 0, 0, id & 255, (id >>> 8) & 255, 0, 0];
    const tcp = [...be16(sp), ...be16(dp), ...be32(seq), ...be32(ack), 0x80, 0x18, ...be16(win), 0, 0, 0, 0,
      1, 1, 8, 10, ...be32(tsval), ...be32(tsecr), ...payload];
    const pseudo = [...ipB(sip), ...ipB(dip), 0, 6, ...be16(tcp.length)];
    const tsum = inetSum([...pseudo, ...tcp]);
    tcp[16] = tsum >>> 8; tcp[17] = tsum & 255;
    const ip = [0x45, 0x60, ...be16(20 + tcp.length), ...be16(ipId), 0x00, 0x00, 64, 6, 0, 0, ...ipB(sip), ...ipB(dip)];
    const isum = inetSum(ip);
    ip[10] = isum >>> 8; ip[11] = isum & 255;
    const bytes = [...macB(dstMac), ...macB(srcMac), 8, 0, ...ip, ...tcp];
    const portName = (p) => (p === 2000 ? 'cisco-sccp (2000)' : `${p} (${p})`);
    const lines = [
      `Frame ${frame}: ${bytes.length} bytes on wire (${bytes.length * 8} bits), ${bytes.length} bytes captured (${bytes.length * 8} bits) on interface 0`,
      ...eth(srcMac, dstMac),
      `Internet Protocol, Src: ${sip} (${sip}), Dst: ${dip} (${dip})`,
      `Transmission Control Protocol, Src Port: ${portName(sp)}, Dst Port: ${portName(dp)}, Seq: ${seq}, Ack: ${ack}, Len: 12`,
      `    Source port: ${portName(sp)}`, `    Destination port: ${portName(dp)}`, '    [Stream index: 152]',
      `    Sequence number: ${seq}`, `    [Next sequence number: ${seq + 12}]`, `    Acknowledgement number: ${ack}`,
      '    Header length: 32 bytes', '    Flags: 0x18 (PSH, ACK)',
      '        0... .... = Congestion Window Reduced (CWR): Not set', '        .0.. .... = ECN-Echo: Not set',
      '        ..0. .... = Urgent: Not set', '        ...1 .... = Acknowledgement: Set', '        .... 1... = Push: Set',
      '        .... .0.. = Reset: Not set', '        .... ..0. = Syn: Not set', '        .... ...0 = Fin: Not set',
      `    Window size: ${win}`, `    Checksum: 0x${hx(tsum, 4)} [validation disabled]`,
      '    Options: (12 bytes)', '        NOP', '        NOP', `        Timestamps: TSval ${tsval}, TSecr ${tsecr}`,
      '    [SEQ/ACK analysis]', '        [Bytes in flight: 12]',
      ...(rto ? ['        [TCP Analysis Flags]', '            [This frame is a (suspected) retransmission]',
        '                [Expert Info (Note/Sequence): Retransmission (suspected)]', '                    [Message: Retransmission (suspected)]',
        '                    [Severity level: Note]', '                    [Group: Sequence]',
        `            [The RTO for this segment was: ${(rto / 1e6).toFixed(9)} seconds]`, '            [RTO based on delta from frame: 27787]'] : []),
      'Skinny Client Control Protocol', '    Data length: 4', '    Header version: CM7 type D (0x00000016)',
      `    Message ID: ${name} (0x${hx(id, 8)})`,
    ];
    return { lines, bytes };
  };
  const arp = (frame, srcMac) => [
    `Frame ${frame}: 60 bytes on wire (480 bits), 60 bytes captured (480 bits) on interface 0`,
    ...eth(srcMac, PHONE.mac, 'ARP (0x0806)'), '    Trailer: 000000000000000000000000000000000000',
    'Address Resolution Protocol (reply)', '    Hardware type: Ethernet (1)', '    Protocol type: IP (0x0800)', '    Hardware size: 6',
    '    Protocol size: 4', '    Opcode: reply (2)', '    [Is gratuitous: False]', `    Sender MAC address: ${named(srcMac)}`,
    `    Sender IP address: ${CUCM.ip} (${CUCM.ip})`, `    Target MAC address: ${named(PHONE.mac)}`, `    Target IP address: ${PHONE.ip} (${PHONE.ip})`,
  ];
  const ka = { fromPhone: true, srcMac: PHONE.mac, id: 0, name: 'KeepAliveMessage', win: 611 };
  const blocks = [
    sccp({ ...ka, frame: 26769, dstMac: CUCM.mac, seq: 204530782, ack: 2085624343, tsval: 76674527, tsecr: 876459793, ipId: 0x8bee }).lines,
    sccp({ frame: 26770, fromPhone: false, srcMac: CUCM.mac, dstMac: PHONE.mac, seq: 2085624343, ack: 204530794, tsval: 876489803, tsecr: 76674527, win: 227, id: 0x100, name: 'KeepAliveAckMessage', ipId: 0x5d21 }).lines,
    arp(27785, ASA), arp(27786, CUCM.mac),
  ];
  const first = sccp({ ...ka, frame: 27787, dstMac: ASA, seq: 204530794, ack: 2085624355, tsval: 76677528, tsecr: 876489803, ipId: 0x8bef });
  blocks.push([...first.lines, '', ...hexDump(first.bytes)]);
  [[27788, 199191, 76677548], [27802, 619157, 76677590], [27842, 1459101, 76677674]].forEach(([frame, rto, tsval], k) => {
    blocks.push(sccp({ ...ka, frame, dstMac: ASA, seq: 204530794, ack: 2085624355, tsval, tsecr: 876489803, ipId: 0x8bf0 + k, rto }).lines);
  });
  const rows = [...earlier.map((r) => r.join('\t')), ...SEED_12.slice(1)];
  write('case1.2-proxy-arp/phone-capture.txt', [
    'Filter: eth.addr == 58:0a:20:fb:07:1f', '', SEED_12[0], ...rows, '', ...blocks.flatMap((b) => [...b, '']),
  ].join('\n'));
}

// --- case 2: SIP 8961 phones, switch port-security aging -------------------------------------------------------------
// One phone of cucm-syslog.txt (SEP0024142DDF24) at the seed's case-2 addresses: 10.147.230.189:50708 ↔ CUCM
// 178.215.139.22:5060 over TCP. It registers (Expires 3600, granted 120), then refreshes every 115 s; the switch
// drops the first frame after each idle minute, so every refresh is sent twice, and the phone's retransmission
// timeout doubles from one refresh to the next: 0.10, 0.21, 0.42, 0.84, 1.68, 3.38, 6.73, 13.46 s (the seed's table
// gives 0.42 s to 6.73 s; its 0.1 s start and "14 s, then 28 s" come from its text). Each is answered right after the
// retransmission gets through. The next refresh would need ~26.9 s, more than the 15 s the CUCM waits past 115 s:
// the times are chosen so that this deadline is the syslog's first EndPointUnregistered of SEP0024142DDF24
// (2015-07-15 18:18:43.320 UTC); the captures end with the 13.46 s refresh.
//   phone-capture.txt  the phone-side packet list (PC on the phone's PC port, Wireshark on Windows in India, clock
//                      2.4 s behind) copied as tab-separated text with the seed's columns, then the details of the
//                      first REGISTER and its 200 OK and of the last refresh, copied below it
//   cucm-capture.txt   the CUCM's own capture (utils network capture, host filter) exported as plain text with
//                      all details: only the retransmissions arrive there, so no [TCP Retransmission] label
//   seed-table.txt     the seed's own table (phone side: it holds the first transmissions) verbatim, under the
//                      heading of the seed's other tables; the seed prints it without one and with the tab between
//                      the Acknowledgement number and Info lost
const SEED_2 = [
  "1930\t22:56:11.7299388\t10.147.230.189\t178.215.139.22\tSIP\t9722\t4203 Request: REGISTER sip:178.215.139.22",
  "1931\t22:56:11.7437220\t10.147.230.189\t178.215.139.22\tSIP\t9723\t4203 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "1934\t22:56:17.471894\t178.215.139.22\t10.147.230.189\tTCP\t4563\t7623 sip > 50708 [ACK] Seq=4563 Ack=7623 win=22559 Len=0",
  "1935\t22:56:17.473022\t178.215.139.22\t10.147.230.189\tSIP\t4563\t7623 Status: 100 Trying (0 bindings)",
  "1936\t22:56:17.473815\t178.215.139.22\t10.147.230.189\tSIP\t4900\t7623 status: 200 OK (1 bindings)",
  "1938\t22:56:17.507164\t10.147.230.189\t178.215.139.22\tTCP\t7623\t5548 50708 > sip [ACK] Seq=7623 Ack=5548 win=17940 Len=0",
  "3318\t22:58:12.474709\t10.147.230.189\t178.215.139.22\tSIP\t7623\t5548 Request: REGISTER sip:178.215.139.22",
  "3323\t22:58:12.892520\t10.147.230.189\t178.215.139.22\tSIP\t7623\t5548 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "3324\t22:58:12.907067\t178.215.139.22\t10.147.230.189\tTCP\t5548\t8524 sip > 50708 [ACK] Seq=5548 Ack=8524 win=25319 Len=0",
  "3325\t22:58:12.908564\t178.215.139.22\t10.147.230.189\tSIP\t3548\t8524 status: 100 Trying (0 bindings)",
  "3326\t22:58:12.908910\t10.147.230.189\t178.215.139.22\tTCP\t8524\t5885 50708 > sip [ACK] Seq=8524 Ack=5885 win=17940 Len=0",
  "3327\t22:58:12.909452\t178.215.139.22\t10.147.230.189\tSIP\t5885\t8524 status: 200 OK (1 bindings)",
  "3328\t22:58:12.909808\t10.147.230.189\t178.215.139.22\tTCP\t8524\t6534 50708 > sip [ACK] Seq=8524 Ack=6534 win=17940 Len=0",
  "4711\t23:00:07.909779\t10.147.230.189\t178.215.139.22\tSIP\t8524\t6534 Request: REGISTER sip:178.215.139.22",
  "4722\t23:00:08.747602\t10.147.230.189\t178.215.139.22\tSIP\t8524\t6534 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "4723\t23:00:08.762120\t178.215.139.22\t10.147.230.189\tTCP\t6534\t9425 sip > 50708 [ACK] Seq=6534 Ack=9425 win=27030 Len=0",
  "4724\t23:00:08.763291\t178.215.139.22\t10.147.230.189\tSIP\t6534\t9425 Status: 100 Trying (0 bindings)",
  "4725\t23:00:08.763658\t10.147.230.189\t178.215.139.22\tTCP\t9425\t6871 50708 > sip [ACK] Seq=9425 Ack=6871 win=17940 Len=0",
  "4726\t23:00:08.764030\t178.215.139.22\t10.147.230.189\tSIP\t6871\t9425 status: 200 OK (1 bindings)",
  "4727\t23:00:08.764032\t10.147.230.189\t178.215.139.22\tTCP\t9425\t7519 50708 > sip [ACK] Seq=9425 Ack=7519 win=17940 Len=0",
  "6117\t23:02:03.764972\t10.147.230.189\t178.215.139.22\tSIP\t9425\t7519 Request: REGISTER sip:178.215.139.22",
  "6137\t23:02:05.442842\t10.147.230.189\t178.215.139.22\tSIP\t9425\t7519 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "6138\t23:02:05.457251\t178.215.139.22\t10.147.230.189\tTCP\t7519\t10326 sip > 50708 [ACK] Seq=7519 Ack=10326 win=28832 Len=0",
  "6139\t23:02:05.458324\t178.215.139.22\t10.147.230.189\tSIP\t7519\t10326 status: 100 Trying (0 bindings)",
  "6140\t23:02:05.458692\t10.147.230.189\t178.215.139.22\tTCP\t10326\t7856 50708 > sip [ACK] Seq=10326 Ack=7856 win=17940 Len=0",
  "6141\t23:02:05.459023\t178.215.139.22\t10.147.230.189\tSIP\t7856\t10326 status: 200 OK (1 bindings)",
  "6142\t23:02:05.459397\t10.147.230.189\t178.215.139.22\tTCP\t10326\t8505 50708 > sip [ACK] Seq=10326 Ack=8505 win=17940 Len=0",
  "7520\t23:04:00.460122\t10.147.230.189\t178.215.139.22\tSIP\t10326\t8505 Request: REGISTER sip:178.215.139.22",
  "7519\t23:04:03.837337\t10.147.230.189\t178.215.139.22\tSIP\t10326\t8505 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "7560\t23:04:03.832323\t178.215.139.22\t10.147.230.189\tTCP\t8505\t11227 sip > 50708 [ACK] Seq=8505 Ack=11227 win=50634 Len=0",
  "7561\t23:04:03.834245\t178.215.139.22\t10.147.230.189\tSIP\t8505\t11227 status: 100 Trying (0 bindings)",
  "7562\t23:04:03.834726\t178.215.139.22\t10.147.230.189\tSIP\t8842\t11227 status: 200 OK (1 bindings)",
  "7563\t23:04:03.834728\t10.147.230.189\t178.215.139.22\tTCP\t11227\t8842 50708 > sip [ACK] Seq=11227 Ack=8842 win=17940 Len=0",
  "7564\t23:04:03.835387\t10.147.230.189\t178.215.139.22\tTCP\t11227\t9489 50708 > sip [ACK] Seq=11227 Ack=9489 win=17940 Len=0",
  "8947\t23:05:58.836796\t10.147.230.189\t178.215.139.22\tSIP\t11227\t9489 Request: REGISTER sip:178.215.139.22",
  "9036\t23:06:05.567236\t10.147.230.189\t178.215.139.22\tSIP\t11227\t9489 [TCP Retransmission] Request: REGISTER sip:178.215.139.22",
  "9030\t23:06:05.567350\t178.215.139.22\t10.147.230.189\tTCP\t9489\t12128 sip > 50708 [ACK] Seq=9489 Ack=12128 win=32436 Len=0",
  "9031\t23:06:05.568414\t178.215.139.22\t10.147.230.189\tSIP\t9489\t12128 status: 100 Trying (0 bindings)",
  "9032\t23:06:05.568832\t10.147.230.189\t178.215.139.22\tTCP\t12128\t9826 50708 > sip [ACK] Seq=12128 Ack=9826 win=17940 Len=0",
  "9033\t23:06:05.569233\t178.215.139.22\t10.147.230.189\tSIP\t9826\t12128 status: 200 OK (1 bindings)",
];
{
  const PH = { ip: '10.147.230.189', port: 50708, mac: '00:24:14:2d:df:24', name: 'Cisco_2d:df:24' };
  const CM = { ip: '178.215.139.22', port: 5060, mac: '00:50:56:a3:1f:6e', name: 'Vmware_a3:1f:6e' };
  const GW_PH = { mac: '00:00:0c:07:ac:0a', name: 'All-HSRP-routers_0a' }; // the phone VLAN's HSRP gateway
  const RT_PH = { mac: '00:1e:bd:4a:61:c1', name: 'Cisco_4a:61:c1' }; // the router port that forwards to the phone
  const GW_CM = { mac: '00:00:0c:07:ac:16', name: 'All-HSRP-routers_16' };
  const RT_CM = { mac: '00:1e:bd:9e:20:47', name: 'Cisco_9e:20:47' };
  const IST = 330; // both captures were opened on the engineer's PC (India Standard Time)
  const PHONE_CLOCK = -2417318; // µs: the PC capturing at the phone runs behind the CUCM (NTP) clock
  const RTO = [104452, 208906, 417811, 837823, 1677870, 3377215, 6730440, 13461290];
  const JITTER = [0, 412, -30, 327, 940, 725, 1409, 603, 1170]; // µs past the 115 s refresh timer
  const UP = 7203, DOWN = 7241; // one-way delays phone -> CUCM and back (µs)
  const CALL_ID = '0024142d-df240017-5b3e0c1a-2f7d6e94@10.147.230.189';
  const FROM_TAG = '0024142ddf240a1153b0e1c4-7a3f2d61';
  const CONTACT = `<sip:6f0c2b9e-31d4-4a8f-9c57-0024142ddf24@${PH.ip}:${PH.port};transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-0024142ddf24>";+u.sip!devicename.ccm.cisco.com="SEP0024142DDF24";+u.sip!model.ccm.cisco.com="540"`;
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const gmt = (us) => {
    const d = new Date(Math.floor(us / 1000));
    return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MON[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
  };
  const sipText = (lines) => lines.join('\r\n') + '\r\n\r\n';
  const branch = (k) => `z9hG4bK${h32(k + 700)}`;
  const register = (k, us) => [
    `REGISTER sip:${CM.ip} SIP/2.0`, `Via: SIP/2.0/TCP ${PH.ip}:${PH.port};branch=${branch(k)}`,
    `From: <sip:4102@${CM.ip}>;tag=${FROM_TAG}`, `To: <sip:4102@${CM.ip}>`, `Call-ID: ${CALL_ID}`, 'Max-Forwards: 70',
    `Date: ${gmt(us)}`, `CSeq: ${101 + k} REGISTER`, 'User-Agent: Cisco-CP8961/9.4.2', `Contact: ${CONTACT}`,
    'Supported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,X-cisco-callinfo,X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,X-cisco-srtp-fallback,X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1',
    'Content-Length: 0', 'Expires: 3600',
  ];
  const response = (k, us, code) => [
    code === 100 ? 'SIP/2.0 100 Trying' : 'SIP/2.0 200 OK', `Via: SIP/2.0/TCP ${PH.ip}:${PH.port};branch=${branch(k)}`,
    `From: <sip:4102@${CM.ip}>;tag=${FROM_TAG}`, `To: <sip:4102@${CM.ip}>${code === 200 ? `;tag=${(Math.imul(k + 31, 2246822519) >>> 0) % 2000000000}` : ''}`,
    `Date: ${gmt(us)}`, `Call-ID: ${CALL_ID}`, `CSeq: ${101 + k} REGISTER`,
    ...(code === 200 ? ['Expires: 120', `Contact: ${CONTACT}${k === 0 ? ';x-cisco-newreg' : ''}`, 'Supported: X-cisco-srtp-fallback,X-cisco-sis-9.0.0'] : []),
    'Content-Length: 0',
  ];

  // the packets, in true (CUCM clock) µs relative to the first REGISTER; `lost` copies never reach the CUCM
  const pk = [];
  let pSeq = 3215566872, cSeq = 1468350263, okAtPhone = 0;
  for (let k = 0; k <= 8; k++) {
    const first = k === 0 ? 0 : okAtPhone + 115000000 + JITTER[k];
    const sent = k === 0 ? first : first + RTO[k - 1];
    const reg = register(k, first);
    const regLen = Buffer.byteLength(sipText(reg));
    if (k) pk.push({ k, dir: 'up', t: first, seq: pSeq, ack: cSeq, len: regLen, sip: reg, lost: true });
    pk.push({ k, dir: 'up', t: sent, seq: pSeq, ack: cSeq, len: regLen, sip: reg, retrans: k > 0, rto: k ? RTO[k - 1] : 0 });
    const at = sent + UP; // at the CUCM
    const win = 18955 + 1802 * k;
    pk.push({ k, dir: 'down', t: at + 92, seq: cSeq, ack: pSeq + regLen, len: 0, win });
    const trying = response(k, at, 100);
    const tLen = Buffer.byteLength(sipText(trying));
    pk.push({ k, dir: 'down', t: at + 1589, seq: cSeq, ack: pSeq + regLen, len: tLen, sip: trying, win });
    pk.push({ k, dir: 'up', t: at + 1589 + DOWN + 346, seq: pSeq + regLen, ack: cSeq + tLen, len: 0 });
    const ok = response(k, at, 200);
    const okLen = Buffer.byteLength(sipText(ok));
    pk.push({ k, dir: 'down', t: at + 2431, seq: cSeq + tLen, ack: pSeq + regLen, len: okLen, sip: ok, win, ok: true });
    okAtPhone = at + 2431 + DOWN;
    pk.push({ k, dir: 'up', t: okAtPhone + 356, seq: pSeq + regLen, ack: cSeq + tLen + okLen, len: 0 });
    pSeq += regLen;
    cSeq += tLen + okLen;
  }
  // anchor: the CUCM's deadline for the last 200 OK (+ 130 s) is the syslog's first unregistration of the phone
  const lastOk = pk.filter((p) => p.ok).pop().t;
  const shift = (t0 + PERIOD[0]) * 1000 - 130002000 - lastOk;
  for (const p of pk) {
    p.t += shift;
    p.atPhone = (p.dir === 'up' ? p.t : p.t + DOWN) + PHONE_CLOCK;
    p.atCucm = p.dir === 'up' ? p.t + UP : p.t;
    if (p.sip) p.sip = p.sip.map((l) => (l.startsWith('Date: ') ? `Date: ${gmt(p.dir === 'up' ? p.t - (p.rto ?? 0) : p.t)}` : l));
  }
  const up = (p) => p.dir === 'up';
  const info = (p) => {
    if (p.sip) return p.sip[0].startsWith('REGISTER') ? `Request: REGISTER sip:${CM.ip}` : `Status: ${p.sip[0].slice(8)} (${p.ok ? 1 : 0} bindings)`;
    return up(p) ? `${PH.port} > sip [ACK] Seq=${p.seq} Ack=${p.ack} Win=17940 Len=0` : `sip > ${PH.port} [ACK] Seq=${p.seq} Ack=${p.ack} Win=${p.win} Len=0`;
  };

  // Wireshark 1.10 details of one packet as captured at `side` ('phone' or 'cucm')
  let ipIdPhone = 0x3a1c, ipIdCucm = 0x62f0;
  const details = (p, side, frame, prev, first, reqFrame, origFrame) => {
    const t = side === 'phone' ? p.atPhone : p.atCucm;
    const fromPhone = up(p);
    const [src, dst] = side === 'phone' ? (fromPhone ? [PH, GW_PH] : [RT_PH, PH]) : (fromPhone ? [RT_CM, CM] : [CM, GW_CM]);
    const [sip, dip] = fromPhone ? [PH.ip, CM.ip] : [CM.ip, PH.ip];
    const [sp, dp] = fromPhone ? [`${PH.port} (${PH.port})`, 'sip (5060)'] : ['sip (5060)', `${PH.port} (${PH.port})`];
    const ipLen = 40 + p.len;
    // frames under 60 bytes are padded on the wire, not when the CUCM captures its own
    const wire = 14 + ipLen < 60 && !(side === 'cucm' && !fromPhone) ? 60 : 14 + ipLen;
    const hasSip = !!p.sip;
    const id = fromPhone ? ipIdPhone++ : ipIdCucm++;
    const d = new Date(Math.floor(t / 1000) + IST * 60000);
    const arrival = `${MON[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${tod(t, IST, 9)} India Standard Time`;
    const mac = (x) => `${x.name} (${x.mac})`;
    const out = [
      `Frame ${frame}: ${wire} bytes on wire (${wire * 8} bits), ${wire} bytes captured (${wire * 8} bits)${side === 'phone' ? ' on interface 0' : ''}`,
      ...(side === 'phone' ? ['    Interface id: 0 (\\Device\\NPF_{4C2F7E61-9B0A-4D3E-8F15-2A6C0D9B7E43})'] : []),
      '    Encapsulation type: Ethernet (1)', `    Arrival Time: ${arrival}`, '    [Time shift for this packet: 0.000000000 seconds]',
      `    Epoch Time: ${secs(t)} seconds`,
      `    [Time delta from previous captured frame: ${secs(Math.max(0, t - prev))} seconds]`,
      `    [Time delta from previous displayed frame: ${secs(Math.max(0, t - prev))} seconds]`,
      `    [Time since reference or first frame: ${secs(t - first)} seconds]`,
      `    Frame Number: ${frame}`, `    Frame Length: ${wire} bytes (${wire * 8} bits)`, `    Capture Length: ${wire} bytes (${wire * 8} bits)`,
      '    [Frame is marked: False]', '    [Frame is ignored: False]', `    [Protocols in frame: eth:ip:tcp${hasSip ? ':sip' : ''}]`,
      '    [Coloring Rule Name: TCP]', '    [Coloring Rule String: tcp]',
      `Ethernet II, Src: ${mac(src)}, Dst: ${mac(dst)}`,
      `    Destination: ${mac(dst)}`, `        Address: ${mac(dst)}`, ...IG_LG,
      `    Source: ${mac(src)}`, `        Address: ${mac(src)}`, ...IG_LG, '    Type: IP (0x0800)',
      ...(wire > 14 + ipLen ? [`    Padding: ${'00'.repeat(wire - 14 - ipLen)}`] : []),
      `Internet Protocol Version 4, Src: ${sip} (${sip}), Dst: ${dip} (${dip})`,
      '    Version: 4', '    Header length: 20 bytes',
      '    Differentiated Services Field: 0x60 (DSCP 0x18: Class Selector 3; ECN: 0x00: Not-ECT (Not ECN-Capable Transport))',
      `    Total Length: ${ipLen}`, `    Identification: 0x${hx(id & 0xffff, 4)} (${id & 0xffff})`, '    Flags: 0x02 (Don\'t Fragment)',
      '    Fragment offset: 0', `    Time to live: ${fromPhone ? (side === 'phone' ? 64 : 61) : (side === 'cucm' ? 64 : 61)}`, '    Protocol: TCP (6)',
      `    Header checksum: 0x${h32(id).slice(0, 4)} [validation disabled]`, `    Source: ${sip} (${sip})`, `    Destination: ${dip} (${dip})`,
      '    [Source GeoIP: Unknown]', '    [Destination GeoIP: Unknown]',
      `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Seq: ${p.seq}, Ack: ${p.ack}, Len: ${p.len}`,
      `    Source port: ${sp}`, `    Destination port: ${dp}`, `    [Stream index: ${side === 'phone' ? 3 : 0}]`,
      `    [TCP Segment Len: ${p.len}]`, `    Sequence number: ${p.seq}`,
      ...(p.len ? [`    [Next sequence number: ${p.seq + p.len}]`] : []), `    Acknowledgment number: ${p.ack}`,
      '    Header length: 20 bytes', `    Flags: 0x0${p.len ? '18 (PSH, ACK)' : '10 (ACK)'}`,
      '        000. .... .... = Reserved: Not set', '        ...0 .... .... = Nonce: Not set',
      '        .... 0... .... = Congestion Window Reduced (CWR): Not set', '        .... .0.. .... = ECN-Echo: Not set',
      '        .... ..0. .... = Urgent: Not set', '        .... ...1 .... = Acknowledgment: Set',
      `        .... .... ${p.len ? 1 : 0}... = Push: ${p.len ? 'Set' : 'Not set'}`, '        .... .... .0.. = Reset: Not set',
      '        .... .... ..0. = Syn: Not set', '        .... .... ...0 = Fin: Not set',
      `    Window size value: ${fromPhone ? 17940 : p.win}`, `    [Calculated window size: ${fromPhone ? 17940 : p.win}]`,
      '    [Window size scaling factor: -1 (unknown)]',
      `    Checksum: 0x${h32(p.seq ^ p.ack).slice(4)} [validation disabled]`, '        [Good Checksum: False]', '        [Bad Checksum: False]',
      '    [SEQ/ACK analysis]',
      ...(p.len ? [`        [Bytes in flight: ${p.len}]`] : []),
      ...(origFrame ? ['        [TCP Analysis Flags]', '            [This frame is a (suspected) retransmission]',
        '                [Expert Info (Note/Sequence): Retransmission (suspected)]', '                    [Message: Retransmission (suspected)]',
        '                    [Severity level: Note]', '                    [Group: Sequence]',
        `            [The RTO for this segment was: ${(p.rto / 1e6).toFixed(9)} seconds]`, `            [RTO based on delta from frame: ${origFrame}]`] : []),
    ];
    if (!hasSip) return out;
    const s = p.sip;
    const req = s[0].startsWith('REGISTER');
    out.push(`Session Initiation Protocol (${req ? 'REGISTER' : s[0].slice(8, 11)})`);
    if (req) {
      out.push(`    Request-Line: ${s[0]}`, '        Method: REGISTER', `        Request-URI: sip:${CM.ip}`, `            Request-URI Host Part: ${CM.ip}`,
        `        [Resent Packet: ${origFrame ? 'True' : 'False'}]`, ...(origFrame ? [`        [Suspected resend of frame: ${origFrame}]`] : []));
    } else {
      out.push(`    Status-Line: ${s[0]}`, `        Status-Code: ${s[0].slice(8, 11)}`, '        [Resent Packet: False]',
        ...(reqFrame ? [`        [Request Frame: ${reqFrame.frame}]`, `        [Response Time (ms): ${Math.round((t - reqFrame.t) / 1000)}]`] : []));
    }
    out.push('    Message Header');
    for (const l of s.slice(1)) {
      const [name, value] = [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)];
      out.push(`        ${l}`);
      if (name === 'Via') {
        out.push('            Transport: TCP', `            Sent-by Address: ${PH.ip}`, `            Sent-by port: ${PH.port}`, `            Branch: ${value.split('branch=')[1]}`);
      } else if (name === 'From' || name === 'To') {
        const w = name.toLowerCase();
        const uri = value.slice(1, value.indexOf('>'));
        out.push(`            SIP ${w} address: ${uri}`, `                SIP ${w} address User Part: 4102`, `                SIP ${w} address Host Part: ${CM.ip}`);
        if (value.includes(';tag=')) out.push(`            SIP ${w} tag: ${value.split(';tag=')[1]}`);
      } else if (name === 'CSeq') {
        out.push(`            Sequence Number: ${value.split(' ')[0]}`, '            Method: REGISTER');
      } else if (name === 'Contact') {
        const uri = value.slice(1, value.indexOf('>'));
        out.push(`            Contact URI: ${uri}`, `                Contact URI User Part: ${uri.slice(4, uri.indexOf('@'))}`,
          `                Contact URI Host Part: ${PH.ip}`, `                Contact URI Host Port: ${PH.port}`, '                Contact URI parameter: transport=tcp',
          ...value.slice(value.indexOf('>') + 2).split(';').map((x) => `            Contact parameter: ${x}`));
      }
    }
    return out;
  };

  // phone side: every packet; frame numbers of the whole capture (other traffic of the PC and the phone in between)
  const phonePk = [...pk].sort((a, b) => a.atPhone - b.atPhone);
  const capStart = phonePk[0].atPhone - 41306118;
  let prevFrame = 0;
  phonePk.forEach((p, i) => {
    p.pFrame = Math.max(prevFrame + 1 + (i % 3 === 2 ? 4 : 0), 1 + Math.floor((p.atPhone - capStart) * 12.17e-6));
    prevFrame = p.pFrame;
  });
  const HEAD = 'No.\tTime\tSource\tDestination\tProtocol\tSequence number\tAcknowledgement number\tInfo';
  const phoneRows = phonePk.map((p) => [p.pFrame, tod(p.atPhone, IST), up(p) ? PH.ip : CM.ip, up(p) ? CM.ip : PH.ip, p.sip ? 'SIP' : 'TCP',
    p.seq, p.ack, `${p.retrans ? '[TCP Retransmission] ' : ''}${info(p)}`].join('\t'));
  // the details copied below the list: the registration (REGISTER, 200 OK) and the last refresh (both copies, 200 OK)
  const regs = phonePk.filter((p) => p.sip && up(p));
  const oks = phonePk.filter((p) => p.ok);
  const pick = [regs[0], oks[0], regs.at(-2), regs.at(-1), oks.at(-1)];
  const phoneBlocks = pick.map((p) => {
    const i = phonePk.indexOf(p);
    const req = p.ok ? regs.filter((r) => r.k === p.k).at(-1) : null;
    const orig = p.retrans ? regs.find((r) => r.k === p.k && r.lost) : null;
    return details(p, 'phone', p.pFrame, phonePk[i - 1]?.atPhone ?? capStart, capStart, req && { frame: req.pFrame, t: req.atPhone }, orig?.pFrame);
  });
  write('case2-port-security/phone-capture.txt', [
    'Filter: ip.addr == 178.215.139.22 && tcp.port == 5060', '', HEAD, ...phoneRows, '', ...phoneBlocks.flatMap((b) => [...b, '']),
  ].join('\n'));

  // CUCM side: what arrived there, exported as plain text with details (relative times)
  const cucmPk = pk.filter((p) => !p.lost).sort((a, b) => a.atCucm - b.atCucm);
  const c0 = cucmPk[0].atCucm;
  const heading = 'No.     Time           Source                Destination           Protocol Length Info';
  const cucmBlocks = cucmPk.map((p, i) => {
    const frame = i + 1;
    p.cFrame = frame;
    const wire = 14 + 40 + p.len < 60 && up(p) ? 60 : 14 + 40 + p.len;
    const rel = p.atCucm - c0;
    const row = `${String(frame).padStart(7)} ${`${Math.floor(rel / 1e6)}.${pad(rel % 1e6, 6)}`.padEnd(14)} ${(up(p) ? PH.ip : CM.ip).padEnd(21)} ` +
      `${(up(p) ? CM.ip : PH.ip).padEnd(21)} ${(p.sip ? 'SIP' : 'TCP').padEnd(8)} ${String(wire).padEnd(6)} ${info(p)}`;
    const req = p.ok || (p.sip && !up(p)) ? cucmPk.find((r) => r.k === p.k && r.sip && up(r)) : null;
    return [heading, row, '', ...details(p, 'cucm', frame, cucmPk[i - 1]?.atCucm ?? c0, c0, req && { frame: req.cFrame, t: req.atCucm }, 0), ''];
  });
  write('case2-port-security/cucm-capture.txt', cucmBlocks.flat().join('\n'));

  write('case2-port-security/seed-table.txt', [
    'Seed case study 2 (Cisco TAC 200410), phone-side capture as the document prints it; heading added from its other tables.',
    '', HEAD, ...SEED_2, '',
  ].join('\n'));
}

// --- the seed's "reading Wireshark logs" tables, as an engineer pasted them into a ticket: the phone-side REGISTER
// answered 9 s late, the SCCP keepalives and the two ARP answers. Shared with the exports tests (hand-written there).
write('seed-ticket/wireshark-tables.txt',
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'exports', 'seed-tab-table.txt'), 'utf8'));

// --- a case: a phone whose REGISTERs were black-holed for 45 s, captured at the phone and at the registrar at the
// same time (real captures, scripts/captures/sip-tcp-blackhole.sh), with the CUCM trace and syslog written around them
// by test/fixtures/case/make-case.mjs (the CUCM's clock 2.75 s ahead). Open the folder: the alarm links to the lost
// REGISTER, the captures are matched, and the ladder of the case shows all four files on one clock.
{
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
  for (const [from, to] of [
    ['captures/sip-tcp-blackhole-phone.pcap', 'phone.pcap'], ['captures/sip-tcp-blackhole-cucm.pcap', 'cucm.pcap'],
    ['case/SDL001_100_000001.txt', 'SDL001_100_000001.txt'], ['case/cucm-syslog.log', 'cucm-syslog.log'],
  ]) {
    mkdirSync(join(here, 'blackhole-case'), { recursive: true });
    writeFileSync(join(here, 'blackhole-case', to), readFileSync(join(fixtures, from)));
  }
}
