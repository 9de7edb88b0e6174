// An unregistration alarm linked to its evidence: when a case holds CUCM alarms and the captures or traces of the
// same time, the alarm's finding says what those show about the device's last keepalives ("last REGISTER 12:42:56 in
// phone.pcap, 2 retransmissions, no response") and points at them (related locations: hover links and
// go-to-definition in the editor). Times are compared on the case clock (clock.ts); each keepalive is quoted at its
// own file's time, since that is what the user will find when they open it.

import type { AlarmMessage, Finding, FlowSummary, KeepaliveRecord, Message, RelatedInfo, SourceClock, SourceInfo } from '../model';
import { ALARMS } from '../knowledge/alarms';
import { formatClock, formatDuration } from '../sources/time';
import { hostOf, sourceName } from '../sources/names';

/** A source "covers" an alarm when it starts before it and does not end long before it. */
const COVER_BEFORE_MS = 5 * 60_000;
/** Keepalives up to this long after the alarm's stamp still count (alarms are logged a little after the fact). */
const SLACK_MS = 1000;
/** At most this many sources are quoted in one alarm's text. */
const MAX_SOURCES = 3;



interface Span {
  first: number;
  last: number;
}

/** What one source shows about the device's last keepalive before the alarm. */
export interface SourceEvidence {
  readonly source: number;
  readonly flow: FlowSummary;
  readonly record: KeepaliveRecord;
  /** Case-clock ms from the keepalive to the alarm. */
  readonly beforeMs: number;
  /** Keepalives in a row at the end that got no answer. */
  readonly unansweredRun: number;
  readonly text: string;
}

export interface AlarmEvidence {
  readonly alarm: AlarmMessage;
  readonly items: readonly SourceEvidence[];
  /** Sources that cover the alarm's time and show nothing of the device. */
  readonly silent: readonly number[];
  readonly text: string;
  readonly related: readonly RelatedInfo[];
}

function describe(flow: FlowSummary, k: KeepaliveRecord, file: string, beforeMs: number, run: number, dated: boolean): string {
  const what = flow.protocol === 'sip' ? (k.backup ? 'keepalive REGISTER' : 'REGISTER') : 'KeepAlive';
  const bits = [`last ${what} ${formatClock(k.time, dated)} in ${file}`];
  if (k.resends) bits.push(`${k.resends} retransmission${k.resends === 1 ? '' : 's'}`);
  if (k.response) bits.push(`${k.response} after ${k.responseMs < 1 ? 'under 1 ms' : k.responseMs < 1000 ? `${Math.round(k.responseMs)} ms` : formatDuration(k.responseMs)}`);
  else if (flow.protocol === 'sccp' && flow.role === 'backup') bits.push('backup connection (TCP ACK only)');
  else bits.push('no response');
  if (run > 1) bits.push(`the last ${run} got no answer`);
  bits.push(`${formatDuration(Math.max(0, beforeMs))} before the alarm`);
  return bits.join(', ');
}

/** What the evidence search needs from the messages, gathered as they stream by: each source's time span (its own
 * clock) and the unregistration alarms (few next to the packets). */
export class EvidenceLog {
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly alarms: AlarmMessage[] = [];
  /** Sources whose times carry a date (else times of day only: quoted that way). */
  readonly dated: boolean[] = [];

  push(m: Message): void {
    if (!Number.isFinite(m.time)) return;
    const s = m.loc.source;
    if (m.dated) this.dated[s] = true;
    if (!(this.first[s]! <= m.time)) this.first[s] = m.time;
    if (!(this.last[s]! >= m.time)) this.last[s] = m.time;
    if (m.kind === 'alarm' && (m.device || m.ip) && ALARMS.get(m.name)?.family === 'unregistered' && this.alarms.length < 100_000) this.alarms.push(m);
  }
}

