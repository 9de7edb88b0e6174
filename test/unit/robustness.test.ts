// Regressions found by an adversarial review: odd but real inputs that once broke parsing, dating or the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { analyzeTexts } from '../../server/src/engine';
import type { AlarmMessage } from '../../server/src/model';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { parseAlarmLine, paramValue } from '../../server/src/sources/syslog';
import { CLI, SEED_LINE, tempDir } from '../helpers/paths';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function line(ms: number, tags: string, device = 'SEP001122334455'): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `41679: cucm1: ${MON[d.getUTCMonth()]} ${p(d.getUTCDate())} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=${device}]${tags}[NodeID=cm1]: text`;
}
const T0 = Date.UTC(2015, 6, 2, 6, 0, 0);

function cli(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, maxBuffer: 256 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a device with 150,000 unregistrations does not overflow the stack', () => {
  const lines: string[] = [];
  for (let i = 0; i < 150_000; i++) lines.push(line(T0 + i * 7000, '[Reason=13]'));
  const r = analyzeTexts([{ file: 'big.log', text: lines.join('\n') }], DEFAULT_SETTINGS);
  const flap = r.findings.find((f) => f.rule === 'alarm.flapping')!;
  assert.equal(flap.evidence.count, 150_000);
  assert.equal(flap.evidence.periodic, true);
  assert.equal(flap.evidence.periodMs, 7000);
});

