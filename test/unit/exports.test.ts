// The Wireshark/tshark export reader, on fixtures written from one synthetic capture by tshark 4.0
// (test/fixtures/exports/generate.mjs) and on hand-written tables (the seed's, and bad input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExportReader } from '../../server/src/sources/exports';
import { LineSplitter, ProblemSink } from '../../server/src/sources/text';
import { TcpFlag } from '../../server/src/model';
import type { NetMessage, Problem } from '../../server/src/model';
import { ROOT } from '../helpers/paths';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'exports');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
/** 2024-03-05 09:00:00 UTC: the first frame of the synthetic capture. */
const T0 = Date.UTC(2024, 2, 5, 9, 0, 0);
const SYN = 2, RST = 4, PSH = 8, ACK = 16, FIN = 1, ECE = 64, CWR = 128;

function read(text: string, chunk = 1 << 20): { r: ExportReader; problems: Problem[]; byFrame: (f: number) => NetMessage } {
  const sink = new ProblemSink();
  const r = new ExportReader({ source: 3 }, sink);
  const sp = new LineSplitter((l, n) => r.line(l, n), sink);
  for (let i = 0; i < text.length; i += chunk) sp.push(text.slice(i, i + chunk));
  sp.end();
  r.finish();
  const byFrame = (f: number): NetMessage => {
    const m = r.messages.find((x) => x.loc.frame === f);
    assert.ok(m, `no message for frame ${f}`);
    return m;
  };
  return { r, problems: sink.finish(), byFrame };
}

function near(actual: number, expected: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) < 0.001, `${what} ${actual} is not ${expected}`);
}

const codes = (ps: Problem[]): string[] => [...new Set(ps.map((p) => p.code))].sort();
const lineOf = (text: string, start: string): number => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

test('tshark default summary: kinds, TCP numbers from Info, SIP, SCCP, ARP, TLS; relative times', () => {
  const { r, problems, byFrame } = read(fixture('tshark-summary.txt'));
  assert.equal(r.dialect, 'tshark');
  assert.equal(r.messages.length, 45); // 46 frames, the DNS query skipped
  assert.equal(r.messages.some((m) => m.loc.frame === 14), false);

  const syn = byFrame(1);
  assert.equal(syn.kind, 'tcp');
  assert.deepEqual([syn.src, syn.srcPort, syn.dst, syn.dstPort, syn.transport], ['10.20.30.41', 51234, '10.20.1.11', 5060, 'tcp']);
  assert.equal(syn.time, 0);
  assert.equal(syn.dated, false);
  assert.equal(syn.label, '51234 → 5060 [SYN] Seq=0 Win=8192 Len=0');
  const first = fixture('tshark-summary.txt').split('\n')[0]!;
  assert.deepEqual({ ...syn.loc }, { source: 3, line: 1, frame: 1, col: first.indexOf('51234 →'), endCol: first.length });
  assert.equal(first.slice(syn.loc.col, syn.loc.endCol), syn.label);
  assert.deepEqual({ ...syn.tcp! }, { seq: 0, ack: NaN, len: 0, flags: SYN, win: 8192, analysis: 0, refFrame: undefined });

  const reg = byFrame(4);
  assert.equal(reg.kind, 'sip');
  assert.equal(reg.sip!.method, 'REGISTER');
  assert.equal(reg.sip!.requestUri, 'sip:10.20.1.11');
  assert.equal(reg.label, 'Request: REGISTER sip:10.20.1.11  (1 binding)'); // tshark's trailing " | " dropped
  near(reg.time, 1.2);
  assert.ok(Number.isNaN(reg.srcPort)); // the summary does not say
  const ok = byFrame(6);
  assert.deepEqual([ok.sip!.status, ok.sip!.reasonPhrase, ok.sip!.cseqMethod], [200, 'OK', 'REGISTER']);
  near(byFrame(33).time, 115011.2);

  const ack = byFrame(12);
  assert.equal(ack.kind, 'sccp');
  assert.deepEqual({ ...ack.sccp! }, { id: 0x81, name: 'RegisterAck' });
  assert.equal(ack.label, 'RegisterAck CapabilitiesReq');
  assert.equal(ack.transport, 'tcp');
  assert.deepEqual([byFrame(11).sccp!.id, byFrame(11).sccp!.name], [1, 'Register']);
  assert.deepEqual([byFrame(18).sccp!.id, byFrame(18).sccp!.name, byFrame(18).label], [0, 'KeepAlive', 'KeepAliveReq']);
  assert.deepEqual([byFrame(19).sccp!.id, byFrame(19).sccp!.name], [0x100, 'KeepAliveAck']);
  assert.equal(byFrame(17).kind, 'tls');
  assert.equal(byFrame(17).transport, 'tcp');

  const who = byFrame(23);
  assert.equal(who.kind, 'arp');
  assert.deepEqual([who.src, who.dst, who.transport], ['00:c1:b2:a3:40:52', 'Broadcast', null]);
  assert.deepEqual({ ...who.arp! }, { op: 1, senderMac: '00:c1:b2:a3:40:52', senderIp: '10.20.40.52', targetMac: '', targetIp: '10.20.1.11' });
  assert.equal(byFrame(24).src, 'Cisco_e0:77:01'); // as Wireshark printed it (vendor name)
  assert.deepEqual([byFrame(24).arp!.op, byFrame(24).arp!.senderIp, byFrame(24).arp!.senderMac], [2, '10.20.1.11', '00:25:84:e0:77:01']);
  assert.equal(byFrame(25).arp!.senderMac, '00:50:56:9a:01:11');

  assert.equal(byFrame(21).tcp!.analysis, TcpFlag.KeepAlive);
  assert.equal(byFrame(22).tcp!.analysis, TcpFlag.KeepAliveAck);
  for (const f of [27, 28, 29]) {
    const t = byFrame(f).tcp!;
    assert.deepEqual([t.analysis, t.seq, t.len, t.flags], [TcpFlag.Retransmission, 149, 12, PSH | ACK]);
  }
  assert.equal(byFrame(34).tcp!.analysis, TcpFlag.Retransmission);
  assert.equal(byFrame(32).tcp!.flags, RST);
  assert.equal(byFrame(44).tcp!.flags, FIN | ACK);
  const dup = byFrame(37).tcp!;
  assert.deepEqual([dup.analysis, dup.refFrame], [TcpFlag.DuplicateAck, 36]);

  // a row with two SIP messages keeps the first, and says so
  assert.equal(byFrame(35).sip!.status, 100);
  assert.deepEqual(codes(problems), ['export.relative-seq', 'export.relative-time', 'export.several-messages', 'export.skipped-protocol']);
  assert.equal(problems.find((p) => p.code === 'export.several-messages')!.line, 35);
  assert.match(problems.find((p) => p.code === 'export.skipped-protocol')!.message, /DNS ×1/);
  assert.equal(problems.find((p) => p.code === 'export.relative-seq')!.line, 1);
});

