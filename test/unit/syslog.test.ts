import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlarmReader, paramValue, parseAlarmLine } from '../../server/src/sources/syslog';
import { ProblemSink } from '../../server/src/sources/text';
import { ciscoStampBefore, parseSyslogStamp, withYear, formatDuration, DayClock, parseTimeOfDay } from '../../server/src/sources/time';
import { detectTextFormat, sniffBinary } from '../../server/src/sources/detect';
import { SEED_LINE } from '../helpers/paths';

test('the seed line: header, every parameter with its columns, and the trailing text', () => {
  const p = parseAlarmLine(SEED_LINE)!;
  assert.ok(p);
  assert.equal(p.form, 'ciscolog');
  assert.equal(p.app, 'UC_CALLMANAGER');
  assert.equal(p.severity, 3);
  assert.equal(p.name, 'EndPointUnregistered');
  assert.equal(SEED_LINE.slice(p.nameStart, p.nameEnd), 'EndPointUnregistered');
  assert.equal(p.params.length, 11);
  assert.equal(paramValue(p, 'Reason'), '13');
  assert.equal(paramValue(p, 'LastSignalReceived'), 'SIPStationDPrimaryLineTimeout');
  assert.equal(paramValue(p, 'AppID'), 'Cisco CallManager');
  const reason = p.params.find((q) => q.key === 'Reason')!;
  assert.equal(SEED_LINE.slice(reason.keyStart, reason.valueEnd), 'Reason=13');
  assert.equal(p.text, 'An endpoint has unregistered');
  assert.equal(p.truncated, false);
  const t = parseSyslogStamp(p.prefix)!;
  assert.equal(new Date(t.ms).toISOString(), '2015-07-02T06:22:31.000Z');
});

test('tag groups separated by spaces, empty values, PRI and no receiver prefix', () => {
  const line = '<187>1204: cucm-pub.example.com: *Jul 15 2015 12:42:56.417 EDT: %UC_CALLMANAGER-3-EndPointUnregistered: % [DeviceName=SEP001122334455] [IPAddress=10.1.2.3] [IPV6Address=] [Protocol=SCCP] [Reason=6]: An endpoint has unregistered';
  const p = parseAlarmLine(line)!;
  assert.equal(p.name, 'EndPointUnregistered');
  assert.equal(paramValue(p, 'IPV6Address'), '');
  assert.equal(paramValue(p, 'Protocol'), 'SCCP');
  assert.equal(paramValue(p, 'Reason'), '6');
  assert.equal(p.text, 'An endpoint has unregistered');
  // EDT is UTC-4
  assert.equal(new Date(parseSyslogStamp(p.prefix)!.ms).toISOString(), '2015-07-15T16:42:56.417Z');
});

test('the older CCM_CALLMANAGER labelled form maps labels to canonical keys', () => {
  const line = '%CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: Device unregistered. Device name.:SEP000B5F327F9A Device IP address.:10.1.1.1 Protocol.:SCCP Device type. [Optional]:8 Device description [Optional].:front desk Reason Code [Optional].:12';
  const p = parseAlarmLine(line)!;
  assert.equal(p.form, 'labelled');
  assert.equal(p.app, 'CCM_CALLMANAGER-CALLMANAGER');
  assert.equal(p.name, 'DeviceUnregistered');
  assert.deepEqual(p.params.map((q) => [q.key, q.value]), [
    ['DeviceName', 'SEP000B5F327F9A'], ['IPAddress', '10.1.1.1'], ['Protocol', 'SCCP'], ['DeviceType', '8'],
    ['Description', 'front desk'], ['Reason', '12'],
  ]);
  const r = p.params.find((q) => q.key === 'Reason')!;
  assert.equal(line.slice(r.valueStart, r.valueEnd), '12');
  assert.equal(line.slice(r.keyStart, r.keyEnd), 'Reason Code');
});

test('SDL AlarmErr records, and a record cut before the end of its parameter list', () => {
  const line = '08080021.046 |16:31:15.938 |AlarmErr |AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: An endpoint has unregistered, AlarmParameters: DeviceName:SEP0A0B0C0D0E0F, IPAddress:10.9.8.7, IPV6Address:, DeviceType:540, Reason:13, NodeID:cucm-sub1,';
  const p = parseAlarmLine(line)!;
  assert.equal(p.form, 'sdl');
  assert.equal(p.name, 'EndPointUnregistered');
  assert.equal(p.severity, 3);
  assert.equal(p.prefix, '16:31:15.938');
  assert.deepEqual(p.params.map((q) => [q.key, q.value]), [
    ['DeviceName', 'SEP0A0B0C0D0E0F'], ['IPAddress', '10.9.8.7'], ['IPV6Address', ''], ['DeviceType', '540'], ['Reason', '13'], ['NodeID', 'cucm-sub1'],
  ]);
  assert.equal(p.truncated, false);
  const cut = parseAlarmLine(line.slice(0, line.indexOf('Reason:13') + 8))!;
  assert.equal(cut.truncated, true);
  assert.equal(paramValue(cut, 'Reason'), '1');
});

test('a truncated CiscoLog alarm keeps what it has and says it is cut', () => {
  const cut = SEED_LINE.slice(0, SEED_LINE.indexOf('[Reason=') + 4);
  const p = parseAlarmLine(cut)!;
  assert.equal(p.truncated, true);
  assert.equal(paramValue(p, 'DeviceName'), 'SEPE0D1730A8137');
  assert.equal(paramValue(p, 'Reason'), undefined);
});

test('lines that hold no alarm give null, never a throw', () => {
  for (const l of ['', 'plain text', '100% done', '%', '%UC_', '%UC_CALLMANAGER-9-X: y', '|AlarmErr', '[[[[', '\u0000\u0001%[']) {
    assert.equal(parseAlarmLine(l), null, JSON.stringify(l));
  }
});

