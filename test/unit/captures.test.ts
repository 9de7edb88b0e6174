// Real captures made with real software (scripts/captures/: kamailio + SIP UAs in network namespaces, loss and
// blackholes from nftables) checked against tshark's own analysis, recorded beside each capture when it was made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { TcpFlag } from '../../server/src/model';
import type { NetMessage } from '../../server/src/model';
import { ROOT } from '../helpers/paths';

const DIR = path.join(ROOT, 'test', 'fixtures', 'captures');
const RETRANSMISSIONS = TcpFlag.Retransmission | TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission;

interface Expected {
  file: string;
  frames: number;
  registerFrames: number[];
  retransmission: number[];
  fastRetransmission: number[];
  spuriousRetransmission: number[];
  lostSegment: number[];
  duplicateAck: number[];
  ackedUnseen: number[];
  rst: number[];
  registerOkFrames: number[];
  /** tshark -o tcp.reassemble_out_of_order:TRUE: SIP in segments that arrived out of order is reported too. */
  withOutOfOrderReassembly: { registerFrames: number[]; registerOkFrames: number[] };
}

const cases = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.expected.json')).sort() : [];

function framesWith(messages: NetMessage[], bits: number): number[] {
  return [...new Set(messages.filter((m) => m.tcp && m.tcp.analysis & bits).map((m) => m.loc.frame!))].sort((a, b) => a - b);
}

test('there are real captures to check', () => {
  assert.ok(cases.length >= 3, `captures under ${DIR}: ${cases.join(', ')}`);
});

for (const name of cases) {
  test(`${name.replace('.expected.json', '')}: frames, REGISTERs and TCP analysis agree with tshark`, async () => {
    const exp = JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')) as Expected;
    const r = await analyzePaths([path.join(DIR, exp.file)], DEFAULT_SETTINGS);
    const src = r.sources[0]!;
    assert.deepEqual(src.problems, [], 'no problem entries on a clean real capture');
    assert.equal(src.frames, exp.frames);
    const net = r.messages.filter((m): m is NetMessage => m.kind !== 'alarm');
    const sipFrames = (pred: (m: NetMessage) => boolean): number[] => [...new Set(net.filter(pred).map((m) => m.loc.frame!))].sort((a, b) => a - b);
    // We reassemble TCP out of order, so the reference is tshark with that preference on (with tshark's default,
    // SIP inside an out-of-order segment is not reported at all; registerFrames then lacks those).
    assert.deepEqual(sipFrames((m) => m.sip?.method === 'REGISTER'), exp.withOutOfOrderReassembly.registerFrames, 'REGISTER frames');
    assert.deepEqual(sipFrames((m) => m.sip?.status === 200 && m.sip.cseqMethod === 'REGISTER'), exp.withOutOfOrderReassembly.registerOkFrames, '200 OK (REGISTER) frames');
    assert.deepEqual(framesWith(net, RETRANSMISSIONS), exp.retransmission, 'tcp.analysis.retransmission (incl. fast and spurious)');
    assert.deepEqual(framesWith(net, TcpFlag.FastRetransmission), exp.fastRetransmission, 'fast retransmissions');
    assert.deepEqual(framesWith(net, TcpFlag.SpuriousRetransmission), exp.spuriousRetransmission, 'spurious retransmissions');
    assert.deepEqual(framesWith(net, TcpFlag.LostSegment), exp.lostSegment, 'previous segment not captured');
    assert.deepEqual(framesWith(net, TcpFlag.AckedUnseen), exp.ackedUnseen, 'ACKed unseen segment');
    const rst = [...new Set(net.filter((m) => m.tcp && m.tcp.flags & 4).map((m) => m.loc.frame!))].sort((a, b) => a - b);
    assert.deepEqual(rst, exp.rst, 'RST');
  });
}

const SHARED = path.resolve(ROOT, '..', 'shared', 'reference', 'pcaps');

test('the public reference captures decode with no problem entry; SCCP registration and HTTP on 5060 read right', async () => {
  assert.ok(fs.existsSync(SHARED), `${SHARED} not found: ../shared must be beside the repository`);
  const files = fs.readdirSync(SHARED).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(SHARED, f));
  assert.ok(files.length >= 8);
  const r = await analyzePaths(files, DEFAULT_SETTINGS);
  for (const s of r.sources) assert.deepEqual(s.problems, [], path.basename(s.file));
  const net = r.messages.filter((m): m is NetMessage => m.kind !== 'alarm');
  const of = (name: string) => net.filter((m) => r.sources[m.loc.source]!.file.endsWith(name));
  const ack = of('ndpi_sccp_hw_conf_register.pcapng').find((m) => m.sccp?.name === 'RegisterAck')!;
  assert.equal(ack.sccp!.keepAliveInterval, 30);
  assert.equal(ack.sccp!.secondaryKeepAliveInterval, 60);
  assert.equal(of('ndpi_http_on_sip_port.pcap').filter((m) => m.kind === 'sip').length, 0, 'HTTP on port 5060 is not SIP');
  assert.ok(of('sngrep_tests_ipv6frag.pcap').some((m) => m.sip?.method === 'INVITE' && m.src.includes(':')), 'SIP over IPv6 (SLL)');
  assert.ok(of('sngrep_tests_ipip.pcap').some((m) => m.sip?.method === 'INVITE'), 'SIP inside IP-in-IP');
  assert.ok(of('sngrep_tests_aaa.pcap').some((m) => m.kind === 'arp' && m.arp!.op === 2));
});

