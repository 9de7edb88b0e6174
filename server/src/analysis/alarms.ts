// Rules over CUCM alarms: one finding per registration alarm with its reason decoded, and alarm.flapping for a
// device that unregisters again and again at a regular period (the seed's case 2: every ~16 minutes).
// Pure functions of the timeline.

import type { AlarmMessage, Finding, Message, RelatedInfo, Severity, SourceLocation } from '../model';
import { ALARMS, SYSLOG_SEVERITIES, expectedSeverity } from '../knowledge/alarms';
import type { AlarmInfo } from '../knowledge/alarms';
import type { ReasonCategory, ReasonCode } from '../knowledge/reasons';
import { deviceTypeName } from '../knowledge/deviceTypes';
import { formatClock, formatDuration } from '../sources/time';
import type { Settings } from '../settings';
import { median } from './stats';

const MAX_RELATED = 20;

function severityOf(info: AlarmInfo, reason: ReasonCode | undefined): Severity {
  switch (info.family) {
    case 'registered':
      return 'hint';
    case 'connection-failure':
      return 'error';
    case 'transient':
      return reason?.category === 'expected' ? 'information' : 'warning';
    case 'unregistered':
      return categorySeverity(reason?.category ?? 'unknown');
  }
}

function categorySeverity(c: ReasonCategory): Severity {
  switch (c) {
    case 'network':
      return 'error';
    case 'expected':
      return 'information';
    default:
      return 'warning';
  }
}

/** "SEPE0D1730A8137 (Cisco 3905, SIP, 10.60.98.210)" */
export function describeDevice(m: AlarmMessage): string {
  const bits: string[] = [];
  if (!Number.isNaN(m.deviceType)) bits.push(deviceTypeName(m.deviceType) ?? `DeviceType ${m.deviceType}`);
  if (m.protocol) bits.push(m.protocol);
  if (m.ip) bits.push(m.ip);
  const name = m.device || 'unnamed device';
  return bits.length ? `${name} (${bits.join(', ')})` : name;
}

/** "Reason 13 KeepAliveTimeout" or a note on what is missing. */
export function describeReason(info: AlarmInfo, m: AlarmMessage): string {
  if (Number.isNaN(m.reason)) return m.truncated ? 'reason missing: the alarm line is cut off' : 'no reason given';
  const r = info.reasons?.get(m.reason);
  if (r) return `Reason ${m.reason} ${r.name}`;
  return info.reasons ? `Reason ${m.reason} (not a known ${info.reasonsLabel})` : `Reason ${m.reason}`;
}

interface Unreg {
  readonly m: AlarmMessage;
}

const NO_RELATED: readonly RelatedInfo[] = Object.freeze([]);

/** A finding about one alarm. Its text is built when read, so a 200 MB log's findings stay small in memory. */
class AlarmFinding implements Finding {
  constructor(
    readonly rule: string,
    readonly severity: Severity,
    private readonly m: AlarmMessage,
    private readonly info: AlarmInfo,
    /** For a registration: the unregistration it ends. */
    private readonly prev: AlarmMessage | null,
  ) {}

  get loc(): SourceLocation {
    return this.m.loc;
  }
  get time(): number {
    return this.m.time;
  }
  get dated(): boolean {
    return this.m.dated;
  }
  get device(): string | undefined {
    return this.m.device || undefined;
  }

  private get reason(): ReasonCode | undefined {
    return Number.isNaN(this.m.reason) ? undefined : this.info.reasons?.get(this.m.reason);
  }

  get message(): string {
    const { m, info, prev } = this;
    const reason = this.reason;
    let message: string;
    switch (info.family) {
      case 'unregistered':
        message = `${describeDevice(m)} unregistered${m.node ? ` on ${m.node}` : ''}: ${describeReason(info, m)}${m.lastSignal ? `, last signal ${m.lastSignal}` : ''}.`;
        if (reason) message += ` ${reason.meaning}`;
        if (m.logged >= 0 && m.logged < 6 && expectedSeverity(info, reason?.code) === 6) {
          message += ` (CUCM normally logs this reason at ${SYSLOG_SEVERITIES[6]}, here ${SYSLOG_SEVERITIES[m.logged]}.)`;
        }
        return message;
      case 'registered':
        if (prev) {
          return `${describeDevice(m)} registered again ${formatDuration(m.time - prev.time)} after it unregistered (${describeReason(ALARMS.get(prev.name)!, prev)}, ${formatClock(prev.time, prev.dated)}).`;
        }
        return `${describeDevice(m)} registered${m.node ? ` with ${m.node}` : ''}.`;
      case 'transient':
        message = `${describeDevice(m)}: connection dropped before registration completed: ${describeReason(info, m)}${reason ? ' (enumeration assumed)' : ''}.`;
        return reason ? `${message} ${reason.meaning}` : message;
      case 'connection-failure':
        return `${describeDevice(m)}: CUCM failed to open a connection for the device${Number.isNaN(m.reason) ? '' : ` (Reason ${m.reason})`}.`;
    }
  }

  get related(): readonly RelatedInfo[] {
    const prev = this.prev;
    return prev ? [{ loc: prev.loc, message: `${prev.name}: ${describeReason(ALARMS.get(prev.name)!, prev)}` }] : NO_RELATED;
  }

  get evidence(): Readonly<Record<string, number | string | boolean | null>> {
    const m = this.m;
    const e: Record<string, number | string | boolean | null> = {
      reason: Number.isNaN(m.reason) ? null : m.reason, reasonName: this.reason?.name ?? null,
      ip: m.ip || null, protocol: m.protocol || null, deviceType: Number.isNaN(m.deviceType) ? null : m.deviceType,
    };
    if (m.lastSignal) e.lastSignal = m.lastSignal;
    if (m.node) e.node = m.node;
    if (m.logged >= 0) e.loggedSeverity = m.logged;
    if (this.prev) e.downtimeMs = m.time - this.prev.time;
    return e;
  }
}

