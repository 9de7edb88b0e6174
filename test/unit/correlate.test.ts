// Two captures of one path (phone side and registrar side, real traffic from scripts/captures/ with nftables random
// drops in between): every copy one side sent that the other never saw is reported once, and nothing else. The
// expected lists (NAME.lost.json) were computed from tshark's fields alone by scripts/captures/lost-between.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { buildLadder } from '../../server/src/ladder/build';
import { ROOT, tempDir } from '../helpers/paths';

const DIR = path.join(ROOT, 'test', 'fixtures', 'captures');

interface Lost {
  lost: { file: string; frame: number; key: string }[];
}

async function correlate(phone: string, cucm: string) {
  const r = await analyzePaths([phone, cucm], DEFAULT_SETTINGS, { keepMessages: true });
  const names = r.sources.map((s) => path.basename(s.file));
  const sent = r.findings.filter((f) => f.rule === 'capture.not-received' && /^Sent but never received/.test(f.message));
  const arrived = r.findings.filter((f) => f.rule === 'capture.not-received' && /^Never arrived here/.test(f.message));
  const summary = r.findings.filter((f) => f.rule === 'capture.correlated');
  return { r, names, sent, arrived, summary };
}

/** A copy of a classic pcap with every timestamp moved by `ms` (another machine's clock). */
function shifted(file: string, ms: number, out: string): string {
  const b = Buffer.from(fs.readFileSync(file));
  let o = 24;
  while (o + 16 <= b.length) {
    const us = b.readUInt32LE(o) * 1e6 + b.readUInt32LE(o + 4) + ms * 1000;
    b.writeUInt32LE(Math.floor(us / 1e6), o);
    b.writeUInt32LE(Math.round(us % 1e6), o + 4);
    o += 16 + b.readUInt32LE(o + 8);
  }
  fs.writeFileSync(out, b);
  return out;
}

for (const name of ['sip-tcp-lossy', 'sip-udp-lossy', 'sip-tcp-blackhole', 'sip-tcp-baresip']) {
  test(`${name}: each copy lost between the phone and the registrar is reported once, at the sender, and nothing else`, async () => {
    const expected = (JSON.parse(fs.readFileSync(path.join(DIR, `${name}.lost.json`), 'utf8')) as Lost).lost;
    assert.ok(expected.length > 0, 'the fixture has losses');
    const { names, sent, arrived, summary } = await correlate(path.join(DIR, `${name}-phone.pcap`), path.join(DIR, `${name}-cucm.pcap`));
    const ours = sent.map((f) => `${names[f.loc.source]}#${f.loc.frame}`).sort();
    assert.deepEqual(ours, expected.map((x) => `${x.file}#${x.frame}`).sort());
    // the receiver's file says so too, at the next copy of that direction that arrived, pointing back at the sender
    assert.ok(arrived.length <= sent.length, 'at most one note per lost copy (none when nothing came after it)');
    if (name !== 'sip-tcp-blackhole') assert.ok(arrived.length > 0);
    for (const f of arrived) {
      assert.equal(f.related.length, 1);
      assert.notEqual(f.related[0]!.loc.source, f.loc.source);
      assert.ok(sent.some((s) => s.loc.source === f.related[0]!.loc.source && s.loc.frame === f.related[0]!.loc.frame), 'points at a reported copy');
    }
    // one summary per file: same clock (one machine), sub-millisecond transit, the count
    assert.equal(summary.length, 2);
    for (const s of summary) {
      assert.ok(Math.abs(s.evidence['offsetMs'] as number) < 1, String(s.evidence['offsetMs']));
      assert.equal(s.evidence['notReceived'], expected.length);
      assert.ok((s.evidence["matched"] as number) >= 10);
    }
  });
}

test('another clock: the offset is estimated from the matches, and the same copies are reported', async () => {
  const dir = tempDir();
  const cucm = shifted(path.join(DIR, 'sip-tcp-lossy-cucm.pcap'), 2_500.25, path.join(dir, 'sip-tcp-lossy-cucm.pcap'));
  const { names, sent, summary } = await correlate(path.join(DIR, 'sip-tcp-lossy-phone.pcap'), cucm);
  const expected = (JSON.parse(fs.readFileSync(path.join(DIR, 'sip-tcp-lossy.lost.json'), 'utf8')) as Lost).lost;
  assert.deepEqual(sent.map((f) => `${names[f.loc.source]}#${f.loc.frame}`).sort(), expected.map((x) => `${x.file}#${x.frame}`).sort());
  const phoneSummary = summary.find((s) => names[s.loc.source] === 'sip-tcp-lossy-phone.pcap')!;
  assert.ok(Math.abs((phoneSummary.evidence['offsetMs'] as number) - 2500.25) < 1, String(phoneSummary.evidence['offsetMs']));
  assert.match(phoneSummary.message, /its clock is \+2\.50\d s from this one's/);
});

test('captures that share no traffic are not correlated; a single capture is not either', async () => {
  const a = await analyzePaths([path.join(DIR, 'sip-tcp-clean.pcap'), path.join(DIR, 'sip-tcp-lossy-cucm.pcap')], DEFAULT_SETTINGS, { keepMessages: false });
  assert.equal(a.findings.filter((f) => f.rule.startsWith('capture.')).length, 0);
  const one = await analyzePaths([path.join(DIR, 'sip-tcp-lossy-phone.pcap')], DEFAULT_SETTINGS, { keepMessages: false });
  assert.equal(one.findings.filter((f) => f.rule.startsWith('capture.')).length, 0);
});

test('the ladder of both captures crosses the messages that never arrived', async () => {
  const { r, sent } = await correlate(path.join(DIR, 'sip-udp-lossy-phone.pcap'), path.join(DIR, 'sip-udp-lossy-cucm.pcap'));
  const m = buildLadder(r, { sources: r.sources.map((s) => ({ name: path.basename(s.file), uri: s.file })) });
  const lost = m.arrows.filter((a) => a.lost);
  assert.equal(lost.length, sent.length, 'every lost SIP message is a crossed arrow');
  for (const a of lost) assert.ok(sent.some((f) => f.loc.source === a.src && f.loc.frame === a.frame));
});
