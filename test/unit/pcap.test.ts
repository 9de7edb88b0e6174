// Capture readers: classic pcap (pcap-parser behind our guard) and pcapng (our own), through readCapture and the
// synchronous CaptureReader. Fixtures are written byte by byte by test/fixtures/pcap/make-fixtures.mjs, which also
// writes expected.json (the frames each must decode to, timestamps computed with BigInt from the values written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { CaptureReader, readCapture, readCaptureBytes, sniffCapture } from '../../server/src/sources/capture-reader';
import { PCAP_MAX_RECORD } from '../../server/src/sources/pcap';
import { PCAPNG_MAX_BLOCK } from '../../server/src/sources/pcapng';
import { ProblemSink } from '../../server/src/sources/text';
import type { RawFrame } from '../../server/src/sources/frames';
import type { Problem } from '../../server/src/model';
import { ROOT, tempDir } from '../helpers/paths';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'pcap');
const SHARED = path.resolve(ROOT, '..', 'shared');

interface Seen {
  frame: number;
  tsUs: number | null;
  linkType: number;
  origLen: number;
  iface: number;
  data: string;
}
interface Expected {
  [file: string]: { format: 'pcap' | 'pcapng'; frames: Seen[] };
}

const EXPECTED: Expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/** What a frame says, with its bytes copied (the reader's view is valid only during the callback). */
function seen(f: RawFrame): Seen {
  return {
    frame: f.frame, tsUs: Number.isNaN(f.tsUs) ? null : f.tsUs, linkType: f.linkType, origLen: f.origLen, iface: f.iface,
    data: Buffer.from(f.data).toString('hex'),
  };
}

interface Result {
  format: string;
  frames: Seen[];
  count: number;
  bytes: number;
  problems: Problem[];
}

