// The CUCM SDL/SDI trace reader, on fixtures written by test/fixtures/traces/generate.mjs (each with the messages and
// problems it must give in <name>.expected.json), on hand-made edge cases, and on the public samples in
// ../shared/reference/samples (real trace text from Cisco documents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceReader, headerDate } from '../../server/src/sources/trace';
import * as os from 'node:os';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { TraceReaderOptions } from '../../server/src/sources/trace';
import { LineSplitter, ProblemSink } from '../../server/src/sources/text';
import type { NetMessage, Problem } from '../../server/src/model';
import { ROOT } from '../helpers/paths';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'traces');
const SAMPLES = path.resolve(ROOT, '..', 'shared', 'reference', 'samples');

interface ExpectedMessage {
  line: number;
  kind: string;
  time: string;
  src: string;
  dst: string;
  srcPort: number | null;
  dstPort: number | null;
  transport: string;
  label: string;
  sip?: { callId: string; cseq: number; expires: number; method?: string; status?: number };
  sccp?: { name: string; device?: string; keepAliveInterval?: number; secondaryKeepAliveInterval?: number };
  tcp?: { flags: number };
}
interface Expected {
  file: string;
  node: string;
  referenceDate: string | null;
  lines: number;
  messages: ExpectedMessage[];
  problems: { code: string; line: number | null }[];
}

const expectedOf = (name: string): Expected => JSON.parse(fs.readFileSync(path.join(FIXTURES, name.replace(/\.txt$/, '.expected.json')), 'utf8')) as Expected;

interface Read {
  messages: NetMessage[];
  problems: Problem[];
  lines: number;
}

/** Reads text as the engine would: streamed in chunks through the line splitter. */
function read(text: string, opts: Partial<TraceReaderOptions> = {}, chunk = 1 << 16): Read {
  const sink = new ProblemSink();
  const r = new TraceReader({ source: 2, referenceDate: null, ...opts }, sink);
  const sp = new LineSplitter((l, n) => r.line(l, n), sink);
  for (let i = 0; i < text.length; i += chunk) sp.push(text.slice(i, i + chunk));
  sp.end();
  r.finish();
  return { messages: r.messages, problems: sink.finish(), lines: sp.lines };
}

function readFixture(name: string, opts: Partial<TraceReaderOptions> = {}, chunk?: number): Read & { exp: Expected } {
  const exp = expectedOf(name);
  const text = fs.readFileSync(path.join(FIXTURES, name), 'latin1');
  const got = read(text, {
    referenceDate: exp.referenceDate ? new Date(exp.referenceDate) : null,
    ...(exp.node !== 'CUCM' ? { node: exp.node } : {}),
    ...opts,
  }, chunk);
  return { ...got, exp };
}

const port = (n: number): number | null => (Number.isNaN(n) ? null : n);

/** The fields the expectation files name, taken from a message. */
function shape(m: NetMessage): ExpectedMessage {
  const out: ExpectedMessage = {
    line: m.loc.line!, kind: m.kind, time: Number.isFinite(m.time) ? new Date(m.time).toISOString() : 'NaN', src: m.src, dst: m.dst,
    srcPort: port(m.srcPort), dstPort: port(m.dstPort), transport: m.transport ?? '', label: m.label,
  };
  if (m.sip) {
    out.sip = { callId: m.sip.callId!, cseq: m.sip.cseq!, expires: m.sip.expires!, ...(m.sip.method ? { method: m.sip.method } : { status: m.sip.status! }) };
  }
  if (m.sccp) {
    out.sccp = { name: m.sccp.name };
    if (m.sccp.device) out.sccp.device = m.sccp.device;
    if (m.sccp.keepAliveInterval !== undefined) out.sccp.keepAliveInterval = m.sccp.keepAliveInterval;
    if (m.sccp.secondaryKeepAliveInterval !== undefined) out.sccp.secondaryKeepAliveInterval = m.sccp.secondaryKeepAliveInterval;
  }
  if (m.tcp) out.tcp = { flags: m.tcp.flags };
  return out;
}

const strip = (e: ExpectedMessage & { todMs?: number }): ExpectedMessage => {
  const { todMs: _drop, ...rest } = e;
  void _drop;
  return rest;
};

/** The first expected problem of each code. */
const firstOfEach = (ps: { code: string; line: number | null }[]): Problem[] =>
  [...new Set(ps.map((p) => p.code))].map((code) => {
    const lines = ps.filter((p) => p.code === code).map((p) => p.line);
    const numbered = lines.filter((l): l is number => l !== null);
    return { code, line: numbered.length ? Math.min(...numbered) : null } as Problem;
  });

