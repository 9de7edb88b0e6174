// Two captures of the same traffic, taken at two points (the seed: at the phone and at the CUCM at the same time):
// the same TCP segments are matched by direction (addresses and ports) and raw sequence number and length, SIP over
// UDP by Call-ID, CSeq and method/status. From the matches:
//   - the clock offset between the captures: per connection the median of (time there − time here) in each
//     direction; the mean of the two directions cancels the transit time (assumed the same both ways); the offset is
//     the median over connections (one-direction traffic only: the median of all matches, transit taken as zero);
//   - which capture is near the sender of each direction (its copy comes first once the clock offset is removed);
//   - every copy a sender-side capture shows that the other capture never saw, within the time both covered:
//     `capture.not-received`, once per lost copy (retransmissions that did arrive match their own copies), reported in
//     the sender's file at the lost copy and in the receiver's file at the next copy of that direction that arrived.
// A summary finding per pair (`capture.correlated`) gives the offset, the transit times and the counts.

import type { CopyMatches, Finding, RelatedInfo, SourceInfo } from '../model';
import type { SegmentLog } from './segments';
import { median, quantile } from './stats';
import { sourceName } from '../sources/names';

export interface CorrelationSummary {
  readonly a: number;
  readonly b: number;
  /** Clock offset: add it to a time of capture a to get capture b's clock (ms); NaN when nothing matched. */
  readonly offsetMs: number;
  readonly matched: number;
  readonly notReceived: number;
  /** One-way transit times (ms), from the matched copies once the offset is removed. */
  readonly transitP50: number;
  readonly transitP95: number;
}

export interface CorrelationResult {
  readonly findings: Finding[];
  readonly summaries: CorrelationSummary[];
  /** Per correlated pair: the copies both saw. */
  readonly matches: CopyMatches[];
}

/** Findings of one pair are capped (one more finding says how many were left out). */
const MAX_FINDINGS = 20_000;
/** Slack when deciding that a copy arrived before being sent (clock jitter between the two captures), ms. */
const JITTER_MS = 50;

/** Lowest-first pair name of a TCP direction key, so both directions share it. */
function connectionOf(key: string): { name: string; forward: boolean } {
  if (key.startsWith('u|')) {
    const dir = key.split('|')[1] ?? '';
    const [x, y] = dir.split('>');
    return { name: `u|${[x, y].sort().join('|')}`, forward: (x ?? '') <= (y ?? '') };
  }
  const i = key.indexOf('>');
  const x = key.slice(0, i), y = key.slice(i + 1);
  return { name: x <= y ? `${x}|${y}` : `${y}|${x}`, forward: x <= y };
}

/** Group of an entry: its key and sequence number as one number (key ids stay far below 2^21), else as text. */
type GroupId = number | string;
const SEQ_SPAN = 2 ** 32;
const groupId = (key: number, seq: number): GroupId => (key < 2 ** 21 ? key * SEQ_SPAN + seq : `${key}|${seq}`);

/** Entry indexes of a log grouped by (key, seq), in time order. Copies of one group can differ in length or flags
 * (data sent again in other sizes): only equal ones are paired. */
function groups(log: SegmentLog, keyMap: Int32Array | null): Map<GroupId, number[]> {
  const out = new Map<GroupId, number[]>();
  for (let i = 0; i < log.count; i++) {
    const k = keyMap ? keyMap[log.key[i]!]! : log.key[i]!;
    if (k < 0) continue;
    const id = groupId(k, log.seq[i]!);
    const g = out.get(id);
    if (g) g.push(i);
    else out.set(id, [i]);
  }
  for (const g of out.values()) if (g.length > 1) g.sort((x, y) => log.time[x]! - log.time[y]!);
  return out;
}

const sameCopy = (x: SegmentLog, i: number, y: SegmentLog, j: number): boolean => x.len[i] === y.len[j] && x.flags[i] === y.flags[j];

interface Pairing {
  /** For each entry of a: the matched entry of b, or -1. */
  readonly aToB: Int32Array;
  readonly bToA: Int32Array;
}

/** Pairs the copies of each group in time order: each copy at b with the latest copy at a sent before it (within the
 * jitter), else the earliest one left. `offset` maps a's clock to b's; `aFirst` says a is the sender side. */
