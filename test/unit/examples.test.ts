// The seed's cases as `npm run demo` shows them: the findings a TAC engineer would write in the case notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { EXAMPLES } from '../helpers/paths';

async function findings(rel: string) {
  const r = await analyzePaths([path.join(EXAMPLES, rel)], DEFAULT_SETTINGS);
  return { r, by: (rule: string) => r.findings.filter((f) => f.rule === rule) };
}

test('case 2 (port-security aging), phone side: growing retransmission delays and the projected unregistration', async () => {
  const { r, by } = await findings('case2-port-security/phone-capture.txt');
  const flow = r.flows.find((f) => f.protocol === 'sip')!;
  assert.equal(flow.expires, 120, 'the 200 OK grants 120 s although the phone asked 3600');
  assert.ok(Math.abs(flow.expectedIntervalMs - 115_000) < 500, `refresh every ~115 s (${flow.expectedIntervalMs})`);
  const b = by('keepalive.backoff');
  assert.equal(b.length, 1);
  assert.match(b[0]!.message, /0\.1 s, 0\.21 s, 0\.42 s, 0\.84 s, 1\.68 s, 3\.38 s, 6\.73 s, 13\.5 s \(×2\.0/);
  assert.match(b[0]!.message, /next delays are 26\.9 s/);
  assert.ok(Math.abs((b[0]!.evidence.allowedMs as number) - 15_000) < 100, 'Expires 120 + 10 s grace − the 115 s refresh');
  assert.match(b[0]!.message, /1[56] min \d+ s after the first delayed keepalive/);
  assert.equal(by('keepalive.first-packet-lost').length, 1);
  assert.match(by('keepalive.first-packet-lost')[0]!.message, /8 of 8 keepalives.*Suspected/);
  assert.equal(by('sip.register.expired').length, 0, 'the last refresh still got through in time');
});

test('case 2, CUCM side: only the retransmissions arrive, later and later, up to 1.5 s before the deadline', async () => {
  const { by } = await findings('case2-port-security/cucm-capture.txt');
  const late = by('sip.register.late');
  assert.ok(late.length >= 2);
  assert.match(late[late.length - 1]!.message, /12\.2 s late.*1\.52 s before the deadline/);
});

test('the seed ticket tables: the REGISTER answered after 9 s', async () => {
  const { by } = await findings('seed-ticket/wireshark-tables.txt');
  assert.match(by('sip.register.slow-response')[0]!.message, /answered 9\.0 s after/);
});

test('case 1.2 (proxy ARP): two ARP answers, the KeepAlive to the wrong MAC, three retransmissions, then SYN and RST', async () => {
  const { by } = await findings('case1.2-proxy-arp/phone-capture.txt');
  const arp = by('arp.duplicate-reply');
  assert.equal(arp.length, 1);
  assert.equal(arp[0]!.evidence.hostMac, '00:0c:29:90:10:cf');
  assert.equal(arp[0]!.evidence.framesToWrongMac, 4);
  assert.equal(arp[0]!.evidence.retransmissions, 3);
  assert.equal(by('tcp.retransmission').length, 3);
  assert.equal(by('sccp.keepalive.ack-missing').length, 1);
  assert.match(by('sccp.keepalive.ack-missing')[0]!.message, /sent 4 times.*\[SYN\]/);
  assert.ok(by('tcp.reset').length >= 1);
  assert.equal(by('sccp.failover').length, 0, 'the phone gave up after 2.4 s, not after 3 intervals');
});

test('case 2 as one case: the phone export put on the CUCM clock (IST and 2.4 s behind), the alarm linked to both exports', async () => {
  const dir = path.join(EXAMPLES, 'case2-port-security');
  const r = await analyzePaths([dir], DEFAULT_SETTINGS);
  const idx = (name: string) => r.sources.findIndex((s) => s.file.endsWith(name));
  const phone = r.clock![idx('phone-capture.txt')]!;
  assert.equal(phone.basis, 'sip', 'aligned by the SIP messages both exports show');
  assert.equal(phone.via, idx('cucm-capture.txt'));
  // the phone export has times of day in India Standard Time from a PC whose clock ran 2.417318 s behind
  // (scripts/make-examples.mjs): on the CUCM's UTC clock that is −5:30 h + 2.417 s, modulo the day
  const day = 86_400_000;
  const tod = ((phone.offsetMs % day) + day) % day;
  const truth = day - 330 * 60_000 + 2417.318;
  assert.ok(Math.abs(tod - truth) < 20, `time-of-day part of the offset ${tod} vs ${truth}`);
  const alarm = r.findings.find((f) => f.rule === 'alarm.endpoint-unregistered' && f.loc.source === idx('cucm-syslog.txt') && f.loc.line === 1)!;
  assert.match(alarm.message, /Evidence: last REGISTER 2015-07-15 \S+ in cucm-capture\.txt, 200 OK after \d+ ms, .*; last REGISTER \d\d:\d\d:\d\d\.\d{3} in phone-capture\.txt, 1 retransmission, 200 OK after 13\.5 s/);
});