const problemsOf = (ps: Problem[]): { code: string; line: number | null }[] =>
  ps.map((p) => ({ code: p.code, line: p.line })).sort((a, b) => a.code.localeCompare(b.code) || (a.line ?? 0) - (b.line ?? 0));

// ---- the generated CUCM 12.5 SDL trace ---------------------------------------------------------------------------------

const SDL = 'SDL001_100_000042.txt';

test('SDL trace: every message the generator wrote, with its line, label, addresses, ports, SIP and SCCP fields and date', () => {
  const { messages, exp, lines } = readFixture(SDL);
  assert.equal(lines, exp.lines);
  assert.ok(exp.messages.length > 150, `${exp.messages.length} expected messages`);
  assert.deepEqual(messages.map(shape), exp.messages.map(strip));
  for (const m of messages) {
    assert.equal(m.loc.source, 2);
    assert.equal(m.loc.frame, null);
    assert.equal(m.dated, true);
  }
});

test('SDL trace: counts by kind; both SIPTcp header forms, the UDP forms, the [N,INT] copy and the AlarmErr record', () => {
  const { messages } = readFixture(SDL);
  const kinds = (k: string): NetMessage[] => messages.filter((m) => m.kind === k);
  const sip = kinds('sip');
  // phone A: 16 REGISTER + 16 200 OK over TCP; phone C: 3 + 3 over UDP
  assert.equal(sip.length, 38);
  assert.equal(sip.filter((m) => m.transport === 'tcp' && m.sip!.method === 'REGISTER').length, 16);
  assert.equal(sip.filter((m) => m.transport === 'tcp' && m.sip!.status === 200).length, 16);
  assert.equal(sip.filter((m) => m.transport === 'udp').length, 6);
  // the 200 OK traced twice (normalisation copy [N,INT] and the wire copy [N,NET]) is one message
  assert.equal(sip.filter((m) => m.sip!.status === 200 && m.sip!.cseq === 105 && m.dst === '10.20.30.41').length, 1);
  const text = fs.readFileSync(path.join(FIXTURES, SDL), 'latin1').split('\n');
  const lineOf = (pred: (l: string) => boolean): number[] => text.flatMap((l, i) => (pred(l) ? [i + 1] : []));
  const modern = lineOf((l) => l.includes('|SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.20.30.41'));
  const legacy = lineOf((l) => l.includes('|//SIP/SIPTcp/wait_SdlReadRsp: Incoming SIP TCP message from 10.20.30.41'));
  assert.ok(modern.length >= 8 && legacy.length >= 8);
  const regLines = sip.filter((m) => m.sip!.method === 'REGISTER' && m.transport === 'tcp').map((m) => m.loc.line!);
  // the last modern-form header belongs to the REGISTER cut by the end of the file: not read
  assert.deepEqual(regLines, [...modern.slice(0, -1), ...legacy].sort((a, b) => a - b));
  const intLine = lineOf((l) => l.includes('//SIP/SIPNormalization/trace_sip_message'))[0]!;
  assert.ok(!messages.some((m) => m.loc.line === intLine || m.loc.line === intLine + 1));
  const alarmLine = lineOf((l) => l.includes('|AlarmErr |'))[0]!;
  assert.ok(alarmLine > 0 && !messages.some((m) => m.loc.line === alarmLine));
  // SIP: Call-ID, CSeq and Expires of the first exchange; a REGISTER every 115 s (+ 0/40/80 ms)
  const a = sip.filter((m) => m.src === '10.20.30.41' && m.sip!.method === 'REGISTER');
  assert.equal(a[0]!.sip!.callId, '00c1b2a3-d4e50002-5b3c41d2-1e77a1c0@10.20.30.41');
  assert.deepEqual(a.map((m) => m.sip!.cseq), Array.from({ length: 16 }, (_, k) => 101 + k));
  assert.ok(a.every((m) => m.sip!.expires === 3600 && m.sip!.device === 'SEP00C1B2A3D4E5' && m.srcPort === 51234 && m.dst === 'CUCM node 001'));
  for (let k = 1; k < a.length; k++) assert.equal(a[k]!.time - a[k - 1]!.time, 115000 + ((k % 3) - ((k - 1) % 3)) * 40);
  const ok = sip.filter((m) => m.dst === '10.20.30.41');
  assert.ok(ok.every((m) => m.sip!.expires === 120 && m.label === 'Status: 200 OK (REGISTER)  (1 binding)' && m.src === 'CUCM node 001' && m.dstPort === 51234));
  // SCCP: the station 173 keepalives every 30 s, the AppInfo and the StationKeepAlive signal counted once
  const b = kinds('sccp').filter((m) => m.src === '10.20.40.52' && m.sccp!.name === 'KeepAlive');
  assert.equal(b.length, 59);
  assert.ok(b.every((m) => m.sccp!.device === 'SEP00C1B2A34052' && m.label === 'KeepAliveReq' && Number.isNaN(m.srcPort)));
  const acks = kinds('sccp').filter((m) => m.dst === '10.20.40.52' && m.sccp!.name === 'KeepAliveAck');
  assert.equal(acks.length, 59);
  const regAck = kinds('sccp').find((m) => m.sccp!.name === 'RegisterAck')!;
  assert.equal(regAck.sccp!.keepAliveInterval, 30);
  assert.equal(regAck.sccp!.secondaryKeepAliveInterval, 60);
  // station 201: its first KeepAlive was read before any line named the phone; it got the address afterwards
  const d = kinds('sccp').filter((m) => m.sccp!.device === 'SEP00C1B2A30777');
  assert.deepEqual(d.map((m) => m.sccp!.name), [...Array(5).fill(['KeepAlive', 'KeepAliveAck']).flat(), 'Unregister', 'UnregisterAck', 'Reset']);
  assert.ok(d.every((m) => (m.src === '10.20.40.77' && m.dst === 'CUCM node 001') || (m.dst === '10.20.40.77' && m.src === 'CUCM node 001')));
  // station 250 never shows its phone: listed under the station
  assert.deepEqual(kinds('sccp').filter((m) => m.src === 'StationD(250)' || m.dst === 'StationD(250)').map((m) => m.sccp!.name), ['KeepAlive', 'KeepAliveAck', 'KeepAlive', 'KeepAliveAck']);
  // resets of oversized SIP messages
  const rst = kinds('tcp');
  assert.deepEqual(rst.map((m) => [m.dst, port(m.dstPort), m.tcp!.flags, m.tcp!.len]), [['10.20.30.99', 5060, 4, 0], ['', null, 4, 0]]);
  assert.match(rst[0]!.label, /reset the SIP TCP connection of 10\.20\.30\.99: a SIP message over 5000 bytes/);
});