test('tshark -t ad: dated times, taken as UTC, with one problem saying so', () => {
  const { r, problems, byFrame } = read(fixture('tshark-summary-ad.txt'));
  assert.equal(r.messages.length, 45);
  assert.equal(byFrame(1).time, T0);
  assert.equal(byFrame(1).dated, true);
  near(byFrame(33).time, T0 + 115011.2);
  near(byFrame(46).time, T0 + 120500.8);
  const zone = problems.filter((p) => p.code === 'export.time-zone');
  assert.equal(zone.length, 1);
  assert.equal(zone[0]!.severity, 'information');
  assert.equal(zone[0]!.line, 1);
  assert.match(zone[0]!.message, /taken as UTC/);
  assert.equal(problems.some((p) => p.code === 'export.relative-time'), false);
});

test('tshark with numeric custom columns, and -T tabs, read like the default summary', () => {
  const custom = read(fixture('tshark-custom-columns.txt'));
  assert.equal(custom.r.messages.length, 45);
  assert.equal(custom.byFrame(11).label, 'RegisterReq'); // the unnamed seq/ack columns are not part of Info
  assert.equal(custom.byFrame(1).label, '51234 → 5060 [SYN] Seq=0 Win=8192 Len=0');
  assert.equal(custom.byFrame(1).srcPort, 51234);

  const tabs = read(fixture('tshark-tabs.txt'));
  assert.equal(tabs.r.dialect, 'tshark-tabs');
  assert.equal(tabs.r.messages.length, 45);
  assert.deepEqual([tabs.byFrame(1).src, tabs.byFrame(1).dst, tabs.byFrame(1).tcp!.flags], ['10.20.30.41', '10.20.1.11', SYN]);
  assert.equal(tabs.byFrame(4).sip!.method, 'REGISTER');
  assert.equal(tabs.byFrame(37).tcp!.refFrame, 36);
});

test('tshark -T fields with a header: raw sequence numbers, MACs, SIP headers, SCCP intervals, ARP by MAC', () => {
  const { r, problems, byFrame } = read(fixture('tshark-fields.tsv'));
  assert.equal(r.dialect, 'tshark-fields');
  assert.equal(r.messages.length, 45);
  const syn = byFrame(1);
  assert.equal(syn.time, T0);
  assert.equal(syn.dated, true);
  assert.deepEqual([syn.tcp!.seq, syn.tcp!.ack, syn.tcp!.flags], [2400000000, 0, SYN]);
  assert.deepEqual([syn.srcMac, syn.dstMac], ['00:c1:b2:a3:d4:e5', '00:50:56:9a:01:11']);
  assert.equal(syn.loc.line, 2);

  const reg = byFrame(4);
  assert.deepEqual([reg.srcPort, reg.dstPort, reg.transport], [51234, 5060, 'tcp']);
  assert.deepEqual([reg.tcp!.seq, reg.tcp!.ack, reg.tcp!.len, reg.tcp!.flags], [2400000001, 1100000001, 619, PSH | ACK]);
  assert.deepEqual({ ...reg.sip! }, {
    method: 'REGISTER', requestUri: 'sip:10.20.1.11', callId: '00c1b2a3-d4e50002-6f1e2d3c-4b5a6978@10.20.30.41', cseq: 101,
    cseqMethod: 'REGISTER', expires: 3600, device: 'SEP00C1B2A3D4E5',
  });
  const ok = byFrame(35); // 100 Trying and 200 OK in one segment: the first message's fields
  assert.deepEqual([ok.sip!.status, ok.sip!.cseq, ok.sip!.contactExpires], [100, 102, 120]);

  const regAck = byFrame(12).sccp!;
  assert.deepEqual([regAck.id, regAck.keepAliveInterval, regAck.secondaryKeepAliveInterval], [0x81, 30, 60]);

  const udp = byFrame(15);
  assert.deepEqual([udp.transport, udp.srcPort, udp.dstPort, udp.tcp], ['udp', 5060, 5060, undefined]);
  assert.deepEqual([udp.sip!.expires, udp.sip!.contactExpires], [600, 600]);

  const backup = byFrame(41);
  assert.equal(backup.dst, '10.20.1.12');
  assert.deepEqual([backup.sip!.expires, backup.sip!.contactExpires, backup.sip!.ciscoKeepAlive, backup.sip!.device], [0, 0, true, 'SEP00C1B2A3D4E5']);

  const who = byFrame(23); // no ip.src: the addresses are the MACs, as Wireshark's columns show them
  assert.deepEqual([who.src, who.dst], ['00:c1:b2:a3:40:52', 'ff:ff:ff:ff:ff:ff']);
  assert.deepEqual([who.arp!.op, who.arp!.senderIp, who.arp!.targetIp], [1, '10.20.40.52', '10.20.1.11']);

  assert.deepEqual([byFrame(27).tcp!.analysis, byFrame(27).tcp!.seq], [TcpFlag.Retransmission, 3700000149]);
  assert.deepEqual([byFrame(37).tcp!.analysis, byFrame(37).tcp!.refFrame], [TcpFlag.DuplicateAck, 36]);
  assert.equal(problems.some((p) => p.code === 'export.relative-seq'), false); // tcp.seq_raw was there
});