/** Feeds `bytes` to the synchronous reader in chunks of `chunk` bytes (the whole at once when 0). */
function readChunked(bytes: Uint8Array, chunk = 0): Result {
  const frames: Seen[] = [];
  const sink = new ProblemSink();
  const r = new CaptureReader((f) => frames.push(seen(f)), sink);
  if (chunk <= 0) r.push(bytes);
  else {
    for (let i = 0; i < bytes.length; i += chunk) {
      // a fresh copy per chunk: the reader must not depend on chunks staying alive or unchanged
      const part = Uint8Array.from(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
      if (!r.push(part)) break;
    }
  }
  const s = r.end();
  return { format: s.format, frames, count: s.frames, bytes: s.bytes, problems: sink.finish() };
}

function codes(r: { problems: Problem[] }): string[] {
  return r.problems.map((p) => p.code);
}

const FIXTURE_FILES = Object.keys(EXPECTED);

// ---- fixtures ---------------------------------------------------------------------------------------------------------

test('the committed fixtures are what make-fixtures.mjs writes', () => {
  const dir = tempDir();
  const r = spawnSync(process.execPath, [path.join(FIXTURES, 'make-fixtures.mjs'), dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const name of [...FIXTURE_FILES, 'expected.json']) {
    assert.ok(fixture(name).equals(fs.readFileSync(path.join(dir, name))), `${name} differs from the generator's output: rerun it`);
    assert.ok(fixture(name).length < 20000, `${name} stays small`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every fixture decodes to the expected frames (numbers, tsUs, link type, lengths, interface, bytes)', async () => {
  assert.deepEqual(FIXTURE_FILES.sort(), [
    'classic-be-ns.pcap', 'classic-be-us.pcap', 'classic-le-ns.pcap', 'classic-le-us.pcap', 'ng-be.pcapng', 'ng-le.pcapng',
  ]);
  for (const name of FIXTURE_FILES) {
    const exp = EXPECTED[name]!;
    // through readCapture from a file stream
    const frames: Seen[] = [];
    const sink = new ProblemSink();
    const sum = await readCapture(fs.createReadStream(path.join(FIXTURES, name)), (f) => frames.push(seen(f)), sink);
    assert.deepEqual(sink.finish(), [], `${name}: no problems`);
    assert.equal(sum.format, exp.format, name);
    assert.equal(sum.frames, exp.frames.length, name);
    assert.equal(sum.bytes, fixture(name).length, name);
    assert.deepEqual(frames, exp.frames, name);
    // and the synchronous core, whole
    const whole = readChunked(fixture(name));
    assert.deepEqual(whole.frames, exp.frames, `${name} (sync)`);
    assert.deepEqual(whole.problems, []);
    const inMemory: Seen[] = [];
    assert.equal(readCaptureBytes(fixture(name), (f) => inMemory.push(seen(f)), new ProblemSink()).frames, exp.frames.length);
    assert.deepEqual(inMemory, exp.frames, `${name} (readCaptureBytes)`);
  }
});

test('fixture details: both byte orders and ns agree; FCS bits ignored; zero-length and snap-cut frames; SPB, OPB, sections', () => {
  const le = EXPECTED['classic-le-us.pcap']!.frames;
  for (const name of ['classic-be-us.pcap', 'classic-le-ns.pcap', 'classic-be-ns.pcap']) {
    const got = readChunked(fixture(name)).frames;
    assert.deepEqual(got.map((f) => [f.tsUs, f.origLen, f.data]), le.map((f) => [f.tsUs, f.origLen, f.data]), name);
  }
  assert.deepEqual(readChunked(fixture('classic-le-ns.pcap')).frames.map((f) => f.linkType), [113, 113, 113, 113]);
  assert.deepEqual(readChunked(fixture('classic-be-ns.pcap')).frames.map((f) => f.linkType), [276, 276, 276, 276]);
  const zero = le[1]!;
  assert.equal(zero.data, '');
  assert.equal(zero.origLen, 0);
  assert.equal(le[0]!.tsUs, 1657000000123456);
  assert.equal(le[2]!.data.length / 2, 200);
  assert.equal(le[2]!.origLen, 1514);

  const ng = readChunked(fixture('ng-le.pcapng'));
  const be = readChunked(fixture('ng-be.pcapng'));
  assert.deepEqual(be.frames, ng.frames);
  const f = ng.frames;
  // Frame numbers skip 6 and 7: tshark 4.0 lists the two custom blocks as records numbered 6 and 7.
  assert.deepEqual(f.map((x) => x.frame), [1, 2, 3, 4, 5, 8, 9, 10, 11]);
  assert.deepEqual(f.map((x) => x.linkType), [1, 113, 1, 1, 1, 113, 1, 101, 101]);
  assert.deepEqual(f.map((x) => x.iface), [0, 1, 0, 0, 0, 1, 1, 0, 0]);
  // microseconds, if_tsresol 9 with if_tsoffset +100 s, ms with offset -3600 s, 2^-20 s (3/2^20 s = 2.86 us -> 2)
  assert.deepEqual(f.map((x) => x.tsUs), [
    1657000000250000, 1657000101123456, 1657000000500000, 1657000000750001, null, 1657000102000000,
    1656996410007000, 1657000011500002, null,
  ]);
  assert.equal(f[2]!.data, ''); // zero-length EPB
  assert.equal(f[3]!.data.length / 2, 96); // cut by snap 96
  assert.equal(f[3]!.origLen, 1514);
  assert.equal(f[4]!.data.length / 2, 96); // SPB of 200 bytes on the wire, snap 96
  assert.equal(f[4]!.origLen, 200);
  assert.equal(f[8]!.data.length / 2, 33); // SPB, snap 0: block padding is not packet data
});

test('sniffCapture knows the four pcap magics and pcapng', () => {
  assert.equal(sniffCapture(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1])), 'pcap');
  assert.equal(sniffCapture(Uint8Array.from([0x4d, 0x3c, 0xb2, 0xa1])), 'pcap');
  assert.equal(sniffCapture(Uint8Array.from([0xa1, 0xb2, 0xc3, 0xd4])), 'pcap');
  assert.equal(sniffCapture(Uint8Array.from([0xa1, 0xb2, 0x3c, 0x4d])), 'pcap');
  assert.equal(sniffCapture(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a])), 'pcapng');
  assert.equal(sniffCapture(Uint8Array.from([0x1f, 0x8b, 8, 0])), 'unknown');
  assert.equal(sniffCapture(Uint8Array.from([0xd4, 0xc3])), 'unknown');
});