test('SDL trace: problems (cut message, garbled lines, unreadable SIP headers, SCCP without address, dating) as expected', () => {
  const { problems, exp } = readFixture(SDL);
  // one entry per code (repeats are aggregated), at the first line; the lines listed in it
  assert.deepEqual(problemsOf(problems), problemsOf(firstOfEach(exp.problems)));
  for (const p of problems) {
    const lines = exp.problems.filter((q) => q.code === p.code && q.line !== null).map((q) => q.line!);
    if (lines.length > 1) assert.ok(p.message.includes(`(${lines.join(', ')})`), `${p.code}: ${p.message} lists ${lines.join(', ')}`);
  }
  const cut = problems.find((p) => p.code === 'trace.cut-message')!;
  assert.equal(cut.severity, 'warning');
  assert.match(cut.message, /cut by the end of the file before its headers end; it was not read/);
  const bad = problems.filter((p) => p.code === 'trace.bad-line');
  assert.equal(bad.length, 1, 'garbled record headers are one aggregated entry');
  assert.match(bad[0]!.message, /on 3 lines \(\d+, \d+, \d+\)/);
  const noDate = problems.find((p) => p.code === 'trace.no-date')!;
  assert.equal(noDate.severity, 'information');
  assert.match(noDate.message, /^\d+ trace messages carry only a time of day; dates were counted back from 2024-03-06T00:20:00Z \(the file's modification time/);
  const unknown = problems.find((p) => p.code === 'trace.sccp-no-address')!;
  assert.match(unknown.message, /4 SCCP messages of 1 station \(StationD\(250\)\)/);
  assert.ok(problems.every((p) => p.code.startsWith('trace.')));
});

test('SDL trace: the same messages whatever the chunk size of the stream', () => {
  const whole = readFixture(SDL, {}, 1 << 24).messages.map(shape);
  for (const chunk of [1, 7, 4096, 65537]) {
    if (chunk === 1) {
      // one character at a time over the first 20 000 characters only (the splitter is not what is tested)
      const text = fs.readFileSync(path.join(FIXTURES, SDL), 'latin1').slice(0, 20000);
      assert.deepEqual(read(text, { node: 'CUCM node 001' }, 1).messages.map(shape), read(text, { node: 'CUCM node 001' }).messages.map(shape));
      continue;
    }
    assert.deepEqual(readFixture(SDL, {}, chunk).messages.map(shape), whole, `chunk ${chunk}`);
  }
});

test('SDL trace dates: counted back from the reference across midnight; other references; none', () => {
  const exp = expectedOf(SDL);
  const first = exp.messages[0]!;
  // with the file's mtime just after the last record (00:20:00.400 on 6 March): 23:50 records are on 5 March
  const { messages } = readFixture(SDL);
  assert.equal(new Date(messages[0]!.time).toISOString(), '2024-03-05T23:50:02.000Z');
  assert.equal(new Date(messages[messages.length - 1]!.time).toISOString().slice(0, 10), '2024-03-06');
  const midnight = messages.findIndex((m) => new Date(m.time).getUTCDate() === 6);
  assert.ok(midnight > 0 && messages.slice(midnight).every((m) => new Date(m.time).getUTCDate() === 6), 'one roll-over, forwards');
  // three days later: everything three days later
  const later = readFixture(SDL, { referenceDate: new Date('2024-03-09T00:25:00Z') }).messages;
  assert.equal(later[0]!.time - messages[0]!.time, 3 * 86400000);
  // a reference earlier in the day than the last record (00:10 < 00:20): the last record is the day before
  const earlier = readFixture(SDL, { referenceDate: new Date('2024-03-06T00:10:00Z') }).messages;
  assert.equal(new Date(earlier[0]!.time).toISOString(), '2024-03-04T23:50:02.000Z');
  // no reference: time of day from midnight of day 0, with the roll-over; not dated
  const undated = readFixture(SDL, { referenceDate: null });
  assert.ok(undated.messages.every((m) => !m.dated));
  assert.equal(undated.messages[0]!.time, (23 * 3600 + 50 * 60 + 2) * 1000);
  assert.equal(undated.messages[undated.messages.length - 1]!.time, Date.parse(exp.messages[exp.messages.length - 1]!.time) - Date.UTC(2024, 2, 5));
  assert.ok(undated.messages[undated.messages.length - 1]!.time > 86400000);
  assert.equal(first.time, '2024-03-05T23:50:02.000Z');
  assert.match(undated.problems.find((p) => p.code === 'trace.no-date')!.message, /the file's date is unknown; times are shown without a date/);
});

// ---- legacy SDI ------------------------------------------------------------------------------------------------------

test('SDI 3.x trace (CRLF): registrations, keepalives and acks matched to the phone by TCP handle, with ports', () => {
  const { messages, problems, exp } = readFixture('ccm00000003.txt');
  assert.deepEqual(messages.map(shape), exp.messages.map(strip));
  assert.deepEqual(problemsOf(problems), problemsOf(firstOfEach(exp.problems)));
  const names = (n: string): number => messages.filter((m) => m.sccp!.name === n).length;
  assert.deepEqual([names('Register'), names('RegisterAck'), names('KeepAlive'), names('KeepAliveAck'), names('Unregister'), names('UnregisterAck'), names('Reset')], [3, 3, 30, 31, 1, 1, 1]);
  // "tcpHandle=4fbb150" and "tcpHandle=0x4fbb150" are the same connection
  const x = messages.filter((m) => m.sccp!.name === 'KeepAliveAck' && m.dst === '172.16.70.230');
  assert.equal(x.length, 10);
  assert.ok(x.every((m) => m.dstPort === 49211 && m.sccp!.device === 'SEP0010EB001720'));
  assert.match(problems.find((p) => p.code === 'trace.sccp-no-address')!.message, /tcpHandle 0x5000aa0/);
});

test('SDI 4.x trace: dated lines are dated without a reference and need no trace.no-date', () => {
  const { messages, problems, exp } = readFixture('ccm4-dated.txt');
  assert.deepEqual(messages.map(shape), exp.messages.map(strip));
  assert.ok(messages.every((m) => m.dated));
  assert.deepEqual(problems, []);
});

test('another product\'s .txt: no messages, one trace.no-records, nothing thrown', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'catalina-other-product.txt'), 'latin1');
  const { messages, problems } = read(text, { referenceDate: new Date('2024-03-05T10:00:00Z') });
  assert.deepEqual(messages, []);
  assert.deepEqual(problems.map((p) => [p.code, p.severity, p.line]), [['trace.no-records', 'information', 1]]);
});