test('the same unregistrations seen twice still give one periodic flapping finding', () => {
  const once: string[] = [];
  for (let i = 0; i < 6; i++) once.push(line(T0 + i * 962_000, '[Reason=13]'));
  const twice = once.flatMap((l) => [l, l]);
  const r = analyzeTexts([{ file: 'dup.log', text: twice.join('\n') }], DEFAULT_SETTINGS);
  const flap = r.findings.filter((f) => f.rule === 'alarm.flapping');
  assert.equal(flap.length, 1);
  assert.equal(flap[0]!.evidence.count, 6);
  assert.equal(flap[0]!.severity, 'warning');
  // and the CLI reads a file named twice (or inside a named folder) once
  const dir = tempDir();
  const f = path.join(dir, 'CiscoSyslog.txt');
  fs.writeFileSync(f, once.join('\n') + '\n');
  const j = JSON.parse(cli(['analyze', '--format', 'json', f, f, dir]).out);
  assert.equal(j.sources.length, 1);
  assert.equal(j.findings.filter((x: { rule: string }) => x.rule === 'alarm.flapping').length, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tag values may hold brackets, tabs may separate groups, keys may have spaces around =', () => {
  const a = parseAlarmLine(line(T0, '[Description=Lobby [2nd floor]][Reason=13][LastSignalReceived=X]'))!;
  assert.equal(paramValue(a, 'Description'), 'Lobby [2nd floor]');
  assert.equal(paramValue(a, 'Reason'), '13');
  const b = line(T0, '\t[Reason = 13]\t[Protocol=SIP]');
  const r = analyzeTexts([{ file: 'x.log', text: b }], DEFAULT_SETTINGS);
  const m = r.messages[0] as AlarmMessage;
  assert.equal(m.reason, 13);
  assert.equal(m.protocol, 'SIP');
  assert.equal(r.findings[0]!.severity, 'error');
});

test('a value cut by the end of the line is not used as if complete', () => {
  const cut = line(T0, '[IPAddress=10.1.1.1][Reason=13]').replace(/\[Reason=13\].*$/, '[Reason=1');
  const r = analyzeTexts([{ file: 'x.log', text: cut }], DEFAULT_SETTINGS);
  assert.ok(Number.isNaN((r.messages[0] as AlarmMessage).reason));
  assert.match(r.findings[0]!.message, /reason missing: the alarm line is cut off/);
  assert.equal(r.sources[0]!.problems[0]!.code, 'alarm.truncated');
});

test('a stray CR inside the first line of a CRLF file does not switch to CR-only line ends', () => {
  const text = `note: odd\rvalue here\r\n${SEED_LINE}\r\n${SEED_LINE}\r\n`;
  const r = analyzeTexts([{ file: 'x.log', text }], DEFAULT_SETTINGS);
  assert.deepEqual(r.messages.map((m) => m.loc.line), [2, 3]);
  const cr = analyzeTexts([{ file: 'y.log', text: `${SEED_LINE}\r${SEED_LINE}\r` }], DEFAULT_SETTINGS);
  assert.deepEqual(cr.messages.map((m) => m.loc.line), [1, 2], 'real CR-only files still split');
});

test('SDL records across midnight are dated back from the modification time', () => {
  const rec = (tod: string, n: number) => `0808002${n}.000 |${tod} |AlarmErr |AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmSeverity: Error, AlarmMessage: , AlarmDescription: x, AlarmParameters: DeviceName:SEP0A0B0C0D0E0F, Reason:13,`;
  const text = [rec('23:50:00.000', 1), rec('23:58:00.000', 2), rec('00:05:00.000', 3), rec('00:10:00.000', 4)].join('\n');
  const r = analyzeTexts([{ file: 'SDL001_100_000001.txt', text, referenceDate: new Date('2015-07-03T00:10:30Z') }], DEFAULT_SETTINGS);
  assert.deepEqual(r.messages.map((m) => new Date(m.time).toISOString()), [
    '2015-07-02T23:50:00.000Z', '2015-07-02T23:58:00.000Z', '2015-07-03T00:05:00.000Z', '2015-07-03T00:10:00.000Z',
  ]);
  assert.ok(r.messages.every((m) => m.dated));
});

test('stamps: CST6CDT is not a zone abbreviation; a host name is never taken for a zone; many % in the prefix', () => {
  const r1 = analyzeTexts([{ file: 'a.log', text: [
    `Jul  2 06:22:31 cucm1 41679: x: Jul 02 2015 06:22:31.000 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP1][Reason=13]: t`,
    'Jul  2 06:22:31 cucm1 %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP2][Reason=13]: t',
    line(T0, '[Reason=13]'),
  ].join('\n') }], DEFAULT_SETTINGS);
  assert.equal(r1.sources[0]!.problems.filter((p) => p.code === 'input.time-zone').length, 0);
  const r2 = analyzeTexts([{ file: 'b.log', text: '<187>a%b%c%d%e%f 41679: h: Jul 02 2015 06:22:31.000 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP3][Reason=13]: t' }], DEFAULT_SETTINGS);
  assert.equal(r2.messages.length, 1);
  assert.equal(new Date(r2.messages[0]!.time).toISOString(), '2015-07-02T06:22:31.000Z');
  const r3 = analyzeTexts([{ file: 'c.log', text: 'Jul 02 2015 01:22:31.000 CST6CDT: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP4][Reason=13]: t' }], DEFAULT_SETTINGS);
  assert.equal(r3.messages.length, 1);
  assert.match(r3.sources[0]!.problems.find((p) => p.code === 'input.time-zone')!.message, /"CST6CDT" is not known/);
});

test('in the labelled form, a label inside a description does not override the field', () => {
  const p = parseAlarmLine('%CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: Device unregistered. Device name.:SEP000B5F327F9A Protocol.:SCCP Device description [Optional].:Reception desk, Protocol: SIP trunk Reason Code [Optional].:12')!;
  assert.equal(paramValue(p, 'Protocol'), 'SCCP');
  assert.equal(paramValue(p, 'Description'), 'Reception desk, Protocol: SIP trunk');
  assert.equal(paramValue(p, 'Reason'), '12');
});

test('files: a few NULs are tolerated; an unreadable entry in a folder is reported and the rest read; FIFOs and stdin are read', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.log'), `${SEED_LINE}\n\u0000\n${SEED_LINE}\n`);
  fs.symlinkSync(path.join(dir, 'missing.log'), path.join(dir, 'dangling.log'));
  fs.symlinkSync(dir, path.join(dir, 'loop'));
  const j = JSON.parse(cli(['analyze', '--format', 'json', dir]).out);
  const a = j.sources.find((s: { file: string }) => s.file.endsWith('a.log'));
  assert.equal(a.messages, 2);
  const d = j.sources.find((s: { file: string }) => s.file.endsWith('dangling.log'));
  assert.equal(d.problems[0].code, 'input.unreadable');
  assert.equal(j.sources.length, 2, 'the symlink loop adds nothing');
  const stdin = cli(['analyze', '--format', 'json', '/dev/stdin'], SEED_LINE + '\n');
  assert.equal(JSON.parse(stdin.out).findings.length, 1);
  const fifo = path.join(dir, 'pipe');
  execSync(`mkfifo ${fifo}`);
  const r = spawnSync('sh', ['-c', `cat ${path.join(dir, 'a.log')} > ${fifo} & ${process.execPath} ${CLI} analyze --format json ${fifo}`], { encoding: 'utf8' });
  assert.equal(JSON.parse(r.stdout).findings.length, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('gzip followed by garbage keeps every alarm of the complete member and says the data is damaged', () => {
  const dir = tempDir();
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(line(T0 + i * 1000, '[Reason=13]', `SEP${String(i).padStart(12, '0')}`));
  fs.writeFileSync(path.join(dir, 'CiscoSyslog.gz'), Buffer.concat([zlib.gzipSync(lines.join('\n') + '\n'), Buffer.from('garbage')]));
  const j = JSON.parse(cli(['analyze', '--format', 'json', dir]).out);
  assert.equal(j.sources[0].messages, 3000);
  assert.equal(j.sources[0].problems[0].code, 'input.gzip');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('SARIF: relative URIs keep # and % in file names; usage errors are one line', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'case #2 50%.txt'), SEED_LINE + '\n');
  const r = spawnSync(process.execPath, [CLI, 'analyze', '--format', 'sarif', '.'], { cwd: dir, encoding: 'utf8' });
  const sarif = JSON.parse(r.stdout);
  assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'case%20%232%2050%25.txt');
  for (const args of [['analyze'], ['analyze', '--format', 'xml', 'x']]) {
    const u = cli(args);
    assert.equal(u.code, 2);
    assert.equal(u.err.trim().split('\n').length, 1, u.err);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
