// Keepalive rules on small timelines built here: SIP registration flows, SCCP keepalives, backoff, first-packet
// loss, proxy ARP. Times are epoch ms; the phone is 10.0.0.5, the CUCMs 10.0.0.1 / 10.0.0.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleRunner, runRules } from '../../server/src/analysis';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { Finding, NetMessage, SipInfo, SccpInfo, TcpInfo } from '../../server/src/model';
import { TcpFlag } from '../../server/src/model';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let line = 0;

function msg(kind: NetMessage['kind'], t: number, src: string, dst: string, extra: Partial<NetMessage>): NetMessage {
  return {
    kind, loc: { source: 0, line: ++line, frame: null }, time: T0 + t, dated: true, src, dst, srcPort: 5060, dstPort: 5060,
    transport: 'tcp', label: '', ...extra,
  };
}
const PHONE = '10.0.0.5', CUCM = '10.0.0.1', BACKUP = '10.0.0.2';
let cseq = 100;
function register(t: number, opts: Partial<SipInfo> & { to?: string; tcp?: Partial<TcpInfo> } = {}): NetMessage {
  const sip: SipInfo = { method: 'REGISTER', callId: 'c1@phone', cseq: opts.cseq ?? ++cseq, cseqMethod: 'REGISTER', expires: 3600, device: 'SEP001122334455', aor: 'sip:1001@10.0.0.1', ...opts };
  const tcp = opts.tcp ? { seq: 1000, ack: 1, len: 500, flags: 24, win: 100, analysis: 0, ...opts.tcp } : undefined;
  return msg('sip', t, PHONE, opts.to ?? CUCM, { sip, tcp });
}
function answer(t: number, status: number, expires: number | undefined, opts: { from?: string; cseq?: number } = {}): NetMessage {
  return msg('sip', t, opts.from ?? CUCM, PHONE, {
    sip: { status, reasonPhrase: status === 200 ? 'OK' : 'Nope', callId: 'c1@phone', cseq: opts.cseq ?? cseq, cseqMethod: 'REGISTER', expires, aor: 'sip:1001@10.0.0.1' },
  });
}
function rules(findings: Finding[], id: string): Finding[] {
  return findings.filter((f) => f.rule === id);
}

/** A Cisco phone: REGISTER, 200 OK Expires 120, then refreshes `refresh` ms after each 200 OK. */
function steady(count: number, refresh: number, answerMs = 12): NetMessage[] {
  const out: NetMessage[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    out.push(register(t));
    out.push(answer(t + answerMs, 200, 120));
    t += answerMs + refresh;
  }
  return out;
}

test('a steady phone gets no finding, whatever its cadence; the flow says what it negotiated and keeps to', () => {
  for (const refresh of [115_000, 108_000, 60_000]) {
    const r = runRules(steady(8, refresh), DEFAULT_SETTINGS);
    assert.deepEqual(r.findings.map((f) => f.rule), [], `refresh ${refresh}`);
    assert.equal(r.flows.length, 1);
    const f = r.flows[0]!;
    assert.equal(f.protocol, 'sip');
    assert.equal(f.device, 'SEP001122334455');
    assert.equal(f.title, 'SEP001122334455 1001 → 10.0.0.1');
    assert.equal(f.expires, 120);
    assert.equal(f.count, 8);
    assert.equal(f.keepalives.length, 8);
    assert.ok(Math.abs(f.keepalives[3]!.sinceMs - refresh) < 1);
    assert.equal(f.keepalives[3]!.responseMs, 12);
    assert.equal(f.keepalives[3]!.response, '200 OK');
    // a steady cadence of its own replaces Expires − delta
    assert.ok(refresh === 115_000 ? f.expectedIntervalMs === 115_000 : Math.abs(f.expectedIntervalMs - refresh) < 1, `${f.expectedIntervalMs}`);
  }
});

test('sip.register.late and sip.register.expired: against the deadline last 200 OK + Expires + grace', () => {
  const ms = steady(2, 115_000);
  const lastOk = ms[ms.length - 1]!.time - T0;
  ms.push(register(lastOk + 125_000), answer(lastOk + 125_010, 200, 120)); // 10 s late, before 130 s
  const late = runRules(ms, DEFAULT_SETTINGS).findings;
  assert.deepEqual(late.map((f) => f.rule), ['sip.register.late']);
  assert.match(late[0]!.message, /10(\.0)? s late: sent 125(\.0)? s after the previous 200 OK, expected after 115(\.0)? s/);
  const ok2 = lastOk + 125_010;
  ms.push(register(ok2 + 139_000), answer(ok2 + 139_500, 200, 120));
  const exp = rules(runRules(ms, DEFAULT_SETTINGS).findings, 'sip.register.expired');
  assert.equal(exp.length, 1);
  assert.equal(exp[0]!.time, T0 + ok2 + 130_000);
  assert.equal(exp[0]!.severity, 'error');
  assert.match(exp[0]!.message, /granted 120 s.*\+ 10 s grace.*9\.5 s too late/);
  assert.equal(exp[0]!.related[0]!.message, 'last successful registration (120 s)');
});