// ---- edge cases --------------------------------------------------------------------------------------------------------

const REG = [
  'REGISTER sip:10.1.1.1 SIP/2.0',
  'Via: SIP/2.0/TCP 10.9.9.9:50000;branch=z9hG4bK1',
  'From: <sip:100@10.1.1.1>;tag=1',
  'To: <sip:100@10.1.1.1>',
  'Call-ID: abc@10.9.9.9',
  'CSeq: 7 REGISTER',
  'Contact: <sip:100@10.9.9.9:50000;transport=tcp>;+u.sip!devicename.ccm.cisco.com="SEP000000000009"',
  'Expires: 3600',
];
const hdr = (tod: string, type: string, text: string, seq = '00001234.001'): string => `${seq} |${tod} |${type.padEnd(9)}|${text}`;

test('edge: body cut by the end of the file (headers whole) is read and reported; an empty message at the end is not', () => {
  const text = [
    hdr('10:00:00.000', 'AppInfo', 'SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.9.9.9 on port 50000 index 3 with 900 bytes:'),
    '[1,NET]', ...REG, 'Content-Type: application/sdp', 'Content-Length: 500', '', 'v=0', 'o=- 1 1 IN IP4 10.9.9.9',
  ].join('\n');
  const a = read(text);
  assert.equal(a.messages.length, 1);
  assert.equal(a.messages[0]!.sip!.callId, 'abc@10.9.9.9');
  assert.equal(a.messages[0]!.sip!.device, 'SEP000000000009');
  assert.deepEqual(a.problems.filter((p) => p.code === 'trace.cut-message').map((p) => [p.line, /body is incomplete/.test(p.message)]), [[1, true]]);
  // the same message ending with Content-Length: 0 and no blank line at the end of the file is whole
  const b = read([hdr('10:00:00.000', 'AppInfo', 'SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.9.9.9 on port 50000 index 3 with 300 bytes:'), '[1,NET]', ...REG, 'Content-Length: 0'].join('\n'));
  assert.equal(b.messages.length, 1);
  assert.ok(!b.problems.some((p) => p.code === 'trace.cut-message'));
  // a header line and its marker, then the end
  const c = read([hdr('10:00:00.000', 'AppInfo', 'SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to 10.9.9.9 on port 50000 index 3 '), '[2,NET]'].join('\n'));
  assert.equal(c.messages.length, 0);
  assert.deepEqual(c.problems.filter((p) => p.code === 'trace.cut-message').map((p) => p.line), [1]);
});

