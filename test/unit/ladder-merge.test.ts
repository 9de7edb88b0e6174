// The ladder of a case: several sources on one clock, one arrow per message however many points observed it, where
// it was seen and the transit between the points; validation of those fields; their rendering (SVG, Mermaid) and
// the "observed at" filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Settings } from '../../server/src/settings';
import { ROOT } from '../helpers/paths';
import { buildLadder } from '../../server/src/ladder/build';
import { filterArrows, sanitiseFilter } from '../../server/src/ladder/filter';
import { sourceBadges, transitText } from '../../server/src/ladder/layout';
import { renderSvg } from '../../server/src/ladder/svg';
import { renderMermaid } from '../../server/src/ladder/mermaid';
import { validLadderModel } from '../../server/src/ladder/validate';
import type { LadderModel } from '../../server/src/ladder/model';
import type { AlarmMessage, AnalysisResult, Message, NetMessage } from '../../server/src/model';
import { CASE_SOURCES, DEVICE, T0, caseResult } from '../helpers/ladderCase';

const caseLadder = (r: AnalysisResult = caseResult()): LadderModel => buildLadder(r, { sources: CASE_SOURCES, title: 'case 42' });

test('case: one arrow per message on the case clock, with where it was seen and the transit', () => {
  const m = caseLadder();
  assert.ok(validLadderModel(m));
  assert.ok(validLadderModel(JSON.parse(JSON.stringify(m))), 'JSON-safe');
  const rows = m.arrows.map((a) => ({ label: a.label, t: a.t! - T0, src: a.src, seen: a.seen, transit: a.transit, lost: a.lost, retrans: a.retrans }));
  assert.deepEqual(rows, [
    { label: 'REGISTER', t: 0, src: 0, seen: [0, 1, 2], transit: 13, lost: false, retrans: 0 },
    // traced before it was sent: the trace's copy is the one kept
    { label: '200 OK', t: 20, src: 2, seen: [2, 1, 0], transit: 13.5, lost: false, retrans: 0 },
    // two captures only: their measured transit (11 ms), not the clocks' difference (11.5 ms)
    { label: 'SUBSCRIBE', t: 1000, src: 0, seen: [0, 1], transit: 11, lost: false, retrans: 0 },
    { label: 'REGISTER', t: 1000, src: 0, seen: [0, 1], transit: 11, lost: false, retrans: 0 },
    { label: 'REGISTER', t: 5000, src: 0, seen: [0], transit: null, lost: true, retrans: 0 },
    { label: '[TCP Retransmission] REGISTER', t: 5500, src: 0, seen: [0, 1, 2], transit: 13, lost: false, retrans: 1 },
    { label: 'NOTIFY', t: 7000, src: 2, seen: [2], transit: null, lost: false, retrans: 0 },
  ]);
  for (let i = 1; i < m.arrows.length; i++) assert.ok(m.arrows[i]!.t! >= m.arrows[i - 1]!.t!, 'sorted on the case clock');
  // the copies stay reachable: source, line, frame per further observation
  assert.deepEqual(m.arrows[0]!.also, [{ src: 1, line: null, frame: 1 }, { src: 2, line: 10, frame: null }]);
  assert.deepEqual(m.arrows[1]!.also, [{ src: 1, line: null, frame: 2 }, { src: 0, line: null, frame: 2 }]);
  assert.deepEqual([m.arrows[1]!.line, m.arrows[1]!.frame], [20, null]);
  assert.deepEqual(m.arrows[4]!.also, []);
  // one column per host: the trace's "CUCM node 001" is the CUCM's address in the captures
  assert.deepEqual(m.participants.map((p) => `${p.label}|${p.kind}`), [`${DEVICE}|phone`, 'CUCM 10.1.1.1|cucm']);
  const notify = m.arrows[6]!;
  assert.deepEqual([notify.from, notify.to], [1, 0]);
  // findings at any copy land on the merged arrow; the lost copy is crossed, its arrival is not
  assert.deepEqual(m.arrows[5]!.rules, ['capture.not-received']);
  assert.deepEqual(m.arrows[4]!.rules, ['capture.not-received']);
  assert.ok(m.arrows[1]!.rules.includes('sip.register.rejected'), 'a finding at the trace line');
  assert.equal(m.bands.filter((b) => b.kind === 'gap').length, 1, 'the same late refresh found in both captures is one band');
  assert.equal(m.bands[0]!.to, m.arrows[0]!.t);
  // the flows each source followed are one flow of the case
  assert.deepEqual(m.flows.map((f) => f.id), [0]);
  assert.ok(m.arrows.every((a) => a.flow === 0), JSON.stringify(m.arrows.map((a) => a.flow)));
});