test('tshark -T fields, comma separated and quoted: frame.time, tcp.flags.str, absent values', () => {
  const { r, problems, byFrame } = read(fixture('tshark-fields-quoted.csv'));
  assert.equal(r.dialect, 'tshark-fields');
  assert.deepEqual(r.messages.map((m) => m.loc.frame), [4, 5, 6, 15, 16, 33, 35, 41, 42]);
  const reg = byFrame(4);
  near(reg.time, T0 + 1.2);
  assert.equal(reg.dated, true);
  assert.equal(reg.tcp!.flags, PSH | ACK); // from "·······AP···"
  assert.deepEqual([reg.sip!.method, reg.sip!.cseq, reg.sip!.expires, reg.sip!.callId], ['REGISTER', 101, 3600, '00c1b2a3-d4e50002-6f1e2d3c-4b5a6978@10.20.30.41']);
  assert.equal(reg.label, 'Request: REGISTER'); // no Info column: written in Wireshark's words
  assert.deepEqual([byFrame(15).transport, byFrame(15).srcPort, byFrame(15).tcp], ['udp', 5060, undefined]);
  assert.equal(byFrame(42).sip!.status, 200);
  assert.deepEqual(codes(problems), []);
});

test('tshark -V without summaries: one message per Frame block, dated by Epoch Time', () => {
  const text = fixture('tshark-verbose.txt');
  const { r, problems, byFrame } = read(text);
  assert.equal(r.dialect, 'tshark-verbose');
  assert.deepEqual(r.messages.map((m) => m.loc.frame), [5, 7, 20, 23, 24, 25, 27]);
  const trying = byFrame(5);
  assert.equal(trying.kind, 'sip');
  assert.equal(trying.loc.line, 1);
  near(trying.time, T0 + 9.8);
  assert.equal(trying.dated, true);
  assert.deepEqual([trying.src, trying.srcPort, trying.dst, trying.dstPort, trying.transport], ['10.20.1.11', 5060, '10.20.30.41', 51234, 'tcp']);
  assert.deepEqual({ ...trying.sip! }, { status: 100, reasonPhrase: 'Trying', callId: '00c1b2a3-d4e50002-6f1e2d3c-4b5a6978@10.20.30.41', cseq: 101, cseqMethod: 'REGISTER', bodyLength: 0 });
  assert.equal(trying.label, 'Status: 100 Trying');
  assert.deepEqual([trying.tcp!.seq, trying.tcp!.ack, trying.tcp!.len, trying.tcp!.flags, trying.tcp!.win], [1100000001, 2400000620, 264, PSH | ACK, 14600]);
  assert.equal(byFrame(7).label, '51234 → 5060 [ACK] Seq=2400000620 Ack=1100000798 Win=8192 Len=0');
  assert.deepEqual({ ...byFrame(23).arp! }, { op: 1, senderMac: '00:c1:b2:a3:40:52', senderIp: '10.20.40.52', targetMac: '00:00:00:00:00:00', targetIp: '10.20.1.11' });
  assert.equal(byFrame(24).arp!.targetIp, '10.20.40.52');
  const re = byFrame(27);
  assert.deepEqual([re.tcp!.analysis, re.tcp!.refFrame, re.dstMac], [TcpFlag.Retransmission, 26, '00:25:84:e0:77:01']);
  assert.deepEqual(codes(problems), []);
});

test('tshark -P -O: details after each summary add the SCCP device, RegisterAck intervals, raw seq, refFrame', () => {
  const { r, byFrame } = read(fixture('tshark-summary-details.txt'));
  assert.equal(r.dialect, 'tshark');
  assert.equal(r.messages.length, 12);
  const reg = byFrame(11);
  assert.deepEqual({ ...reg.sccp! }, { id: 1, name: 'Register', device: 'SEP00C1B2A34052' });
  assert.deepEqual([reg.srcPort, reg.dstPort, reg.tcp!.seq, reg.tcp!.len], [49811, 2000, 3700000001, 136]);
  assert.deepEqual([byFrame(12).sccp!.keepAliveInterval, byFrame(12).sccp!.secondaryKeepAliveInterval], [30, 60]);
  assert.equal(byFrame(34).tcp!.refFrame, 33);
  assert.equal(byFrame(37).tcp!.refFrame, 36);
  assert.equal(byFrame(18).dated, false); // collapsed Frame lines carry no arrival time
  near(byFrame(18).time, 31501);
});

