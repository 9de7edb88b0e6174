// A hostile capture for the ladder's safety tests: SIP over UDP whose device name, display name, User-Agent and
// reason phrase carry markup and script. Written by the tests themselves (the code is the generator).
import * as fs from 'node:fs';
import { bytesOf, ether, ipv4, udp, pcapFile } from './packets';

export const XSS = '<img src=x onerror="window.__xss=1">';
export const XSS_SCRIPT = '<script>window.__xss=2</script>';

function register(cseq: number): string {
  return [
    'REGISTER sip:10.9.9.1 SIP/2.0',
    'Via: SIP/2.0/UDP 10.9.9.50:5060;branch=z9hG4bK' + cseq,
    `From: "${XSS}" <sip:1001@10.9.9.1>;tag=a`,
    'To: <sip:1001@10.9.9.1>',
    'Call-ID: xss-call@10.9.9.50',
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:1001@10.9.9.50:5060>;+u.sip!devicename.ccm.cisco.com="SEP${XSS}"`,
    `User-Agent: ${XSS_SCRIPT}`,
    'Expires: 120',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
}

function answer(cseq: number): string {
  return [
    `SIP/2.0 200 ${XSS_SCRIPT}`,
    'Via: SIP/2.0/UDP 10.9.9.50:5060;branch=z9hG4bK' + cseq,
    `From: "${XSS}" <sip:1001@10.9.9.1>;tag=a`,
    'To: <sip:1001@10.9.9.1>;tag=b',
    'Call-ID: xss-call@10.9.9.50',
    `CSeq: ${cseq} REGISTER`,
    'Contact: <sip:1001@10.9.9.50:5060>;expires=120',
    'Expires: 120',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
}

export function xssCapture(file: string): void {
  const t0 = 1_764_000_000_000_000;
  const frame = (src: string, dst: string, text: string): Uint8Array =>
    ether({ type: 0x0800 }, ipv4({ src, dst, proto: 17 }, udp({ sport: 5060, dport: 5060 }, bytesOf(text))));
  const records = [];
  for (let k = 0; k < 3; k++) {
    records.push({ tsUs: t0 + k * 115_000_000, data: frame('10.9.9.50', '10.9.9.1', register(k + 1)) });
    records.push({ tsUs: t0 + k * 115_000_000 + 4000, data: frame('10.9.9.1', '10.9.9.50', answer(k + 1)) });
  }
  fs.writeFileSync(file, pcapFile(1, records));
}

/** A Wireshark export whose address and Info columns carry markup, and a syslog alarm whose device name does. */
export function xssTexts(dir: string): { exportFile: string; syslogFile: string } {
  const exportFile = `${dir}/xss-export.txt`;
  fs.writeFileSync(exportFile, [
    'No.\tTime\tSource\tDestination\tProtocol\tLength\tInfo',
    `1\t2026-11-23 12:00:00.000000\t${XSS}\t10.9.9.1\tSIP\t600\tRequest: REGISTER sip:10.9.9.1 ${XSS_SCRIPT}`,
    `2\t2026-11-23 12:00:00.010000\t10.9.9.1\t${XSS}\tSIP\t500\tStatus: 200 OK ${XSS}`,
    '',
  ].join('\n'));
  const syslogFile = `${dir}/xss-syslog.txt`;
  fs.writeFileSync(syslogFile, '31 uc-ucm-01 local7 3 : 41679: uc-ucm-01.pcce.local Jul 02 2015 06:22:31 UTC :   %UC_CALLMANAGER-3-EndPointUnregistered: '
    + `%[DeviceName=${XSS}][IPAddress=10.60.98.210][Protocol=SIP][DeviceType=592][Description=${XSS_SCRIPT}][Reason=13][IPAddrAttributes=0][LastSignalReceived=SIPStationDPrimaryLineTimeout][AppID=Cisco CallManager][ClusterID=StandAloneCluster][NodeID=uc-ucm-01]: An endpoint has unregistered\n`);
  return { exportFile, syslogFile };
}
