// The pure half of the case commands (client/src/caseConfig.ts): the stored configuration, clock offsets as typed,
// the server's answer to cucmLens/case; and the manifest entries the commands rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EMPTY_CASE_CONFIG, MAX_OFFSET_MS, addPaths, describeCaseFile, formatOffset, normaliseCaseConfig, parseOffset,
  readCaseInfo, removePaths, sameCaseConfig, setOffset,
} from '../../server/src/caseConfig';
import { ROOT } from '../helpers/paths';

const A = path.resolve('/cases/one/phone.pcap');
const B = path.resolve('/cases/one/cucm.pcapng');
const C = path.resolve('/cases/other/CiscoSyslog.txt');

test('normalisation: absolute paths only, deduplicated, a path in both lists is removed, offsets bounded', () => {
  assert.deepEqual(normaliseCaseConfig(undefined), { added: [], removed: [], offsets: {} });
  assert.deepEqual(normaliseCaseConfig('junk'), { added: [], removed: [], offsets: {} });
  assert.deepEqual(normaliseCaseConfig({ added: 'x', removed: {}, offsets: [1] }), { added: [], removed: [], offsets: {} });
  const c = normaliseCaseConfig({
    added: [A, A, 'relative/file.txt', '', 42, null, B + path.sep, path.dirname(A) + path.sep + '.' + path.sep + path.basename(A), C, 'a\0b'],
    removed: [C, C],
    offsets: { [A]: 250, [B]: Number.NaN, [C]: MAX_OFFSET_MS + 1, 'relative.txt': 5, [path.resolve('/x/neg')]: -0, [path.resolve('/x/big')]: -MAX_OFFSET_MS, [path.resolve('/x/s')]: '5' },
  });
  assert.deepEqual(c.added, [A, B]);
  assert.deepEqual(c.removed, [C]);
  assert.deepEqual(c.offsets, { [A]: 250, [path.resolve('/x/neg')]: 0, [path.resolve('/x/big')]: -MAX_OFFSET_MS });
  assert.ok(Object.is(c.offsets[path.resolve('/x/neg')], 0), '-0 is stored as 0');
  // idempotent, and survives JSON (the workspace state)
  assert.deepEqual(normaliseCaseConfig(c), c);
  assert.deepEqual(normaliseCaseConfig(JSON.parse(JSON.stringify(c))), c);
  // a path like __proto__ cannot reach the prototype (relative anyway, so dropped)
  const proto = normaliseCaseConfig(JSON.parse('{"offsets":{"__proto__":5}}'));
  assert.deepEqual(proto.offsets, {});
  assert.equal(Object.getPrototypeOf(proto.offsets), Object.prototype);
});

test('add, remove and set offset keep the lists apart and replace whole', () => {
  let c = addPaths(EMPTY_CASE_CONFIG, [A, B, A]);
  assert.deepEqual(c, { added: [A, B], removed: [], offsets: {} });
  c = setOffset(c, A, -1500);
  c = setOffset(c, B, 90_000);
  assert.deepEqual(c.offsets, { [A]: -1500, [B]: 90_000 });
  c = setOffset(c, A, 250);
  assert.deepEqual(c.offsets, { [B]: 90_000, [A]: 250 });
  c = setOffset(c, B, null);
  assert.deepEqual(c.offsets, { [A]: 250 });
  // removing a file that is only a default member of the folder lists it as removed; its offset goes
  c = removePaths(c, [A, C]);
  assert.deepEqual(c, { added: [B], removed: [A, C], offsets: {} });
  // adding it again takes it off the removed list
  c = addPaths(c, [C]);
  assert.deepEqual(c, { added: [B, C], removed: [A], offsets: {} });
  assert.ok(sameCaseConfig(c, normaliseCaseConfig(JSON.parse(JSON.stringify(c)))));
  assert.ok(!sameCaseConfig(c, setOffset(c, B, 1)));
  assert.ok(!sameCaseConfig(c, removePaths(c, [B])));
  assert.equal(setOffset(c, 'relative', 5), c, 'a relative path is ignored');
  // EMPTY_CASE_CONFIG is not changed by any of this
  assert.deepEqual(EMPTY_CASE_CONFIG, { added: [], removed: [], offsets: {} });
});

