#!/usr/bin/env node
// Ground truth for correlating two captures of one path, computed with tshark alone (not with CUCM Lens's decoder):
// every TCP segment with data or SYN/FIN (by addresses, ports, raw seq, len) and every SIP message over UDP (by
// addresses, ports, Call-ID, CSeq, method or status) that the sender-side capture shows more often than the other
// capture, within the time both captured. Copies of one key (resends) are paired by time: each received copy with the
// sent copy nearest to it (the namespaces share one clock); the sent copies left over were lost. Sender side of a direction: the registrar's capture for what the registrar
// (NAME.meta.json "registrar") sends, the phone capture for the rest. Writes NAME.lost.json beside the captures:
//   node scripts/captures/lost-between.mjs test/fixtures/captures/sip-tcp-lossy-phone.pcap test/fixtures/captures/sip-tcp-lossy-cucm.pcap
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [phone, cucm] = process.argv.slice(2);
if (!phone || !cucm) {
  console.error('usage: lost-between.mjs PHONE.pcap CUCM.pcap');
  process.exit(2);
}
const FIELDS = ['frame.number', 'frame.time_epoch', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.len', 'tcp.flags.syn',
  'tcp.flags.fin', 'udp.srcport', 'udp.dstport', 'sip.Call-ID', 'sip.CSeq.seq', 'sip.Method', 'sip.Status-Code'];

function entries(file) {
  const r = spawnSync('tshark', ['-r', file, '-o', 'tcp.desegment_tcp_streams:FALSE', '-T', 'fields', '-E', 'separator=\t', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = [];
  for (const line of r.stdout.trim().split('\n')) {
    const [frame, t, src, dst, tsp, tdp, seq, len, syn, fin, usp, udp, callId, cseq, method, status] = line.split('\t');
    if (!src) continue;
    if (tsp) {
      const flags = (syn === '1' || syn === 'True' ? 2 : 0) | (fin === '1' || fin === 'True' ? 1 : 0);
      if (Number(len) === 0 && flags === 0) continue;
      out.push({ frame: Number(frame), t: Number(t), dir: `${src}:${tsp}>${dst}:${tdp}`, key: `${src}:${tsp}>${dst}:${tdp}|${seq}|${len}|${flags}` });
    } else if (usp && callId) {
      out.push({ frame: Number(frame), t: Number(t), dir: `${src}:${usp}>${dst}:${udp}`, key: `u|${src}:${usp}>${dst}:${udp}|${callId}|${cseq}|${method || status}` });
    }
  }
  return out;
}

const a = entries(phone), b = entries(cucm);
const span = (xs) => [Math.min(...xs.map((x) => x.t)), Math.max(...xs.map((x) => x.t))];
const [a0, a1] = span(a), [b0, b1] = span(b);
const from = Math.max(a0, b0), to = Math.min(a1, b1) - 1; // both captured; 1 s margin at the end (copies in flight)
const name = basename(phone).replace(/-phone\.pcap$/, '');
const registrar = JSON.parse(readFileSync(join(dirname(phone), `${name}.meta.json`), 'utf8')).registrar;
const result = [];
for (const [sender, receiver, file] of [[a, b, basename(phone)], [b, a, basename(cucm)]]) {
  const senderIsPhone = sender === a;
  const byKey = new Map();
  for (const x of sender) {
    // this capture is the sender side for directions leaving its own end
    if ((x.dir.split(':')[0] === registrar) === senderIsPhone) continue;
    if (!byKey.has(x.key)) byKey.set(x.key, []);
    byKey.get(x.key).push(x);
  }
  const received = new Map();
  for (const y of receiver) {
    if (!received.has(y.key)) received.set(y.key, []);
    received.get(y.key).push(y);
  }
  for (const [key, sent] of byKey) {
    const left = new Set(sent);
    for (const y of received.get(key) ?? []) {
      let best = null;
      for (const x of left) if (!best || Math.abs(x.t - y.t) < Math.abs(best.t - y.t)) best = x;
      if (best) left.delete(best);
    }
    for (const x of left) if (x.t >= from && x.t <= to) result.push({ file, frame: x.frame, key });
  }
}
result.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.frame - y.frame));
const outFile = join(dirname(phone), `${name}.lost.json`);
writeFileSync(outFile, JSON.stringify({ made: 'scripts/captures/lost-between.mjs (tshark fields only)', phone: basename(phone), cucm: basename(cucm), lost: result }, null, 2) + '\n');
console.log(`${outFile}: ${result.length} copies sent but not received`);
