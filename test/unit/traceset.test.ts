import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzePaths, analyzeTextWithNeighbours } from '../../server/src/engine';
import * as zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
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

test('a trace set is one timeline for the keepalive rules: a phone followed across files; a refresh that never came is found', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-set-flow-'));
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const tod = (ms: number): string => `${pad(Math.floor(ms / 3600e3) % 24, 2)}:${pad(Math.floor(ms / 60e3) % 60, 2)}:${pad(Math.floor(ms / 1e3) % 60, 2)}.${pad(ms % 1000, 3)}`;
  let seq = 1000;
  const exchange = (t: number, cseq: number): string => {
    const reg = ['REGISTER sip:10.1.1.1 SIP/2.0', 'To: <sip:1001@10.1.1.1>', 'Call-ID: c1@10.2.2.2', `CSeq: ${cseq} REGISTER`, 'Contact: <sip:1001@10.2.2.2:5060>;+u.sip!devicename.ccm.cisco.com="SEP001122334455"', 'Expires: 3600', 'Content-Length: 0', ''];
    const ok = ['SIP/2.0 200 OK', 'To: <sip:1001@10.1.1.1>;tag=1', 'Call-ID: c1@10.2.2.2', `CSeq: ${cseq} REGISTER`, 'Expires: 120', 'Content-Length: 0', ''];
    return `${pad(seq++, 8)}.001 |${tod(t)} |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 5060 index 7 with 200 bytes:\n[${seq},NET]\n${reg.join('\n')}\n` +
      `${pad(seq++, 8)}.001 |${tod(t + 5)} |AppInfo  |SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to 10.2.2.2 on port 5060 index 7\n[${seq},NET]\n${ok.join('\n')}\n`;
  };
  // refreshes every 115 s after the 200 OK, two per file over four files; the third file misses one (a 240 s gap)
  let t = 8 * 3600e3;
  let cseq = 1;
  for (let f = 1; f <= 4; f++) {
    let text = '';
    for (let k = 0; k < 2; k++) {
      text += exchange(t, cseq++);
      t += 5 + (f === 3 && k === 0 ? 240_000 : 115_000);
    }
    fs.writeFileSync(path.join(dir, `SDL001_100_00000${f}.txt`), text);
  }
  const r = await analyzePaths([dir], DEFAULT_SETTINGS);
  assert.equal(r.flows.length, 1, 'one flow across the four files');
  assert.equal(r.flows[0]!.count, 8);
  assert.equal(r.flows[0]!.title, 'SEP001122334455 1001 → CUCM node 001');
  assert.deepEqual(r.findings.map((x) => x.rule), ['sip.register.expired']);
  assert.match(r.findings[0]!.message, /granted 120 s/);
  assert.equal(r.sources[r.findings[0]!.loc.source]!.file, path.join(dir, 'SDL001_100_000003.txt'));
  fs.rmSync(dir, { recursive: true });
});

test('a SIP message cut where RTMT rolled to the next file of the set is joined with its end there', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-set-cut-'));
  fs.writeFileSync(path.join(dir, 'SDL001_100_000001.txt'),
    '00000001.001 |10:00:00.000 |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 5060 index 7 with 200 bytes:\n' +
    '[1,NET]\nREGISTER sip:10.1.1.1 SIP/2.0\nTo: <sip:1001@10.1.1.1>\n');
  fs.writeFileSync(path.join(dir, 'SDL001_100_000002.txt'),
    'Call-ID: c1@x\nCSeq: 7 REGISTER\nExpires: 3600\nContent-Length: 0\n\n00000002.001 |10:00:00.005 |AppInfo  |StationD: nothing\n');
  const r = await analyzePaths([dir], DEFAULT_SETTINGS);
  const sip = r.messages.filter((m) => m.kind === 'sip');
  assert.equal(sip.length, 1);
  assert.equal(sip[0]!.kind === 'sip' && sip[0]!.sip!.cseq, 7, 'the headers from the next file were read');
  assert.equal(r.sources[sip[0]!.loc.source]!.file, path.join(dir, 'SDL001_100_000001.txt'));
  assert.equal(r.sources.flatMap((s) => s.problems).filter((p) => p.code === 'trace.cut-message').length, 0);
  // the same first file alone: the message is cut, and said so
  const alone = await analyzePaths([path.join(dir, 'SDL001_100_000001.txt')], DEFAULT_SETTINGS);
  assert.equal(alone.sources[0]!.problems.filter((p) => p.code === 'trace.cut-message').length, 1);
  fs.rmSync(dir, { recursive: true });
});

test('the editor\'s neighbours are streamed and capped: a gzipped neighbour is read up to the cap after decompression', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-set-cap-'));
  try {
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const exchange = (k: number): string =>
      `${pad(k * 2, 8)}.001 |08:${pad(k, 2)}:00.000 |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 5060 index 7 with 200 bytes:\n[${k},NET]\n` +
      `REGISTER sip:10.1.1.1 SIP/2.0\nTo: <sip:1001@10.1.1.1>\nCall-ID: c1@10.2.2.2\nCSeq: ${k} REGISTER\nExpires: 3600\nContent-Length: 0\n\n`;
    const text = Array.from({ length: 40 }, (_, k) => exchange(k + 1)).join('');
    const neighbour = path.join(dir, 'SDL001_100_000001.txt.gz');
    fs.writeFileSync(neighbour, zlib.gzipSync(Buffer.from(text)));
    const open = { file: pathToFileURL(path.join(dir, 'SDL001_100_000002.txt')).href, text: '', referenceDate: null };
    const count = async (cap: number): Promise<number> => {
      const r = await analyzeTextWithNeighbours(open, [{ path: neighbour, referenceDate: null }], DEFAULT_SETTINGS, cap);
      assert.equal(r.sources[1]!.file, pathToFileURL(neighbour).href);
      return r.messages.filter((m) => m.kind === 'sip').length;
    };
    assert.equal(await count(64e6), 40);
    const cap = exchange(1).length * 10 + 20;
    assert.equal(await count(cap), 10, 'only what the cap lets in');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
