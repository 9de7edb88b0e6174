import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteDecoder, LineSplitter, ProblemSink, endsMidSequence, looksBinaryText, sniffEncoding } from '../../server/src/sources/text';

function decodeAll(bytes: Uint8Array, chunk: number): { text: string; sink: ProblemSink; dec: ByteDecoder } {
  const sink = new ProblemSink();
  const dec = new ByteDecoder(sink);
  let text = '';
  for (let i = 0; i < bytes.length; i += chunk) text += dec.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
  text += dec.end();
  return { text, sink, dec };
}

function utf16(text: string, be: boolean, bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = be ? Buffer.from(le).swap16() : le;
  if (!bom) return body;
  return Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
}

const SAMPLE = 'Jul 02 2015 06:22:31 UTC: %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEP001122334455][Reason=13]: x\r\nsecond line é\r\n';

test('UTF-8, UTF-8 with BOM, UTF-16 LE/BE with and without BOM all decode to the same text', () => {
  const variants: [string, Uint8Array][] = [
    ['utf-8', Buffer.from(SAMPLE, 'utf8')],
    ['utf-8 bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')])],
    ['utf-16le bom', utf16(SAMPLE, false, true)],
    ['utf-16be bom', utf16(SAMPLE, true, true)],
    ['utf-16le', utf16(SAMPLE, false, false)],
    ['utf-16be', utf16(SAMPLE, true, false)],
  ];
  for (const [name, bytes] of variants) {
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
      const { text, dec } = decodeAll(bytes, chunk);
      assert.equal(text, SAMPLE, `${name} in chunks of ${chunk}`);
      assert.equal(dec.binary, false);
    }
  }
});

test('UTF-16 input is reported as such; invalid UTF-8 falls back to Windows-1252', () => {
  const { sink } = decodeAll(utf16(SAMPLE, false, true), 1000);
  assert.match(sink.list[0]!.message, /UTF-16LE/);
  const latin = Buffer.from('Device description: Caf\xe9 lobby phone, r\xe9ception\n'.repeat(3), 'latin1');
  const r = decodeAll(latin, 5);
  assert.match(r.text, /Café lobby phone, réception/);
  assert.equal(r.sink.list[0]!.code, 'input.encoding');
  assert.match(r.sink.list[0]!.message, /Windows-1252/);
});

test('binary data is refused once with a clear problem', () => {
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  const { text, sink, dec } = decodeAll(bytes, 100);
  assert.equal(text, '');
  assert.equal(dec.binary, true);
  assert.equal(sink.list.length, 1);
  assert.equal(sink.list[0]!.code, 'input.binary');
  assert.equal(sniffEncoding(bytes), null);
  assert.equal(looksBinaryText('\u0000\u0001\u0002abc\u0000\u0000'.repeat(50)), true);
  assert.equal(looksBinaryText(SAMPLE), false);
});

function split(text: string, chunk: number, maxLine?: number): { lines: string[]; sink: ProblemSink } {
  const lines: string[] = [];
  const sink = new ProblemSink();
  const s = new LineSplitter((l, n) => {
    assert.equal(n, lines.length + 1, 'line numbers count from 1 without gaps');
    lines.push(l);
  }, sink, maxLine);
  for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk));
  s.end();
  return { lines, sink };
}

test('lines split the same whatever the chunk size, for LF, CRLF and CR-only text', () => {
  const lf = 'alpha\nbeta\n\ngamma delta\nlast without newline';
  const expected = ['alpha', 'beta', '', 'gamma delta', 'last without newline'];
  for (const text of [lf, lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')]) {
    for (let chunk = 1; chunk <= text.length + 1; chunk++) {
      assert.deepEqual(split(text, chunk).lines, expected, `chunk ${chunk} of ${JSON.stringify(text.slice(0, 12))}`);
    }
  }
});

test('a line of a million characters is cut at the limit, reported once, and the next line still read', () => {
  const long = 'x'.repeat(1_000_000);
  for (const chunk of [1000, 65536, 1 << 20, 2_000_000]) {
    const { lines, sink } = split(`first\n${long}\nafter\n${long}\n`, chunk, 65536);
    assert.equal(lines.length, 4);
    assert.equal(lines[0], 'first');
    assert.equal(lines[1]!.length, 65536);
    assert.equal(lines[2], 'after');
    const problems = sink.finish();
    assert.equal(problems[0]!.code, 'input.long-line');
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[1]!.message, /2 lines were longer than 65536/);
  }
});

test('the problem list is capped and says how many were left out', () => {
  const sink = new ProblemSink(5);
  for (let i = 0; i < 12; i++) sink.add('x', 'warning', `p${i}`, i + 1);
  const list = sink.finish();
  assert.equal(list.length, 6);
  assert.match(list[5]!.message, /7 more problems/);
});

test('UTF-8 split anywhere inside a multi-byte character decodes the same (ASCII fast path and decoder mixed)', () => {

  const text = ('ascii only line\n'.repeat(5) + 'Réception → 電話 😀 SEP001122334455\n').repeat(4);
  const bytes = Buffer.from(text, 'utf8');
  for (let chunk = 1; chunk <= 90; chunk++) assert.equal(decodeAll(bytes, chunk).text, text, `chunk ${chunk}`);
  assert.equal(endsMidSequence(Buffer.from('abc')), false);
  assert.equal(endsMidSequence(Buffer.from('é').subarray(0, 1)), true);
  assert.equal(endsMidSequence(Buffer.from('😀').subarray(0, 3)), true);
  assert.equal(endsMidSequence(Buffer.from('😀')), false);
});