test('offsets as people type them', () => {
  const ok = (text: string): number | null => {
    const r = parseOffset(text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
    return r.ms;
  };
  assert.equal(ok('250'), 250);
  assert.equal(ok('250ms'), 250);
  assert.equal(ok(' 250 ms '), 250);
  assert.equal(ok('-1.5s'), -1500);
  assert.equal(ok('+2h'), 7_200_000);
  assert.equal(ok('00:01:30'), 90_000);
  assert.equal(ok('-00:01:30'), -90_000);
  assert.equal(ok('1:30'), 90_000);
  assert.equal(ok('01:02:03.25'), 3_723_250);
  assert.equal(ok('1m30s'), 90_000);
  assert.equal(ok('1 h 30 min'), 5_400_000);
  assert.equal(ok('2 hours'), 7_200_000);
  assert.equal(ok('.5s'), 500);
  assert.equal(ok('1.25'), 1.25);
  assert.equal(ok('500us'), 0.5);
  assert.equal(ok('−3s'), -3000, 'a typographic minus');
  assert.equal(ok('7d'), MAX_OFFSET_MS);
  assert.equal(ok('0'), 0);
  assert.ok(Object.is(ok('-0'), 0));
  for (const auto of ['', '   ', 'auto']) assert.equal(ok(auto), null, `"${auto}" means automatic`);

  const bad = (text: string, why: RegExp): void => {
    const r = parseOffset(text);
    assert.ok(!r.ok, `${text} is refused`);
    assert.match(r.message, why, text);
  };
  bad('abc', /is not an offset.*250ms.*empty for automatic/);
  bad('1.5x', /"x" is not a unit/);
  bad('1h30', /is not an offset/);
  bad('--5', /is not an offset/);
  bad('5 s s', /"s s"|not an offset|not a unit/);
  bad('1,5s', /is not an offset|not a unit/);
  bad('00:61:00', /up to 59/);
  bad('1:75', /up to 59/);
  bad('8d', /within ±7 days/);
  bad('-169:00:00', /within ±7 days/);
  bad('1e400', /not a unit|not an offset/);
});

test('offsets are shown in a form that reads back', () => {
  assert.equal(formatOffset(0), '0 ms');
  assert.equal(formatOffset(250), '+250 ms');
  assert.equal(formatOffset(-0.5), '-0.5 ms');
  assert.equal(formatOffset(-1500), '-1.5 s');
  assert.equal(formatOffset(90_000), '+0:01:30');
  assert.equal(formatOffset(-7_200_250), '-2:00:00.25');
  assert.equal(formatOffset(MAX_OFFSET_MS), '+168:00:00');
  for (const ms of [0, 1, -1, 250, 999.5, -1500, 59_999, 60_000, 90_000, -7_200_250, 3_723_001, MAX_OFFSET_MS, -MAX_OFFSET_MS]) {
    const r = parseOffset(formatOffset(ms));
    assert.ok(r.ok && r.ms === ms, `${ms} → ${formatOffset(ms)} → ${JSON.stringify(r)}`);
  }
});

test('the answer of cucmLens/case is checked before it is shown', () => {
  assert.equal(readCaseInfo(null), null);
  assert.equal(readCaseInfo('x'), null);
  assert.equal(readCaseInfo({ id: 'a' }), null);
  const info = readCaseInfo({
    id: 'folder:/cases/one', name: 'one', root: '/cases/one', summary: '2 files, clocks aligned on 412 segments',
    skipped: ['big.pcap (over 1024 MB)', 7],
    files: [
      { path: A, uri: 'cucm-capture:' + A + '.txt', format: 'pcap', messages: 1200, offsetMs: 0, basis: 'reference', detail: 'the reference clock', manual: false },
      { path: B, uri: 'cucm-capture:' + B + '.txt', format: 'pcapng', messages: 1, offsetMs: -1500, basis: 'segments', detail: 'median of 412 matched segments', manual: false },
      { path: C, uri: 'file://' + C, format: 'cucm-syslog', messages: 3, offsetMs: 90_000, basis: 'manual', detail: 'set by hand', manual: true },
      { path: 5, uri: 'x' },
      { path: '/no/uri' },
      { path: '/odd', uri: 'file:///odd', offsetMs: Number.NaN, basis: 'guess', messages: -3 },
    ],
  });
  assert.ok(info);
  assert.equal(info.name, 'one');
  assert.equal(info.root, '/cases/one');
  assert.deepEqual(info.skipped, ['big.pcap (over 1024 MB)']);
  assert.deepEqual(info.files.map((f) => f.path), [A, B, C, '/odd']);
  assert.deepEqual(info.files[3], { path: '/odd', uri: 'file:///odd', format: '', messages: 0, offsetMs: 0, basis: 'none', detail: '', manual: false });
  assert.equal(describeCaseFile(info.files[0]!), 'pcap · 1,200 messages · reference clock');
  assert.equal(describeCaseFile(info.files[1]!), 'pcapng · 1 message · offset -1.5 s · aligned on matched TCP segments');
  assert.equal(describeCaseFile(info.files[2]!), 'cucm-syslog · 3 messages · offset +0:01:30 · set by hand');
  assert.equal(readCaseInfo({ files: [], root: 5 })?.root, null);
});

test('the manifest declares the case commands, menus and settings', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const c = manifest.contributes;
  const commands = new Map<string, { title: string; category: string }>(c.commands.map((x: { command: string }) => [x.command, x]));
  for (const id of ['cucmLens.addToCase', 'cucmLens.removeFromCase', 'cucmLens.setClockOffset', 'cucmLens.showCase', 'cucmLens.showMergedLadder']) {
    assert.equal(commands.get(id)?.category, 'CUCM Lens', id);
  }
  assert.equal(commands.get('cucmLens.showMergedLadder')?.title, 'Show Ladder Diagram of the Case');
  const explorer = c.menus['explorer/context'].map((m: { command: string }) => m.command);
  assert.ok(explorer.includes('cucmLens.addToCase') && explorer.includes('cucmLens.removeFromCase'));
  const title = c.menus['editor/title'];
  const ladderWhen = title.find((m: { command: string }) => m.command === 'cucmLens.showLadder').when;
  assert.equal(title.find((m: { command: string }) => m.command === 'cucmLens.showMergedLadder')?.when, ladderWhen);
  const props = c.configuration.properties;
  assert.deepEqual([props['cucmLens.case.enabled'].type, props['cucmLens.case.enabled'].default], ['boolean', true]);
  assert.deepEqual(['type', 'default', 'minimum', 'maximum'].map((k) => props['cucmLens.case.maxFiles'][k]), ['integer', 50, 2, 500]);
  assert.deepEqual(['type', 'default', 'minimum', 'maximum'].map((k) => props['cucmLens.case.maxMegabytes'][k]), ['number', 1024, 1, 16384]);
});