function pair(a: SegmentLog, b: SegmentLog, ga: Map<GroupId, number[]>, gb: Map<GroupId, number[]>, offset: number, senderIsA: (keyA: number) => boolean): Pairing {
  const aToB = new Int32Array(a.count).fill(-1);
  const bToA = new Int32Array(b.count).fill(-1);
  for (const [id, as] of ga) {
    const bs = gb.get(id);
    if (!bs) continue;
    const aFirst = senderIsA(a.key[as[0]!]!);
    // sender copies and receiver copies, on one clock (a's)
    const snd = aFirst ? as : bs, rcv = aFirst ? bs : as;
    const sLog = aFirst ? a : b, rLog = aFirst ? b : a;
    const shift = aFirst ? -offset : offset; // receiver time → sender clock
    const used = new Uint8Array(snd.length);
    for (const r of rcv) {
      const tr = rLog.time[r]! + shift;
      let best = -1, first = -1;
      for (let k = 0; k < snd.length; k++) {
        if (used[k] || !sameCopy(sLog, snd[k]!, rLog, r)) continue;
        if (first < 0) first = k;
        if (sLog.time[snd[k]!]! <= tr + JITTER_MS) best = k;
        else break;
      }
      if (best < 0) best = first;
      if (best < 0) continue;
      used[best] = 1;
      const s = snd[best]!;
      if (aFirst) {
        aToB[s] = r;
        bToA[r] = s;
      } else {
        aToB[r] = s;
        bToA[s] = r;
      }
    }
  }
  return { aToB, bToA };
}

/** Correlates capture logs pairwise (every pair that shares at least one matched segment). */
export function correlateCaptures(logs: ReadonlyMap<number, SegmentLog>, sources: readonly SourceInfo[]): CorrelationResult {
  const findings: Finding[] = [];
  const summaries: CorrelationSummary[] = [];
  const matches: CopyMatches[] = [];
  const ids = [...logs.keys()].sort((x, y) => x - y);
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const r = correlatePair(ids[i]!, logs.get(ids[i]!)!, ids[j]!, logs.get(ids[j]!)!, sources);
      if (r) {
        for (const f of r.findings) findings.push(f);
        summaries.push(r.summary);
        matches.push(r.matches);
      }
    }
  }
  return { findings, summaries, matches };
}


function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '+';
  return abs >= 1000 ? `${sign}${(abs / 1000).toFixed(3)} s` : `${sign}${abs.toFixed(abs < 10 ? 2 : 1)} ms`;
}

