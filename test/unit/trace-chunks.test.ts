// A trace read from disk in chunks of any size gives what it gives read whole. Past its first bytes an ASCII chunk of
// an SDL trace is split into lines as bytes, and the lines of SIP messages reach the trace reader without a string
// each (LineSplitter.pushAscii, TraceReader.asciiLine); a file read as one chunk goes through the text path only, so
// reading it in small chunks against one big chunk compares the two paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { EXAMPLES, ROOT } from '../helpers/paths';

/** Everything a reading gives, as one comparable text. */
async function reading(file: string, readChunk: number): Promise<string> {
  const r = await analyzePaths([file], DEFAULT_SETTINGS, { readChunk });
  return JSON.stringify({ sources: r.sources, messages: r.messages, findings: r.findings, flows: r.flows });
}

/** An SDL trace with what the byte path must treat as the text path does. */
function trickyTrace(eol: string, ending: 'cut-headers' | 'whole-body' | 'cut-body'): string {
  const lines: string[] = [];
  let seq = 100;
  const rec = (t: string, type: string, text: string): void => {
    lines.push(`${String(2760000 + seq++).padStart(8, '0')}.004 |${t} |${type.padEnd(9)}|${text}`);
  };
  const register = (t: string, ip: string, port: number, cseq: number, extra: string[]): void => {
    rec(t, 'AppInfo', `SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from ${ip} on port ${port} index 1 with 600 bytes:`);
    lines.push('[101000,NET]');
    lines.push('REGISTER sip:10.1.1.1 SIP/2.0', `Via: SIP/2.0/TCP ${ip}:${port};branch=z9hG4bK${cseq}`, ...extra,
      `From: <sip:1001@10.1.1.1>;tag=a`, `To: <sip:1001@10.1.1.1>`, `Call-ID: c1-reg@${ip}`, `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:SEP001122334455@${ip}:${port};transport=tcp>;+u.sip!devicename.ccm.cisco.com="SEP001122334455"`,
      '  ;+u.sip!model.ccm.cisco.com="540"', 'Expires: 120', 'Content-Length: 12', '', '123456789012', '[not a marker]');
    rec(t, 'AppInfo', `SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to ${ip} on port ${port} index 1`);
    lines.push('[101001,NET]');
    lines.push('SIP/2.0 200 OK', `Via: SIP/2.0/TCP ${ip}:${port};branch=z9hG4bK${cseq}`, `Call-ID: c1-reg@${ip}`, `CSeq: ${cseq} REGISTER`,
      'Subject: 100% of it', '   ', 'Expires: 120', 'Content-Length: 0', '');
  };
  // records the byte path skips, and records it must leave to the text path (stations, alarms, broken headers)
  const others = (t: string): void => {
    rec(t, 'SdlSig', 'SIPRegisterInd                        |wait                           |SIPStationD(1,100,76,1001)        |SIPHandler(1,100,224,1)          |1,100,14,1.100^10.2.2.2^SEP001122334455  |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0]  Expires=3600');
    rec(t, 'SdlSig', 'StationOutputKeepAliveAck             |restart0                       |StationInit(1,100,63,1)          |StationD(1,100,64,109)           |1,100,14,12.3^10.2.2.9^SEP00AABBCCDDEE   |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0]');
    rec(t, 'SdlSig', 'StationKeepAlive                      |wait                           |StationD(1,100,64,109)           |StationInit(1,100,63,1)          |1,100,14,12.3^10.2.2.9^SEP00AABBCCDDEE   |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0]');
    rec(t, 'AppInfo', 'SIPStationD(1001) - processRegister: device SEP001122334455 refreshing, expires 120');
    rec(t, 'AppInfo', 'Digit Analysis: star_DaReq: matchedPattern=, DigitString=1001');
    rec(t, 'AppInfo', 'StationInit: (0000109) KeepAlive IPAddr=10.2.2.9');
    rec(t, 'Created', '                                       |                               |StationCdpc(2,100,64,22)         |StationD(2,100,64,109)');
    rec(t, 'AppInfo', 'AlarmSomething in the text column');
    rec(t, 'AppInfo', 'SIPUdp - wait_SdlDataInd: Incoming SIP UDP message size 300 from 10.2.2.5:[5060]:');
    lines.push('[101005,NET]', 'REGISTER sip:10.1.1.1 SIP/2.0', 'To: <sip:1005@10.1.1.1>', 'Call-ID: u5@10.2.2.5', 'CSeq: 9 REGISTER', 'Expires: 3600', 'Content-Length: 0', '');
    lines.push('0276x.001 |not a record', '12345678.0012 |08:00:00.000 |AppInfo  |sub too long', '1234567.001 |8:00:00.000 |AppInfo  |short time');
  };
  others('07:59:59.000');
  register('08:00:00.017', '10.2.2.2', 51000, 101, ['X-Long: ' + 'x'.repeat(70_000)]);
  others('08:00:30.000');
  register('08:01:55.020', '10.2.2.2', 51000, 102, ['Max-Forwards: 70', '[101002,INT]']);
  register('08:03:50.030', '10.2.2.2', 51000, 103, ['From-Name: "José Ünïcode"']);
  rec('08:04:00.000', 'AlarmErr', 'AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmSeverity: Notice, AlarmMessage: , AlarmDescription: An endpoint has unregistered, AlarmParameters:  DeviceName:SEP001122334455, IPAddress:10.2.2.2, Reason:8');
  for (let i = 0; i < 40; i++) others(`08:${String(5 + 2 * i).padStart(2, '0')}:00.0${String(i).padStart(2, '0')}`), register(`08:${String(6 + 2 * i).padStart(2, '0')}:00.0${String(i).padStart(2, '0')}`, '10.2.2.3', 52000 + i, 200 + i, []);
  // the end of the file inside a message's headers, or in its body (which counts its line ends as CRLF)
  rec('09:30:00.000', 'AppInfo', 'SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.4 on port 53000 index 1 with 600 bytes:');
  lines.push('[101003,NET]', 'REGISTER sip:10.1.1.1 SIP/2.0', 'Call-ID: cut@10.2.2.4');
  if (ending !== 'cut-headers') lines.push('CSeq: 1 REGISTER', 'Content-Length: 12', '', ending === 'whole-body' ? 'abcdefghij' : 'abcdefghi');
  return lines.join(eol);
}

test('SDL trace read in chunks of any size (as bytes past the first chunk) gives what one chunk gives (text path)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cucm-lens-chunks-'));
  try {
    const files = [
      path.join(ROOT, 'test', 'fixtures', 'traces', 'SDL001_100_000042.txt'),
      path.join(EXAMPLES, 'alarm-forms', 'SDL002_100_000417.txt'),
      path.join(EXAMPLES, 'blackhole-case', 'SDL001_100_000001.txt'),
    ];
    const tricky = [['SDL001_200_000001.txt', '\n', 'cut-headers'], ['SDL001_300_000001.txt', '\r\n', 'whole-body'], ['SDL001_400_000001.txt', '\n', 'cut-body']] as const;
    for (const [name, eol, ending] of tricky) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, trickyTrace(eol, ending) + (ending === 'cut-headers' ? '' : eol));
      files.push(f);
    }
    for (const file of files) {
      const whole = await reading(file, 1 << 24);
      assert.ok(JSON.parse(whole).messages.length > 0, file);
      for (const size of [5, 64, 509, 4096]) {
        assert.equal(await reading(file, size), whole, `${path.basename(file)} in chunks of ${size} bytes`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