test('edge: collapsed padding, a 7-digit sequence number, a message without its [N,NET] marker, IPv6, TLS', () => {
  const text = [
    '0055605.002 |10:39:20.389 |AppInfo |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 2001:db8::9 on port 5061 index 8 with 700 bytes:',
    ...REG, 'Content-Length: 0', '',
    '00055606.001|10:39:20.400|AppInfo|//SIP/SIPUdp/wait_SdlSPISignal: Outgoing SIP UDP message to 2001:db8::9:[5060]:',
    '[2,NET]', 'SIP/2.0 200 OK', 'Call-ID: abc@10.9.9.9', 'CSeq: 7 REGISTER', 'Contact: <sip:100@10.9.9.9:50000>', 'Expires: 120', 'Content-Length: 0', '',
  ].join('\n');
  const { messages, problems } = read(text, { node: 'cucm-sub1' });
  assert.deepEqual(messages.map((m) => [m.src, port(m.srcPort), m.dst, port(m.dstPort), m.transport, m.label]), [
    ['2001:db8::9', 5061, 'cucm-sub1', null, 'tcp', 'Request: REGISTER sip:10.1.1.1  (1 binding)'],
    ['cucm-sub1', null, '2001:db8::9', 5060, 'udp', 'Status: 200 OK (REGISTER)  (1 binding)'],
  ]);
  assert.deepEqual(problems.map((p) => p.code), ['trace.no-date']);
});