// ---- chunking ---------------------------------------------------------------------------------------------------------

/** Damaged variants, so that problems (codes, frames, offsets, text) are compared across chunkings too. */
function variants(): [string, Buffer][] {
  const out: [string, Buffer][] = FIXTURE_FILES.map((n) => [n, fixture(n)]);
  const pcap = fixture('classic-le-us.pcap');
  const ng = fixture('ng-le.pcapng');
  const ngBe = fixture('ng-be.pcapng');
  out.push(['pcap cut mid-packet', pcap.subarray(0, 24 + 16 + 60 + 16 + 0 + 16 + 50)]);
  out.push(['pcap cut mid-record-header', pcap.subarray(0, 24 + 16 + 60 + 7)]);
  out.push(['pcap cut mid-global-header', pcap.subarray(0, 13)]);
  out.push(['pcapng cut', ng.subarray(0, 700)]);
  out.push(['pcapng be cut', ngBe.subarray(0, 1001)]);
  const bad = Buffer.from(ng);
  bad.writeUInt32LE(0x7fffff10, epbOffsets(ng)[2]! + 4);
  out.push(['pcapng huge block length', bad]);
  return out;
}

test('streaming readers fed in chunks of every size from 1 byte up give the same result as whole', () => {
  const inputs = variants();
  for (const file of ['ndpi_sip_hello.pcapng', 'sngrep_tests_ipv6frag.pcap']) {
    const p = path.join(SHARED, 'reference', 'pcaps', file);
    if (fs.existsSync(p)) inputs.push([file, fs.readFileSync(p)]);
  }
  const sizes = [...Array.from({ length: 64 }, (_, i) => i + 1), 100, 333, 1000, 4096, 65536, 1 << 20];
  for (const [name, bytes] of inputs) {
    const whole = readChunked(bytes);
    if (FIXTURE_FILES.includes(name)) assert.equal(whole.frames.length, EXPECTED[name]!.frames.length);
    for (const size of sizes) {
      const got = readChunked(bytes, size);
      assert.deepEqual(got.frames, whole.frames, `${name}: frames in chunks of ${size}`);
      assert.deepEqual(got.problems, whole.problems, `${name}: problems in chunks of ${size}`);
      assert.equal(got.format, whole.format);
    }
  }
});

// ---- bad input: classic pcap ------------------------------------------------------------------------------------------

test('pcap cut inside the global header, a record header or a packet: frames before kept, problem with frame and offset', () => {
  const pcap = fixture('classic-le-us.pcap');
  const exp = EXPECTED['classic-le-us.pcap']!.frames;

  const g = readChunked(pcap.subarray(0, 13));
  assert.equal(g.format, 'pcap');
  assert.equal(g.frames.length, 0);
  assert.deepEqual(codes(g), ['capture.truncated']);
  assert.equal(g.problems[0]!.offset, 13);
  assert.match(g.problems[0]!.message, /inside the 24-byte pcap file header/);

  const tiny = readChunked(pcap.subarray(0, 2));
  assert.deepEqual(codes(tiny), ['capture.truncated']);
  assert.equal(tiny.format, 'unknown');

  // frame 1 = 16 + 60 bytes at 24; frame 2 (zero-length) at 100
  const h = readChunked(pcap.subarray(0, 100 + 7));
  assert.deepEqual(h.frames, exp.slice(0, 1));
  assert.deepEqual(codes(h), ['capture.truncated']);
  assert.equal(h.problems[0]!.frame, 2);
  assert.equal(h.problems[0]!.offset, 100);
  assert.match(h.problems[0]!.message, /record header of frame 2 at offset 100 \(7 of 16 bytes\); the 1 frame before it is kept/);

  // frame 3 (200 bytes) at 116
  const d = readChunked(pcap.subarray(0, 116 + 16 + 50));
  assert.deepEqual(d.frames, exp.slice(0, 2));
  assert.deepEqual(codes(d), ['capture.truncated']);
  assert.equal(d.problems[0]!.frame, 3);
  assert.equal(d.problems[0]!.offset, 116);
  assert.match(d.problems[0]!.message, /inside frame 3 .* 200 captured bytes, only 50 are present; the 2 frames before it are kept/);

  // cut exactly at a record boundary: no problem
  const clean = readChunked(pcap.subarray(0, 116));
  assert.deepEqual(clean.frames, exp.slice(0, 2));
  assert.deepEqual(clean.problems, []);
});