test('expired at the end of the source: the deadline passes with no successful refresh', () => {
  const ms = steady(2, 115_000);
  const end = ms[ms.length - 1]!.time - T0;
  ms.push(register(end + 115_000)); // never answered
  ms.push(msg('tcp', end + 200_000, PHONE, CUCM, { tcp: { seq: 1, ack: 1, len: 0, flags: 16, win: 1, analysis: 0 } }));
  const f = runRules(ms, DEFAULT_SETTINGS).findings;
  assert.deepEqual(f.map((x) => x.rule).sort(), ['sip.register.expired', 'sip.register.no-response']);
  assert.equal(rules(f, 'sip.register.expired')[0]!.time, T0 + end + 130_000);
});

test('slow response, rejection (not for 401/407 challenges), no response, backup keepalive', () => {
  const slow = runRules([register(0), answer(9_000, 200, 120)], DEFAULT_SETTINGS).findings;
  assert.deepEqual(slow.map((f) => f.rule), ['sip.register.slow-response']);
  assert.match(slow[0]!.message, /answered 9(\.0)? s after it was first sent/);
  assert.deepEqual(runRules([register(0), answer(10, 403, undefined)], DEFAULT_SETTINGS).findings.map((f) => f.rule), ['sip.register.rejected']);
  assert.deepEqual(runRules([register(0), answer(10, 401, undefined), register(20), answer(30, 200, 120)], DEFAULT_SETTINGS).findings.map((f) => f.rule), []);
  const none = runRules([register(0), register(115_000), answer(115_010, 200, 120)], DEFAULT_SETTINGS).findings;
  assert.deepEqual(none.map((f) => f.rule), ['sip.register.no-response']);
  const backup: NetMessage[] = [];
  for (let i = 0; i < 3; i++) {
    backup.push(register(i * 60_000, { to: BACKUP, expires: 0, ciscoKeepAlive: true }));
    backup.push(answer(i * 60_000 + 5, 200, 0, { from: BACKUP }));
  }
  const b = runRules(backup, DEFAULT_SETTINGS);
  assert.deepEqual(b.findings.map((f) => f.rule), ['sip.register.backup-keepalive']);
  assert.match(b.findings[0]!.message, /10\.0\.0\.2 is a backup CUCM/);
  assert.equal(b.flows[0]!.keepalives.filter((k) => k.backup).length, 3);
});

test('SIP resends over UDP (same Call-ID and CSeq) are sip.retransmission; over TCP they are counted, not repeated', () => {
  const udp = (m: NetMessage): NetMessage => ({ ...m, transport: 'udp' });
  const r = runRules([udp(register(0, { cseq: 7 })), udp(register(500, { cseq: 7 })), udp(register(1500, { cseq: 7 })), udp(answer(1510, 200, 120, { cseq: 7 }))], DEFAULT_SETTINGS);
  assert.deepEqual(r.findings.map((f) => f.rule), ['sip.retransmission', 'sip.retransmission']);
  assert.match(r.findings[1]!.message, /sent again 1\.5 s after the first transmission \(resend 2\)/);
  assert.equal(r.flows[0]!.keepalives[0]!.resends, 2);
  assert.equal(r.flows[0]!.keepalives[0]!.deliveryMs, 1500);
});

/** Case 2 of the seed: each refresh's first copy is lost; the retransmission gets through after a delay that
 * doubles keepalive after keepalive. Export-style rows: "[TCP Retransmission] Request: REGISTER". */
function backoffTimeline(delays: number[]): NetMessage[] {
  const out: NetMessage[] = [register(0, { tcp: {} }), answer(20, 200, 120)];
  let ok = 20;
  for (const d of delays) {
    const t = ok + 115_000;
    out.push(register(t, { tcp: {} }));
    out.push(register(t + d, { cseq: cseq, tcp: { analysis: TcpFlag.Retransmission } }));
    ok = t + d + 15;
    out.push(answer(ok, 200, 120));
  }
  return out;
}

