// The copies of one message seen at several observation points of a case (a capture at the phone, one at the CUCM,
// a CUCM trace, syslog): which messages are the same message, which copy was observed first, and the transit from
// the first observation to the last. build.ts uses it when the analysis result carries a case clock, so that a
// message is one arrow, not one arrow per copy.
//
// Copies are the same message when:
//   - the correlation of two captures paired their frames (result.matches): the messages of two paired frames are
//     paired by content, in order (a frame can carry several SIP messages; the TCP analysis prefix can differ
//     between the two points, so labels are not compared), then what is left of both by position (a segment the
//     sender's capture shows as a retransmission is a REGISTER at the receiver's, which saw it for the first time);
//   - SIP messages of two sources that no segment matching covers (a trace and a capture, two exports) have the same
//     Call-ID, CSeq number and method, the same method or status, and the same addresses, within 2 s on the case
//     clock: one with one, earliest first. A trace names the CUCM by its node ("CUCM node 001"), not its address, so
//     a name that is not an address matches any address (and is learnt as an alias of it, for the columns);
//   - alarms of two sources (syslog and an SDL trace's AlarmErr records) have the same name, device, address and
//     reason within 2 s: likewise (otherwise every alarm of such a case would be drawn twice);
//   - ARP packets of two sources (broadcasts both captures saw; the correlation matches TCP and UDP only) say the
//     same within 500 ms: likewise, with a short window because ARP requests are repeated every second.
// The copy kept is the one observed first: the case clock orders them, except that a matched pair's sending copy
// comes before its receiving copy, and a CUCM trace observes at the CUCM (first when the CUCM sent the message,
// last when it received it), whatever the clocks say (their offsets are estimates, and traces count whole ms).
// A trace's stamp says "within this millisecond": a trace copy's case time is moved within its millisecond to agree
// with the captures' copies (an answer the CUCM traced at .398 and the phone saw at .398490 is not placed before the
// request the phone sent at .398180), never outside it.
// A group never holds two copies from one source (one copy per observation point): a pairing that would make one is
// refused. That keeps retransmissions their own arrows, as in a single-source ladder.

import type { AnalysisResult, Message, SourceLocation } from '../model';

/** How far apart (case clock, ms) two copies of a SIP message or an alarm may be to be paired. */
export const PAIR_WINDOW_MS = 2000;
/** The same for ARP packets (requests are resent every second). */
export const ARP_WINDOW_MS = 500;

export interface Copies {
  /** Per message: its time on the case clock (ms; NaN when unknown); a trace copy's within its millisecond. */
  readonly caseTime: Float64Array;
  /** Per message: the index of the message kept for its group (the copy observed first; itself when alone). */
  readonly keptOf: Int32Array;
  /** Kept message → the messages of its group in order of observation (the kept one first); groups of two or more. */
  readonly groups: Map<number, number[]>;
  /** Kept message → ms from the first observation to the last (NaN when unknown); groups of two or more. */
  readonly transit: Map<number, number>;
  /** Names that are not addresses (a trace's "CUCM node 001", an export's host name) → the address the same
   * messages carry in another source: one column per host. */
  readonly alias: Map<string, string>;
}

export const locKey = (loc: SourceLocation): string => `${loc.source}:${loc.frame ?? ''}:${loc.line ?? ''}`;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:.]*$/i;
const isAddress = (s: string): boolean => IPV4.test(s) || (s.includes(':') && IPV6.test(s));
/** Two ends of a copy agree: the same address, or one of them a name (which stands for any address). */
const sameEnd = (a: string, b: string): boolean => a === b || !isAddress(a) || !isAddress(b);

/** What a message says, without what depends on the observation point (TCP analysis flags, times). */
function contentKey(m: Message): string {
  if (m.kind === 'alarm') return `a|${m.name}`;
  if (m.sip) return `s|${m.sip.method ?? m.sip.status ?? ''}|${m.sip.cseq ?? ''}|${m.sip.callId ?? ''}`;
  if (m.sccp) return `c|${m.sccp.id}`;
  if (m.tcp) return `t|${m.tcp.flags}|${m.tcp.len}`;
  return `${m.kind}|${m.label.replace(/^(\[TCP [^\]]*\]\s*)+/, '')}`;
}