test('wrong magic and empty input are reported, nothing is read', async () => {
  const junk = readChunked(Buffer.from('hello, this is not a capture at all\n'));
  assert.equal(junk.format, 'unknown');
  assert.equal(junk.frames.length, 0);
  assert.deepEqual(codes(junk), ['capture.bad-magic']);
  assert.match(junk.problems[0]!.message, /68 65 6c 6c/);
  assert.equal(junk.problems[0]!.offset, 0);

  const empty = readChunked(Buffer.alloc(0));
  assert.deepEqual(codes(empty), ['capture.truncated']);

  const v1 = Buffer.from(fixture('classic-le-us.pcap'));
  v1.writeUInt16LE(1, 4); // version 1.4
  assert.deepEqual(codes(readChunked(v1)), ['capture.bad-magic']);

  // readCapture stops pulling from the input after a bad magic
  let pulled = 0;
  async function* endless(): AsyncGenerator<Uint8Array> {
    for (;;) {
      pulled++;
      yield Buffer.from('not a capture, and it goes on and on. ');
    }
  }
  const sink = new ProblemSink();
  const sum = await readCapture(endless(), () => assert.fail('no frames'), sink);
  assert.equal(sum.format, 'unknown');
  assert.ok(pulled <= 2, `pulled ${pulled} chunks`);
  assert.deepEqual(sink.list.map((p) => p.code), ['capture.bad-magic']);
});

/** A pcap file header (little-endian, microseconds) with the given snap length and link type. */
function pcapHeader(snap: number, linkType = 1): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snap >>> 0, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}
function pcapRecord(incl: number, orig = incl, data?: Buffer): Buffer {
  const r = Buffer.alloc(16);
  r.writeUInt32LE(1657000000, 0);
  r.writeUInt32LE(1, 4);
  r.writeUInt32LE(incl >>> 0, 8);
  r.writeUInt32LE(orig >>> 0, 12);
  return data ? Buffer.concat([r, data]) : r;
}

test('a 4 GB snap length and a record claiming 4 GB: no allocation, clear problems, returns at once', async () => {
  const good = pcapRecord(10, 10, Buffer.alloc(10, 0x41));
  const head = Buffer.concat([pcapHeader(0xffffffff), good, good, pcapRecord(0xffffffff, 0xffffffff), Buffer.alloc(64, 0x42)]);
  let pulled = 0;
  async function* endless(): AsyncGenerator<Uint8Array> {
    yield head;
    for (;;) {
      pulled++;
      yield Buffer.alloc(1 << 16, 0x42); // the "4 GB" packet that never ends
    }
  }
  const frames: number[] = [];
  const sink = new ProblemSink();
  const before = process.memoryUsage();
  const sum = await readCapture(endless(), (f) => frames.push(f.frame), sink);
  const grew = process.memoryUsage().arrayBuffers - before.arrayBuffers;
  assert.deepEqual(frames, [1, 2]);
  assert.equal(sum.frames, 2);
  assert.equal(pulled, 0, 'reading stopped at the bad record');
  assert.ok(grew < 16 << 20, `array buffers grew by ${grew}`);
  assert.deepEqual(sink.list.map((p) => p.code), ['capture.snaplen', 'capture.bad-length']);
  const bad = sink.list[1]!;
  assert.equal(bad.frame, 3);
  assert.equal(bad.offset, 24 + 26 + 26);
  assert.equal(bad.severity, 'error');
  assert.match(bad.message, /Frame 3 \(record at offset 76\) claims 4294967295 captured bytes .* the 2 frames before it are kept/);
  assert.match(sink.list[0]!.message, /snap length of 4294967295 bytes/);
});