test('case: without a clock the ladder is as before (no observation fields, one arrow per copy)', () => {
  const r = caseResult();
  const plain = buildLadder({ sources: r.sources, messages: r.messages, findings: r.findings, flows: r.flows }, { sources: CASE_SOURCES });
  assert.equal(plain.arrows.length, r.messages.length);
  assert.ok(plain.arrows.every((a) => !('seen' in a) && !('also' in a) && !('transit' in a)));
  assert.equal(plain.arrows[0]!.t, r.messages.reduce((t, x) => Math.min(t, x.time), Infinity), 'times as the sources wrote them');
});

function sipExport(source: number, t: number, line: number, dst = '10.1.1.1', cseq = 5): NetMessage {
  return {
    kind: 'sip', loc: { source, line, frame: line }, time: t, dated: true, src: '10.1.1.5', dst, srcPort: 5060, dstPort: 5060, transport: 'udp',
    label: 'Request: REGISTER sip:10.1.1.1', sip: { method: 'REGISTER', callId: 'u@p', cseq, cseqMethod: 'REGISTER' },
  };
}

function alarm(source: number, t: number, line: number, name: string, node = ''): AlarmMessage {
  return {
    kind: 'alarm', loc: { source, line, frame: null }, time: t, dated: true, name, logged: 3, device: DEVICE, ip: '10.1.1.5', protocol: 'SIP',
    deviceType: NaN, reason: 13, lastSignal: '', node, truncated: false,
  };
}

test('case: SIP copies in two exports pair one with one, earliest first, within 2 s and with the same addresses; alarms too', () => {
  // export 1's clock is 1 s ahead of export 0's; a UDP REGISTER resent after 500 ms reaches the far point 3 ms later
  const messages: Message[] = [
    sipExport(0, T0, 1), sipExport(0, T0 + 500, 2),
    sipExport(1, T0 + 1003, 1), sipExport(1, T0 + 1503, 2),
    // the same key 2.1 s after the last copy: too far to be a copy
    sipExport(1, T0 + 1000 + 2600, 3),
    // the same key to another address: not a copy
    sipExport(1, T0 + 1000 + 1, 4, '10.9.9.9'),
    // the same alarm in syslog and in the SDL trace's AlarmErr records, 400 ms apart; and the re-registration
    alarm(0, T0 + 10_000, 10, 'EndPointUnregistered', 'cucm-pub'), alarm(1, T0 + 11_400, 10, 'EndPointUnregistered'),
    alarm(0, T0 + 20_000, 11, 'EndPointRegistered'), alarm(1, T0 + 21_000, 11, 'EndPointRegistered'),
  ];
  const sources = [{ name: 'phone-side.csv', uri: 'phone-side.csv' }, { name: 'cucm-side.csv', uri: 'cucm-side.csv' }];
  const r: AnalysisResult = {
    sources: sources.map((s) => ({ file: s.name, format: 'capture-export', messages: 5, problems: [] })), messages, findings: [], flows: [],
    clock: [
      { source: 0, offsetMs: 0, basis: 'reference', via: -1, matches: 0, detail: '' },
      { source: 1, offsetMs: -1000, basis: 'sip', via: 0, matches: 2, detail: '' },
    ],
  };
  const m = buildLadder(r, { sources });
  assert.ok(validLadderModel(m));
  assert.deepEqual(m.arrows.map((a) => [a.t! - T0, a.src, a.line, a.seen, a.transit]), [
    [0, 0, 1, [0, 1], 3],
    [1, 1, 4, [1], null],
    [500, 0, 2, [0, 1], 3],
    [2600, 1, 3, [1], null],
    [10_000, 0, 10, [0, 1], 400],
    [20_000, 0, 11, [0, 1], 0],
  ]);
  assert.equal(m.bands.filter((b) => b.kind === 'unregistered').length, 1, 'the alarm seen twice opens one unregistration');
  assert.equal(m.bands[0]!.to - m.bands[0]!.from, 10_000);
  // short names for the badges: the stems without what every source shares
  assert.deepEqual(sourceBadges(sources), ['phone', 'cucm']);
});