/** Evidence for each unregistration alarm that a covering source shows something about. */
export function alarmEvidence(log: EvidenceLog, flows: readonly FlowSummary[], sources: readonly SourceInfo[], clock: readonly SourceClock[]): AlarmEvidence[] {
  const off = (s: number): number => clock[s]?.offsetMs ?? 0;
  const spans: (Span | null)[] = sources.map((_, s) => (log.first[s] === undefined ? null : { first: log.first[s]! + off(s), last: log.last[s]! + off(s) }));
  const alarms = log.alarms;
  if (!alarms.length || !flows.length) return [];
  // flows by device name and by phone address
  const byDevice = new Map<string, FlowSummary[]>();
  const byIp = new Map<string, FlowSummary[]>();
  const add = (map: Map<string, FlowSummary[]>, k: string, f: FlowSummary): void => {
    const l = map.get(k);
    if (l) l.push(f);
    else map.set(k, [f]);
  };
  for (const f of flows) {
    if (!f.keepalives.length) continue;
    if (f.device) add(byDevice, f.device.toUpperCase(), f);
    add(byIp, hostOf(f.phone), f);
  }
  const out: AlarmEvidence[] = [];
  for (const alarm of alarms) {
    const T = alarm.time + off(alarm.loc.source);
    const candidates = new Set<FlowSummary>([...(alarm.device ? byDevice.get(alarm.device.toUpperCase()) ?? [] : []), ...(alarm.ip ? byIp.get(alarm.ip) ?? [] : [])]);
    if (!candidates.size) continue;
    // per source: the last keepalive at or before the alarm
    const best = new Map<number, { flow: FlowSummary; index: number; t: number }>();
    for (const f of candidates) {
      const ks = f.keepalives;
      // records are in time order: binary search for the last one at or before T (+ slack)
      let lo = 0, hi = ks.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ks[mid]!.time + off(ks[mid]!.loc.source) <= T + SLACK_MS) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) continue;
      const k = ks[lo - 1]!;
      const s = k.loc.source;
      const sp = spans[s];
      if (!sp || sp.first > T + SLACK_MS || sp.last < T - COVER_BEFORE_MS) continue;
      const t = k.time + off(s);
      const cur = best.get(s);
      if (!cur || t > cur.t) best.set(s, { flow: f, index: lo - 1, t });
    }
    if (!best.size) continue;
    const items: SourceEvidence[] = [];
    for (const [s, b] of [...best].sort((x, y) => y[1].t - x[1].t).slice(0, MAX_SOURCES)) {
      const ks = b.flow.keepalives;
      let run = 0;
      for (let i = b.index; i >= 0 && !ks[i]!.response && ks[i]!.loc.source === s; i--) run++;
      const k = ks[b.index]!;
      const beforeMs = T - b.t;
      items.push({ source: s, flow: b.flow, record: k, beforeMs, unansweredRun: run, text: describe(b.flow, k, sourceName(sources, s), beforeMs, run, log.dated[s] === true) });
    }
    const silent: number[] = [];
    for (let s = 0; s < sources.length; s++) {
      const sp = spans[s];
      const f = sources[s]!.format;
      if (best.has(s) || s === alarm.loc.source || !sp || (f !== 'pcap' && f !== 'pcapng' && f !== 'capture-export')) continue;
      if (sp.first <= T && sp.last >= T - COVER_BEFORE_MS) silent.push(s);
    }
    const related: RelatedInfo[] = [];
    for (const it of items) {
      const what = it.flow.protocol === 'sip' ? 'REGISTER' : 'KeepAlive';
      related.push({ loc: it.record.loc, message: `last ${what} of ${alarm.device || alarm.ip} before the alarm (${sourceName(sources, it.source)})` });
      if (it.record.responseLoc) related.push({ loc: it.record.responseLoc, message: `its answer: ${it.record.response}` });
    }
    let text = `Evidence: ${items.map((i) => i.text).join('; ')}.`;
    if (silent.length) text += ` Nothing of this device in ${silent.map((s) => sourceName(sources, s)).join(', ')}, which ${silent.length === 1 ? 'was' : 'were'} capturing then.`;
    out.push({ alarm, items, silent, text, related });
  }
  return out;
}

/** The alarms' findings with their evidence: text appended, related locations added, evidence numbers merged. */
export function withEvidence(findings: Finding[], evidence: readonly AlarmEvidence[]): void {
  if (!evidence.length) return;
  const byLoc = new Map<string, AlarmEvidence>();
  const key = (source: number, line: number | null, frame: number | null): string => `${source}:${line ?? ''}:${frame ?? ''}`;
  for (const e of evidence) byLoc.set(key(e.alarm.loc.source, e.alarm.loc.line, e.alarm.loc.frame), e);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (f.rule !== 'alarm.endpoint-unregistered' && f.rule !== 'alarm.device-unregistered') continue;
    const e = byLoc.get(key(f.loc.source, f.loc.line, f.loc.frame));
    if (!e) continue;
    const last = e.items[0]!;
    findings[i] = {
      rule: f.rule, severity: f.severity, loc: f.loc, time: f.time, dated: f.dated, device: f.device,
      message: `${f.message} ${e.text}`,
      related: [...f.related, ...e.related],
      evidence: {
        ...f.evidence,
        evidenceSource: last.source, lastKeepaliveMs: last.record.time, lastKeepaliveBeforeMs: last.beforeMs,
        lastKeepaliveResends: last.record.resends, lastKeepaliveAnswered: last.record.response !== '', unansweredRun: last.unansweredRun,
      },
    };
  }
}
