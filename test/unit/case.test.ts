// A case: files that belong together analysed as one. Real captures at both ends of a registration that was
// black-holed for 45 s (scripts/captures/sip-tcp-blackhole.sh), with the CUCM trace and syslog that
// test/fixtures/case/make-case.mjs wrote around them from tshark's reading (the CUCM's clock 2.75 s ahead). The
// expected values (case.expected.json) come from tshark, not from CUCM Lens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Settings } from '../../server/src/settings';
import { alignClocks } from '../../server/src/analysis/clock';
import type { ClockEdge } from '../../server/src/analysis/clock';
import type { SourceInfo } from '../../server/src/model';
import { CLI, ROOT } from '../helpers/paths';

const CASE = path.join(ROOT, 'test', 'fixtures', 'case');
const CAPS = path.join(ROOT, 'test', 'fixtures', 'captures');
const PHONE = path.join(CAPS, 'sip-tcp-blackhole-phone.pcap');
const CUCM = path.join(CAPS, 'sip-tcp-blackhole-cucm.pcap');
const TRACE = path.join(CASE, 'SDL001_100_000001.txt');
const SYSLOG = path.join(CASE, 'cucm-syslog.log');
const expected = JSON.parse(fs.readFileSync(path.join(CASE, 'case.expected.json'), 'utf8')) as {
  device: string; clockShiftMs: number; lastRegister: { frame: number; timeMs: number; retransmissions: number }; answeredBeforeExpiry: boolean;
};
/** The trace carries times of day only: give it the captures' day, as a user would with cucmLens.traces.date. */
const day = new Date(expected.lastRegister.timeMs).toISOString().slice(0, 10);
const settings: Settings = { ...DEFAULT_SETTINGS, traces: { ...DEFAULT_SETTINGS.traces, date: Date.parse(`${day}T00:00:00Z`) } };

async function analyzeCase(offsets?: Map<string, number>) {
  const files = [TRACE, SYSLOG, PHONE, CUCM];
  const r = await analyzePaths(files, settings, { keepMessages: true, offsets });
  const idx = (f: string) => r.sources.findIndex((s) => s.file === f);
  return { r, idx };
}

test('case: every file is put on the trace\'s clock, by the evidence each pair shares', async () => {
  const { r, idx } = await analyzeCase();
  const clock = r.clock!;
  assert.ok(clock, 'several inputs get a case clock');
  const c = (f: string) => clock[idx(f)]!;
  assert.equal(c(TRACE).basis, 'reference', 'the CUCM trace is the reference');
  assert.equal(c(SYSLOG).basis, 'alarms');
  assert.ok(Math.abs(c(SYSLOG).offsetMs) < 1, `syslog offset ${c(SYSLOG).offsetMs}`);
  // one capture is aligned with the trace by SIP messages, the other with that capture by segments
  const [bySip, bySeg] = c(CUCM).basis === 'sip' ? [CUCM, PHONE] : [PHONE, CUCM];
  assert.equal(c(bySip).basis, 'sip');
  assert.equal(c(bySip).via, idx(TRACE));
  assert.equal(c(bySeg).basis, 'segments');
  assert.equal(c(bySeg).via, idx(bySip));
  assert.match(c(bySeg).detail, new RegExp(`segments.*${path.basename(bySip).replace(/\./g, '\\.')}`));
  for (const f of [CUCM, PHONE]) assert.ok(Math.abs(c(f).offsetMs - expected.clockShiftMs) <= 2, `${path.basename(f)} offset ${c(f).offsetMs}`);
});

test('case: the unregistration alarm says what the captures show, and points at the last REGISTER', async () => {
  const { r, idx } = await analyzeCase();
  for (const file of [SYSLOG, TRACE]) {
    const f = r.findings.find((x) => x.rule === 'alarm.endpoint-unregistered' && x.loc.source === idx(file));
    assert.ok(f, `an unregistration finding in ${path.basename(file)}`);
    const n = expected.lastRegister.retransmissions;
    // "last REGISTER 2026-… in sip-tcp-blackhole-phone.pcap, 8 retransmissions, no response, 6.6 s before the alarm"
    assert.match(f.message, new RegExp(`Evidence: last REGISTER \\S+ \\S+ in sip-tcp-blackhole-phone\\.pcap, ${n} retransmissions?, ${expected.answeredBeforeExpiry ? '' : 'no response'}`));
    const related = f.related.find((x) => x.loc.source === idx(PHONE));
    assert.ok(related, 'related location in the phone capture');
    assert.equal(related.loc.frame, expected.lastRegister.frame, 'the REGISTER tshark found');
    assert.equal(f.evidence['evidenceSource'], idx(PHONE));
    assert.equal(f.evidence['lastKeepaliveResends'], n);
    assert.equal(f.evidence['lastKeepaliveAnswered'], false);
    // 6.6 s: the alarm (trace clock) minus the REGISTER put on the trace clock
    const before = f.evidence['lastKeepaliveBeforeMs'] as number;
    const alarmMs = f.time - (r.clock![f.loc.source]!.offsetMs);
    assert.ok(Math.abs(before - (alarmMs - (expected.lastRegister.timeMs + expected.clockShiftMs))) < 5, `before ${before}`);
  }
  // the registration alarm is not touched
  const reg = r.findings.find((x) => x.rule === 'alarm.endpoint-registered');
  assert.ok(reg && !/Evidence:/.test(reg.message));
});

