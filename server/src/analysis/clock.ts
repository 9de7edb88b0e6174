// One clock for a case: the files of a case come from different machines (a capture at the phone, one at the CUCM,
// CUCM traces and syslog), each with its own clock and sometimes its own time zone. Each source gets an offset that
// puts its times on a common clock, estimated from what two sources both saw:
//   - segments: the same TCP segments / SIP-over-UDP messages in two captures (correlate.ts; the most precise);
//   - sip: the same SIP message (Call-ID, CSeq, method or status) in a trace and a capture or export;
//   - alarms: the same alarm (name, device, reason) in syslog and in an SDL trace's AlarmErr records.
// Pairwise estimates are medians. The sources are then joined by a maximum spanning tree (strongest evidence first:
// segments, then SIP, then alarms; more matches first) from a reference: a CUCM-side text source (trace or syslog:
// the clock alarms are read in) when there is one, else the first source. Offsets the user set are fixed points.
// Sources nothing links keep their own clock (basis 'none').

import type { Message, SourceClock, SourceInfo } from '../model';
import type { CorrelationSummary } from './correlate';
import { median } from './stats';
import { sourceName } from '../sources/names';
import { formatOffset as fmt } from '../caseConfig';

export interface ClockEdge {
  readonly a: number;
  readonly b: number;
  /** The same event is at time t in a and t + deltaMs in b. */
  readonly deltaMs: number;
  readonly basis: 'segments' | 'sip' | 'alarms';
  readonly matches: number;
}

const BASIS_RANK: Record<ClockEdge['basis'], number> = { segments: 3, sip: 2, alarms: 1 };
/** Keys remembered per source for the SIP and alarm estimates (bounded memory on huge inputs). */
const MAX_KEYS = 200_000;


/** Pairwise estimates from messages both sources carry: SIP messages by Call-ID/CSeq/method-or-status, alarms by
 * name/device/reason (the k-th with the k-th when both sources have the same count of that key, else the first
 * with the first). Pairs that are both captures are left to the segment matching. Fed one message at a time (the
 * CLI keeps no messages); keys per source are bounded. */
export class ClockKeys {
  /** Per source: SIP messages as (53-bit hash of Call-ID, CSeq and method or status, time), appended as they come
   * (no string built, no map: a capture carries hundreds of thousands); sorted and joined in `edges`. */
  private readonly sip: SipKeys[] = [];
  private readonly alarms: Map<string, number[]>[] = [];

  push(m: Message): void {
    if (!Number.isFinite(m.time)) return;
    const s = m.loc.source;
    if (s < 0) return;
    if (m.kind === 'alarm') {
      if (!m.device && !m.ip) return;
      const map = (this.alarms[s] ??= new Map());
      const key = `${m.name}|${m.device}|${m.ip}|${Number.isFinite(m.reason) ? m.reason : ''}`;
      const list = map.get(key);
      if (list) {
        if (list.length < 10_000) list.push(m.time);
      } else if (map.size < MAX_KEYS) map.set(key, [m.time]);
      return;
    }
    const si = m.sip;
    if (!si || !si.callId || si.cseq === undefined) return;
    (this.sip[s] ??= new SipKeys()).add(sipHash(si.callId, si.cseq, si.cseqMethod ?? '', si.method ?? '', si.status ?? -1), m.time);
  }

  edges(sources: readonly SourceInfo[]): ClockEdge[] {
    const n = sources.length;
    const isCapture = (i: number): boolean => {
      const f = sources[i]?.format;
      return f === 'pcap' || f === 'pcapng';
    };
    const edges: ClockEdge[] = [];
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const sa = this.sip[a], sb = this.sip[b];
        if (!(isCapture(a) && isCapture(b)) && sa && sb) {
          // the first copy of each message on each side (retransmissions carry the same key), joined by key
          const ka = sa.firsts(), kb = sb.firsts();
          const d: number[] = [];
          for (let i = 0, j = 0; i < ka.keys.length && j < kb.keys.length;) {
            const x = ka.keys[i]!, y = kb.keys[j]!;
            if (x < y) i++;
            else if (x > y) j++;
            else {
              d.push(kb.times[j]! - ka.times[i]!);
              i++;
              j++;
            }
          }
          if (d.length) edges.push({ a, b, deltaMs: median(d), basis: 'sip', matches: d.length });
        }
        const aa = this.alarms[a], ab = this.alarms[b];
        if (aa && ab) {
          const d: number[] = [];
          for (const [k, ta] of aa) {
            const tb = ab.get(k);
            if (!tb) continue;
            if (ta.length === tb.length) for (let i = 0; i < ta.length; i++) d.push(tb[i]! - ta[i]!);
            else d.push(tb[0]! - ta[0]!);
          }
          if (d.length) edges.push({ a, b, deltaMs: median(d), basis: 'alarms', matches: d.length });
        }
      }
    }
    return edges;
  }
}

/** Two 32-bit multiplicative hashes of the message's identity (Call-ID, CSeq, the CSeq method and the method or
 * status) as one exact 53-bit number; collisions are negligible, and a rare one only adds an outlier to a median. */