test('keepalive.backoff: growing delays are fitted and the unregistration projected; first-packet-lost suspected', () => {
  const r = runRules(backoffTimeline([100, 200, 400, 800, 1700, 3400, 6700]), DEFAULT_SETTINGS);
  const b = rules(r.findings, 'keepalive.backoff');
  assert.equal(b.length, 1);
  assert.match(b[0]!.message, /0\.1 s, 0\.2 s, 0\.4 s, 0\.8 s, 1\.7 s, 3\.4 s, 6\.7 s \(×2\.0 per keepalive over 7 keepalives\)/);
  assert.match(b[0]!.message, /next delays are 13\.5 s, 27(\.\d)? s/);
  assert.match(b[0]!.message, /the 15(\.0)? s the CUCM waits/);
  assert.equal(b[0]!.evidence.allowedMs, 15_000);
  assert.ok(typeof b[0]!.evidence.projectedUnregistrationMs === 'number');
  assert.equal(b[0]!.related.length, 7);
  const lost = rules(r.findings, 'keepalive.first-packet-lost');
  assert.equal(lost.length, 1);
  assert.match(lost[0]!.message, /7 of 7 keepalives.*Suspected: .*port-security aging/);
  assert.equal(r.flows[0]!.resent, 7);
  // random loss: delays that do not grow are no backoff, and a first copy lost now and then is not "every time"
  const flat = runRules(backoffTimeline([200, 200, 200, 200]), DEFAULT_SETTINGS).findings;
  assert.equal(rules(flat, 'keepalive.backoff').length, 0);
  const some: NetMessage[] = steady(6, 115_000);
  const tail = some[some.length - 1]!.time - T0;
  some.push(register(tail + 115_000, { tcp: {} }), register(tail + 115_300, { cseq, tcp: { analysis: TcpFlag.Retransmission } }), answer(tail + 115_310, 200, 120));
  assert.equal(rules(runRules(some, DEFAULT_SETTINGS).findings, 'keepalive.first-packet-lost').length, 0);
});

function sccp(t: number, name: string, fromPhone: boolean, extra: Partial<SccpInfo> = {}, tcp: Partial<TcpInfo> = {}): NetMessage {
  return msg('sccp', t, fromPhone ? PHONE : CUCM, fromPhone ? CUCM : PHONE, {
    srcPort: fromPhone ? 35601 : 2000, dstPort: fromPhone ? 2000 : 35601, sccp: { id: 0, name, ...extra },
    tcp: { seq: 1, ack: 1, len: 12, flags: 24, win: 1, analysis: 0, ...tcp },
  });
}

test('SCCP: missed keepalive, missing KeepAliveAck, delayed failover with the normal-failover threshold', () => {
  const ms: NetMessage[] = [sccp(0, 'Register', true, { device: 'SEP580A20FB071F' }), sccp(5, 'RegisterAck', false, { keepAliveInterval: 30, secondaryKeepAliveInterval: 60 })];
  let t = 0;
  for (let i = 0; i < 4; i++, t += 30_000) ms.push(sccp(t, 'KeepAlive', true), sccp(t + 1, 'KeepAliveAck', false));
  t += 45_000; // one interval skipped
  ms.push(sccp(t, 'KeepAlive', true), sccp(t + 1, 'KeepAliveAck', false));
  t += 30_000;
  ms.push(sccp(t, 'KeepAlive', true)); // never acked
  ms.push(sccp(t + 200, 'KeepAlive', true, {}, { analysis: TcpFlag.Retransmission }));
  ms.push(sccp(t + 30_000, 'KeepAlive', true), sccp(t + 60_000, 'KeepAlive', true));
  ms.push(sccp(t + 95_000, 'KeepAliveAck', false));
  const r = runRules(ms, DEFAULT_SETTINGS);
  const ids = r.findings.map((f) => f.rule);
  assert.equal(ids.filter((x) => x === 'sccp.keepalive.missed').length, 1);
  assert.match(rules(r.findings, 'sccp.keepalive.missed')[0]!.message, /for 75(\.0)? s; expected every 30(\.0)? s \(RegisterAck\)/);
  assert.ok(ids.filter((x) => x === 'sccp.keepalive.ack-missing').length >= 2);
  assert.match(rules(r.findings, 'sccp.keepalive.ack-missing')[0]!.message, /although it was sent 2 times/);
  const fo = rules(r.findings, 'sccp.failover');
  assert.equal(fo.length, 1);
  assert.match(fo[0]!.message, /3 keepalive intervals of 30(\.0)? s.*Normal failover .*1 ms/);
  assert.equal(r.flows[0]!.protocol, 'sccp');
  assert.equal(r.flows[0]!.device, 'SEP580A20FB071F');
  assert.equal(r.flows[0]!.role, 'primary');
  // a backup CUCM answers with TCP ACKs only: no KeepAliveAck expected, interval 60 s
  const backup = runRules([sccp(0, 'KeepAlive', true), sccp(60_000, 'KeepAlive', true), sccp(120_000, 'KeepAlive', true)], DEFAULT_SETTINGS);
  assert.deepEqual(backup.findings.map((f) => f.rule), []);
  assert.equal(backup.flows[0]!.role, 'backup');
});