test('pcap record lengths beyond the snap length or 256 KiB stop reading there; snap 0 means no snap limit', () => {
  const rec = pcapRecord(100, 100, Buffer.alloc(100, 1));
  const overSnap = readChunked(Buffer.concat([pcapHeader(96), pcapRecord(96, 100, Buffer.alloc(96)), pcapRecord(97, 100, Buffer.alloc(97)), rec]));
  assert.equal(overSnap.frames.length, 1);
  assert.deepEqual(codes(overSnap), ['capture.bad-length']);
  assert.equal(overSnap.problems[0]!.frame, 2);
  assert.equal(overSnap.problems[0]!.offset, 24 + 16 + 96);
  assert.match(overSnap.problems[0]!.message, /97 captured bytes .* snap length of 96/);

  const snap0 = readChunked(Buffer.concat([pcapHeader(0), rec, pcapRecord(PCAP_MAX_RECORD + 1), rec]));
  assert.equal(snap0.frames.length, 1);
  assert.deepEqual(codes(snap0), ['capture.bad-length']);
  assert.match(snap0.problems[0]!.message, /262145 captured bytes \(original length 262145\), more than the 262144 bytes this reader accepts/);

  const atMax = readChunked(Buffer.concat([pcapHeader(0), pcapRecord(PCAP_MAX_RECORD, PCAP_MAX_RECORD, Buffer.alloc(PCAP_MAX_RECORD, 7))]));
  assert.equal(atMax.frames.length, 1);
  assert.deepEqual(atMax.problems, []);
});

test('zero-length packets are frames', () => {
  const parts = [pcapHeader(65535)];
  for (let i = 0; i < 50; i++) parts.push(pcapRecord(0, i));
  for (const chunk of [0, 1, 5, 16, 17]) {
    const r = readChunked(Buffer.concat(parts), chunk);
    assert.equal(r.frames.length, 50);
    assert.ok(r.frames.every((f, i) => f.data === '' && f.origLen === i && f.frame === i + 1));
    assert.deepEqual(r.problems, []);
  }
});

// ---- bad input: pcapng ------------------------------------------------------------------------------------------------

/** Offsets of the Enhanced Packet Blocks of the first section of a little-endian pcapng. */
function epbOffsets(b: Buffer): number[] {
  const out: number[] = [];
  let p = 0;
  while (p + 12 <= b.length) {
    const type = b.readUInt32LE(p);
    const len = b.readUInt32LE(p + 4);
    if (type === 6) out.push(p);
    if (len < 12 || (p > 0 && type === 0x0a0d0d0a)) break;
    p += len;
  }
  return out;
}

test('pcapng block lengths: not a multiple of 4, below 12, above 16 MiB, trailer differs, captured length past the block', async () => {
  const ng = fixture('ng-le.pcapng');
  const epbs = epbOffsets(ng);
  const at = epbs[2]!; // frame 3 (zero-length EPB)
  const mutate = (fn: (b: Buffer) => void): Result => {
    const b = Buffer.from(ng);
    fn(b);
    return readChunked(b);
  };
  const prefix = EXPECTED['ng-le.pcapng']!.frames.slice(0, 2);

  const odd = mutate((b) => b.writeUInt32LE(34, at + 4));
  assert.deepEqual(odd.frames, prefix);
  assert.deepEqual(codes(odd), ['capture.bad-length']);
  assert.equal(odd.problems[0]!.frame, 3);
  assert.equal(odd.problems[0]!.offset, at);
  assert.match(odd.problems[0]!.message, /Frame 3 \(Enhanced Packet Block at offset \d+\): its block length is 34, not a multiple of 4.*the 2 frames before it are kept/);

  const small = mutate((b) => b.writeUInt32LE(8, at + 4));
  assert.deepEqual(codes(small), ['capture.bad-length']);
  assert.match(small.problems[0]!.message, /less than the minimum of 12/);

  const tooSmallForEpb = mutate((b) => b.writeUInt32LE(16, at + 4));
  assert.deepEqual(codes(tooSmallForEpb), ['capture.bad-length']);
  assert.match(tooSmallForEpb.problems[0]!.message, /less than the 32 bytes such a block needs/);

  const trailer = mutate((b) => b.writeUInt32LE(36, at + b.readUInt32LE(at + 4) - 4));
  assert.deepEqual(trailer.frames, prefix);
  assert.deepEqual(codes(trailer), ['capture.bad-length']);
  assert.match(trailer.problems[0]!.message, /at its start but 36 at its end/);

  const capPast = mutate((b) => b.writeUInt32LE(4000, at + 20));
  assert.deepEqual(codes(capPast), ['capture.bad-length']);
  assert.match(capPast.problems[0]!.message, /claims 4000 captured bytes, more than its block/);

  // A huge length stops reading at once: nothing is buffered by it.
  const huge = Buffer.from(ng.subarray(0, at + 12));
  huge.writeUInt32LE(0xfffffff0, at + 4);
  let pulled = 0;
  async function* endless(): AsyncGenerator<Uint8Array> {
    yield huge;
    for (;;) {
      pulled++;
      yield Buffer.alloc(1 << 16);
    }
  }
  const sink = new ProblemSink();
  const frames: number[] = [];
  await readCapture(endless(), (f) => frames.push(f.frame), sink);
  assert.deepEqual(frames, [1, 2]);
  assert.equal(pulled, 0);
  assert.deepEqual(sink.list.map((p) => p.code), ['capture.bad-length']);
  assert.match(sink.list[0]!.message, new RegExp(`4294967280 bytes, more than the ${PCAPNG_MAX_BLOCK} bytes`));
});