function sipHash(callId: string, cseq: number, cseqMethod: string, method: string, status: number): number {
  let h1 = 0x811c9dc5 ^ cseq, h2 = 0x9747b28c ^ status;
  for (let i = 0; i < callId.length; i++) {
    const c = callId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  // the CSeq method and the request method: their length and first two letters tell the SIP methods apart
  const tag = (t: string): number => (t.length << 16) | ((t.charCodeAt(0) || 0) << 8) | (t.charCodeAt(1) || 0);
  h1 = Math.imul(h1 ^ tag(cseqMethod), 0x01000193);
  h2 = Math.imul(h2 ^ tag(method), 0x5bd1e995);
  h2 ^= h2 >>> 13;
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff);
}

/** Growable (hash, time) pairs of one source, bounded. */
class SipKeys {
  private keys = new Float64Array(1024);
  private times = new Float64Array(1024);
  private n = 0;
  static readonly MAX = 4 << 20;

  add(key: number, time: number): void {
    if (this.n >= SipKeys.MAX) return;
    if (this.n === this.keys.length) {
      const k = new Float64Array(this.n * 2), t = new Float64Array(this.n * 2);
      k.set(this.keys);
      t.set(this.times);
      this.keys = k;
      this.times = t;
    }
    this.keys[this.n] = key;
    this.times[this.n++] = time;
  }

  /** Distinct keys ascending, each with the earliest time it was seen. */
  firsts(): { keys: Float64Array; times: Float64Array } {
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const k = this.keys, t = this.times;
    order.sort((x, y) => k[x]! - k[y]! || t[x]! - t[y]!);
    const keys = new Float64Array(this.n), times = new Float64Array(this.n);
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const o = order[i]!;
      if (m > 0 && keys[m - 1] === k[o]) continue;
      keys[m] = k[o]!;
      times[m++] = t[o]!;
    }
    return { keys: keys.subarray(0, m), times: times.subarray(0, m) };
  }
}

/** Edges from the capture correlation summaries. */
export function segmentEdges(summaries: readonly CorrelationSummary[]): ClockEdge[] {
  return summaries.filter((s) => Number.isFinite(s.offsetMs) && s.matched > 0)
    .map((s) => ({ a: s.a, b: s.b, deltaMs: s.offsetMs, basis: 'segments' as const, matches: s.matched }));
}

/** The reference source: a CUCM-side text source (a trace, else syslog) that has messages, else the first source
 * with messages, else 0. */
export function referenceSource(sources: readonly SourceInfo[]): number {
  const has = (i: number): boolean => (sources[i]?.messages ?? 0) > 0;
  for (const formats of [['cucm-sdl-trace', 'cucm-sdi-trace'], ['cucm-syslog']]) {
    const i = sources.findIndex((s, k) => formats.includes(s.format) && has(k));
    if (i >= 0) return i;
  }
  const i = sources.findIndex((_, k) => has(k));
  return i >= 0 ? i : 0;
}



/** Each source's offset onto the case clock. `manual`: offsets the user set (source → ms), fixed. */
export function alignClocks(sources: readonly SourceInfo[], edges: readonly ClockEdge[], manual: ReadonlyMap<number, number> = new Map()): SourceClock[] {
  const n = sources.length;
  const out: (SourceClock | null)[] = new Array(n).fill(null);
  const ref = referenceSource(sources);
  for (const [s, ms] of manual) {
    if (s >= 0 && s < n && Number.isFinite(ms)) out[s] = { source: s, offsetMs: ms, basis: 'manual', via: -1, matches: 0, detail: `set by hand: ${fmt(ms)}` };
  }
  if (!out[ref]) out[ref] = { source: ref, offsetMs: 0, basis: 'reference', via: -1, matches: 0, detail: 'the reference clock' };
  // strongest edges first; grow the tree from every placed source (Prim's, with a sorted edge list: n is small)
  const sorted = [...edges].sort((x, y) => BASIS_RANK[y.basis] - BASIS_RANK[x.basis] || y.matches - x.matches);
  const grow = (): void => {
    for (let changed = true; changed;) {
      changed = false;
      for (const e of sorted) {
        const pa = out[e.a], pb = out[e.b];
        if (!pa === !pb) continue;
        // t_a + off_a = t_b + off_b for one event, and t_b = t_a + delta
        const [from, to, off] = pa ? [e.a, e.b, pa.offsetMs - e.deltaMs] : [e.b, e.a, pb!.offsetMs + e.deltaMs];
        out[to] = {
          source: to, offsetMs: off, basis: e.basis, via: from, matches: e.matches,
          detail: `${e.basis === 'segments' ? `median of ${e.matches} segments and SIP messages both captures saw` : e.basis === 'sip' ? `median of ${e.matches} SIP messages matched by Call-ID and CSeq` : `median of ${e.matches} alarms seen in both`} with ${sourceName(sources, from)}: ${fmt(off)}`,
        };
        changed = true;
        break; // re-scan from the strongest edge: a new source may open a stronger one
      }
    }
  };
  grow();
  // sources not reached: each unplaced group keeps its first source's clock
  for (let s = 0; s < n; s++) {
    if (out[s]) continue;
    out[s] = { source: s, offsetMs: 0, basis: 'none', via: -1, matches: 0, detail: 'nothing to align it by: taken as on the case clock' };
    grow();
  }
  return out as SourceClock[];
}