test('edge: SCCP from SdlSig records alone (StationKeepAlive / StationOutputKeepAliveAck), the tag naming the phone', () => {
  const sig = (tod: string, name: string, dest: string, src: string, tag: string): string =>
    `00004000.000 |${tod} |SdlSig   |${name.padEnd(38)} |restart0                       |${dest.padEnd(32)} |${src.padEnd(32)} |${tag.padEnd(40)} |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0]`;
  const text = [
    sig('08:00:00.000', 'StationKeepAlive', 'StationD(2,100,64,77)', 'StationInit(2,100,63,1)', '2,100,14,900.5^10.3.3.3^SEP0000000000AA'),
    sig('08:00:00.004', 'StationOutputKeepAliveAck', 'StationInit(2,100,63,1)', 'StationD(2,100,64,77)', '2,100,14,900.6^10.3.3.3^SEP0000000000AA'),
    sig('08:00:00.010', 'CcSetupReq', 'Cc(2,100,220,1)', 'StationD(2,100,64,77)', '2,100,14,900.7^10.3.3.3^SEP0000000000AA'),
  ].join('\n');
  const { messages } = read(text);
  assert.deepEqual(messages.map((m) => [m.sccp!.name, m.src, m.dst, m.sccp!.device, m.time]), [
    ['KeepAlive', '10.3.3.3', 'CUCM', 'SEP0000000000AA', 8 * 3600000],
    ['KeepAliveAck', 'CUCM', '10.3.3.3', 'SEP0000000000AA', 8 * 3600000 + 4],
  ]);
});

test('edge: a thousand garbled lines make one aggregated problem; random bytes and 64 KiB lines never throw', () => {
  const lines: string[] = [hdr('09:00:00.000', 'AppInfo', 'StationD:    (0000001) DEBUG start')];
  for (let i = 0; i < 1000; i++) lines.push(`0000${1000 + i}.0x |garbled`);
  const a = read(lines.join('\n'));
  const bad = a.problems.filter((p) => p.code === 'trace.bad-line');
  assert.equal(bad.length, 1);
  assert.match(bad[0]!.message, /on 1000 lines \(2, 3, 4, 5, 6, \.\.\.\)/);
  // deterministic noise: random characters, record-like prefixes, huge lines, SIP headers cut anywhere
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = [
    '00001234.001 |10:00:00.000 |AppInfo  |', 'SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from ', '10.1.1.1', ' on port ', '5060', ' index 3 with 20 bytes:',
    '[12,NET]', 'REGISTER sip:x SIP/2.0', 'CSeq: 1 REGISTER', '', 'StationInit: (000', 'InboundStim - KeepAliveMessage', '|SdlSig   |StationKeepAlive |x |StationD(1,100,64,', '^10.1.1.', '12:00:00.000 CCM|', 'StationD - stationOutputKeepAliveAck tcpHandle=0x', '07/21/2006 ', 'IPAddr=', ':[', ']',
  ];
  const noise: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let l = '';
    const n = rnd(8);
    for (let k = 0; k < n; k++) l += rnd(3) ? pieces[rnd(pieces.length)] : String.fromCharCode(rnd(0x2fff));
    noise.push(l);
  }
  noise.push('x'.repeat(70000), `00001.${'9'.repeat(65530)}`, '0'.repeat(65536));
  for (const chunk of [1 << 16, 333]) {
    const r = read(noise.join('\n'), {}, chunk);
    assert.ok(r.messages.every((m) => typeof m.label === 'string' && m.loc.line! >= 1));
  }
  // the reader on its own, lines of any content, finish twice
  const sink = new ProblemSink();
  const r = new TraceReader({ source: 0, referenceDate: new Date('2024-01-01T00:00:00Z') }, sink);
  noise.forEach((l, i) => r.line(l, i + 1));
  r.finish();
  r.finish();
  assert.ok(sink.finish().every((p) => p.code.startsWith('trace.') && p.code !== 'trace.internal'));
});

// ---- the public samples ---------------------------------------------------------------------------------------------

function sample(name: string): { text: string; lineOf: (start: string) => number } {
  const file = path.join(SAMPLES, name);
  // CI runs with ../shared beside the clone: its absence is a broken set-up, not a reason to skip
  assert.ok(fs.existsSync(file), `${file} not found: ../shared must be beside the repository`);
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  return { text, lineOf: (start) => lines.findIndex((l) => l.startsWith(start)) + 1 };
}