test('pcapng block length pointing past the end of the file, and a file cut inside a block', () => {
  const ng = fixture('ng-le.pcapng');
  const at = epbOffsets(ng)[1]!; // frame 2, 77 bytes of data, with options
  const len = ng.readUInt32LE(at + 4);
  // The length says 1 MiB, the file ends right after the real block: the packet is there, the length is wrong.
  const past = Buffer.from(ng.subarray(0, at + len));
  past.writeUInt32LE(1 << 20, at + 4);
  for (const chunk of [0, 1, 7, 4096]) {
    const r = readChunked(past, chunk);
    assert.deepEqual(r.frames, EXPECTED['ng-le.pcapng']!.frames.slice(0, 1));
    assert.deepEqual(codes(r), ['capture.bad-length']);
    assert.equal(r.problems[0]!.frame, 2);
    assert.equal(r.problems[0]!.offset, at);
    assert.match(r.problems[0]!.message, /length of frame 2 .* is 1048576 bytes, which points past the end of the file/);
  }
  // Cut inside the packet data: truncated.
  const cut = readChunked(ng.subarray(0, at + 40));
  assert.deepEqual(codes(cut), ['capture.truncated']);
  assert.equal(cut.problems[0]!.frame, 2);
  assert.equal(cut.problems[0]!.offset, at);
  assert.match(cut.problems[0]!.message, /ends inside frame 2 \(Enhanced Packet Block at offset \d+\): the block is \d+ bytes long, only 40 are present; the 1 frame before it is kept/);
  // Cut inside a block header.
  const head = readChunked(ng.subarray(0, at + 6));
  assert.deepEqual(codes(head), ['capture.truncated']);
  assert.equal(head.problems[0]!.frame, 2);
  assert.match(head.problems[0]!.message, /inside the block header of frame 2 \(Enhanced Packet Block at offset \d+, 6 of its first 12 bytes present\); the 1 frame before it is kept/);
  // Cut inside the SHB.
  const shb = readChunked(ng.subarray(0, 20));
  assert.deepEqual(codes(shb), ['capture.truncated']);
  assert.equal(shb.frames.length, 0);
});

test('pcapng structure errors: no SHB first, bad byte-order magic, version 2, packet for an undescribed interface', () => {
  const ng = fixture('ng-le.pcapng');
  const noShb = readChunked(ng.subarray(epbOffsets(ng)[0]!));
  assert.equal(noShb.format, 'unknown'); // does not even start like pcapng
  const badBom = Buffer.from(ng);
  badBom.writeUInt32LE(0x12345678, 8);
  assert.deepEqual(codes(readChunked(badBom)), ['capture.bad-magic']);
  const v2 = Buffer.from(ng);
  v2.writeUInt16LE(2, 12);
  assert.deepEqual(codes(readChunked(v2)), ['capture.bad-magic']);
  const badIface = Buffer.from(ng);
  badIface.writeUInt32LE(5, epbOffsets(ng)[2]! + 8);
  const r = readChunked(badIface);
  assert.equal(r.frames.length, 2);
  assert.deepEqual(codes(r), ['capture.bad-block']);
  assert.equal(r.problems[0]!.frame, 3);
  assert.match(r.problems[0]!.message, /names interface 5, but its section describes 2 interfaces/);
});