test('Wireshark plain text: columns from the heading, an overflowing Protocol column, Info located', () => {
  const text = fixture('wireshark-plain.txt');
  const lines = text.split('\n');
  const { r, byFrame } = read(text);
  assert.equal(r.dialect, 'plain-text');
  assert.equal(r.messages.length, 45);
  for (const f of [1, 12, 24, 35]) {
    const m = byFrame(f);
    assert.equal(lines[m.loc.line! - 1]!.slice(m.loc.col, m.loc.endCol), m.label, `frame ${f}`);
  }
  const ack = byFrame(12); // "SKINNY/RESP" is wider than its column and pushes the rest right
  assert.deepEqual([ack.kind, ack.sccp!.name, ack.label], ['sccp', 'RegisterAck', 'RegisterAck CapabilitiesReq']);
  assert.equal(byFrame(1).loc.line, 2);
  assert.deepEqual([byFrame(7).tcp!.seq, byFrame(7).tcp!.ack], [620, 798]);
  // the same rows without the heading line are read as whitespace-separated rows
  const headless = read(lines.slice(1).join('\n'));
  assert.equal(headless.r.messages.length, 45);
  assert.equal(headless.byFrame(12).label, 'RegisterAck CapabilitiesReq');
});

test('Wireshark plain text with details: dated from the details, truncated Contact header, MACs, analysis', () => {
  const { r, problems, byFrame } = read(fixture('wireshark-plain-details.txt'));
  assert.equal(r.dialect, 'plain-text');
  assert.deepEqual(r.messages.map((m) => m.loc.frame), [4, 6, 13, 20, 21, 25, 26, 27, 30, 31, 41]);
  const reg = byFrame(4);
  assert.equal(reg.loc.line, 2);
  near(reg.time, T0 + 1.2);
  assert.equal(reg.dated, true);
  assert.deepEqual([reg.srcPort, reg.dstPort, reg.srcMac, reg.dstMac], [51234, 5060, '00:c1:b2:a3:d4:e5', '00:50:56:9a:01:11']);
  assert.deepEqual({ ...reg.sip! }, {
    method: 'REGISTER', requestUri: 'sip:10.20.1.11', callId: '00c1b2a3-d4e50002-6f1e2d3c-4b5a6978@10.20.30.41', cseq: 101,
    cseqMethod: 'REGISTER', expires: 3600, device: 'SEP00C1B2A3D4E5', userAgent: 'Cisco-CP8961/9.4.2', bodyLength: 0,
  });
  assert.deepEqual([reg.tcp!.seq, reg.tcp!.ack, reg.tcp!.len, reg.tcp!.win], [2400000001, 1100000001, 619, 8192]);
  // Wireshark cut this Contact header ("[truncated]Contact: ...") and listed its parameters below it
  const ok = byFrame(6);
  assert.deepEqual([ok.sip!.expires, ok.sip!.contactExpires, ok.sip!.device], [120, 120, 'SEP00C1B2A3D4E5']);
  assert.equal(byFrame(21).tcp!.analysis, TcpFlag.KeepAlive);
  assert.deepEqual([byFrame(27).tcp!.analysis, byFrame(27).tcp!.refFrame, byFrame(27).dstMac], [TcpFlag.Retransmission, 26, '00:25:84:e0:77:01']);
  assert.deepEqual({ ...byFrame(25).arp! }, { op: 2, senderMac: '00:50:56:9a:01:11', senderIp: '10.20.1.11', targetMac: '00:c1:b2:a3:40:52', targetIp: '10.20.40.52' });
  assert.deepEqual([byFrame(30).tcp!.seq, byFrame(30).tcp!.flags], [3800000000, SYN]);
  // the keepalive REGISTER to the backup CUCM: Expires 0 and ;cisco-keep-alive in a Contact header Wireshark cut
  const keepalive = byFrame(41);
  assert.equal(keepalive.dst, '10.20.1.12');
  assert.deepEqual([keepalive.sip!.cseq, keepalive.sip!.expires, keepalive.sip!.contactExpires, keepalive.sip!.ciscoKeepAlive, keepalive.sip!.device],
    [103, 0, 0, true, 'SEP00C1B2A3D4E5']);
  assert.equal(problems.some((p) => p.code === 'export.relative-time'), false);
  assert.equal(problems.some((p) => p.code === 'export.relative-seq'), false);
});

test('Wireshark plain text with custom columns: absolute date and time, raw sequence numbers', () => {
  const { r, problems, byFrame } = read(fixture('wireshark-plain-custom.txt'));
  assert.equal(r.messages.length, 45);
  assert.equal(byFrame(1).time, T0);
  assert.deepEqual([byFrame(1).tcp!.seq, byFrame(1).tcp!.ack], [2400000000, 0]);
  const reg = byFrame(4);
  assert.deepEqual([reg.transport, reg.tcp!.seq, reg.tcp!.ack, reg.tcp!.analysis], ['tcp', 2400000001, 1100000001, 0]);
  assert.ok(Number.isNaN(reg.tcp!.len)); // a SIP row says nothing of the segment length
  assert.deepEqual([byFrame(12).kind, byFrame(12).tcp!.seq], ['sccp', 800000001]);
  assert.equal(problems.filter((p) => p.code === 'export.time-zone').length, 1);
  assert.equal(problems.some((p) => p.code === 'export.relative-seq'), false);
});

