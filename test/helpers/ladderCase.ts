// A hand-made case for the merged ladder: a capture at the phone (source 0), one at the CUCM (source 1) and the
// CUCM's SDL trace (source 2), each on its own clock, with the clock offsets and the copy matches the engine would
// give. Times are written on the case clock (T0 + ms) and put back on each source's clock.
//
// What happens (case clock):
//   +0        REGISTER (CSeq 1) leaves the phone; the CUCM capture sees it 12.4 ms later, the trace at +13
//   +20       200 OK: traced first (the CUCM writes it, then sends), CUCM capture +21, phone capture +33.5
//   +1000     one TCP segment with SUBSCRIBE and REGISTER (CSeq 2); at the CUCM +1011.5, measured transit 11 ms
//   +5000     REGISTER (CSeq 3) lost on the way (capture.not-received at the phone's copy)
//   +5500     its retransmission arrives (CUCM capture +5512, trace +5513)
//   +7000     NOTIFY from the CUCM, in the trace only
import type { AnalysisResult, CopyMatches, Finding, FlowSummary, Message, NetMessage, SipInfo, SourceClock } from '../../server/src/model';
import { TcpFlag } from '../../server/src/model';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const PHONE = '10.1.1.5';
export const CUCM = '10.1.1.1';
export const NODE = 'CUCM node 001';
export const DEVICE = 'SEP001122334455';
/** Add to a source's times to get the case clock. */
export const OFFSETS = [3000, -1000, 0];
export const CASE_SOURCES = [
  { name: 'phone.pcap', uri: 'file:///case/phone.pcap' },
  { name: 'cucm.pcap', uri: 'file:///case/cucm.pcap' },
  { name: 'SDL001_100_000123.txt', uri: 'file:///case/SDL001_100_000123.txt' },
];

interface Copy {
  source: number;
  at: number;
  frame?: number;
  line?: number;
  up: boolean;
  sip: SipInfo;
  label: string;
  retransmitOf?: number;
}

function net(c: Copy): NetMessage {
  const trace = c.source === 2;
  const phoneEnd = PHONE, serverEnd = trace ? NODE : CUCM;
  return {
    kind: 'sip', loc: { source: c.source, line: c.line ?? null, frame: c.frame ?? null }, time: T0 + c.at - OFFSETS[c.source]!, dated: true,
    src: c.up ? phoneEnd : serverEnd, dst: c.up ? serverEnd : phoneEnd, srcPort: trace && !c.up ? NaN : 5060, dstPort: trace && c.up ? NaN : 5060,
    transport: 'tcp', label: c.label, sip: c.sip,
    ...(c.retransmitOf !== undefined ? { tcp: { seq: 1000, ack: 1, len: 400, flags: 24, win: 64000, analysis: TcpFlag.Retransmission, refFrame: c.retransmitOf } } : {}),
  };
}

const register = (cseq: number): SipInfo => ({ method: 'REGISTER', callId: 'reg@phone', cseq, cseqMethod: 'REGISTER', device: DEVICE, expires: 3600 });
const ok = (cseq: number): SipInfo => ({ status: 200, reasonPhrase: 'OK', callId: 'reg@phone', cseq, cseqMethod: 'REGISTER', expires: 120 });
const subscribe: SipInfo = { method: 'SUBSCRIBE', callId: 'sub@phone', cseq: 1, cseqMethod: 'SUBSCRIBE' };

function flow(id: number, source: number, server: string): FlowSummary {
  return {
    id, protocol: 'sip', source, device: DEVICE, phone: PHONE, server, transport: 'tcp', title: `${DEVICE} → ${server}`, expires: 120,
    expectedIntervalMs: 120_000, role: '', keepalives: [], count: 0, late: 0, expired: 0, unanswered: 0, resent: 0,
  };
}

function finding(rule: string, source: number, frame: number | null, line: number | null, evidence: Finding['evidence']): Finding {
  return { rule, severity: 'warning', message: rule, loc: { source, line, frame }, time: T0, dated: true, related: [], evidence };
}

