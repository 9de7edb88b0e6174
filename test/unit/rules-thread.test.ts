// The rules thread (server/src/analysis/rules-thread.ts, wire.ts): the network rules judged on a second thread must
// give exactly what they give on one, the messages must cross intact, and a rules thread that fails, dies or stalls
// must end the analysis with an error, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Message, NetMessage } from '../../server/src/model';
import { MessageDecoder, MessageEncoder } from '../../server/src/analysis/wire';
import type { WireBatch } from '../../server/src/analysis/wire';
import { RulesThread, rulesWorkerFile } from '../../server/src/analysis/rules-thread';
import { CaptureDecoder } from '../../server/src/sources/capture';
import { readCaptureBytes } from '../../server/src/sources/capture-reader';
import { ProblemSink } from '../../server/src/sources/text';
import { ACK, FIN, PSH, SYN, arp, bytesOf, concat, ether, ipv4, ipv6, pcapFile, tcp, u32le, udp } from '../helpers/packets';
import { ROOT, tempDir } from '../helpers/paths';

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const f = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(f, out);
    else out.push(f);
  }
  return out.sort();
}

const INPUTS = [...filesUnder(path.join(ROOT, 'test', 'fixtures')), ...filesUnder(path.join(ROOT, 'examples'))];

/** Both ways, as JSON (NaN and undefined compare as JSON writes them). */
async function bothWays(paths: string[]): Promise<{ one: string; two: string; findings: number }> {
  const one = await analyzePaths(paths, DEFAULT_SETTINGS, { keepMessages: false, rulesThread: 'never' });
  const two = await analyzePaths(paths, DEFAULT_SETTINGS, { keepMessages: false, rulesThread: 'always' });
  return { one: JSON.stringify(one), two: JSON.stringify(two), findings: one.findings.length };
}

test('the rules thread is there to be started (else every comparison below would compare one thread with itself)', () => {
  assert.ok(rulesWorkerFile(), 'rules-worker.js beside the compiled engine');
});

test('every fixture and example: the same sources, findings and flows with the rules on a second thread', async () => {
  let findings = 0;
  for (const f of INPUTS) {
    const r = await bothWays([f]);
    assert.equal(r.two, r.one, f);
    findings += r.findings;
  }
  assert.ok(findings > 300, `the inputs give findings to compare (${findings})`);
});

test('several inputs that are not a case (correlation off): captures, exports, traces and syslog through one thread', async () => {
  const dirs = ['captures', 'exports', 'traces', 'case'].map((d) => path.join(ROOT, 'test', 'fixtures', d));
  const one = await analyzePaths(dirs, DEFAULT_SETTINGS, { keepMessages: false, rulesThread: 'never', correlate: false });
  const two = await analyzePaths(dirs, DEFAULT_SETTINGS, { keepMessages: false, rulesThread: 'always', correlate: false });
  assert.ok(one.findings.length > 200);
  assert.equal(JSON.stringify(two), JSON.stringify(one));
});

// ---- a capture with what the fixtures lack: SCCP, IPv6, several SIP messages in one segment, a non-SIP payload on
// 5060, SIP over UDP resent, duplicate ARP answers ---------------------------------------------------------------------

const PHONE = '10.20.0.5', CUCM = '10.20.0.1', PHONE6 = '2001:db8::5', CUCM6 = '2001:db8::1';