test('sample: CUCM 12 SDL, CIPC registering over SIP/TCP (TAC 213251): two REGISTERs and the 200 OK, not the [N,INT] copy', () => {
  const { text, lineOf } = sample('sdl_sip_register_em_login_cucm12.txt');
  const { messages, problems } = read(text, { referenceDate: new Date('2018-04-14T19:20:00Z') });
  assert.deepEqual(messages.map((m) => [m.loc.line, m.kind, m.src, port(m.srcPort), m.dst, port(m.dstPort), m.label, m.sip!.callId, m.sip!.cseq, m.sip!.expires, new Date(m.time).toISOString()]), [
    [lineOf('02760551.004'), 'sip', '10.65.40.61', 57378, 'CUCM', null, 'Request: REGISTER sip:10.106.111.182  (1 binding)', '005056c0-0001027b-00001cf2-00001201@192.168.0.105', 2151, 3600, '2018-04-14T19:11:08.219Z'],
    [lineOf('02760584.001'), 'sip', 'CUCM', null, '10.65.40.61', 57378, 'Status: 200 OK (REGISTER)  (1 binding)', '005056c0-0001027b-00001cf2-00001201@192.168.0.105', 2151, 120, '2018-04-14T19:11:08.334Z'],
    [lineOf('02760738.004'), 'sip', '10.65.40.61', 57417, 'CUCM', null, 'Request: REGISTER sip:10.106.111.182  (1 binding)', '005056c0-00010285-000046e9-00006cf9@192.168.0.105', 2153, 3600, '2018-04-14T19:11:36.004Z'],
  ]);
  assert.deepEqual(problems.map((p) => p.code), ['trace.no-date']);
});

test('sample: SDL excerpts from Cisco documents: every SIP message in all header forms, no keepalive invented', () => {
  const { text, lineOf } = sample('sdl_trace_excerpts_cisco_docs_and_notes.txt');
  const { messages } = read(text);
  assert.deepEqual(messages.map((m) => [m.loc.line, m.transport, m.src === 'CUCM' ? 'out' : 'in', m.src === 'CUCM' ? m.dst : m.src, m.label.split(' ').slice(0, 2).join(' ')]), [
    [lineOf('03797320.001'), 'udp', 'out', '10.48.32.170', 'Request: INVITE'],
    [lineOf('04241111.002'), 'tcp', 'in', '10.48.38.102', 'Request: INVITE'],
    [lineOf('04241178.001'), 'tcp', 'out', '10.48.38.107', 'Request: INVITE'],
    [lineOf('0055605.002'), 'tcp', 'in', '192.168.156.64', 'Request: INVITE'],
    [lineOf('20055696.001'), 'tcp', 'out', '192.168.55.50', 'Request: INVITE'],
    [lineOf('10287498.001'), 'tcp', 'out', '198.18.1.36', 'Request: ACK'],
    [lineOf('01382949.001'), 'tcp', 'out', '10.106.97.135', 'Status: 180'],
    [lineOf('00222499.002'), 'tcp', 'in', '10.24.241.238', 'Request: INVITE'],
    [lineOf('03797390.001'), 'udp', 'in', '10.48.32.170', 'Status: 200'],
    [lineOf('00802148.002'), 'udp', 'in', '10.106.97.143', 'Request: BYE'],
  ]);
  assert.equal(messages.find((m) => m.loc.line === lineOf('00802148.002'))!.srcPort, 49193);
  assert.equal(messages.find((m) => m.loc.line === lineOf('04241111.002'))!.sip!.callId, '38ed1855-2a120006-78c34baf-1b81d864@10.48.38.102');
});