test('a stream error is a problem, not an exception; an exception from onFrame propagates', async () => {
  const ng = fixture('ng-le.pcapng');
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield ng.subarray(0, 500);
    throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
  }
  const sink = new ProblemSink();
  const frames: number[] = [];
  const sum = await readCapture(failing(), (f) => frames.push(f.frame), sink);
  assert.deepEqual(frames, [1, 2, 3]);
  assert.equal(sum.bytes, 500);
  assert.equal(sink.list[0]!.code, 'input.read');
  assert.match(sink.list[0]!.message, /EIO/);

  // the same through a Node stream (read by 'data' events)
  const errSink = new ProblemSink();
  const errFrames: number[] = [];
  const broken = new Readable({ read() {} });
  broken.push(ng.subarray(0, 500));
  setImmediate(() => broken.destroy(Object.assign(new Error('disk on fire'), { code: 'EIO' })));
  const errSum = await readCapture(broken, (f) => errFrames.push(f.frame), errSink);
  assert.deepEqual(errFrames, [1, 2, 3]);
  assert.equal(errSum.bytes, 500);
  assert.deepEqual(errSink.list.map((p) => p.code), ['input.read', 'capture.truncated']);

  const stream = Readable.from([ng]);
  await assert.rejects(readCapture(stream, () => {
    throw new Error('consumer bug');
  }, new ProblemSink()), /consumer bug/);
});

// ---- memory ---------------------------------------------------------------------------------------------------------

/** A lazily generated capture of `total` bytes: a header, then SIP-sized records in 1 MiB chunks. */
async function* bigCapture(format: 'pcap' | 'pcapng', total: number): AsyncGenerator<Uint8Array> {
  const records: Buffer[] = [];
  for (let i = 0; i < 997; i++) {
    const n = 60 + ((i * 37) % 1400);
    if (format === 'pcap') {
      records.push(pcapRecord(n, n, Buffer.alloc(n, i & 0xff)));
    } else {
      const len = 32 + ((n + 3) & ~3);
      const b = Buffer.alloc(len, i & 0xff);
      b.writeUInt32LE(6, 0);
      b.writeUInt32LE(len, 4);
      b.writeUInt32LE(0, 8);
      b.writeUInt32LE(0, 12);
      b.writeUInt32LE(i, 16);
      b.writeUInt32LE(n, 20);
      b.writeUInt32LE(n, 24);
      b.writeUInt32LE(len, len - 4);
      records.push(b);
    }
  }
  const period = Buffer.concat(records); // not a divisor of 1 MiB: blocks straddle chunks
  let head: Buffer;
  if (format === 'pcap') head = pcapHeader(65535);
  else {
    const ng = fixture('ng-le.pcapng');
    head = ng.subarray(0, epbOffsets(ng)[0]!); // SHB + two IDBs
  }
  yield head;
  let sent = head.length;
  let pos = 0;
  while (sent < total) {
    const c = Buffer.allocUnsafe(Math.min(1 << 20, total - sent));
    let o = 0;
    while (o < c.length) {
      const k = Math.min(c.length - o, period.length - pos);
      period.copy(c, o, pos, pos + k);
      o += k;
      pos = (pos + k) % period.length;
    }
    sent += c.length;
    yield c;
  }
}