function register(cseq: number, from: string, to: string, transport: string, callId = `c-${from}`): string {
  return [`REGISTER sip:${to} SIP/2.0`, `Via: SIP/2.0/${transport} ${from}:5060;branch=z9hG4bK${cseq}`, `From: <sip:1001@${to}>;tag=1`,
    `To: <sip:1001@${to}>`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:1001@${from}:5060>;+u.sip!devicename.ccm.cisco.com="SEP00112233AABB"`, 'Expires: 120', 'Content-Length: 0', '', ''].join('\r\n');
}
function ok(cseq: number, from: string, callId = `c-${from}`): string {
  return ['SIP/2.0 200 OK', `Via: SIP/2.0/TCP ${from}:5060;branch=z9hG4bK${cseq}`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
    'Expires: 120', 'Content-Length: 0', '', ''].join('\r\n');
}
function sccpPdu(id: number, payload: number[] = []): Uint8Array {
  return concat(u32le(4 + payload.length), u32le(0), u32le(id), payload);
}

function trickyCapture(): Buffer {
  const recs: { tsUs: number; data: Uint8Array }[] = [];
  const t0 = Date.UTC(2026, 10, 24, 8, 0, 0) * 1000;
  const seqs = new Map<string, number>();
  const put = (ms: number, data: Uint8Array): void => {
    recs.push({ tsUs: t0 + Math.round(ms * 1000), data });
  };
  const seg = (ms: number, v6: boolean, src: string, sp: number, dst: string, dp: number, flags: number, text: Uint8Array | string = '', opts: { again?: boolean; srcMac?: string } = {}): void => {
    const key = `${src}:${sp}>${dst}:${dp}`, back = `${dst}:${dp}>${src}:${sp}`;
    const payload = typeof text === 'string' ? bytesOf(text) : text;
    let seq = seqs.get(key) ?? 1000;
    if (opts.again) seq -= payload.length;
    const t = tcp({ sport: sp, dport: dp, seq, ack: seqs.get(back) ?? 0, flags }, payload);
    seqs.set(key, seq + payload.length + (flags & (SYN | FIN) ? 1 : 0));
    const ip = v6 ? ipv6({ src, dst, next: 6 }, t) : ipv4({ src, dst, proto: 6 }, t);
    put(ms, ether({ type: v6 ? 0x86dd : 0x0800, src: opts.srcMac }, ip));
  };
  // SIP over TCP, IPv4: three refreshes, the second retransmitted; the CUCM answers 100 Trying and 200 OK in one segment
  seg(0, false, PHONE, 50000, CUCM, 5060, SYN);
  seg(1, false, CUCM, 5060, PHONE, 50000, SYN | ACK);
  for (let i = 0; i < 3; i++) {
    const at = i * 100_000 + 2;
    seg(at, false, PHONE, 50000, CUCM, 5060, PSH | ACK, register(10 + i, PHONE, CUCM, 'TCP'));
    if (i === 1) seg(at + 300, false, PHONE, 50000, CUCM, 5060, PSH | ACK, register(10 + i, PHONE, CUCM, 'TCP'), { again: true });
    const trying = ok(10 + i, PHONE).replace('200 OK', '100 Trying');
    seg(at + (i === 1 ? 310 : 10), false, CUCM, 5060, PHONE, 50000, PSH | ACK, trying + ok(10 + i, PHONE));
  }
  // a status code SIP does not have (the parser refuses it: no message), then not SIP at all, then the connection closes
  seg(250_000, false, CUCM, 5060, PHONE, 50000, PSH | ACK, 'SIP/2.0 999 Odd\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n');
  seg(300_000, false, PHONE, 50000, CUCM, 5060, PSH | ACK | FIN, 'HELLO 5060 THIS IS NOT SIP\r\n\r\n');
  // SIP over TCP, IPv6
  seg(0, true, PHONE6, 50002, CUCM6, 5060, SYN);
  seg(1, true, CUCM6, 5060, PHONE6, 50002, SYN | ACK);
  for (let i = 0; i < 2; i++) {
    seg(i * 100_000 + 5, true, PHONE6, 50002, CUCM6, 5060, PSH | ACK, register(20 + i, PHONE6, CUCM6, 'TCP'));
    seg(i * 100_000 + 15, true, CUCM6, 5060, PHONE6, 50002, PSH | ACK, ok(20 + i, PHONE6));
  }
  // SCCP: Register, RegisterAck (30 s), keepalives, one unanswered and resent, then a reset
  const SCCP_PHONE = '10.20.0.7';
  seg(10, false, SCCP_PHONE, 50010, CUCM, 2000, SYN);
  seg(11, false, CUCM, 2000, SCCP_PHONE, 50010, SYN | ACK);
  seg(12, false, SCCP_PHONE, 50010, CUCM, 2000, PSH | ACK, sccpPdu(0x0001, [...bytesOf('SEP0011223344CC'), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  seg(14, false, CUCM, 2000, SCCP_PHONE, 50010, PSH | ACK, sccpPdu(0x0081, [30, 0, 0, 0, 0x4d, 0x2f, 0x44, 0x2f, 0x59, 0, 0, 0, 60, 0, 0, 0]));
  for (let i = 1; i <= 4; i++) {
    seg(i * 30_000, false, SCCP_PHONE, 50010, CUCM, 2000, PSH | ACK, sccpPdu(0x0000));
    if (i === 3) seg(i * 30_000 + 400, false, SCCP_PHONE, 50010, CUCM, 2000, PSH | ACK, sccpPdu(0x0000), { again: true });
    else seg(i * 30_000 + 5, false, CUCM, 2000, SCCP_PHONE, 50010, PSH | ACK, sccpPdu(0x0100));
  }
  seg(150_000, false, CUCM, 2000, SCCP_PHONE, 50010, 4 /* RST */);
  // SIP over UDP, resent once
  const u = (ms: number, text: string): void => put(ms, ether({ type: 0x0800 }, ipv4({ src: '10.20.0.9', dst: CUCM, proto: 17 }, udp({ sport: 5060, dport: 5060 }, bytesOf(text)))));
  u(50, register(30, '10.20.0.9', CUCM, 'UDP'));
  u(550, register(30, '10.20.0.9', CUCM, 'UDP'));
  // two MACs answer for the CUCM's address; the phone's next segment goes to one of them
  const arpFrame = (ms: number, mac: string): void => put(ms, ether({ type: 0x0806, src: mac, dst: 'ff:ff:ff:ff:ff:ff' },
    arp({ op: 2, senderMac: mac, senderIp: CUCM, targetMac: '00:11:22:33:aa:bb', targetIp: PHONE })));
  arpFrame(199_000, '00:50:56:aa:00:01');
  arpFrame(199_100, '00:1b:2c:3d:4e:5f');
  recs.sort((a, b) => a.tsUs - b.tsUs);
  return pcapFile(1, recs);
}

test('a capture with SCCP, IPv6, SIP over UDP, several messages a segment and ARP: the same on two threads', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'tricky.pcap');
  fs.writeFileSync(file, trickyCapture());
  const kept = await analyzePaths([file], DEFAULT_SETTINGS, { rulesThread: 'never' });
  const kinds = new Set(kept.messages.map((m) => (m.kind === 'alarm' ? 'alarm' : `${m.kind}${m.src.includes(':') && m.kind !== 'arp' ? '6' : ''}`)));
  for (const k of ['sip', 'sip6', 'sccp', 'tcp', 'arp']) assert.ok(kinds.has(k), `the capture has ${k} messages (${[...kinds]})`);
  const r = await bothWays([file]);
  assert.equal(r.two, r.one);
  // reading alone on two threads (the bench's baseline): the same sources, nothing judged
  const bare = await analyzePaths([file], DEFAULT_SETTINGS, { keepMessages: false, rules: false, rulesThread: 'never' });
  const bareTwo = await analyzePaths([file], DEFAULT_SETTINGS, { keepMessages: false, rules: false, rulesThread: 'always' });
  assert.equal(JSON.stringify(bareTwo), JSON.stringify(bare));
  assert.deepEqual(bareTwo.sources, (JSON.parse(r.one) as { sources: unknown }).sources);
  assert.equal(bareTwo.findings.length, 0);
  const rules = new Set((JSON.parse(r.one) as { findings: { rule: string }[] }).findings.map((f) => f.rule));
  for (const rule of ['sip.retransmission', 'tcp.retransmission', 'tcp.reset', 'arp.duplicate-reply']) assert.ok(rules.has(rule), `${rule} in ${[...rules]}`);
});

// ---- the messages themselves --------------------------------------------------------------------------------------

/** What the rules can read of a message. */
function view(m: NetMessage): unknown {
  const clean = (o: object | undefined): unknown => (o ? Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))) : undefined);
  return JSON.parse(JSON.stringify({
    kind: m.kind, loc: clean(m.loc), time: m.time, dated: m.dated, src: m.src, dst: m.dst, srcPort: m.srcPort, dstPort: m.dstPort,
    transport: m.transport, label: m.label, srcMac: m.srcMac, dstMac: m.dstMac, sip: clean(m.sip), sccp: clean(m.sccp), tcp: clean(m.tcp), arp: clean(m.arp),
  }, (_k, v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
}

test('every message of the fixtures crosses field for field, labels made or not, through a string table cleared often', async () => {
  const r = await analyzePaths([path.join(ROOT, 'test', 'fixtures'), path.join(ROOT, 'examples')], DEFAULT_SETTINGS, { correlate: false, rulesThread: 'never' });
  const net = r.messages.filter((m: Message): m is NetMessage => m.kind !== 'alarm');
  assert.ok(net.length > 1500);
  const batches: WireBatch[] = [];
  // a table of 50 strings at most: cleared many times along the way
  const enc = new MessageEncoder((b) => batches.push(b), 50);
  net.forEach((m, i) => {
    // half the messages have made their label before they are sent, half not
    if (i % 2) void m.label;
    enc.push(m);
  });
  enc.flush();
  assert.ok(batches.length > 1 && batches.some((b) => b.reset), 'several batches, the table cleared');
  const dec = new MessageDecoder();
  const back: NetMessage[] = [];
  for (const b of batches) dec.decode(b, (m) => back.push(m));
  assert.equal(back.length, net.length);
  for (let i = 0; i < net.length; i++) assert.deepEqual(view(back[i]!), view(net[i]!), `message ${i} (${net[i]!.label})`);
});

test('a capture\'s SIP and SCCP messages sent as bytes come back as the messages the capture reader makes', () => {
  const captures: Uint8Array[] = INPUTS.filter((f) => /\.(pcap|pcapng)$/.test(f)).map((f) => fs.readFileSync(f));
  captures.push(trickyCapture());
  let pdus = 0;
  for (const bytes of captures) {
    const direct = new CaptureDecoder(0);
    readCaptureBytes(bytes, (f) => direct.frame(f), new ProblemSink());
    const batches: WireBatch[] = [];
    const enc = new MessageEncoder((b) => batches.push(b));
    // as the engine wires it: the decoder's other messages go to the same encoder, in order
    const viaBytes = new CaptureDecoder(0, (m) => enc.push(m));
    viaBytes.pdus = enc;
    readCaptureBytes(bytes, (f) => viaBytes.frame(f), new ProblemSink());
    enc.flush();
    assert.equal(viaBytes.messageCount, direct.messageCount);
    const back: NetMessage[] = [];
    const dec = new MessageDecoder();
    for (const b of batches) dec.decode(b, (m) => back.push(m));
    assert.equal(back.length, direct.messages.length);
    for (let i = 0; i < back.length; i++) assert.deepEqual(view(back[i]!), view(direct.messages[i]!), `message ${i}`);
    for (const b of batches) if (b.bytes) pdus++;
  }
  assert.ok(pdus > 5, 'batches with messages sent as bytes');
});

// ---- a rules thread that fails --------------------------------------------------------------------------------------

function fakeWorker(body: string): string {
  const file = path.join(tempDir(), 'worker.js');
  fs.writeFileSync(file, body);
  return file;
}

function someMessages(n: number): NetMessage[] {
  const out: NetMessage[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ kind: 'tcp', loc: { source: 0, line: null, frame: i + 1 }, time: i, dated: true, src: `10.0.${i >> 8 & 255}.${i & 255}`, dst: '10.0.0.1',
      srcPort: 50000, dstPort: 5060, transport: 'tcp', label: `segment ${i}`, tcp: { seq: i, ack: 0, len: 0, flags: 16, win: 0, analysis: 0 } });
  }
  return out;
}

test('a rules thread that throws: the analysis ends with its error', async () => {
  const t = new RulesThread(fakeWorker("throw new Error('rules broke');"), DEFAULT_SETTINGS, []);
  for (const m of someMessages(100)) t.push(m);
  await assert.rejects(t.finish(), /rules thread failed: rules broke/);
  assert.ok(t.failed, 'the reading side sees it failed (and stops reading)');
});

test('a rules thread that exits: the analysis ends with an error naming the exit code', async () => {
  const t = new RulesThread(fakeWorker('process.exit(3);'), DEFAULT_SETTINGS, []);
  for (const m of someMessages(100)) t.push(m);
  await assert.rejects(t.finish(), /exit code 3/);
});

test('a rules thread that stops judging: the reading thread stops waiting and the analysis ends with an error', async () => {
  // it never reads what it is sent: past the batches allowed in flight, the reading thread waits, then gives up
  const t = new RulesThread(fakeWorker('setInterval(() => {}, 1000);'), DEFAULT_SETTINGS, [], 300);
  const started = Date.now();
  for (const m of someMessages(60_000)) t.push(m);
  assert.ok(t.failed);
  await assert.rejects(t.finish(), /judged nothing for 0.3 s/);
  assert.ok(Date.now() - started < 30_000);
});
