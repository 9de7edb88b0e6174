// The ladder model, its layout, filters and exports (SVG, Mermaid), and `cucm-lens ladder` on the bundled examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { buildLadder } from '../../server/src/ladder/build';
import { filterArrows, sanitiseFilter } from '../../server/src/ladder/filter';
import { DEFAULT_LAYOUT, layoutLadder, relativeText, yOfTime } from '../../server/src/ladder/layout';
import { renderSvg, xmlEscape } from '../../server/src/ladder/svg';
import { mermaidText, renderMermaid } from '../../server/src/ladder/mermaid';
import { validLadderModel } from '../../server/src/ladder/validate';
import type { LadderModel } from '../../server/src/ladder/model';
import type { NetMessage, SipInfo } from '../../server/src/model';
import { runRules } from '../../server/src/analysis';
import { CLI, EXAMPLES, ROOT, tempDir } from '../helpers/paths';
import { XSS, XSS_SCRIPT, xssCapture, xssTexts } from '../helpers/xss';

async function ladderOf(...files: string[]): Promise<LadderModel> {
  const r = await analyzePaths(files, DEFAULT_SETTINGS, { keepMessages: true });
  return buildLadder(r, { sources: r.sources.map((s) => ({ name: path.basename(s.file), uri: s.file })) });
}

const PROXY_ARP = path.join(EXAMPLES, 'case1.2-proxy-arp', 'phone-capture.txt');
const LOSSY = path.join(ROOT, 'test', 'fixtures', 'captures', 'sip-tcp-lossy-cucm.pcap');

test('proxy ARP export: columns for the phone, the CUCM, the broadcast and each ARP responder by MAC', async () => {
  const m = await ladderOf(PROXY_ARP);
  assert.ok(validLadderModel(m));
  assert.deepEqual(m.participants.map((p) => `${p.label}|${p.kind}`), [
    '10.10.10.130|phone', 'CUCM 10.10.10.202|cucm', 'Broadcast|broadcast', 'f4:0f:1b:1e:26:a9|mac', '00:0c:29:90:10:cf|mac',
  ]);
  assert.equal(m.arrows.length, 29);
  const phone = 0, cucm = 1;
  const replies = m.arrows.filter((a) => a.proto === 'arp' && / is at /.test(a.label));
  assert.deepEqual(replies.map((a) => a.label), ['ARP 10.10.10.202 is at f4:0f:1b:1e:26:a9', 'ARP 10.10.10.202 is at 00:0c:29:90:10:cf']);
  for (const a of replies) assert.equal(a.to, phone, 'the replies go to the phone that asked');
  assert.ok(replies.every((a) => a.rules.includes('arp.duplicate-reply') || a.sev === -1));
  // the unanswered KeepAlive and its three retransmissions, numbered
  const ka = m.arrows.filter((a) => a.proto === 'sccp' && a.from === phone && a.to === cucm && /KeepAlive$/.test(a.label));
  assert.deepEqual(ka.slice(-4).map((a) => a.retrans), [0, 1, 2, 3]);
  assert.ok(ka[ka.length - 4]!.unanswered, 'the KeepAlive that got no KeepAliveAck is marked');
  assert.ok(ka.slice(0, -4).every((a) => !a.unanswered && a.retrans === 0));
  // SCCP arrows belong to the phone's flow
  assert.ok(m.arrows.filter((a) => a.proto === 'sccp').every((a) => a.flow >= 0));
  // the packet the export shows from 10.10.10.130 to itself is a loop on its column
  assert.ok(m.arrows.some((a) => a.from === a.to && a.proto === 'tcp'));
});

test('captures: one arrow per kept message, retransmissions numbered per original frame, Wireshark-style labels', async () => {
  const m = await ladderOf(LOSSY);
  const r = await analyzePaths([LOSSY], DEFAULT_SETTINGS, { keepMessages: true });
  assert.equal(m.arrows.length, r.messages.length);
  const retransFindings = r.findings.filter((f) => /^tcp\.(fast-|spurious-)?retransmission$/.test(f.rule)).length;
  // one finding per retransmitted frame; a frame can carry several SIP messages, each an arrow
  assert.equal(new Set(m.arrows.filter((a) => a.retrans > 0).map((a) => a.frame)).size, retransFindings);
  for (const f of r.findings.filter((x) => /retransmission$/.test(x.rule))) {
    assert.ok(m.arrows.filter((a) => a.frame === f.loc.frame).every((a) => a.retrans > 0 && a.rules.includes(f.rule)));
  }
  assert.ok(m.arrows.some((a) => a.retrans === 2), 'a segment sent three times has a second retransmission');
  const labels = new Set(m.arrows.map((a) => a.label.replace(/ Len=\d+$/, '')));
  for (const l of ['REGISTER', '200 OK', '[SYN]', '[SYN, ACK]', 'ARP 10.106.114.20 is at 00:50:56:8a:14:14']) assert.ok(labels.has(l), `label ${l}`);
  assert.ok([...labels].some((l) => l.startsWith('[TCP Retransmission] ')));
  // phones are named by their device names, the registrar is the CUCM
  assert.ok(m.participants.some((p) => p.kind === 'cucm' && p.label === 'CUCM 10.106.114.20'));
  assert.ok(m.participants.filter((p) => p.kind === 'phone').every((p) => /^SEP[0-9A-F]{12}$/.test(p.label)));
  // arrows in time order
  for (let i = 1; i < m.arrows.length; i++) assert.ok(m.arrows[i]!.t! >= m.arrows[i - 1]!.t!);
});