export function caseResult(): AnalysisResult {
  const copies: Copy[] = [
    { source: 0, frame: 1, at: 0, up: true, sip: register(1), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 0, frame: 2, at: 33.5, up: false, sip: ok(1), label: 'Status: 200 OK' },
    { source: 0, frame: 3, at: 1000, up: true, sip: subscribe, label: 'Request: SUBSCRIBE sip:10.1.1.1' },
    { source: 0, frame: 3, at: 1000, up: true, sip: register(2), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 0, frame: 4, at: 5000, up: true, sip: register(3), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 0, frame: 5, at: 5500, up: true, sip: register(3), label: '[TCP Retransmission] Request: REGISTER sip:10.1.1.1', retransmitOf: 4 },
    { source: 1, frame: 1, at: 12.4, up: true, sip: register(1), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 1, frame: 2, at: 21, up: false, sip: ok(1), label: 'Status: 200 OK' },
    // the other order within the frame: copies are paired by what they say, not by position
    { source: 1, frame: 3, at: 1011.5, up: true, sip: register(2), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 1, frame: 3, at: 1011.5, up: true, sip: subscribe, label: 'Request: SUBSCRIBE sip:10.1.1.1' },
    { source: 1, frame: 4, at: 5512, up: true, sip: register(3), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 2, line: 10, at: 13, up: true, sip: register(1), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 2, line: 20, at: 20, up: false, sip: ok(1), label: 'Status: 200 OK' },
    { source: 2, line: 30, at: 5513, up: true, sip: register(3), label: 'Request: REGISTER sip:10.1.1.1' },
    { source: 2, line: 40, at: 7000, up: false, sip: { method: 'NOTIFY', callId: 'n@cucm', cseq: 1, cseqMethod: 'NOTIFY' }, label: 'Request: NOTIFY sip:1001@10.1.1.5' },
  ];
  const messages: Message[] = copies.map(net);
  const matches: CopyMatches[] = [{
    a: 0, b: 1, aFrames: Int32Array.from([1, 2, 3, 5]), bFrames: Int32Array.from([1, 2, 3, 4]), aSent: Uint8Array.from([1, 0, 1, 1]),
    transitMs: Float64Array.from([12.4, 12.5, 11, 12]), offsetMs: -4000,
  }];
  const clock: SourceClock[] = [
    { source: 0, offsetMs: OFFSETS[0]!, basis: 'segments', via: 1, matches: 4, detail: 'median of 4 matched segments with cucm.pcap' },
    { source: 1, offsetMs: OFFSETS[1]!, basis: 'sip', via: 2, matches: 3, detail: 'median of 3 SIP messages with SDL001_100_000123.txt' },
    { source: 2, offsetMs: OFFSETS[2]!, basis: 'reference', via: -1, matches: 0, detail: 'reference' },
  ];
  const findings: Finding[] = [
    finding('capture.not-received', 0, 4, null, { side: 'sender', frame: 4, otherSource: 1 }),
    finding('capture.not-received', 1, 4, null, { side: 'receiver', frame: 4, otherSource: 0, otherFrame: 4 }),
    // each capture's rules find the same late refresh on their own copy: one band
    finding('sip.register.late', 0, 1, null, { intervalMs: 130_000, expectedMs: 120_000 }),
    finding('sip.register.late', 1, 1, null, { intervalMs: 130_000, expectedMs: 120_000 }),
    finding('sip.register.rejected', 2, null, 20, {}),
  ];
  const sources = CASE_SOURCES.map((s, i) => ({ file: s.name, format: (i < 2 ? 'pcap' : 'cucm-sdl-trace') as 'pcap' | 'cucm-sdl-trace', messages: copies.filter((c) => c.source === i).length, problems: [] }));
  return { sources, messages, findings, flows: [flow(0, 0, CUCM), flow(1, 1, CUCM), flow(2, 2, NODE)], clock, matches };
}