test('Wireshark CSV: the arrow written " > ", a column after Info, quotes doubled', () => {
  const { r, byFrame } = read(fixture('wireshark.csv'));
  assert.equal(r.dialect, 'csv');
  assert.equal(r.messages.length, 45);
  const syn = byFrame(1);
  assert.equal(syn.label, '51234  >  5060 [SYN] Seq=0 Win=8192 Len=0');
  assert.deepEqual([syn.srcPort, syn.dstPort, syn.tcp!.flags, syn.tcp!.win], [51234, 5060, SYN, 8192]);
  assert.equal(byFrame(4).sip!.method, 'REGISTER');
  assert.equal(byFrame(27).tcp!.analysis, TcpFlag.Retransmission);
  assert.equal(byFrame(37).tcp!.refFrame, 36);
});

test("the seed's tab-separated table: times of day, Sequence/Acknowledgement columns, port names", () => {
  const text = fixture('seed-tab-table.txt');
  const { r, byFrame } = read(text);
  assert.equal(r.dialect, 'tab-separated');
  const reg = byFrame(200);
  assert.equal(reg.kind, 'sip');
  assert.equal(reg.loc.line, lineOf(text, '200\t'));
  near(reg.time, ((18 * 60 + 14) * 60 + 40) * 1000 + 51.014);
  assert.equal(reg.dated, false);
  assert.deepEqual([reg.src, reg.dst, reg.transport], ['10.106.114.185', '10.106.114.161', 'tcp']);
  assert.deepEqual([reg.tcp!.seq, reg.tcp!.ack], [2991996997, 1953874543]);
  assert.equal(reg.label, 'Request: REGISTER sip:10.106.114.161 (0 bindings)');
  assert.deepEqual([byFrame(201).sip!.status, byFrame(201).sip!.reasonPhrase], [100, 'Trying']);
  assert.deepEqual([byFrame(202).sip!.status, byFrame(202).tcp!.seq], [200, 1953873906]);
  const ack = byFrame(203);
  assert.equal(ack.kind, 'tcp');
  assert.equal(ack.label, '53006 > sip [ACK] Seq=2991996997 Ack=1953874543 Win=8192 Len=0');
  assert.deepEqual([ack.srcPort, ack.dstPort], [53006, 5060]); // "sip" is port 5060
  assert.deepEqual({ ...ack.tcp! }, { seq: 2991996997, ack: 1953874543, len: 0, flags: ACK, win: 8192, analysis: 0, refFrame: undefined });
  near(ack.time - reg.time, 9014.577);
  for (const f of [342, 343]) {
    assert.equal(byFrame(f).kind, 'sip');
    assert.equal(byFrame(f).tcp!.analysis, TcpFlag.Retransmission);
    assert.equal(byFrame(f).tcp!.seq, 2991997887);
  }
  assert.deepEqual([byFrame(346).srcPort, byFrame(346).dstPort], [53006, 5060]); // "→" and a port name
});

test('a second table: lower-case headings, "seq=" and "win=", and a row whose tab was lost', () => {
  const text = fixture('seed-tab-table.txt');
  const { problems, byFrame } = read(text);
  const ack = byFrame(4);
  assert.deepEqual([ack.tcp!.seq, ack.tcp!.ack, ack.tcp!.win, ack.tcp!.len], [2991998777, 1953875831, 8192, 0]);
  assert.equal(byFrame(1).tcp!.seq, 2991997887);
  const lost = byFrame(5);
  const row = lineOf(text, '5\t18:18:40');
  assert.equal(lost.kind, 'sip');
  assert.equal(lost.label, 'Request: REGISTER sip:10.106.114.161');
  assert.deepEqual([lost.tcp!.seq, lost.tcp!.ack], [2991998777, 1953875831]);
  assert.equal(lost.loc.line, row);
  const p = problems.find((x) => x.code === 'export.row')!;
  assert.equal(p.severity, 'warning');
  assert.equal(p.line, row);
  assert.match(p.message, /Acknowledgement number/);
});