test('bands: keepalive gaps from late refreshes, unregistrations from alarms until the device registers again', async () => {
  const m = await ladderOf(path.join(EXAMPLES, 'case2-port-security'));
  const gaps = m.bands.filter((b) => b.kind === 'gap');
  assert.ok(gaps.length >= 1);
  for (const g of gaps) {
    assert.match(g.label, /since the last 200 OK \(expected/);
    assert.ok(g.to - g.from > 100_000, 'a late refresh gap is the whole interval');
    assert.equal(g.rule, 'sip.register.late');
  }
  const unreg = m.bands.filter((b) => b.kind === 'unregistered');
  assert.ok(unreg.some((b) => /SEP0024142DDF24 unregistered \(Reason 13 KeepAliveTimeout\) for \d/.test(b.label)));
  // an unregistration with no re-registration after it says so, instead of a duration
  const seed = await ladderOf(path.join(EXAMPLES, 'seed-200410', 'cucm-syslog.txt'));
  assert.equal(seed.bands.length, 1);
  assert.match(seed.bands[0]!.label, /^SEPE0D1730A8137 unregistered \(Reason 13 KeepAliveTimeout\); no re-registration seen$/);
  assert.equal(seed.arrows[0]!.from, seed.arrows[0]!.to, 'an alarm is a note on the device column');
  assert.match(seed.arrows[0]!.label, /^EndPointUnregistered \(13 KeepAliveTimeout\)$/);
});

test('deadline line: an expired registration draws the CUCM deadline at its time', () => {
  // a phone refreshed 115 s after its 200 OK (Expires 120), then came back only after 10 minutes
  const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
  let line = 0, cseq = 0;
  const sip = (t: number, up: boolean, info: Partial<SipInfo>): NetMessage => ({
    kind: 'sip', loc: { source: 0, line: ++line, frame: null }, time: T0 + t, dated: true, src: up ? '10.1.1.5' : '10.1.1.1',
    dst: up ? '10.1.1.1' : '10.1.1.5', srcPort: 5060, dstPort: 5060, transport: 'udp', label: up ? 'Request: REGISTER' : 'Status: 200 OK',
    sip: { callId: 'c@p', cseqMethod: 'REGISTER', aor: 'sip:1001@10.1.1.1', ...info },
  });
  const messages: NetMessage[] = [];
  for (const t of [0, 115_010, 700_000]) {
    messages.push(sip(t, true, { method: 'REGISTER', cseq: ++cseq, expires: 3600, device: 'SEP001122334455' }));
    messages.push(sip(t + 10, false, { status: 200, reasonPhrase: 'OK', cseq, expires: 120 }));
  }
  const { findings, flows } = runRules(messages, DEFAULT_SETTINGS);
  const expired = findings.filter((f) => f.rule === 'sip.register.expired');
  assert.equal(expired.length, 1, JSON.stringify(findings.map((f) => f.rule)));
  const m = buildLadder({ sources: [{ file: 'x.txt', format: 'capture-export', messages: messages.length, problems: [] }], messages, findings, flows }, { sources: [{ name: 'x.txt', uri: 'x.txt' }] });
  const deadlines = m.bands.filter((b) => b.kind === 'deadline');
  assert.equal(deadlines.length, 1);
  assert.equal(deadlines[0]!.from, T0 + 115_020 + (120 + DEFAULT_SETTINGS.sip.deadlineGrace) * 1000);
  assert.deepEqual(deadlines[0]!.cols.map((c) => m.participants[c]!.label).sort(), ['CUCM 10.1.1.1', 'SEP001122334455']);
  // the line falls between the last good 200 OK and the late REGISTER
  const l = layoutLadder(m, Int32Array.from(m.arrows.keys()));
  const y = yOfTime(l, deadlines[0]!.from);
  assert.ok(y > l.rowTop[l.rowOfArrow[3]!]! && y < l.rowTop[l.rowOfArrow[4]!]!, `${y}`);
  const svg = renderSvg(m);
  assert.match(svg, /class="deadline"/);
  assert.match(svg, /registration expires \(120 s granted\)/);
  assert.match(renderMermaid(m), /Note over P\d,P\d: registration expires \(120 s granted\) at 2026-11-23 12:04:\d\d/);
});

test('layout: compressed idle stretches, rows in order, times placed between rows', async () => {
  const m = await ladderOf(PROXY_ARP);
  const l = layoutLadder(m, Int32Array.from(m.arrows.keys()));
  const idle = [...l.rowArrow].filter((i) => i < 0).length;
  assert.equal(idle, 5, 'five 30 s keepalive intervals are idle separators');
  for (let r = 0; r < l.rowArrow.length; r++) if (l.rowArrow[r]! < 0) assert.ok(Math.abs(l.rowDelta[r]! - 30_000) < 50);
  assert.equal(l.bodyHeight, 29 * DEFAULT_LAYOUT.rowH + 5 * DEFAULT_LAYOUT.idleH);
  for (let r = 1; r < l.rowTop.length; r++) assert.ok(l.rowTop[r]! > l.rowTop[r - 1]!);
  assert.equal(yOfTime(l, m.arrows[0]!.t!), 0);
  assert.equal(relativeText(150_419), '+2:30.419');
  assert.equal(relativeText(12_345), '+12.345 s');
  assert.equal(relativeText(3_750_000), '+1:02:30.000');
  assert.equal(relativeText(2 * 86_400_000 + 3_750_000), '+2 d 1:02:30.000');
});

test('filters: device, flow, protocol, rule, time range and search; untrusted filter input is cleaned', async () => {
  const m = await ladderOf(PROXY_ARP);
  const all = m.arrows.length;
  assert.equal(filterArrows(m, {}).length, all);
  const arp = filterArrows(m, { protocols: ['arp'] });
  assert.equal(arp.length, 3);
  const mac = m.participants.findIndex((p) => p.label === 'f4:0f:1b:1e:26:a9');
  assert.deepEqual([...filterArrows(m, { participants: [mac] })].map((i) => m.arrows[i]!.label), ['ARP 10.10.10.202 is at f4:0f:1b:1e:26:a9']);
  const withFindings = filterArrows(m, { rules: ['*'] });
  assert.ok(withFindings.length > 0 && withFindings.length < all);
  assert.ok([...filterArrows(m, { rules: ['tcp.retransmission'] })].every((i) => m.arrows[i]!.rules.includes('tcp.retransmission')));
  const flow = m.arrows.find((a) => a.flow >= 0)!.flow;
  assert.ok([...filterArrows(m, { flows: [flow] })].every((i) => m.arrows[i]!.flow === flow));
  const t0 = m.arrows[0]!.t!;
  assert.equal(filterArrows(m, { from: t0 + 150_000 }).length, m.arrows.filter((a) => a.t! >= t0 + 150_000).length);
  assert.equal(filterArrows(m, { to: t0 + 1 }).length, 3);
  assert.equal(filterArrows(m, { search: 'KEEPALIVEACK' }).length, 5);
  assert.equal(filterArrows(m, { search: 'vmware' }).length, 1, 'the export names the sender vmware_90:10:cf');
  assert.equal(filterArrows(m, { search: '00:0c:29' }).length, 1);
  const clean = sanitiseFilter({ participants: [0, 99, 'x', -5], protocols: ['sip', 'evil'], rules: [1, 'tcp.reset'], from: 'now', search: 5 }, m);
  assert.deepEqual(clean, { participants: [0], flows: [], protocols: ['sip'], rules: ['tcp.reset'], from: null, to: null, search: '', seenAt: [], notSeenAt: [] });
});

test('validation refuses malformed models (indexes out of range, wrong types)', async () => {
  const m = await ladderOf(PROXY_ARP);
  const copy = (): Record<string, unknown> => JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
  assert.ok(validLadderModel(copy()));
  const bad1 = copy();
  (bad1['arrows'] as { from: number }[])[0]!.from = 99;
  assert.ok(!validLadderModel(bad1));
  const bad2 = copy();
  (bad2['arrows'] as { label: unknown }[])[0]!.label = { toString: 1 };
  assert.ok(!validLadderModel(bad2));
  const bad3 = copy();
  bad3['version'] = 2;
  assert.ok(!validLadderModel(bad3));
  assert.ok(!validLadderModel(null) && !validLadderModel('x') && !validLadderModel({}));
});

test('hostile text stays text: SVG escapes it, Mermaid neutralises it', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'xss.pcap');
  xssCapture(file);
  const { exportFile, syslogFile } = xssTexts(dir);
  const m = await ladderOf(file, exportFile, syslogFile);
  assert.ok(m.participants.some((p) => p.label === XSS), 'an export\'s Source column is carried as it was written');
  assert.ok(m.arrows.some((a) => a.label.includes(XSS_SCRIPT)), 'a SIP reason phrase too');
  assert.ok(m.arrows.some((a) => a.proto === 'alarm' && a.detail.includes(XSS)), 'and an alarm\'s device name');
  const svg = renderSvg(m);
  assert.ok(!svg.includes('<img') && !svg.includes('<script>'), 'no markup from the capture');
  assert.ok(svg.includes('&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;'.slice(0, 20)));
  assert.ok(svg.includes('&lt;script&gt;'));
  assert.equal(xmlEscape('a\u0001b<"\'>&'), 'ab&lt;&quot;&apos;&gt;&amp;');
  const mmd = renderMermaid(m);
  assert.ok(!/[<>]/.test(mmd.replace(/^ {4}P\d+(->>|-->>|-x)P\d+: /gm, '')), 'no angle brackets from the inputs reach Mermaid');
  assert.ok(mmd.includes('#lt;img src=x onerror=#quot;window.__xss=1#quot;#gt;'));
  assert.equal(mermaidText('a;b#c<d>e%%f\ng'), 'a#59;b#35;c#lt;d#gt;e#37;#37;f g');
});