function correlatePair(ia: number, a: SegmentLog, ib: number, b: SegmentLog, sources: readonly SourceInfo[]): { findings: Finding[]; summary: CorrelationSummary; matches: CopyMatches } | null {
  // a's key ids → b's (by text); keys b has that a lacks are not needed
  const keyMap = new Int32Array(a.keys.length).fill(-1);
  let shared = 0;
  a.keys.forEach((k, id) => {
    const other = b.findKey(k);
    if (other !== undefined) {
      keyMap[id] = other;
      shared++;
    }
  });
  if (shared === 0) return null;
  const ga = groups(a, keyMap);
  const gb = groups(b, null);
  // first pass: first copy to first copy, for the clock
  const deltas = new Map<string, { fwd: number[]; rev: number[] }>();
  const all: number[] = [];
  for (const [id, as] of ga) {
    const bs = gb.get(id);
    if (!bs) continue;
    const bFirst = bs.find((j) => sameCopy(a, as[0]!, b, j));
    if (bFirst === undefined) continue;
    const d = b.time[bFirst]! - a.time[as[0]!]!;
    all.push(d);
    const c = connectionOf(a.keys[a.key[as[0]!]!]!);
    let e = deltas.get(c.name);
    if (!e) deltas.set(c.name, (e = { fwd: [], rev: [] }));
    (c.forward ? e.fwd : e.rev).push(d);
  }
  if (all.length === 0) return null;
  const perConnection: number[] = [];
  const dirMedian = new Map<string, { fwd: number; rev: number }>();
  for (const [c, e] of deltas) {
    const f = median(e.fwd), r = median(e.rev);
    dirMedian.set(c, { fwd: f, rev: r });
    if (Number.isFinite(f) && Number.isFinite(r)) perConnection.push((f + r) / 2);
  }
  const offset = perConnection.length ? median(perConnection) : median(all);
  // sender side per direction: its copies come first once the offset is removed; one-way traffic: the side with more
  const countA = new Map<number, number>(), countB = new Map<number, number>();
  for (let k = 0; k < a.count; k++) countA.set(a.key[k]!, (countA.get(a.key[k]!) ?? 0) + 1);
  for (let k = 0; k < b.count; k++) countB.set(b.key[k]!, (countB.get(b.key[k]!) ?? 0) + 1);
  // a direction's sender side: by timing when the transit shows (over 50 µs), else by which capture holds more of its
  // copies (the sender side keeps the ones lost on the way); when both hold the same, the opposite of the reverse
  // direction's answer (a capture near one end sends that end's traffic), else a
  const decide = (keyA: number): boolean | null => {
    const c = connectionOf(a.keys[keyA]!);
    const m = dirMedian.get(c.name);
    const d = m ? (c.forward ? m.fwd : m.rev) : NaN;
    if (Number.isFinite(d) && Math.abs(d - offset) > 0.05) return d - offset > 0;
    const na = countA.get(keyA) ?? 0, nb = countB.get(keyMap[keyA]!) ?? 0;
    return na === nb ? null : na > nb;
  };
  const reverseKey = (key: string): string => {
    const i = key.indexOf('>');
    return key.startsWith('u|') ? key : `${key.slice(i + 1)}>${key.slice(0, i)}`;
  };
  const senderCache = new Map<number, boolean>();
  const senderIsA = (keyA: number): boolean => {
    let v = senderCache.get(keyA);
    if (v === undefined) {
      v = decide(keyA) ?? undefined;
      if (v === undefined) {
        const rev = a.findKey(reverseKey(a.keys[keyA]!));
        const r = rev !== undefined && keyMap[rev]! >= 0 ? decide(rev) : null;
        v = r === null ? true : !r;
      }
      senderCache.set(keyA, v);
    }
    return v;
  };
  const { aToB, bToA } = pair(a, b, ga, gb, offset, senderIsA);
  // transit times of the matched copies
  let matched = 0;
  for (let k = 0; k < a.count; k++) if (aToB[k]! >= 0) matched++;
  const aFrames = new Int32Array(matched), bFrames = new Int32Array(matched), aSent = new Uint8Array(matched);
  const transitMs = new Float64Array(matched);
  for (let k = 0, n = 0; k < a.count; k++) {
    const m = aToB[k]!;
    if (m < 0) continue;
    const t = b.time[m]! - a.time[k]! - offset;
    const sent = senderIsA(a.key[k]!);
    aFrames[n] = a.frame[k]!;
    bFrames[n] = b.frame[m]!;
    aSent[n] = sent ? 1 : 0;
    transitMs[n++] = sent ? t : -t;
  }
  const transit = Array.from(transitMs).sort((x, y) => x - y);
  // the time both captures cover, on a's clock (a margin at each end: copies in flight when one capture stopped)
  const spanA = [a.count ? a.time[0]! : NaN, a.count ? a.time[a.count - 1]! : NaN];
  const spanB = [b.count ? b.time[0]! - offset : NaN, b.count ? b.time[b.count - 1]! - offset : NaN];
  const tail = Math.max(1000, 4 * (quantile(transit, 0.99) || 0));
  const from = Math.max(spanA[0]!, spanB[0]!), to = Math.min(spanA[1]!, spanB[1]!) - tail;

  const findings: Finding[] = [];
  let notReceived = 0, omitted = 0;
  const report = (senderLog: SegmentLog, sIdx: number, sSrc: number, receiverLog: SegmentLog, rSrc: number, receiverKey: number | undefined, toReceiver: (t: number) => number): void => {
    notReceived++;
    if (findings.length >= MAX_FINDINGS) {
      omitted++;
      return;
    }
    const keyText = senderLog.keys[senderLog.key[sIdx]!]!;
    const t = senderLog.time[sIdx]!;
    const what = describe(keyText, senderLog, sIdx);
    // the next copy of that direction that did arrive, in the receiver's capture
    const next = receiverKey === undefined ? -1 : nextOf(receiverLog, receiverKey, toReceiver(t));
    const related: RelatedInfo[] = [];
    const senderLoc = { source: sSrc, line: null, frame: senderLog.frame[sIdx]! };
    if (next >= 0) related.push({ loc: { source: rSrc, line: null, frame: receiverLog.frame[next]! }, message: `the next ${keyText.startsWith('u|') ? 'SIP message' : 'segment'} of that direction ${sourceName(sources, rSrc)} received` });
    findings.push({
      rule: 'capture.not-received', severity: 'warning', loc: senderLoc, time: t, dated: true, related,
      message: `Sent but never received: ${what} is in ${sourceName(sources, sSrc)} (frame ${senderLog.frame[sIdx]}) but not in ${sourceName(sources, rSrc)}, which was capturing then (clock offset ${fmtMs(offset)}); lost between the two capture points.`,
      evidence: { side: 'sender', frame: senderLog.frame[sIdx]!, otherSource: rSrc, offsetMs: offset, seq: senderLog.seq[sIdx]!, len: senderLog.len[sIdx]! },
    });
    if (next >= 0) {
      findings.push({
        rule: 'capture.not-received', severity: 'warning', loc: { source: rSrc, line: null, frame: receiverLog.frame[next]! }, time: receiverLog.time[next]!, dated: true,
        related: [{ loc: senderLoc, message: `sent here (${sourceName(sources, sSrc)}), never received` }],
        message: `Never arrived here: ${what}, sent at ${sourceName(sources, sSrc)} frame ${senderLog.frame[sIdx]}, is missing from ${sourceName(sources, rSrc)}; this is the next one of that direction that arrived.`,
        evidence: { side: 'receiver', frame: receiverLog.frame[next]!, otherSource: sSrc, otherFrame: senderLog.frame[sIdx]!, offsetMs: offset },
      });
    }
  };
  for (let k = 0; k < a.count; k++) {
    if (aToB[k]! >= 0 || keyMap[a.key[k]!]! < 0 || !senderIsA(a.key[k]!)) continue;
    const t = a.time[k]!;
    if (t < from || t > to) continue;
    report(a, k, ia, b, ib, keyMap[a.key[k]!], (x) => x + offset);
  }
  const bKeyToA = new Int32Array(b.keys.length).fill(-1);
  keyMap.forEach((bk, ak) => {
    if (bk >= 0) bKeyToA[bk] = ak;
  });
  for (let k = 0; k < b.count; k++) {
    const ak = bKeyToA[b.key[k]!]!;
    if (bToA[k]! >= 0 || ak < 0 || senderIsA(ak)) continue;
    const t = b.time[k]! - offset;
    if (t < from || t > to) continue;
    report(b, k, ib, a, ia, ak, (x) => x - offset);
  }
  if (omitted) {
    findings.push({
      rule: 'capture.not-received', severity: 'warning', loc: { source: ia, line: null, frame: 1 }, time: NaN, dated: true, related: [],
      message: `${omitted} more copies sent but never received between ${sourceName(sources, ia)} and ${sourceName(sources, ib)} are not listed.`, evidence: { omitted },
    });
  }
  const p50 = quantile(transit, 0.5), p95 = quantile(transit, 0.95);
  for (const [here, there, sign] of [[ia, ib, 1], [ib, ia, -1]] as const) {
    findings.push({
      rule: 'capture.correlated', severity: 'information', loc: { source: here, line: null, frame: 1 }, time: NaN, dated: true, related: [],
      message: `Matched with ${sourceName(sources, there)}: ${matched} segments and SIP messages seen by both; its clock is ${fmtMs(sign * offset)} from this one's; one-way transit p50 ${fmtMs(p50)}, p95 ${fmtMs(p95)}; ${notReceived} sent but never received.`,
      evidence: { otherSource: there, offsetMs: sign * offset, matched, notReceived, transitP50Ms: p50, transitP95Ms: p95 },
    });
  }
  return {
    findings, summary: { a: ia, b: ib, offsetMs: offset, matched, notReceived, transitP50: p50, transitP95: p95 },
    matches: { a: ia, b: ib, aFrames, bFrames, aSent, transitMs, offsetMs: offset },
  };
}

/** "10.1.1.5:51234 → 10.1.1.1:5060 Seq=… Len=…" or "REGISTER (CSeq 7, Call-ID …) 10.1.1.5:5060 → 10.1.1.1:5060" */
function describe(key: string, log: SegmentLog, i: number): string {
  if (key.startsWith('u|')) {
    const [, dir, callId, cseq, what] = key.split('|');
    return `SIP ${what} (CSeq ${cseq}, Call-ID ${callId}) ${dir!.replace('>', ' → ')}`;
  }
  const f = log.flags[i]!;
  const flags = [f & 2 ? 'SYN' : '', f & 1 ? 'FIN' : ''].filter(Boolean).join(', ');
  return `the TCP segment ${key.replace('>', ' → ')}${flags ? ` [${flags}]` : ''} Seq=${log.seq[i]} Len=${log.len[i]}`;
}

/** The first entry of `key` at or after time t (binary search is not possible: keys interleave; a linear scan from a
 * time-ordered position is). */
function nextOf(log: SegmentLog, key: number, t: number): number {
  let lo = 0, hi = log.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log.time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < log.count; k++) if (log.key[k] === key) return k;
  return -1;
}