for (const format of ['pcap', 'pcapng'] as const) {
  test(`a 2 GiB ${format} capture (generated lazily) is read with bounded memory`, async () => {
    const total = 2 * 1024 * 1024 * 1024;
    if (global.gc) global.gc();
    const base = process.memoryUsage().rss;
    let peak = base;
    let frames = 0;
    let bytes = 0;
    const sink = new ProblemSink();
    const sum = await readCapture(bigCapture(format, total), (f) => {
      frames++;
      bytes += f.data.length;
      if ((frames & 1023) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }, sink);
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.equal(sum.bytes, total);
    assert.equal(sum.frames, frames);
    assert.ok(frames > 2_500_000, `${frames} frames`);
    assert.ok(bytes > 1.9e9);
    // The generator cuts the last record: exactly one truncation, at the end.
    assert.deepEqual(sink.list.map((p) => p.code), ['capture.truncated']);
    assert.equal(sink.list[0]!.frame, frames + 1);
    const grewMb = (peak - base) / 1e6;
    assert.ok(grewMb < 100, `rss grew by ${grewMb.toFixed(1)} MB while reading`);
  });
}

// ---- real captures ----------------------------------------------------------------------------------------------------

interface InventoryEntry {
  local_file: string;
  packets: string;
  encapsulation: string;
  first_packet: string;
  last_packet: string;
}

const LINK_TYPES: Record<string, number> = { Ethernet: 1, 'Linux cooked-mode capture v1': 113 };

/** "2005-07-04 09:32:20.839312" (UTC, as capinfos printed it) -> microseconds. */
function inventoryTime(s: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\.(\d{6})$/.exec(s.trim());
  assert.ok(m, s);
  return Date.parse(`${m[1]}T${m[2]}Z`) * 1000 + Number(m[3]);
}

/** A straightforward reading of a little-endian microsecond pcap, to compare pcap-parser's framing with. */
function referencePcap(b: Buffer): Seen[] {
  const out: Seen[] = [];
  const lt = b.readUInt32LE(20) & 0xffff;
  for (let p = 24; p + 16 <= b.length;) {
    const incl = b.readUInt32LE(p + 8);
    out.push({
      frame: out.length + 1, tsUs: b.readUInt32LE(p) * 1e6 + b.readUInt32LE(p + 4), linkType: lt, origLen: b.readUInt32LE(p + 12), iface: 0,
      data: b.subarray(p + 16, p + 16 + incl).toString('hex'),
    });
    p += 16 + incl;
  }
  return out;
}

test('the public reference captures decode with no problem and the packet counts capinfos reported', async () => {
  const inv = path.join(SHARED, 'reference', 'pcaps_inventory.json');
  // CI runs with ../shared beside the clone: its absence is a broken set-up, not a reason to skip
  assert.ok(fs.existsSync(inv), `${inv} not found: ../shared must be beside the repository`);
  const entries: InventoryEntry[] = JSON.parse(fs.readFileSync(inv, 'utf8')).pcaps;
  const files = fs.readdirSync(path.join(SHARED, 'reference', 'pcaps')).filter((f) => /\.pcap(ng)?$/.test(f));
  assert.ok(files.length >= 8);
  for (const file of files) {
    const entry = entries.find((e) => path.basename(e.local_file) === file);
    assert.ok(entry, `${file} is in the inventory`);
    const p = path.join(SHARED, 'reference', 'pcaps', file);
    const frames: Seen[] = [];
    const sink = new ProblemSink();
    const sum = await readCapture(fs.createReadStream(p, { highWaterMark: 1 << 20 }), (f) => frames.push(seen(f)), sink);
    assert.deepEqual(sink.finish(), [], `${file}: no problems`);
    assert.equal(sum.frames, Number(entry.packets), `${file}: packet count`);
    assert.equal(frames.length, Number(entry.packets));
    assert.deepEqual(frames.map((f) => f.frame), frames.map((_, i) => i + 1));
    const lt = LINK_TYPES[entry.encapsulation];
    assert.ok(lt !== undefined, entry.encapsulation);
    assert.ok(frames.every((f) => f.linkType === lt), `${file}: link type ${lt}`);
    const ts = frames.map((f) => f.tsUs!);
    assert.equal(Math.min(...ts), inventoryTime(entry.first_packet), `${file}: first packet time`);
    assert.equal(Math.max(...ts), inventoryTime(entry.last_packet), `${file}: last packet time`);
    const bytes = fs.readFileSync(p);
    if (sum.format === 'pcap') assert.deepEqual(frames, referencePcap(bytes), `${file}: every frame as a plain reading gives`);
    // The synchronous core in 1 MiB and odd chunks agrees.
    assert.deepEqual(readChunked(bytes, 1000).frames, frames);
  }
});