test('case: short source names and transit text', () => {
  assert.deepEqual(sourceBadges(CASE_SOURCES), ['phone', 'cucm', 'SDL001_100_…']);
  assert.deepEqual(sourceBadges([{ name: 'SDL001_100_000123.txt', uri: '' }, { name: 'SDL001_100_000124.txt.gz', uri: '' }, { name: 'a.pcap', uri: '' }]),
    ['SDL0…_000123', 'SDL0…_000124', 'a']);
  assert.deepEqual(sourceBadges([{ name: '/x/case7-phone.pcapng', uri: '' }, { name: 'case7-cucm.pcapng', uri: '' }]), ['phone', 'cucm']);
  assert.deepEqual(sourceBadges([{ name: 'phone.pcap', uri: '' }, { name: 'pub.pcap', uri: '' }]), ['phone', 'pub']);
  // what a source shares with another is left out when the rest says something; the others keep their names
  assert.deepEqual(sourceBadges(['sip-tcp-blackhole-phone.pcap', 'sip-tcp-blackhole-cucm.pcap', 'SDL001_100_000001.txt', 'cucm-syslog.log', 'ccm-pub-capture.cap', 'ccm-sub-capture.cap']
    .map((name) => ({ name, uri: '' }))), ['phone', 'cucm', 'SDL001_100_…', 'cucm-syslog', 'pub', 'sub']);
  // a start shared with one source and an end with another: the longer shared part goes
  assert.deepEqual(sourceBadges(['cucm-capture.txt', 'cucm-syslog.txt', 'phone-capture.txt', 'seed-table.txt'].map((name) => ({ name, uri: '' }))),
    ['cucm', 'syslog', 'phone', 'seed-table']);
  assert.equal(transitText(12.43), '+12.4 ms');
  assert.equal(transitText(0.35), '+0.35 ms');
  assert.equal(transitText(1250), '+1.250 s');
  assert.equal(transitText(-3), '−3.0 ms');
});

test('case: validation checks seen, also and transit (indexes in range, consistent with the arrow)', () => {
  const m = caseLadder();
  const copy = (): { arrows: Record<string, unknown>[] } & Record<string, unknown> => JSON.parse(JSON.stringify(m)) as { arrows: Record<string, unknown>[] };
  const bad = (edit: (a: Record<string, unknown>) => void, k = 0): boolean => {
    const c = copy();
    edit(c.arrows[k]!);
    return validLadderModel(c);
  };
  assert.ok(bad(() => undefined), 'unchanged is valid');
  assert.ok(bad((a) => {
    delete a['seen'];
    delete a['also'];
    delete a['transit'];
  }), 'the fields are optional');
  assert.ok(!bad((a) => (a['seen'] = [0, 1, 7])), 'a source out of range');
  assert.ok(!bad((a) => (a['seen'] = [1, 0, 2])), 'the first observation is the arrow\'s own source');
  assert.ok(!bad((a) => (a['seen'] = [0, 1, 1])), 'each source once');
  assert.ok(!bad((a) => (a['seen'] = [])));
  assert.ok(!bad((a) => (a['seen'] = '0,1,2')));
  assert.ok(!bad((a) => (a['seen'] = [0, 1.5, 2])));
  assert.ok(!bad((a) => (a['transit'] = '13 ms')));
  assert.ok(!bad((a) => (a['transit'] = Infinity)));
  assert.ok(bad((a) => (a['transit'] = null)));
  assert.ok(!bad((a) => (a['also'] = [{ src: 1, line: null, frame: 1 }])), 'one location per further observation');
  assert.ok(!bad((a) => (a['also'] = [{ src: 2, line: null, frame: 1 }, { src: 1, line: 10, frame: null }])), 'in the order of seen');
  assert.ok(!bad((a) => (a['also'] = [{ src: 1, line: 'x', frame: 1 }, { src: 2, line: 10, frame: null }])));
  assert.ok(!bad((a) => (a['also'] = [null, { src: 2, line: 10, frame: null }])));
  assert.ok(!bad((a) => (a['also'] = { src: 1 })));
  assert.ok(!bad((a) => {
    delete a['seen'];
    a['also'] = [{ src: 9, line: null, frame: 1 }];
  }), 'also alone is checked too');
});