test('case 1.2 table: ARP replies, KeepAlive retransmissions, ACKed lost segment, Dup ACK, details pasted below', () => {
  const text = fixture('seed-tab-table.txt');
  const { r, problems, byFrame } = read(text);
  assert.deepEqual([byFrame(5120).sccp!.name, byFrame(5120).tcp!.seq], ['KeepAlive', 618002311]);
  assert.equal(byFrame(5121).sccp!.id, 0x100);
  assert.deepEqual([byFrame(5122).srcPort, byFrame(5122).dstPort, byFrame(5122).tcp!.win], [51544, 2000, 611]); // cisco-sccp
  assert.equal(r.messages.some((m) => m.loc.frame === 5301), false); // LLDP
  assert.deepEqual({ ...byFrame(5388).arp! }, { op: 1, senderMac: '00:1e:7a:11:22:33', senderIp: '10.30.8.77', targetMac: '', targetIp: '10.30.2.15' });
  const proxy = byFrame(5389);
  assert.deepEqual([proxy.arp!.op, proxy.arp!.senderMac, proxy.arp!.senderIp, proxy.srcMac, proxy.arp!.targetMac], [2, '00:25:84:e0:77:01', '10.30.2.15', '00:25:84:e0:77:01', '00:1e:7a:11:22:33']);
  const real = byFrame(5390);
  assert.equal(real.arp!.senderMac, '00:50:56:5c:2a:0e');
  assert.equal(real.src, 'vmware_5c:2a:0e');
  assert.equal(real.srcMac, undefined); // a vendor-resolved name is not a MAC address
  assert.match(real.label, /duplicate use of 10\.30\.2\.15 detected!/);
  // the KeepAlive: its details block, pasted below the table, names the MAC it went to
  const ka = byFrame(5391);
  assert.equal(ka.loc.line, lineOf(text, '5391\t'));
  assert.deepEqual([ka.srcMac, ka.dstMac, ka.srcPort, ka.dstPort, ka.tcp!.len, ka.tcp!.seq], ['00:1e:7a:11:22:33', '00:25:84:e0:77:01', 51544, 2000, 12, 618002323]);
  assert.equal(r.messages.filter((m) => m.loc.frame === 5391).length, 1);
  for (const f of [5392, 5401, 5433]) assert.deepEqual([byFrame(f).kind, byFrame(f).tcp!.analysis], ['sccp', TcpFlag.Retransmission]);
  assert.deepEqual([byFrame(5470).tcp!.flags, byFrame(5470).tcp!.seq, byFrame(5470).srcPort], [SYN, 3121558007, 51545]);
  assert.deepEqual([byFrame(5471).tcp!.analysis, byFrame(5471).tcp!.flags], [TcpFlag.AckedUnseen, SYN | ACK]);
  assert.equal(byFrame(5472).tcp!.flags, RST);
  const dup = byFrame(5583);
  assert.deepEqual([dup.tcp!.analysis, dup.tcp!.refFrame], [TcpFlag.DuplicateAck, 5515]);
  near(dup.time, ((9 * 60 + 41) * 60 + 37) * 1000 + 518.86); // ten digits after the point
  assert.deepEqual(codes(problems), ['export.no-date', 'export.row', 'export.skipped-protocol', 'export.tables']);
  assert.match(problems.find((p) => p.code === 'export.tables')!.message, /3 packet tables/);
  assert.match(problems.find((p) => p.code === 'export.skipped-protocol')!.message, /LLDP_Multicast ×1/);
});

const HEAD = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Info'].join('\t');
const rows = (proto: string, infos: string[]): string =>
  [HEAD, ...infos.map((info, k) => [k + 1, `10:00:${String(k).padStart(2, '0')}.000000`, '10.1.1.1', '10.1.1.2', proto, info].join('\t'))].join('\n');

test('Info analysis labels, flags and refFrame', () => {
  const t = ' 5000 → 2000 [PSH, ACK] Seq=1 Ack=1 Win=100 Len=10';
  const cases: [string, number, number?][] = [
    ['[TCP Retransmission]' + t, TcpFlag.Retransmission],
    ['[TCP Fast Retransmission]' + t, TcpFlag.FastRetransmission],
    ['[TCP Spurious Retransmission]' + t, TcpFlag.SpuriousRetransmission],
    ['[TCP Dup ACK 27918#1]' + t, TcpFlag.DuplicateAck, 27918],
    ['[TCP ACKed unseen segment]' + t, TcpFlag.AckedUnseen],
    ['[TCP ACKed lost segment]' + t, TcpFlag.AckedUnseen],
    ['[TCP Previous segment not captured]' + t, TcpFlag.LostSegment],
    ['[TCP Keep-Alive]' + t, TcpFlag.KeepAlive],
    ['[TCP Keep-Alive ACK]' + t, TcpFlag.KeepAliveAck],
    ['[TCP ZeroWindow]' + t, TcpFlag.ZeroWindow],
    ['[TCP ZeroWindowProbe]' + t, TcpFlag.ZeroWindowProbe],
    ['[TCP Out-Of-Order]' + t, TcpFlag.OutOfOrder],
    ['[TCP Window Update]' + t, TcpFlag.WindowUpdate],
    ['[TCP Window Full]' + t, TcpFlag.WindowFull],
    ['[TCP Port numbers reused]' + t, TcpFlag.ReusedPorts],
    ['[TCP Previous segment not captured] [TCP Spurious Retransmission]' + t, TcpFlag.LostSegment | TcpFlag.SpuriousRetransmission],
    ['[TCP Window Update] [TCP ACKed unseen segment]' + t, TcpFlag.WindowUpdate | TcpFlag.AckedUnseen],
    ['[TCP segment of a reassembled PDU]', 0],
  ];
  const { r } = read(rows('TCP', cases.map((c) => c[0])));
  assert.equal(r.messages.length, cases.length);
  cases.forEach(([info, flag, ref], k) => {
    const m = r.messages[k]!;
    assert.equal(m.tcp!.analysis, flag, info);
    assert.equal(m.tcp!.refFrame, ref, info);
  });
  const flags = read(rows('TCP', ['[SYN, ACK]', '[RST, ACK]', '[FIN, ACK]', '[FIN, PSH, ACK]', '[SYN, ECE, CWR]', '[<None>]', '[RST]'].map((f) => `5000 → 2000 ${f} Seq=1 Win=0 Len=0`)));
  assert.deepEqual(flags.r.messages.map((m) => m.tcp!.flags), [SYN | ACK, RST | ACK, FIN | ACK, FIN | PSH | ACK, SYN | ECE | CWR, 0, RST]);
});

