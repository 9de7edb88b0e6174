import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { orderTraceSets, traceNeighbours, traceSetMember, traceSetReferenceDates } from '../../server/src/sources/traceset';

test('trace set names: SDL node/app/index (gz too), legacy ccm; others are not members', () => {
  assert.deepEqual(traceSetMember('/t/SDL001_100_000123.txt'), { key: path.join('/t', 'SDL001_100'), index: 123, node: 'CUCM node 001' });
  assert.equal(traceSetMember('/t/sdl002_100_000009.txt.gz')!.key, path.join('/t', 'SDL002_100'));
  assert.equal(traceSetMember('/t/ccm00000012.txt')!.index, 12);
  for (const n of ['/t/SDL001_100.index', '/t/notes.txt', '/t/SDL001_100_x.txt', '/t/capture.pcap']) assert.equal(traceSetMember(n), null, n);
});

test('files of a set come together in index order, one timeline; other files keep their place', () => {
  const e = ['/a/x.log', '/a/SDL001_100_000010.txt', '/a/cap.pcap', '/a/SDL001_100_000009.txt.gz', '/b/SDL001_100_000001.txt', '/a/SDL002_100_000003.txt']
    .map((p) => ({ path: p }));
  const r = orderTraceSets(e);
  assert.deepEqual(r.entries.map((x) => x.path), ['/a/x.log', '/a/SDL001_100_000009.txt.gz', '/a/SDL001_100_000010.txt', '/a/cap.pcap', '/b/SDL001_100_000001.txt', '/a/SDL002_100_000003.txt']);
  assert.deepEqual(r.timeline, [0, 1, 1, 3, 4, 5]);
});

test('neighbours on disk: same set, nearest index first, bounded by bytes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-set-'));
  for (const i of [1, 2, 3, 5, 9]) fs.writeFileSync(path.join(dir, `SDL001_100_00000${i}.txt`), 'x'.repeat(100));
  fs.writeFileSync(path.join(dir, 'SDL002_100_000004.txt'), 'other node');
  const n = traceNeighbours(path.join(dir, 'SDL001_100_000003.txt'), 250).map((p) => path.basename(p));
  assert.deepEqual(n, ['SDL001_100_000002.txt', 'SDL001_100_000001.txt'], 'distance 1, then the earlier of the two at distance 2');
  assert.deepEqual(traceNeighbours(path.join(dir, 'SDL001_100_000003.txt'), 0), []);
  fs.rmSync(dir, { recursive: true });
});

test('a set whose files share one mtime (copied, unzipped) is dated as one increasing timeline', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-dates-'));
  const rec = (tod: string): string => `00000001.000 |${tod} |AppInfo  |x\n`;
  // file 1 runs 23:50 to 23:58, file 2 from 23:59 over midnight to 00:20, file 3 00:21 to 00:40
  fs.writeFileSync(path.join(dir, 'SDL001_100_000001.txt'), rec('23:50:00.000') + rec('23:58:00.000'));
  fs.writeFileSync(path.join(dir, 'SDL001_100_000002.txt'), rec('23:59:00.000') + rec('00:20:00.000'));
  fs.writeFileSync(path.join(dir, 'SDL001_100_000003.txt'), rec('00:21:00.000') + rec('00:40:00.000'));
  const files = [1, 2, 3].map((i) => path.join(dir, `SDL001_100_00000${i}.txt`));
  const mtime = new Date(Date.UTC(2026, 0, 10, 0, 41));
  const refs = traceSetReferenceDates(files, files.map(() => mtime));
  assert.equal(refs[2]!.toISOString(), '2026-01-10T00:41:00.000Z');
  assert.equal(refs[1]!.toISOString(), '2026-01-10T00:21:00.000Z', 'file 2 ends before file 3 begins');
  assert.equal(refs[0]!.toISOString(), '2026-01-09T23:59:00.000Z', 'file 1 ends before file 2 begins, the day before');
  // the setting names the day of the last record
  const byDate = traceSetReferenceDates(files, files.map(() => null), Date.UTC(2015, 6, 15));
  assert.equal(byDate[2]!.toISOString(), '2015-07-15T23:59:59.999Z');
  assert.equal(byDate[0]!.toISOString(), '2015-07-14T23:59:00.000Z');
  fs.rmSync(dir, { recursive: true });
});
