// A synthetic ladder for the virtualisation tests and the bench: `n` messages of SIP phones registering to two
// CUCMs over UDP (REGISTER / 200 OK every 115 s per phone, some resends and late refreshes), analysed by the real
// rules and built by the real model builder.
import type { NetMessage, SipInfo } from '../../server/src/model';
import { runRules } from '../../server/src/analysis';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { buildLadder } from '../../server/src/ladder/build';
import type { LadderModel } from '../../server/src/ladder/model';

export function syntheticMessages(n: number, phones = Math.max(2, Math.min(400, Math.ceil(n / 250)))): NetMessage[] {
  const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
  const out: NetMessage[] = [];
  const next = new Float64Array(phones);
  const cseq = new Int32Array(phones);
  for (let p = 0; p < phones; p++) next[p] = (p * 997) % 115_000;
  let line = 0;
  const ip = (p: number): string => `10.20.${(p >> 8) & 255}.${(p & 255) + 1}`;
  const dev = (p: number): string => `SEP0011220${(0x10000 + p).toString(16).toUpperCase().slice(1)}`;
  const msg = (t: number, p: number, up: boolean, sip: SipInfo, label: string): NetMessage => ({
    kind: 'sip', loc: { source: 0, line: ++line, frame: line }, time: t, dated: true,
    src: up ? ip(p) : `10.20.255.${1 + (p % 2)}`, dst: up ? `10.20.255.${1 + (p % 2)}` : ip(p), srcPort: 5060, dstPort: 5060,
    transport: 'udp', label, sip,
  });
  while (out.length < n) {
    // the phone due next
    let p = 0;
    for (let q = 1; q < phones; q++) if (next[q]! < next[p]!) p = q;
    const t = T0 + next[p]!;
    const c = ++cseq[p]!;
    const base = { callId: `reg-${p}@${ip(p)}`, cseq: c, cseqMethod: 'REGISTER', aor: `sip:${1000 + p}@10.20.255.1` };
    out.push(msg(t, p, true, { ...base, method: 'REGISTER', expires: 3600, device: dev(p) }, `Request: REGISTER sip:10.20.255.${1 + (p % 2)}  (1 binding)`));
    let answerAt = t + 3 + (c % 7);
    if (c % 13 === 0 && out.length < n) {
      // lost once: SIP resends after 500 ms (Timer E)
      out.push(msg(t + 500, p, true, { ...base, method: 'REGISTER', expires: 3600, device: dev(p) }, `Request: REGISTER sip:10.20.255.${1 + (p % 2)}  (1 binding)`));
      answerAt = t + 505;
    }
    if (out.length < n) out.push(msg(answerAt, p, false, { ...base, status: 200, reasonPhrase: 'OK', expires: 120, bindings: 1 }, 'Status: 200 OK (REGISTER)  (1 binding)'));
    next[p] = answerAt - T0 + (c % 17 === 0 ? 125_000 : 115_000);
  }
  return out;
}

export function syntheticLadder(n: number, phones?: number): LadderModel {
  const messages = syntheticMessages(n, phones);
  messages.sort((a, b) => a.time - b.time);
  const { findings, flows } = runRules(messages, DEFAULT_SETTINGS);
  return buildLadder({ sources: [{ file: 'synthetic.pcap', format: 'pcap', messages: messages.length, problems: [] }], messages, findings, flows },
    { sources: [{ name: 'synthetic.pcap', uri: 'file:///synthetic.pcap' }] });
}