interface Edge {
  readonly peer: number;
  /** This copy is the sending side's. */
  readonly sent: boolean;
  readonly transit: number;
}

/** Union-find over message indexes; a group knows its members (one per source at most). */
class Groups {
  private readonly parent: Int32Array;
  /** Root → members, for groups of two or more. */
  readonly members = new Map<number, number[]>();

  constructor(n: number, private readonly sourceOf: (i: number) => number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }

  /** Joins the groups of x and y, unless that would put two copies from one source together. */
  join(x: number, y: number): boolean {
    const rx = this.find(x), ry = this.find(y);
    if (rx === ry) return true;
    const mx = this.members.get(rx) ?? [rx], my = this.members.get(ry) ?? [ry];
    for (const a of mx) for (const b of my) if (this.sourceOf(a) === this.sourceOf(b)) return false;
    const [big, small] = mx.length >= my.length ? [rx, ry] : [ry, rx];
    this.parent[small] = big;
    this.members.set(big, big === rx ? mx.concat(my) : my.concat(mx));
    this.members.delete(small);
    return true;
  }
}

/** Finds the copies of each message in a case's analysis result (see the top of this file). */
export function findCopies(result: AnalysisResult): Copies {
  const msgs = result.messages;
  const n = msgs.length;
  const offsets = new Map<number, number>();
  for (const c of result.clock ?? []) if (Number.isFinite(c.offsetMs)) offsets.set(c.source, c.offsetMs);
  const caseTime = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = msgs[i]!;
    caseTime[i] = Number.isFinite(m.time) ? m.time + (offsets.get(m.loc.source) ?? 0) : NaN;
  }
  const g = new Groups(n, (i) => msgs[i]!.loc.source);
  const edges = new Map<number, Edge[]>();
  const addEdge = (i: number, e: Edge): void => {
    const list = edges.get(i);
    if (list) list.push(e);
    else edges.set(i, [e]);
  };

  // (a) frames the capture correlation paired
  const matches = result.matches ?? [];
  const byFrame = new Map<number, Map<number, number[]>>();
  for (const cm of matches) for (const s of [cm.a, cm.b]) if (!byFrame.has(s)) byFrame.set(s, new Map());
  if (byFrame.size) {
    for (let i = 0; i < n; i++) {
      const loc = msgs[i]!.loc;
      const frames = loc.frame !== null ? byFrame.get(loc.source) : undefined;
      if (!frames) continue;
      const list = frames.get(loc.frame!);
      if (list) list.push(i);
      else frames.set(loc.frame!, [i]);
    }
  }
  for (const cm of matches) {
    const fa = byFrame.get(cm.a)!, fb = byFrame.get(cm.b)!;
    if (cm.a === cm.b) continue;
    const count = Math.min(cm.aFrames.length, cm.bFrames.length, cm.aSent.length, cm.transitMs.length);
    for (let k = 0; k < count; k++) {
      const xs = fa.get(cm.aFrames[k]!), ys = fb.get(cm.bFrames[k]!);
      if (!xs || !ys) continue;
      const sent = cm.aSent[k] === 1;
      const transit = cm.transitMs[k]!;
      const used = new Uint8Array(ys.length);
      const pair = (x: number, j: number): boolean => {
        const y = ys[j]!;
        if (!g.join(x, y)) return false;
        used[j] = 1;
        addEdge(x, { peer: y, sent, transit });
        addEdge(y, { peer: x, sent: !sent, transit });
        return true;
      };
      const left: number[] = [];
      for (const x of xs) {
        const key = contentKey(msgs[x]!);
        const j = ys.findIndex((y, k) => !used[k] && contentKey(msgs[y]!) === key);
        if (j < 0 || !pair(x, j)) left.push(x);
      }
      // the same segment read differently at the two points: what is left, by position
      for (let j = 0, k = 0; k < left.length && j < ys.length; j++) if (!used[j] && pair(left[k]!, j)) k++;
    }
  }

  // (b) SIP messages and alarms of sources no segment matching covers
  const covered = new Set(matches.map((cm) => (cm.a < cm.b ? `${cm.a}|${cm.b}` : `${cm.b}|${cm.a}`)));
  // a copy the correlation found sent but never received is no copy of anything another source saw later
  const lost = new Set<string>();
  for (const f of result.findings) if (f.rule === 'capture.not-received' && f.evidence['side'] === 'sender') lost.add(locKey(f.loc));
  const sipKeys: Map<string, number[]>[] = [];
  const alarmKeys: Map<string, number[]>[] = [];
  const arpKeys: Map<string, number[]>[] = [];
  const push = (table: Map<string, number[]>[], s: number, key: string, i: number): void => {
    const map = (table[s] ??= new Map());
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(caseTime[i]!)) continue;
    const m = msgs[i]!;
    const s = m.loc.source;
    if (s < 0) continue;
    if (m.kind === 'alarm') {
      if (m.device || m.ip) push(alarmKeys, s, `${m.name}|${m.device}|${m.ip}|${Number.isFinite(m.reason) ? m.reason : ''}`, i);
    } else if (m.kind === 'arp') {
      const a = m.arp;
      push(arpKeys, s, a ? `${a.op}|${a.senderMac}|${a.senderIp}|${a.targetIp}`.toLowerCase() : `${m.srcMac ?? m.src}|${m.label}`.toLowerCase(), i);
    } else if (m.sip?.callId && m.sip.cseq !== undefined && !lost.has(locKey(m.loc))) {
      push(sipKeys, s, `${m.sip.callId}|${m.sip.cseq}|${m.sip.cseqMethod ?? ''}|${m.sip.method ?? m.sip.status ?? ''}`, i);
    }
  }
  const votes = new Map<string, Map<string, number>>();
  const vote = (name: string, address: string): void => {
    let v = votes.get(name);
    if (!v) votes.set(name, (v = new Map()));
    v.set(address, (v.get(address) ?? 0) + 1);
  };
  const sipCompatible = (x: number, y: number): boolean => {
    const a = msgs[x]!, b = msgs[y]!;
    if (a.kind === 'alarm' || b.kind === 'alarm') return false;
    return sameEnd(a.src, b.src) && sameEnd(a.dst, b.dst) && (a.src === b.src || a.dst === b.dst);
  };
  const alarmCompatible = (x: number, y: number): boolean => {
    const a = msgs[x]!, b = msgs[y]!;
    return a.kind === 'alarm' && b.kind === 'alarm' && (!a.node || !b.node || a.node === b.node);
  };
  const byTime = (x: number, y: number): number => caseTime[x]! - caseTime[y]! || x - y;
  const passes = [[sipKeys, sipCompatible, true, PAIR_WINDOW_MS], [alarmKeys, alarmCompatible, false, PAIR_WINDOW_MS], [arpKeys, () => true, false, ARP_WINDOW_MS]] as const;
  for (const [table, compatible, isSip, windowMs] of passes) {
    for (const list of table) for (const l of list?.values() ?? []) if (l.length > 1) l.sort(byTime);
    for (let sx = 0; sx < table.length; sx++) {
      const mx = table[sx];
      if (!mx) continue;
      for (let sy = sx + 1; sy < table.length; sy++) {
        const my = table[sy];
        // captures the correlation matched: their SIP copies are paired already, by segment
        if (!my || (isSip && covered.has(`${sx}|${sy}`))) continue;
        const [small, large] = mx.size <= my.size ? [mx, my] : [my, mx];
        for (const [key, xsSmall] of small) {
          const ysLarge = large.get(key);
          if (!ysLarge) continue;
          // x from the lower source index, so "earliest first" does not depend on which map is smaller
          const xs = small === mx ? xsSmall : ysLarge, ys = small === mx ? ysLarge : xsSmall;
          const used = new Uint8Array(ys.length);
          let lo = 0;
          for (const x of xs) {
            const t = caseTime[x]!;
            while (lo < ys.length && caseTime[ys[lo]!]! < t - windowMs) lo++;
            for (let j = lo; j < ys.length; j++) {
              const y = ys[j]!;
              if (caseTime[y]! > t + windowMs) break;
              if (used[j] || !compatible(x, y) || !g.join(x, y)) continue;
              used[j] = 1;
              if (isSip) {
                const a = msgs[x]!, b = msgs[y]!;
                if (a.kind !== 'alarm' && b.kind !== 'alarm') {
                  for (const [u, v] of [[a.src, b.src], [a.dst, b.dst]] as const) {
                    if (u === v) continue;
                    if (isAddress(u) && v && !isAddress(v)) vote(v, u);
                    else if (isAddress(v) && u && !isAddress(u)) vote(u, v);
                  }
                }
              }
              break;
            }
          }
        }
      }
    }
  }

  // order of observation: the case clock, and a matched pair's sending copy before its receiving one whatever the
  // clocks say (the offsets are estimates)
  const keptOf = new Int32Array(n);
  for (let i = 0; i < n; i++) keptOf[i] = i;
  const groups = new Map<number, number[]>();
  const transit = new Map<number, number>();
  // a CUCM trace is written at the CUCM: it saw a message the CUCM sent first, one it received last (its own end is
  // the node's name, not an address)
  const isTrace = (i: number): boolean => {
    const format = result.sources[msgs[i]!.loc.source]?.format;
    return msgs[i]!.kind !== 'alarm' && (format === 'cucm-sdl-trace' || format === 'cucm-sdi-trace');
  };
  const traceRank = (i: number): number => {
    const m = msgs[i]!;
    if (m.kind === 'alarm' || !isTrace(i)) return 1;
    const srcName = !isAddress(m.src), dstName = !isAddress(m.dst);
    return srcName && !dstName ? 0 : dstName && !srcName ? 2 : 1;
  };
  for (const members of g.members.values()) {
    const at = new Map<number, number>();
    const received = new Set<number>();
    for (const m of members) at.set(m, Number.isFinite(caseTime[m]!) ? caseTime[m]! : Infinity);
    for (let pass = 0; pass < 2; pass++) {
      for (const m of members) {
        for (const e of edges.get(m) ?? []) {
          if (!e.sent) continue;
          received.add(e.peer);
          if (at.get(e.peer)! < at.get(m)!) at.set(e.peer, at.get(m)!);
        }
      }
    }
    const order = members.slice().sort((x, y) => traceRank(x) - traceRank(y) || at.get(x)! - at.get(y)!
      || Number(received.has(x)) - Number(received.has(y)) || msgs[x]!.loc.source - msgs[y]!.loc.source || x - y);
    // a trace copy first (the CUCM sent it): as late in its millisecond as the next precise copy allows; last (the
    // CUCM received it): as early as the previous precise copy allows
    const precise = order.filter((m) => !isTrace(m) && Number.isFinite(caseTime[m]!));
    if (precise.length) {
      const head = order[0]!, tail = order[order.length - 1]!;
      const next = caseTime[precise[0]!]!, prev = caseTime[precise[precise.length - 1]!]!;
      if (isTrace(head) && next >= caseTime[head]! && next < caseTime[head]! + 1) caseTime[head] = next;
      if (isTrace(tail) && prev > caseTime[tail]! && prev < caseTime[tail]! + 1) caseTime[tail] = prev;
    }
    const first = order[0]!, last = order[order.length - 1]!;
    for (const m of order) keptOf[m] = first;
    groups.set(first, order);
    const direct = edges.get(first)?.find((e) => e.peer === last);
    transit.set(first, direct ? direct.transit : caseTime[last]! - caseTime[first]!);
  }
  const alias = new Map<string, string>();
  for (const [name, v] of votes) {
    let best = '', most = 0;
    for (const [address, c] of v) if (c > most) [best, most] = [address, c];
    if (best) alias.set(name, best);
  }
  return { caseTime, keptOf, groups, transit, alias };
}