test('streamed analysis (messages not kept, as the CLI analyze runs) finds exactly what the kept analysis finds', async () => {
  assert.ok(cases.length > 0);
  const files = cases.map((c) => path.join(DIR, c.replace('.expected.json', '.pcap')));
  const kept = await analyzePaths(files, DEFAULT_SETTINGS);
  const streamed = await analyzePaths(files, DEFAULT_SETTINGS, { keepMessages: false });
  assert.equal(streamed.messages.length, 0);
  assert.ok(kept.messages.length > 0);
  const key = (f: (typeof kept.findings)[number]): string => JSON.stringify([f.rule, f.loc, f.message, f.related]);
  assert.deepEqual(streamed.findings.map(key).sort(), kept.findings.map(key).sort());
  assert.deepEqual(streamed.sources.map((s) => s.messages), kept.sources.map((s) => s.messages));
  let seen = 0;
  await analyzePaths(files, DEFAULT_SETTINGS, { keepMessages: false, onMessage: () => void seen++ });
  assert.equal(seen, kept.messages.length);
});

test('keepalive rules on real captures: a clean one has no finding; a blackhole longer than Expires gives sip.register.expired at the deadline and the re-registration after it', async () => {
  const clean = await analyzePaths([path.join(DIR, 'sip-tcp-clean.pcap')], DEFAULT_SETTINGS);
  assert.deepEqual(clean.findings.map((f) => f.rule), []);
  assert.ok(clean.flows.length >= 1 && clean.flows.every((f) => f.count >= 3 && f.expires === 20), JSON.stringify(clean.flows.map((f) => [f.title, f.count, f.expires])));
  const meta = JSON.parse(fs.readFileSync(path.join(DIR, 'sip-tcp-blackhole.meta.json'), 'utf8'));
  for (const side of ['phone', 'cucm']) {
    const r = await analyzePaths([path.join(DIR, `sip-tcp-blackhole-${side}.pcap`)], DEFAULT_SETTINGS);
    const exp = r.findings.filter((f) => f.rule === 'sip.register.expired');
    assert.equal(exp.length, 1, side);
    // the deadline: kamailio's last acceptance before the blackhole + the granted 20 s + CUCM's grace (10 s)
    const deadline = meta.lastOkBeforeBlackholeMs + (meta.grantedExpires + DEFAULT_SETTINGS.sip.deadlineGrace) * 1000;
    assert.ok(Math.abs(exp[0]!.time - deadline) < 50, `${side}: ${exp[0]!.time} vs ${deadline}`);
    assert.ok(meta.blackholeSeconds > meta.grantedExpires);
    // the next success is the first registration kamailio accepted after the blackhole
    const after = meta.registrarAcceptedMs.find((t: number) => t > meta.blackholeEndMs);
    assert.ok(Math.abs((exp[0]!.evidence.lateByMs as number) + deadline - after) < 50, `${side}: re-registration ${after}`);
  }
});

test('keepalive flows on the real lossy TCP capture: each line of each phone followed, resends and their delays counted, no backoff from random loss', async () => {
  const r = await analyzePaths([path.join(DIR, 'sip-tcp-lossy-phone.pcap')], DEFAULT_SETTINGS);
  const meta = JSON.parse(fs.readFileSync(path.join(DIR, 'sip-tcp-lossy.meta.json'), 'utf8'));
  const lines = meta.phones.reduce((a: number, p: { lines: string[] }) => a + p.lines.length, 0);
  assert.equal(r.flows.length, lines);
  assert.equal(new Set(r.flows.map((f) => f.title)).size, lines, 'titles name the line');
  const resent = r.flows.flatMap((f) => f.keepalives.filter((k) => k.resends > 0));
  assert.ok(resent.length >= 3, `${resent.length} REGISTERs needed a retransmission`);
  assert.ok(resent.some((k) => k.deliveryMs >= 200), 'the RTO (>= 200 ms) shows as the delay');
  assert.equal(r.findings.filter((f) => f.rule.startsWith('keepalive.') || f.rule.startsWith('sip.register.')).length, 0);
});