/** Findings for every registration-family alarm, plus alarm.flapping per device. `messages` are in time order. */
export function alarmFindings(messages: readonly Message[], settings: Settings): Finding[] {
  const out: Finding[] = [];
  const lastUnreg = new Map<string, AlarmMessage>();
  const unregs = new Map<string, Unreg[]>();
  const downtimes = new Map<string, number[]>();
  for (const m of messages) {
    if (m.kind !== 'alarm') continue;
    const info = ALARMS.get(m.name);
    if (!info) continue;
    const reason = Number.isNaN(m.reason) ? undefined : info.reasons?.get(m.reason);
    const key = m.device || m.ip;
    let prev: AlarmMessage | null = null;
    if (info.family === 'unregistered' && key) {
      lastUnreg.set(key, m);
      // Flapping looks at the unregistrations nobody asked for (not resets, EM logins, fallbacks).
      if (reason?.category !== 'expected') {
        let list = unregs.get(key);
        if (!list) unregs.set(key, (list = []));
        list.push({ m });
      }
    } else if (info.family === 'registered' && key) {
      const p = lastUnreg.get(key);
      if (p && Number.isFinite(p.time) && Number.isFinite(m.time) && m.time >= p.time) {
        prev = p;
        if (ALARMS.get(p.name)?.reasons?.get(p.reason)?.category !== 'expected') {
          let list = downtimes.get(key);
          if (!list) downtimes.set(key, (list = []));
          list.push(m.time - p.time);
        }
        lastUnreg.delete(key);
      }
    }
    out.push(new AlarmFinding(info.rule, severityOf(info, reason), m, info, prev));
  }
  for (const [device, list] of unregs) {
    const f = flapping(device, list, downtimes.get(device) ?? [], settings);
    if (f) out.push(f);
  }
  return out;
}

const DUPLICATE_WINDOW_MS = 1000;

/** [min, max] without spreading (a device may have hundreds of thousands of events). */
function extent(xs: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** A device whose unregistrations repeat: periodic (warning, with the period) or irregular (information). */
function flapping(device: string, list: readonly Unreg[], downtimes: readonly number[], settings: Settings): Finding | null {
  // One unregistration seen twice (the same log read twice, syslog and an SDL trace of the same node) is one event:
  // events of one device within a second of each other are merged.
  const sorted = list.filter((u) => Number.isFinite(u.m.time)).sort((a, b) => a.m.time - b.m.time);
  const timed: Unreg[] = [];
  for (const u of sorted) if (!timed.length || u.m.time - timed[timed.length - 1]!.m.time >= DUPLICATE_WINDOW_MS) timed.push(u);
  if (timed.length < settings.alarms.flappingMinEvents) return null;
  const times = timed.map((u) => u.m.time);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  const [minGap, maxGap] = extent(gaps);
  const med = median(gaps);
  if (!(med > 0)) return null;
  const tol = settings.alarms.flappingTolerance;
  const inliers = gaps.filter((g) => Math.abs(g - med) <= tol * med);
  const periodic = inliers.length >= settings.alarms.flappingMinEvents - 1 && inliers.length >= gaps.length * 0.6;
  const reasons = new Map<string, number>();
  for (const u of timed) {
    const info = ALARMS.get(u.m.name)!;
    const d = describeReason(info, u.m);
    reasons.set(d, (reasons.get(d) ?? 0) + 1);
  }
  const reasonText = [...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ×${n}`).join(', ');
  const last = timed[timed.length - 1]!;
  const span = times[times.length - 1]! - times[0]!;
  const downText = downtimes.length ? `; back after ~${formatDuration(median(downtimes))} each time` : '';
  const evidence: Record<string, number | string | boolean | null> = {
    device, count: timed.length, spanMs: span, medianIntervalMs: med, minIntervalMs: minGap,
    maxIntervalMs: maxGap, periodic, medianDowntimeMs: downtimes.length ? median(downtimes) : null,
  };
  let message: string;
  let severity: Severity;
  if (periodic) {
    const period = inliers.reduce((a, b) => a + b, 0) / inliers.length;
    evidence.periodMs = Math.round(period);
    message = `${describeDevice(last.m)} unregisters periodically: ${timed.length} times in ${formatDuration(span)}, every ~${formatDuration(period)} ` +
      `(intervals ${formatDuration(extent(inliers)[0])} – ${formatDuration(extent(inliers)[1])})${downText}; ${reasonText}. ` +
      'A steady period suggests a timer (suspected: keepalive retransmission backoff reaching the CUCM deadline, or switch port-security / firewall aging) rather than random loss.';
    severity = 'warning';
  } else {
    message = `${describeDevice(last.m)} unregistered ${timed.length} times in ${formatDuration(span)} at irregular intervals ` +
      `(${formatDuration(minGap)} – ${formatDuration(maxGap)}, median ${formatDuration(med)})${downText}; ${reasonText}.`;
    severity = 'information';
  }
  const related: RelatedInfo[] = timed.slice(-MAX_RELATED).filter((u) => u !== last).map((u) => ({
    loc: u.m.loc, message: `unregistered ${formatClock(u.m.time, u.m.dated)}`,
  }));
  return { rule: 'alarm.flapping', severity, message, loc: last.m.loc, time: last.m.time, dated: last.m.dated, device, related, evidence };
}