test('case: a clock offset set by hand is kept, and the others follow it', async () => {
  const { r, idx } = await analyzeCase(new Map([[PHONE, 0]]));
  const c = r.clock!;
  assert.equal(c[idx(PHONE)]!.basis, 'manual');
  assert.equal(c[idx(PHONE)]!.offsetMs, 0);
  // the CUCM capture now follows the phone capture (segments outrank SIP messages)
  assert.equal(c[idx(CUCM)]!.basis, 'segments');
  assert.ok(Math.abs(c[idx(CUCM)]!.offsetMs) <= 2);
});

test('case: one file alone has no case clock and no evidence', async () => {
  const r = await analyzePaths([SYSLOG], settings, { keepMessages: true });
  assert.equal(r.clock, undefined);
  assert.ok(!r.findings.some((f) => /Evidence:/.test(f.message)));
});

const src = (format: SourceInfo['format'], file: string = format): SourceInfo => ({ file, format, messages: 1, problems: [] });

test('alignClocks: strongest evidence first, a chain, and sources nothing links', () => {
  const sources = [src('pcap', 'a.pcap'), src('cucm-syslog', 's.log'), src('pcap', 'b.pcap'), src('cucm-sdl-trace', 't.txt'), src('capture-export', 'x.csv')];
  const edges: ClockEdge[] = [
    { a: 0, b: 2, deltaMs: 100, basis: 'segments', matches: 50 },
    { a: 2, b: 3, deltaMs: -5000, basis: 'sip', matches: 3 },
    { a: 0, b: 3, deltaMs: -4000, basis: 'sip', matches: 1 }, // weaker than the chain through b.pcap
    { a: 1, b: 3, deltaMs: 3_600_000, basis: 'alarms', matches: 2 }, // syslog an hour behind the trace
  ];
  const c = alignClocks(sources, edges);
  assert.equal(c[3]!.basis, 'reference');
  // t_b = t_t + 5000 for one event, so b's offset is -5000; a: t_b = t_a + 100 → a = b + 100
  assert.equal(c[2]!.offsetMs, -5000 + 0);
  assert.equal(c[2]!.basis, 'sip');
  assert.equal(c[0]!.offsetMs, -5000 + 100);
  assert.equal(c[0]!.basis, 'segments');
  assert.equal(c[1]!.offsetMs, 3_600_000);
  assert.equal(c[4]!.basis, 'none');
  assert.equal(c[4]!.offsetMs, 0);
});

test('alignClocks: a manual offset is a fixed point, and with no trace or syslog the first source is the reference', () => {
  const sources = [src('pcap', 'a.pcap'), src('pcap', 'b.pcap')];
  const auto = alignClocks(sources, [{ a: 0, b: 1, deltaMs: 250, basis: 'segments', matches: 9 }]);
  assert.deepEqual(auto.map((c) => [c.basis, c.offsetMs]), [['reference', 0], ['segments', -250]]);
  const manual = alignClocks(sources, [{ a: 0, b: 1, deltaMs: 250, basis: 'segments', matches: 9 }], new Map([[1, 40]]));
  assert.deepEqual(manual.map((c) => [c.basis, c.offsetMs]), [['reference', 0], ['manual', 40]]);
});

test('CLI: analyze over a case prints the clocks; --offset sets one by hand; a bad --offset is a usage error', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'analyze', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const r = run([PHONE, CUCM]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Clocks \(one case clock/);
  assert.match(r.stdout, /sip-tcp-blackhole-phone\.pcap: reference/);
  assert.match(r.stdout, /sip-tcp-blackhole-cucm\.pcap: [+-][\d.]+ ms \(median of \d+ segments/);
  const m = run(['--offset', `${PHONE}=-1.5s`, PHONE, CUCM]);
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stdout, /sip-tcp-blackhole-phone\.pcap: -1\.5 s \(set by hand/);
  assert.match(m.stdout, /sip-tcp-blackhole-cucm\.pcap: -1\.5 s \(median of \d+ segments/);
  const j = spawnSync(process.execPath, [CLI, 'analyze', '--format', 'json', PHONE, CUCM], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const json = JSON.parse(j.stdout) as { sources: { file: string; clock?: { basis: string; offsetMs: number } }[] };
  assert.equal(json.sources[0]!.clock!.basis, 'reference');
  assert.equal(json.sources[1]!.clock!.basis, 'segments');
  // analyze streams (keeps no messages) and still links the alarm: flows forgotten while streaming keep their records
  const all = run([TRACE, SYSLOG, PHONE, CUCM]);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, new RegExp(`cucm-syslog\\.log:1: error alarm\\.endpoint-unregistered: .*Evidence: last REGISTER \\S+ \\S+ in sip-tcp-blackhole-phone\\.pcap, ${expected.lastRegister.retransmissions} retransmissions, no response`));
  const bad = run(['--offset', `${PHONE}=soon`, PHONE]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not an offset/);
});
