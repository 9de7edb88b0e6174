// The CLI as a user runs it: `node dist/cli.js analyze ...` on real files, including bad ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, EXAMPLES, SEED_LINE, tempDir } from '../helpers/paths';

function run(args: string[], cwd?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonReport {
  sources: { file: string; format: string; messages: number; problems: { code: string; severity: string; message: string; line: number | null }[] }[];
  findings: { rule: string; severity: string; message: string; file: string; line: number | null; frame: number | null; time: string | null }[];
}

test('JSON contract on the bundled examples', () => {
  const r = run(['analyze', '--format', 'json', EXAMPLES]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as JsonReport;
  assert.deepEqual(Object.keys(j), ['sources', 'findings']);
  // several inputs are one case: each source says how its clock was aligned
  for (const s of j.sources) assert.deepEqual(Object.keys(s), ['file', 'format', 'messages', 'problems', 'clock']);
  for (const f of j.findings) {
    for (const k of ['rule', 'severity', 'message', 'file', 'line', 'frame', 'time']) assert.ok(k in f, `finding has ${k}`);
    assert.ok(['error', 'warning', 'information', 'hint'].includes(f.severity));
    const format = j.sources.find((s) => s.file === f.file)!.format;
    // alarms have lines only; capture exports have both (the line and the frame number the export shows)
    if (/\.pcap(ng)?$/.test(f.file)) {
      assert.equal(f.line, null, 'binary captures have frames, not lines');
      assert.ok(Number.isInteger(f.frame) && f.frame! >= 1, 'capture findings carry their frame');
    } else if (format === 'capture-export') assert.ok(f.line !== null, 'exports point at their line');
    else assert.equal(f.frame, null, 'alarm sources have no frame');
    assert.ok(f.line === null || (Number.isInteger(f.line) && f.line >= 1));
    if (f.time !== null) assert.match(f.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  }
  const seed = j.findings.find((f) => f.file.endsWith(path.join('seed-200410', 'cucm-syslog.txt')))!;
  assert.equal(seed.rule, 'alarm.endpoint-unregistered');
  assert.equal(seed.severity, 'error');
  assert.equal(seed.line, 1);
  assert.equal(seed.time, '2015-07-02T06:22:31.000Z');
  assert.match(seed.message, /Reason 13 KeepAliveTimeout/);
  const flaps = j.findings.filter((f) => f.rule === 'alarm.flapping');
  assert.equal(flaps.length, 2, 'both case-2 phones flap');
  for (const f of flaps) assert.match(f.message, /every ~16 min/);
  assert.ok(j.sources.some((s) => s.format === 'cucm-sdl-trace'));
});

test('text output lists findings with file:line and a summary line; SARIF is valid 2.1.0', () => {
  const t = run(['analyze', path.join(EXAMPLES, 'seed-200410')]);
  assert.equal(t.code, 0);
  assert.match(t.out, /cucm-syslog\.txt:1: error alarm\.endpoint-unregistered: \[2015-07-02T06:22:31\.000Z\] SEPE0D1730A8137/);
  assert.match(t.out, /1 file \(1 cucm-syslog\), 1 message, 1 finding \(1 error\), 0 input problems\./);
  const s = run(['analyze', '--format=sarif', path.join(EXAMPLES, 'case2-port-security')]);
  assert.equal(s.code, 0);
  const sarif = JSON.parse(s.out);
  assert.equal(sarif.version, '2.1.0');
  const runObj = sarif.runs[0];
  const ruleIds = new Set(runObj.tool.driver.rules.map((r: { id: string }) => r.id));
  assert.ok(runObj.results.length > 10);
  for (const res of runObj.results) {
    assert.ok(ruleIds.has(res.ruleId), `rule ${res.ruleId} is described`);
    assert.ok(['error', 'warning', 'note', 'none'].includes(res.level));
    assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
  }
  const flap = runObj.results.find((r: { ruleId: string }) => r.ruleId === 'alarm.flapping');
  assert.equal(flap.level, 'warning');
  assert.ok(flap.relatedLocations.length >= 3);
});

test('unusable arguments and unreadable input exit 2 with one line on stderr', () => {
  for (const args of [['frobnicate'], ['analyze'], ['analyze', '--format', 'xml', 'x'], ['analyze', '--bogus', 'x'], ['analyze', '/no/such/file.log']]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err.split('\n')[0]!, /^cucm-lens: /);
    assert.equal(r.out, '');
  }
  assert.equal(run(['--help']).code, 0);
});

test('bad input gets problem entries, never a crash: binary, empty, UTF-16, CRLF, a million-character line, truncated', () => {
  const dir = tempDir();
  const bin = Buffer.alloc(10000);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 31 + 7) & 0xff;
  fs.writeFileSync(path.join(dir, 'garbage.bin'), bin);
  fs.writeFileSync(path.join(dir, 'empty.log'), '');
  fs.writeFileSync(path.join(dir, 'utf16.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SEED_LINE + '\r\n', 'utf16le')]));
  fs.writeFileSync(path.join(dir, 'crlf.log'), `${SEED_LINE}\r\n${SEED_LINE.replace('Reason=13', 'Reason=6')}\r\n`);
  fs.writeFileSync(path.join(dir, 'long.log'), `${'A'.repeat(1_000_000)}\n${SEED_LINE}\n`);
  fs.writeFileSync(path.join(dir, 'cut.log'), SEED_LINE.slice(0, SEED_LINE.indexOf('[Protocol=') + 7));
  fs.writeFileSync(path.join(dir, 'capture.pcap'), Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]));
  const r = run(['analyze', '--format', 'json', dir]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as JsonReport;
  const src = (name: string) => j.sources.find((s) => s.file.endsWith(name))!;
  assert.equal(src('garbage.bin').format, 'binary');
  assert.equal(src('garbage.bin').problems[0]!.code, 'input.binary');
  assert.equal(src('empty.log').format, 'empty');
  assert.equal(src('utf16.log').messages, 1);
  assert.equal(src('utf16.log').problems[0]!.code, 'input.encoding');
  assert.equal(src('crlf.log').messages, 2);
  assert.equal(src('long.log').messages, 1);
  assert.equal(src('long.log').problems[0]!.code, 'input.long-line');
  assert.equal(src('cut.log').problems[0]!.code, 'alarm.truncated');
  assert.equal(src('capture.pcap').format, 'pcap');
  const crlf = j.findings.filter((f) => f.file.endsWith('crlf.log'));
  assert.deepEqual(crlf.map((f) => f.message.match(/Reason \d+ \w+/)![0]), ['Reason 13 KeepAliveTimeout', 'Reason 6 ConnectivityError']);
  const cut = j.findings.find((f) => f.file.endsWith('cut.log'))!;
  assert.match(cut.message, /reason missing: the alarm line is cut off/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('gzip-compressed logs are read transparently', () => {
  const dir = tempDir();
  const zlib = require('node:zlib') as typeof import('node:zlib');
  fs.writeFileSync(path.join(dir, 'CiscoSyslog.gz'), zlib.gzipSync(SEED_LINE + '\n'));
  const r = run(['analyze', '--format', 'json', dir]);
  const j = JSON.parse(r.out) as JsonReport;
  assert.equal(j.sources[0]!.format, 'cucm-syslog');
  assert.equal(j.findings.length, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});