test('arp.duplicate-reply: two MACs for one IP; the VMware one is the CUCM; frames to the other and retransmissions are evidence', () => {
  const arp = (t: number, mac: string): NetMessage => msg('arp', t, mac, '58:0a:20:fb:07:1f', {
    srcPort: NaN, dstPort: NaN, transport: null, label: `10.10.10.202 is at ${mac}`,
    arp: { op: 2, senderMac: mac, senderIp: '10.10.10.202', targetMac: '58:0a:20:fb:07:1f', targetIp: '10.10.10.130' },
  });
  const ka = (t: number, retrans: boolean): NetMessage => ({
    ...msg('sccp', t, '10.10.10.130', '10.10.10.202', { srcPort: 35601, dstPort: 2000, sccp: { id: 0, name: 'KeepAlive' }, label: 'KeepAlive',
      tcp: { seq: 204530794, ack: 2085624355, len: 12, flags: 24, win: 611, analysis: retrans ? TcpFlag.Retransmission : 0 } }),
    dstMac: 'f4:0f:1b:1e:26:a9',
  });
  const r = runRules([arp(0, 'f4:0f:1b:1e:26:a9'), arp(0.8, '00:0c:29:90:10:cf'), ka(1, false), ka(200, true), ka(620, true), ka(1460, true)], DEFAULT_SETTINGS);
  const d = rules(r.findings, 'arp.duplicate-reply');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.evidence.hostMac, '00:0c:29:90:10:cf');
  assert.equal(d[0]!.evidence.framesToWrongMac, 4);
  assert.equal(d[0]!.evidence.retransmissions, 3);
  assert.match(d[0]!.message, /2 MACs answered ARP for 10\.10\.10\.202.*VMware MAC.*proxy ARP suspected.*first answer came from f4:0f:1b:1e:26:a9/);
  // one MAC answering twice is not a duplicate
  assert.equal(rules(runRules([arp(0, 'aa:bb:cc:dd:ee:ff'), arp(10, 'aa:bb:cc:dd:ee:ff')], DEFAULT_SETTINGS).findings, 'arp.duplicate-reply').length, 0);
});

test('streaming (no records kept): quiet flows are closed early and judged the same; memory follows the live flows', () => {
  // 30 phones refreshing every 115 s after their 200 OK, for ~5 h; phone 7 goes silent after 10 refreshes
  const ms: NetMessage[] = [];
  for (let k = 0; k < 150; k++) {
    for (let p = 0; p < 30; p++) {
      if (p === 7 && k >= 10) continue;
      const t = k * 115_020 + p * 1000;
      const ip = `10.0.1.${p + 1}`;
      const sipMsg = (time: number, src: string, dst: string, sip: SipInfo): NetMessage => ({ ...msg('sip', time, src, dst, { sip }), transport: 'tcp' });
      ms.push(sipMsg(t, ip, CUCM, { method: 'REGISTER', callId: `c${p}`, cseq: k + 1, cseqMethod: 'REGISTER', expires: 3600, aor: `sip:${1000 + p}@x` }));
      ms.push(sipMsg(t + 20, CUCM, ip, { status: 200, reasonPhrase: 'OK', callId: `c${p}`, cseq: k + 1, cseqMethod: 'REGISTER', expires: 120, aor: `sip:${1000 + p}@x` }));
    }
  }
  ms.sort((a, b) => a.time - b.time);
  const kept = runRules(ms, DEFAULT_SETTINGS);
  const streamed = new RuleRunner(DEFAULT_SETTINGS, false);
  for (const m of ms) streamed.push(m);
  const sf = streamed.finish();
  const key = (f: Finding): string => `${f.rule}@${f.time}`;
  assert.deepEqual(sf.map(key).sort(), kept.findings.map(key).sort());
  assert.deepEqual(kept.findings.map((f) => f.rule), ['sip.register.expired']);
  assert.match(sf[0]!.message, /the phone sent nothing more to it/);
  assert.ok(streamed.flows().every((f) => f.keepalives.length === 0), 'no records while streaming');
  assert.ok(streamed.flows().length < 30, 'the silent phone was forgotten');
});