test('SCCP message names in every spelling, several messages in one row', () => {
  const names = ['KeepAliveReq', 'KeepAlive', 'KeepAliveMessage', 'KeepAliveAck', 'KeepAliveAckMessage', 'RegisterReq', 'RegisterMessage',
    'RegisterAckMessage', 'UnregisterReq', 'Unregister', 'UnregisterAck', 'Reset', 'ResetMessage', 'RegisterReject',
    'VersionReq CapabilitiesRes', 'CapabilitiesReq KeepAliveAck', '[TCP Retransmission] KeepAlive'];
  const { r, problems } = read(rows('SKINNY', names));
  assert.deepEqual(r.messages.map((m) => [m.sccp!.id, m.sccp!.name]), [
    [0, 'KeepAlive'], [0, 'KeepAlive'], [0, 'KeepAlive'], [0x100, 'KeepAliveAck'], [0x100, 'KeepAliveAck'], [1, 'Register'], [1, 'Register'],
    [0x81, 'RegisterAck'], [0x27, 'Unregister'], [0x27, 'Unregister'], [0x118, 'UnregisterAck'], [0x9f, 'Reset'], [0x9f, 'Reset'],
    [0x9d, 'RegisterReject'], [0x0f, 'VersionReq'], [0x9b, 'CapabilitiesReq'], [0, 'KeepAlive'],
  ]);
  assert.equal(r.messages[14]!.label, 'VersionReq CapabilitiesRes');
  assert.equal(r.messages[16]!.tcp!.analysis, TcpFlag.Retransmission);
  const several = problems.filter((p) => p.code === 'export.several-messages');
  assert.equal(several.length, 1);
  assert.equal(several[0]!.line, 17); // the CapabilitiesReq + KeepAliveAck row, not the VersionReq one
  for (const proto of ['SCCP', 'SKINNY/REQ', 'SKINNY/RESP']) assert.equal(read(rows(proto, ['KeepAliveReq'])).r.messages[0]!.kind, 'sccp');
});

test('time formats: epoch, date with day of year, zones, negative relative times, midnight', () => {
  const head = ['frame.number', 'frame.time', 'ip.src', 'ip.dst', '_ws.col.Protocol', '_ws.col.Info'].join('\t');
  const tcp = '1 → 2 [ACK] Seq=1 Ack=1 Win=1 Len=0';
  const fields = (times: string[]): string => [head, ...times.map((t, k) => [k + 1, t, '10.0.0.1', '10.0.0.2', 'TCP', tcp].join('\t'))].join('\n');
  const base = Date.UTC(2022, 1, 22, 7, 46, 35) + 292.16;
  const { r, problems } = read(fields([
    'Feb 22, 2022 07:46:35.292160000 UTC', 'Feb 22, 2022 07:46:35.292160000 CET', '2022-02-22T07:46:35.292160+02:00',
    '2022-02-22 07:46:35.292160Z', '2022/053 07:46:35.292160', '1645515995.292160', 'Feb 22, 2022 07:46:35.292160000 China Standard Time',
    'garbage',
  ]));
  const t = r.messages.map((m) => m.time);
  near(t[0]!, base);
  near(t[1]!, base - 3600000);
  near(t[2]!, base - 7200000);
  near(t[3]!, base);
  near(t[4]!, base);
  near(t[5]!, base);
  near(t[6]!, base);
  assert.ok(Number.isNaN(t[7]!));
  assert.ok(r.messages.slice(0, 7).every((m) => m.dated));
  const zones = problems.filter((p) => p.code === 'export.time-zone');
  assert.deepEqual(zones.map((p) => p.severity).sort(), ['information', 'warning']);
  assert.match(zones.find((p) => p.severity === 'warning')!.message, /China Standard Time/);
  assert.equal(problems.find((p) => p.code === 'export.time')!.line, 9);

  const rel = read(rows('TCP', [tcp, tcp]).replace('10:00:00.000000', '-0.250000').replace('10:00:01.000000', '0.5'));
  assert.deepEqual(rel.r.messages.map((m) => [m.time, m.dated]), [[-250, false], [500, false]]);
  const midnight = read(rows('TCP', [tcp, tcp]).replace('10:00:00.000000', '23:59:59.900000').replace('10:00:01.000000', '00:00:00.100000'));
  near(midnight.r.messages[1]!.time - midnight.r.messages[0]!.time, 200);
});

test('bad input: ragged rows, a missing column, cut rows, unknown protocols and ports, garbage', () => {
  const text = fixture('bad-input.txt');
  const { r, problems, byFrame } = read(text);
  assert.equal(r.dialect, 'tab-separated');
  assert.deepEqual(r.messages.map((m) => m.loc.frame), [1, 4, 6, 7, 8, 9, 10, 12]);
  assert.ok(Number.isNaN(byFrame(4).time));
  assert.deepEqual([byFrame(6).sip!.status, byFrame(6).sip!.reasonPhrase], [200, 'OK']);
  assert.deepEqual([byFrame(7).kind, byFrame(7).tcp!.analysis], ['tcp', TcpFlag.Retransmission]); // unknown protocol, TCP label
  assert.ok(Number.isNaN(byFrame(8).dstPort));
  assert.equal(byFrame(9).sip!.method, 'REGISTER'); // cut inside its quoted Info, read as far as it goes
  assert.equal(byFrame(10).sip!.reasonPhrase, 'OK "quoted" → reason'); // "" and \342\206\222 undone
  assert.deepEqual([byFrame(12).kind, byFrame(12).sccp!.name], ['sccp', 'UnknownThing']);
  assert.ok(Number.isNaN(byFrame(12).sccp!.id));
  const rowLines = problems.filter((p) => p.code === 'export.row').map((p) => p.line).sort((a, b) => a! - b!);
  assert.deepEqual(rowLines, [4, 7, 8, 14, 18, 20].map((n) => n));
  for (const p of problems.filter((x) => x.code === 'export.row')) assert.ok(p.message.includes(`(${p.line}`), p.message);
  assert.equal(problems.find((p) => p.code === 'export.time')!.line, 6);
  assert.match(problems.find((p) => p.code === 'export.skipped-protocol')!.message, /FOO ×1/);
  assert.match(problems.find((p) => p.code === 'export.port-name')!.message, /nosuchport/);
  assert.match(problems.find((p) => p.code === 'export.tables')!.message, /3 packet tables/);
});