test('time stamps: ISO with offset, RFC 3164 without year, unknown zones, day roll-over, durations', () => {
  assert.equal(new Date(parseSyslogStamp('2015-07-02T08:22:31.5+02:00 host ')!.ms).toISOString(), '2015-07-02T06:22:31.500Z');
  const s = parseSyslogStamp('Dec 31 23:59:58 10.1.1.1 ')!;
  assert.ok(s.noYear);
  assert.equal(new Date(withYear(s.noYear!, new Date('2016-01-01T00:10:00Z'))).toISOString(), '2015-12-31T23:59:58.000Z');
  const z = parseSyslogStamp('Jul 02 2015 06:22:31 XYZT ')!;
  assert.equal(z.unknownZone, 'XYZT');
  assert.equal(new Date(z.ms).toISOString(), '2015-07-02T06:22:31.000Z');
  const clock = new DayClock(Date.UTC(2020, 0, 1));
  assert.equal(new Date(clock.at(parseTimeOfDay('23:59:59.900'))).toISOString(), '2020-01-01T23:59:59.900Z');
  assert.equal(new Date(clock.at(parseTimeOfDay('00:00:00.100'))).toISOString(), '2020-01-02T00:00:00.100Z');
  assert.equal(formatDuration(9000), '9.0 s');
  assert.equal(formatDuration(962000), '16 min 2 s');
  assert.equal(formatDuration(7500000), '2 h 5 min');
});

test('the reader turns lines into compact messages and aggregates unknown names and reasons', () => {
  const sink = new ProblemSink();
  const r = new AlarmReader({ source: 0 }, sink);
  const lines = [
    SEED_LINE,
    'Jul 02 2015 06:30:00 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP001122334455][Reason=99]: x',
    'Jul 02 2015 06:31:00 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP001122334455][Reason=99]: x',
    'Jul 02 2015 06:32:00 UTC: %UC_CALLMANAGER-6-SomeNewAlarm: %[DeviceName=SEP001122334455]: x',
    'Jul 02 2015 06:33:00 UTC: %UC_AUDITLOG-5-AdministrativeEvent: %[UserID=admin]: y',
    'not an alarm at all',
  ];
  lines.forEach((l, i) => r.line(l, i + 1));
  r.finish();
  assert.equal(r.messages.length, 3);
  const m = r.messages[0]!;
  assert.equal(m.device, 'SEPE0D1730A8137');
  assert.equal(m.reason, 13);
  assert.equal(m.deviceType, 592);
  assert.equal(m.lastSignal, 'SIPStationDPrimaryLineTimeout');
  assert.equal(m.loc.line, 1);
  assert.equal(m.dated, true);
  const codes = sink.list.map((p) => p.code).sort();
  assert.deepEqual(codes, ['alarm.unknown-name', 'alarm.unknown-reason']);
  assert.match(sink.list.find((p) => p.code === 'alarm.unknown-reason')!.message, /Reason=99 .*2 lines, first on line 2/);
  assert.match(sink.list.find((p) => p.code === 'alarm.unknown-name')!.message, /SomeNewAlarm/);
});

test('format detection by content', () => {
  assert.equal(detectTextFormat(SEED_LINE + '\n'), 'cucm-syslog');
  assert.equal(detectTextFormat('03797036.011 |20:21:08.058 |AppInfo  |StationD: x\n03797036.012 |20:21:08.058 |AppInfo  |y\n'), 'cucm-sdl-trace');
  assert.equal(detectTextFormat('16:03:06.640 CCM|StationInit - InboundStim - KeepAliveMessage\n'), 'cucm-sdi-trace');
  assert.equal(detectTextFormat('No.\tTime\tSource\tDestination\tProtocol\tInfo\n1\t0.0\ta\tb\tSIP\tx\n'), 'capture-export');
  assert.equal(detectTextFormat('hello world\n'), 'unknown');
  assert.equal(detectTextFormat(''), 'empty');
  assert.equal(sniffBinary(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0])), 'pcap');
  assert.equal(sniffBinary(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 0, 0])), 'pcapng');
  assert.equal(sniffBinary(Uint8Array.from([0x1f, 0x8b, 8, 0])), 'gzip');
});

test('the fast CiscoLog stamp reader agrees with the general one on every shape it accepts', () => {

  const shapes = [
    'Jul 02 2015 06:22:31 UTC :   ', 'Jul  2 2015 06:22:31.5 EDT: ', '41679: h: *Dec 31 1999 23:59:59.999 CET: ',
    'Jan 01 2020 00:00:00.000123 +05:30: ', 'Feb 29 2016 12:00:00 : ', 'Mar 14 2011 09:12:05.418 QQQ: ', 'x Apr 1 2022 01:02:03.04 GMT: ',
  ];
  for (const prefix of shapes) {
    const line = prefix + '%UC_CALLMANAGER-3-EndPointUnregistered: %[Reason=13]: x';
    const scratch = { unknownZone: '' };
    const fast = ciscoStampBefore(line, prefix.length, scratch);
    const slow = parseSyslogStamp(prefix)!;
    assert.equal(fast, slow.ms, prefix);
    assert.equal(scratch.unknownZone, slow.unknownZone ?? '', prefix);
  }
  for (const bad of ['', 'no stamp here: ', 'Jul 02 06:22:31 host: ', '2015-07-02T06:22:31Z host: ', 'Foo 02 2015 06:22:31 UTC: ']) {
    assert.ok(Number.isNaN(ciscoStampBefore(bad + '%', bad.length, { unknownZone: '' })), JSON.stringify(bad));
  }
});