test('Mermaid: participants, solid and dotted arrows, crosses, notes for alarms, gaps and idle time', async () => {
  const m = await ladderOf(PROXY_ARP);
  const mmd = renderMermaid(m);
  const lines = mmd.trim().split('\n');
  assert.equal(lines[0], 'sequenceDiagram');
  assert.equal(lines.filter((l) => /^ {4}participant P\d+ as /.test(l)).length, 5);
  assert.equal(lines.filter((l) => /^ {4}P\d+(->>|-->>|-x)P\d+: /.test(l)).length, 29);
  assert.equal(lines.filter((l) => /-->>/.test(l)).length, 3, 'three retransmissions, dotted');
  assert.equal(lines.filter((l) => /Note over P0,P4: 30\.0 s idle/.test(l)).length, 5);
  const seed = renderMermaid(await ladderOf(path.join(EXAMPLES, 'seed-200410', 'cucm-syslog.txt')));
  assert.match(seed, /Note over P0: \S+ EndPointUnregistered \(13 KeepAliveTimeout\)/);
  assert.match(seed, /Note over P0: SEPE0D1730A8137 unregistered/);
});

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('cucm-lens ladder: --svg, --mermaid and --json files, filters, SVG on stdout by default, clear errors', () => {
  const dir = tempDir();
  const svg = path.join(dir, 'out.svg'), mmd = path.join(dir, 'out.mmd'), json = path.join(dir, 'out.json');
  const r = cli(['ladder', '--svg', svg, '--mermaid', mmd, '--json', json, PROXY_ARP]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^ladder: 29 of 29 messages, 5 participants\n$/);
  const text = fs.readFileSync(svg, 'utf8');
  assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((text.match(/<g class="row /g) ?? []).length, 29);
  assert.match(fs.readFileSync(mmd, 'utf8'), /^sequenceDiagram\n/);
  assert.ok(validLadderModel(JSON.parse(fs.readFileSync(json, 'utf8'))));
  const only = cli(['ladder', '--protocol', 'arp', '--device', 'f4:0f', PROXY_ARP]);
  assert.equal(only.code, 0, only.err);
  assert.equal((only.out.match(/<g class="row /g) ?? []).length, 1);
  assert.match(only.out, /ARP 10\.10\.10\.202 is at f4:0f:1b:1e:26:a9/);
  const timed = cli(['ladder', '--from', '1970-01-01T18:07:34', '--to', '1970-01-01T18:07:35Z', '--rule', '*', PROXY_ARP]);
  assert.equal(timed.code, 0, timed.err);
  assert.ok((timed.out.match(/<g class="row /g) ?? []).length >= 2);
  assert.equal(cli(['ladder', '--protocol', 'smtp', PROXY_ARP]).code, 2);
  const none = cli(['ladder', '--device', 'SEPNOTHERE', PROXY_ARP]);
  assert.equal(none.code, 2);
  assert.match(none.err, /no participant matches --device SEPNOTHERE/);
  assert.equal(cli(['ladder', '--from', 'yesterday', PROXY_ARP]).code, 2);
  assert.equal(cli(['ladder', '--svg']).code, 2);
});
