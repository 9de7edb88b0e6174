import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeTexts } from '../../server/src/engine';
import { DEFAULT_SETTINGS, normaliseSettings } from '../../server/src/settings';
import { SEED_LINE } from '../helpers/paths';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${MON[d.getUTCMonth()]} ${p(d.getUTCDate())} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} UTC`;
}
function alarm(ms: number, name: string, device: string, extra: string, sev = 3): string {
  return `1: ucm1: ${stamp(ms)}: %UC_CALLMANAGER-${sev}-${name}: %[DeviceName=${device}][IPAddress=10.1.1.9][Protocol=SIP][DeviceType=540]${extra}[NodeID=ucm1]: text`;
}
const T0 = Date.UTC(2015, 6, 15, 18, 0, 0);

test('each unregistration becomes a finding whose severity follows the reason', () => {
  const text = [
    SEED_LINE,
    alarm(T0, 'EndPointUnregistered', 'SEP000000000001', '[Reason=9]', 6),
    alarm(T0 + 1000, 'EndPointUnregistered', 'SEP000000000002', '[Reason=16]'),
    alarm(T0 + 2000, 'EndPointUnregistered', 'SEP000000000003', '[Reason=77]'),
  ].join('\n');
  const r = analyzeTexts([{ file: 'a.log', text }], DEFAULT_SETTINGS);
  const f = r.findings.filter((x) => x.rule === 'alarm.endpoint-unregistered');
  assert.equal(f.length, 4);
  const byLine = new Map(f.map((x) => [x.loc.line, x]));
  assert.equal(byLine.get(1)!.severity, 'error');
  assert.match(byLine.get(1)!.message, /^SEPE0D1730A8137 \(Cisco 3905, SIP, 10\.60\.98\.210\) unregistered on uc-ucm-01: Reason 13 KeepAliveTimeout, last signal SIPStationDPrimaryLineTimeout\./);
  assert.equal(byLine.get(1)!.evidence.reason, 13);
  assert.equal(byLine.get(2)!.severity, 'information', 'CallManagerReset is a normal event');
  assert.equal(byLine.get(3)!.severity, 'warning', 'DuplicateRegistration');
  assert.match(byLine.get(4)!.message, /Reason 77 \(not a known unregistration reason\)/);
  assert.equal(r.sources[0]!.problems.find((p) => p.code === 'alarm.unknown-reason')!.line, 4);
});

test('a registration after an unregistration says how long the device was gone', () => {
  const text = [
    alarm(T0, 'EndPointUnregistered', 'SEP0024142DDF24', '[Reason=13][LastSignalReceived=SIPStationDPrimaryLineTimeout]'),
    alarm(T0 + 125_500, 'EndPointRegistered', 'SEP0024142DDF24', '', 6),
  ].join('\n');
  const r = analyzeTexts([{ file: 'a.log', text }], DEFAULT_SETTINGS);
  const reg = r.findings.find((x) => x.rule === 'alarm.endpoint-registered')!;
  assert.equal(reg.severity, 'hint');
  assert.match(reg.message, /registered again 2 min 6 s after it unregistered \(Reason 13 KeepAliveTimeout/);
  assert.equal(reg.evidence.downtimeMs, 125_500);
  assert.equal(reg.related[0]!.loc.line, 1);
});

function cycle(device: string, periods: number[], reason = 13): string[] {
  const out: string[] = [];
  let t = T0;
  for (const p of periods) {
    t += p;
    out.push(alarm(t, 'EndPointUnregistered', device, `[Reason=${reason}]`));
    out.push(alarm(t + 4000, 'EndPointRegistered', device, '', 6));
    out.push(alarm(t + 120_000, 'EndPointUnregistered', device, '[Reason=28]', 6));
  }
  return out;
}

test('alarm.flapping: a device unregistering every ~16 minutes gets the period; fallbacks do not count', () => {
  const lines = cycle('SEPE0D1730A8137', [962_000, 958_000, 965_000, 961_000, 963_000, 960_000]);
  const r = analyzeTexts([{ file: 'a.log', text: lines.join('\n') }], DEFAULT_SETTINGS);
  const flap = r.findings.filter((x) => x.rule === 'alarm.flapping');
  assert.equal(flap.length, 1);
  assert.equal(flap[0]!.severity, 'warning');
  assert.equal(flap[0]!.evidence.count, 6);
  assert.equal(flap[0]!.evidence.periodic, true);
  const period = flap[0]!.evidence.periodMs as number;
  assert.ok(Math.abs(period - 961_400) < 1000, `period ${period}`);
  assert.match(flap[0]!.message, /unregisters periodically: 6 times in .*every ~16 min 1 s.*back after ~4\.0 s each time; Reason 13 KeepAliveTimeout ×6.*suspected/);
  assert.equal(flap[0]!.loc.line, 16, 'placed on the last unregistration');
  assert.equal(flap[0]!.related.length, 5);
});

test('alarm.flapping: irregular repeats are information; too few events or other devices give nothing', () => {
  const irregular = cycle('SEP000000000009', [60_000, 1_800_000, 300_000, 4_000_000, 90_000]);
  let r = analyzeTexts([{ file: 'a.log', text: irregular.join('\n') }], DEFAULT_SETTINGS);
  let flap = r.findings.filter((x) => x.rule === 'alarm.flapping');
  assert.equal(flap.length, 1);
  assert.equal(flap[0]!.severity, 'information');
  assert.match(flap[0]!.message, /5 times .* at irregular intervals/);

  const few = cycle('SEP000000000009', [962_000, 962_000]);
  r = analyzeTexts([{ file: 'a.log', text: few.join('\n') }], DEFAULT_SETTINGS);
  assert.equal(r.findings.filter((x) => x.rule === 'alarm.flapping').length, 0);

  // the threshold is a setting
  const strict = normaliseSettings({ alarms: { flappingMinEvents: 8 } });
  r = analyzeTexts([{ file: 'a.log', text: cycle('SEP0A', [962_000, 962_000, 962_000, 962_000, 962_000]).join('\n') }], strict);
  assert.equal(r.findings.filter((x) => x.rule === 'alarm.flapping').length, 0);
  r = analyzeTexts([{ file: 'a.log', text: cycle('SEP0A', [962_000, 962_000, 962_000, 962_000, 962_000]).join('\n') }], DEFAULT_SETTINGS);
  assert.equal(r.findings.filter((x) => x.rule === 'alarm.flapping').length, 1);
});

test('transient connections and connection failures are reported with their own wording', () => {
  const text = [
    alarm(T0, 'EndPointTransientConnection', 'SEP000000000005', '[ConnectingPort=5060][Reason=6]'),
    '08080021.046 |16:31:15.938 |AlarmErr |AlarmClass: CallManager, AlarmName: ConnectionFailure, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: TLS failed, AlarmParameters: DeviceName:SEP00506006EAFE, IPAddress:10.2.3.4, DeviceType:584, Reason:2, NodeID:cucm9,',
  ].join('\n');
  const r = analyzeTexts([{ file: 'a.log', text, referenceDate: new Date('2020-03-04T12:00:00Z') }], DEFAULT_SETTINGS);
  const tr = r.findings.find((x) => x.rule === 'alarm.transient-connection')!;
  assert.equal(tr.severity, 'warning');
  assert.match(tr.message, /connection dropped before registration completed: Reason 6 ConnectivityError \(enumeration assumed\)/);
  const cf = r.findings.find((x) => x.rule === 'alarm.connection-failure')!;
  assert.equal(cf.severity, 'error');
  assert.match(cf.message, /SEP00506006EAFE \(Cisco TelePresence EX90, 10\.2\.3\.4\): CUCM failed to open a connection/);
  // the file was last written at 12:00, so a 16:31 record without a date is from the day before
  assert.equal(new Date(cf.time).toISOString(), '2020-03-03T16:31:15.938Z');
});

test('settings are normalised: wrong types fall back to defaults, out-of-range values are clamped', () => {
  const s = normaliseSettings({ alarms: { flappingMinEvents: 'many', flappingTolerance: 7 }, maxDiagnosticsPerFile: 3, inlayHints: { enabled: false } });
  assert.equal(s.alarms.flappingMinEvents, DEFAULT_SETTINGS.alarms.flappingMinEvents);
  assert.equal(s.alarms.flappingTolerance, 1);
  assert.equal(s.maxDiagnosticsPerFile, 10);
  assert.equal(s.inlayHints, false);
  assert.equal(DEFAULT_SETTINGS.sip.timerRegisterDelta, 5);
  assert.equal(DEFAULT_SETTINGS.sccp.keepAliveInterval, 30);
  assert.equal(DEFAULT_SETTINGS.traces.neighbourBytes, 64e6);
  assert.ok(Number.isNaN(DEFAULT_SETTINGS.traces.date));
  assert.equal(normaliseSettings({ traces: { date: '2015-07-15' } }).traces.date, Date.UTC(2015, 6, 15));
  for (const bad of ['2015-02-30', 'yesterday', 20150715]) assert.ok(Number.isNaN(normaliseSettings({ traces: { date: bad } }).traces.date), String(bad));
  assert.equal(normaliseSettings({ traces: { neighbourMegabytes: -5 } }).traces.neighbourBytes, 0);
});