test('case: the "observed at" filter, and untrusted filter input cleaned', () => {
  const m = caseLadder();
  const labels = (f: Parameters<typeof filterArrows>[1]): string[] => [...filterArrows(m, f)].map((i) => `${m.arrows[i]!.label}@${m.arrows[i]!.t! - T0}`);
  assert.deepEqual(labels({ seenAt: [2] }), ['REGISTER@0', '200 OK@20', '[TCP Retransmission] REGISTER@5500', 'NOTIFY@7000']);
  // what the CUCM's capture never saw
  assert.deepEqual(labels({ notSeenAt: [1] }), ['REGISTER@5000', 'NOTIFY@7000']);
  assert.deepEqual(labels({ seenAt: [0], notSeenAt: [2] }), ['SUBSCRIBE@1000', 'REGISTER@1000', 'REGISTER@5000']);
  const clean = sanitiseFilter({ seenAt: [0, 3, -1, 'x', 1.5], notSeenAt: 'all' }, m);
  assert.deepEqual([clean.seenAt, clean.notSeenAt], [[0], []]);
});

test('case: SVG badges per observation and the transit in the tooltip; Mermaid says where each message was seen', () => {
  const m = caseLadder();
  const svg = renderSvg(m);
  const badges = svg.match(/<g class="obs obs-\d"/g) ?? [];
  assert.equal(badges.length, m.arrows.reduce((n, a) => n + a.seen!.length, 0));
  assert.match(svg, /<text [^>]*class="obs-text">cucm \+11\.0 ms<\/text>/, 'the last badge of a capture pair says its transit');
  assert.match(svg, /seen at phone\.pcap #1, then cucm\.pcap #1, then SDL001_100_000123\.txt line 10: \+13\.0 ms transit/);
  assert.match(svg, /seen at phone\.pcap #4 only/);
  assert.match(svg, /\.obs-1 \.obs-box\{fill:#1a7f37;stroke:#1a7f37\}/);
  const mmd = renderMermaid(m).split('\n');
  assert.ok(mmd.includes('    P0->>P1: 09:00:00.000 REGISTER [phone, cucm, SDL001_100_… +13.0 ms]'), mmd.join('\n'));
  assert.ok(mmd.includes('    P1->>P0: 09:00:00.020 200 OK [SDL001_100_…, cucm, phone +13.5 ms]'));
  assert.ok(mmd.includes('    P0-xP1: 09:00:05.000 REGISTER [phone]'));
  assert.ok(mmd.includes('    P0-->>P1: 09:00:05.500 [TCP Retransmission] REGISTER (retransmission 1) [phone, cucm, SDL001_100_… +13.0 ms]'));
});

test('case: the real black-holed registration (two captures, the CUCM trace, syslog) as one ladder', async () => {
  const caps = path.join(ROOT, 'test', 'fixtures', 'captures'), dir = path.join(ROOT, 'test', 'fixtures', 'case');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'case.expected.json'), 'utf8')) as { lastRegister: { timeMs: number } };
  const day = new Date(expected.lastRegister.timeMs).toISOString().slice(0, 10);
  const settings: Settings = { ...DEFAULT_SETTINGS, traces: { ...DEFAULT_SETTINGS.traces, date: Date.parse(`${day}T00:00:00Z`) } };
  const files = [path.join(caps, 'sip-tcp-blackhole-phone.pcap'), path.join(caps, 'sip-tcp-blackhole-cucm.pcap'), path.join(dir, 'SDL001_100_000001.txt'), path.join(dir, 'cucm-syslog.log')];
  const r = await analyzePaths(files, settings, { keepMessages: true });
  assert.ok(r.clock && r.matches?.length, 'the engine gives a case clock and the copies both captures saw');
  const m = buildLadder(r, { sources: r.sources.map((x) => ({ name: path.basename(x.file), uri: x.file })) });
  assert.ok(validLadderModel(m));
  assert.ok(m.arrows.length < r.messages.length * 0.6, `${m.arrows.length} arrows for ${r.messages.length} copies`);
  for (let i = 1; i < m.arrows.length; i++) assert.ok(m.arrows[i]!.t! >= m.arrows[i - 1]!.t!, `sorted on the case clock at ${i}`);
  // one column for the CUCM: the trace's node is its address in the captures
  assert.equal(m.participants.filter((p) => p.kind === 'cucm').length, 1);
  assert.ok(!m.participants.some((p) => /node/i.test(p.label)), JSON.stringify(m.participants));
  // every REGISTER that got through was seen at the phone, at the CUCM's capture, then traced by the CUCM; every
  // 200 OK traced first (the CUCM wrote it before sending it)
  const registers = m.arrows.filter((a) => / REGISTER$|^REGISTER$/.test(a.label) && !a.lost);
  assert.ok(registers.length >= 5);
  for (const a of registers) assert.deepEqual(a.seen, [0, 1, 2], `${a.label} ${a.t}`);
  const oks = m.arrows.filter((a) => a.label === '200 OK');
  assert.equal(oks.length, registers.length);
  for (const a of oks) assert.equal(a.seen![0], 2);
  // the black hole: the REGISTER and its TCP retransmissions crossed, seen at the phone only; the retransmission that
  // got through is the REGISTER the CUCM's capture and trace read
  const lost = m.arrows.filter((a) => a.lost);
  assert.ok(lost.length >= 9 && lost.every((a) => a.seen!.length === 1 && a.seen![0] === 0));
  const through = m.arrows.find((a) => a.retrans > 0 && a.label === '[TCP Retransmission] REGISTER')!;
  assert.ok(through, m.arrows.map((a) => a.label).join('\n'));
  assert.deepEqual(through.seen, [0, 1, 2]);
  assert.equal(through.proto, 'sip');
  assert.ok(through.rules.includes('capture.not-received'), 'the receiver side\'s finding is on it');
  // its answer comes after it, though the trace stamps whole milliseconds
  const answer = m.arrows.findIndex((a, i) => i > m.arrows.indexOf(through) && a.label === '200 OK');
  assert.ok(answer > m.arrows.indexOf(through));
  // ARP broadcasts both captures saw, and the alarms syslog and the trace both carry, are one arrow each
  assert.ok(m.arrows.filter((a) => a.proto === 'arp').every((a) => a.seen!.length === 2));
  const alarms = m.arrows.filter((a) => a.proto === 'alarm');
  assert.equal(alarms.length, 2);
  for (const a of alarms) assert.deepEqual(a.seen, [2, 3]);
  assert.equal(m.bands.filter((b) => b.kind === 'unregistered').length, 1);
  assert.equal(m.flows.length, 1, 'the registration followed in each file is one flow');
});

test('case: a phone seen at two addresses (NAT between the observation points) is one column; its copies stay apart', () => {
  const reg = (source: number, t: number, src: string): NetMessage => ({
    kind: 'sip', loc: { source, line: 1, frame: 1 }, time: t, dated: true, src, dst: '198.51.100.1', srcPort: 5060, dstPort: 5060, transport: 'udp',
    label: 'Request: REGISTER sip:198.51.100.1', sip: { method: 'REGISTER', callId: 'n@p', cseq: 1, cseqMethod: 'REGISTER', device: DEVICE },
  });
  const sources = [{ name: 'inside.csv', uri: 'inside.csv' }, { name: 'outside.csv', uri: 'outside.csv' }];
  const r: AnalysisResult = {
    sources: sources.map((s) => ({ file: s.name, format: 'capture-export', messages: 1, problems: [] })),
    messages: [reg(0, T0, '10.1.1.5'), reg(1, T0 + 4, '203.0.113.5')], findings: [], flows: [],
    clock: [0, 1].map((source) => ({ source, offsetMs: 0, basis: 'none' as const, via: -1, matches: 0, detail: '' })),
  };
  const m = buildLadder(r, { sources });
  assert.deepEqual(m.participants.map((p) => [p.label, p.sub]), [[DEVICE, '10.1.1.5, 203.0.113.5'], ['CUCM 198.51.100.1', 'call control']]);
  // the same Call-ID and CSeq, but not the same addresses: not paired (only a name, a trace's node, stands for any)
  assert.deepEqual(m.arrows.map((a) => [a.from, a.to, a.seen]), [[0, 1, [0]], [0, 1, [1]]]);
});