test('baresip (another make: refresh at 90 % of Expires) over TCP: no late refresh called; the blackhole gives the expiry at the deadline; resends in the lossy period', async () => {
  const meta = JSON.parse(fs.readFileSync(path.join(DIR, 'sip-tcp-baresip.meta.json'), 'utf8'));
  for (const side of ['phone', 'cucm']) {
    const r = await analyzePaths([path.join(DIR, `sip-tcp-baresip-${side}.pcap`)], DEFAULT_SETTINGS);
    assert.equal(r.findings.filter((f) => f.rule === 'sip.register.late').length, 0, `${side}: a steady UA of any make is not late`);
    // one expiry per binding kamailio removed: the blackhole's, and the one after the stale REGISTER it accepted
    const exp = r.findings.filter((f) => f.rule === 'sip.register.expired');
    assert.equal(exp.length, meta.registrarExpiredMs.length, side);
    const deadline = meta.lastOkBeforeBlackholeMs + (meta.grantedExpires + DEFAULT_SETTINGS.sip.deadlineGrace) * 1000;
    assert.ok(Math.abs(exp[0]!.time - deadline) < 50, `${side}: ${exp[0]!.time} vs ${deadline}`);
    // each expiry names the next success: kamailio's next acceptance after the deadline
    for (const e of exp) {
      const next = (e.evidence.deadlineMs as number) + (e.evidence.lateByMs as number);
      const accepted = meta.registrarAcceptedMs.find((t: number) => t > (e.evidence.deadlineMs as number));
      assert.ok(Math.abs(next - accepted) < 50, `${side}: next success ${next} vs kamailio ${accepted}`);
    }
    assert.ok(Math.abs((exp[0]!.evidence.deadlineMs as number) + (exp[0]!.evidence.lateByMs as number) - meta.staleRegisterAcceptedMs[0]) < 50, 'the stale REGISTER that got through');
    const flow = r.flows.find((f) => f.protocol === 'sip')!;
    assert.ok(Math.abs(flow.expectedIntervalMs - meta.grantedExpires * 900) < 500, `${side}: cadence ${flow.expectedIntervalMs}`);
    if (side === 'phone') assert.ok(flow.keepalives.some((k) => k.time >= meta.loss.startMs && k.resends > 0 && k.deliveryMs >= 200), 'a refresh resent in the lossy period');
  }
});

test('a link that gets worse keepalive after keepalive (baresip, windows that grow): keepalive.backoff on the phone side, the expiry at the deadline on both', async () => {
  const meta = JSON.parse(fs.readFileSync(path.join(DIR, 'sip-tcp-backoff.meta.json'), 'utf8')) as {
    windows: { holdMs: number; openedMs: number }[]; grantedExpires: number; registrarExpiredMs: number[]; registrarAcceptedMs: number[];
  };
  // kamailio removes a binding as soon as its Expires runs out; a CUCM waits the grace on top (the seed: 15 s of 120 s)
  const gaps = meta.registrarAcceptedMs.slice(1).map((t, i) => t - meta.registrarAcceptedMs[i]!);
  assert.equal(meta.registrarExpiredMs.length, gaps.filter((g) => g > meta.grantedExpires * 1000).length, JSON.stringify(gaps));
  const late = meta.registrarAcceptedMs.filter((t, i) => i > 0 && t - meta.registrarAcceptedMs[i - 1]! > (meta.grantedExpires + DEFAULT_SETTINGS.sip.deadlineGrace) * 1000);
  assert.ok(late.length >= 1);
  for (const side of ['phone', 'cucm']) {
    const r = await analyzePaths([path.join(DIR, `sip-tcp-backoff-${side}.pcap`)], DEFAULT_SETTINGS);
    const exp = r.findings.filter((f) => f.rule === 'sip.register.expired');
    assert.equal(exp.length, late.length, `${side}: ${JSON.stringify(exp.map((f) => f.message))}`);
    // the next success each expiry names is kamailio's acceptance of the late refresh (the phone sees the 200 OK at once)
    exp.forEach((e, i) => assert.ok(Math.abs((e.evidence.deadlineMs as number) + (e.evidence.lateByMs as number) - late[i]!) < 50, side));
    if (side === 'cucm') continue;
    // each refresh in a window got through with the first retransmission after it: delays that grow
    const flow = r.flows.find((f) => f.protocol === 'sip')!;
    const delays = meta.windows.map((w) => {
      const k = flow.keepalives.find((x) => Math.abs(x.time - w.openedMs) < 1000)!;
      assert.ok(k, `a REGISTER opened the ${w.holdMs} ms window`);
      assert.ok(k.resends > 0 && k.deliveryMs >= w.holdMs && k.deliveryMs < 2 * w.holdMs + 600, `${w.holdMs} ms window: delivered after ${k.deliveryMs} ms`);
      return k.deliveryMs;
    });
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! > delays[i - 1]!, JSON.stringify(delays));
    const b = r.findings.filter((f) => f.rule === 'keepalive.backoff');
    assert.equal(b.length, 1, JSON.stringify(r.findings.map((f) => f.rule)));
    assert.equal(b[0]!.evidence.keepalives, meta.windows.length);
    assert.ok((b[0]!.evidence.factor as number) >= 1.5, String(b[0]!.evidence.factor));
    assert.ok(Math.abs((b[0]!.evidence.lastDelayMs as number) - delays[delays.length - 1]!) < 1);
    assert.match(b[0]!.message, /already passed the 12\.0 s the CUCM waits/);
  }
});
