import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { orderTraceSets, traceNeighbours, traceSetMember } from '../../server/src/sources/traceset';

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