test('a million-character line, prose only, a heading without rows, -T fields without a header, nothing', () => {
  const huge = [HEAD, ['1', '10:00:00.000000', '10.1.1.1', '10.1.1.2', 'SIP', 'Request: REGISTER sip:x' + 'y'.repeat(1_000_000)].join('\t'), 'z'.repeat(1_000_000),
    ['2', '10:00:01.000000', '10.1.1.1', '10.1.1.2', 'TCP', '1 → 2 [ACK] Seq=1 Ack=1 Win=1 Len=0'].join('\t')].join('\n');
  const big = read(huge, 65536);
  assert.deepEqual(big.r.messages.map((m) => m.loc.frame), [1, 2]);
  assert.equal(big.r.messages[0]!.sip!.method, 'REGISTER');
  assert.ok(big.r.messages[0]!.label.length < 65536);
  assert.equal(big.r.messages[1]!.loc.line, 4);
  assert.ok(big.problems.some((p) => p.code === 'input.long-line'));

  const prose = read('Hello,\nthe phone at desk 4 keeps rebooting.\nNo capture attached yet.\n');
  assert.equal(prose.r.messages.length, 0);
  assert.equal(prose.r.dialect, 'unknown');
  assert.deepEqual(prose.problems.map((p) => [p.code, p.severity, p.line]), [['export.unknown-dialect', 'warning', 1]]);

  const heading = read('\n' + HEAD + '\n\n');
  assert.match(heading.problems[0]!.message, /heading was found \(line 2\) but no packet rows/);

  const noHeader = read('1\t0.000000000\t10.180.110.58\t46461\t10.180.110.48\t2000\n2\t0.000000000\t10.180.110.48\t2000\t10.180.110.58\t46461\n');
  assert.equal(noHeader.r.messages.length, 0);
  assert.match(noHeader.problems[0]!.message, /-E header=y/);

  const empty = read('');
  assert.deepEqual([empty.r.messages.length, empty.problems.length, empty.r.dialect], [0, 0, 'unknown']);
});

test('rows without a heading: a copied tab-separated list, and a CSV without its title line', () => {
  const tab = read(['17', '1.25', '10.1.1.1', '10.1.1.2', 'SIP', '500', 'Status: 503 Service Unavailable'].join('\t'));
  assert.equal(tab.r.dialect, 'tab-separated');
  assert.deepEqual([tab.r.messages[0]!.sip!.status, tab.r.messages[0]!.sip!.reasonPhrase, tab.r.messages[0]!.time], [503, 'Service Unavailable', 1250]);
  const csv = read('"18","1.5","10.1.1.1","10.1.1.2","TCP","60","1  >  2 [RST, ACK] Seq=5 Ack=9 Win=0 Len=0"');
  assert.equal(csv.r.dialect, 'csv');
  assert.deepEqual([csv.r.messages[0]!.tcp!.flags, csv.r.messages[0]!.tcp!.ack, csv.r.messages[0]!.srcPort], [RST | ACK, 9, 1]);
});

test('any chunking of the input gives the same messages', () => {
  for (const name of ['seed-tab-table.txt', 'wireshark-plain-details.txt', 'wireshark.csv']) {
    const text = fixture(name);
    const whole = read(text).r.messages;
    for (const size of [1, 3, 17, 1000]) assert.deepStrictEqual(read(text, size).r.messages, whole, `${name} in chunks of ${size}`);
  }
});

test('never throws on mangled fixtures; every message keeps its shape', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['\t', '"', ' ', '[', ']', '→', '\u0000', 'x', '9', ':', ',', '|', '.', '\r', 'Frame 1: ', 'No.\tTime\tInfo', '[TCP Dup ACK '];
  const kinds = new Set(['sip', 'sccp', 'tcp', 'arp', 'tls']);
  for (const name of fs.readdirSync(FIXTURES).filter((f) => !f.endsWith('.mjs'))) {
    const lines = fixture(name).split('\n');
    for (let round = 0; round < 12; round++) {
      const out = lines.map((l) => {
        const op = rand(6);
        if (op === 0 && l.length) return l.slice(0, rand(l.length));
        if (op === 1 && l.length) {
          const at = rand(l.length);
          return l.slice(0, at) + junk[rand(junk.length)] + l.slice(at);
        }
        if (op === 2 && l.length) {
          const at = rand(l.length);
          return l.slice(0, at) + l.slice(at + 1 + rand(8));
        }
        return l;
      });
      const { r, problems } = read(out.join('\n'));
      for (const m of r.messages) {
        assert.ok(kinds.has(m.kind));
        assert.equal(typeof m.time, 'number');
        assert.ok(m.loc.line! >= 1 && m.loc.source === 3);
        assert.equal(typeof m.label, 'string');
      }
      for (const p of problems) assert.equal(typeof p.message, 'string');
    }
  }
});