test('sample: legacy SDI (CUCM 12.5 troubleshooting guide): StationReg, KeepAliveMessage and stationOutputKeepAliveAck', () => {
  const { text, lineOf } = sample('sdi_legacy_ccm_trace_cucm_troubleshooting_guide_12_5.txt');
  const { messages, problems } = read(text);
  assert.deepEqual(messages.map((m) => [m.loc.line, m.sccp!.name, m.src === 'CUCM' ? `${m.dst}:${m.dstPort}` : `${m.src}:${m.srcPort}`, m.sccp!.device]), [
    [lineOf('16:02:52.781 CCM|StationInit - Processing StationReg. regCount: 1 DeviceName=MTP'), 'Register', '172.16.70.228:3279', 'MTP_nsa-cm1'],
    [lineOf('16:02:52.781 CCM|StationInit - Processing StationReg. regCount: 1 DeviceName=CFB'), 'Register', '172.16.70.228:3280', 'CFB_nsa-cm1'],
    [lineOf('16:03:02.328 CCM|StationInit - InboundStim - KeepAliveMessage - Forward KeepAlive to StationD. DeviceName=MTP'), 'KeepAlive', '172.16.70.229:1556', 'MTP_nsa-cm2'],
    [lineOf('16:03:02.328 CCM|StationInit - InboundStim - KeepAliveMessage - Forward KeepAlive to StationD. DeviceName=CFB'), 'KeepAlive', '172.16.70.229:1557', 'CFB_nsa-cm2'],
    [lineOf('16:03:06.640 CCM|StationInit - InboundStim - KeepAliveMessage'), 'KeepAlive', '172.16.70.230:49211', 'SEP0010EB001720'],
    [lineOf('16:03:06.703 CCM|StationInit - InboundStim - KeepAliveMessage'), 'KeepAlive', '172.16.70.231:52095', 'SEP003094C26105'],
    [lineOf('16:03:02.328 CCM|MediaTerminationPointControl'), 'KeepAliveAck', '172.16.70.229:1556', 'MTP_nsa-cm2'],
    [lineOf('16:03:02.328 CCM|UnicastBridgeControl'), 'KeepAliveAck', '172.16.70.229:1557', 'CFB_nsa-cm2'],
    [lineOf('16:03:06.703 CCM|StationD - stationOutputKeepAliveAck'), 'KeepAliveAck', '172.16.70.231:52095', 'SEP003094C26105'],
  ]);
  assert.deepEqual(problems.map((p) => p.code), ['trace.no-date']);
});

test('sample: a syslog file read as a trace gives nothing and says so', () => {
  const { text } = sample('syslog_endpointunregistered_and_sip_keepalive_register_200410.txt');
  const { messages, problems } = read(text);
  assert.deepEqual(messages, []);
  assert.deepEqual(problems.map((p) => p.code), ['trace.no-records']);
});

test('a header above the first record dates the trace (ahead of the file time): the first record on its day, midnight rolled over, alarm records too', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-trace-header-'));
  try {
    const sip = (seq: string, tod: string, cseq: number): string =>
      `${seq} |${tod} |AppInfo  |SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 5060 index 7 with 200 bytes:\n[1,NET]\n` +
      `REGISTER sip:10.1.1.1 SIP/2.0\nTo: <sip:1001@10.1.1.1>\nCall-ID: c1@10.2.2.2\nCSeq: ${cseq} REGISTER\nExpires: 3600\nContent-Length: 0\n\n`;
    const alarm = '00000003.000 |00:04:00.000 |AlarmErr |AlarmClass: CallManager, AlarmName: EndPointUnregistered, AlarmSeverity: Notice, AlarmMessage: , AlarmDescription: An endpoint has unregistered, AlarmParameters:  DeviceName:SEP001122334455, IPAddress:10.2.2.2, Reason:8, \n';
    const body = sip('00000001.000', '23:58:00.000', 1) + sip('00000002.000', '00:03:00.000', 2) + alarm;
    const withHeader = path.join(dir, 'SDL001_100_000001.txt');
    fs.writeFileSync(withHeader, 'SDL Trace File: SDL001_100_000001.txt  Created: 2026-11-20 23:57:12\n\n' + body);
    const plain = path.join(dir, 'SDL001_200_000001.txt');
    fs.writeFileSync(plain, body);
    const mtime = new Date('2026-12-01T08:00:00Z');
    for (const f of [withHeader, plain]) fs.utimesSync(f, mtime, mtime);
    const times = async (f: string): Promise<string[]> => (await analyzePaths([f], DEFAULT_SETTINGS)).messages.map((m) => new Date(m.time).toISOString());
    assert.deepEqual(await times(withHeader), ['2026-11-20T23:58:00.000Z', '2026-11-21T00:03:00.000Z', '2026-11-21T00:04:00.000Z']);
    // without it, the file time dates the last record
    assert.deepEqual(await times(plain), ['2026-11-30T23:58:00.000Z', '2026-12-01T00:03:00.000Z', '2026-12-01T00:04:00.000Z']);
    const r = await analyzePaths([withHeader], DEFAULT_SETTINGS);
    assert.ok(r.sources[0]!.problems.some((p) => p.code === 'trace.no-date' && /dated from the file's header \(2026-11-20\)/.test(p.message)), JSON.stringify(r.sources[0]!.problems));
    assert.ok(Number.isNaN(headerDate('no date here 12:00:00')));
    assert.equal(headerDate('Created 11/20/2026 10:00'), Date.UTC(2026, 10, 20));
    assert.ok(Number.isNaN(headerDate('2026-02-30')), 'no 30 February');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
