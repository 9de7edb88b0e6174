// CUCM alarms as they reach an engineer: syslog lines in the CiscoLog envelope
//   [receiver prefix] SEQ: HOST: [*]Mon DD YYYY HH:MM:SS[.mmm] TZ: %UC_CALLMANAGER-3-EndPointUnregistered: %[K=V][K=V]...: text
// (with or without the receiver's prefix, PRI, spaces between the tag groups, empty values), the older
//   %CCM_CALLMANAGER-CALLMANAGER-3-DeviceUnregistered: Device unregistered. Device name.:SEP... Reason Code [Optional].:12
// form (and the same "Label: value" parameters of Event Viewer exports), and SDL trace AlarmErr/AlarmWarn/AlarmInfo
// records `seq.sub |HH:MM:SS.mmm |AlarmErr |AlarmClass: CallManager, AlarmName: X, ..., AlarmParameters: K:V, K:V,`.

import type { AlarmMessage } from '../model';
import { ALARMS } from '../knowledge/alarms';
import type { AlarmInfo } from '../knowledge/alarms';
import { DayClock, ciscoStampBefore, dayOffsetBefore, parseSyslogStamp, parseTimeOfDay, withYear } from './time';
import type { ProblemSink } from './text';

export interface AlarmParam {
  /** Canonical key (DeviceName, IPAddress, Reason, ...). */
  readonly key: string;
  readonly value: string;
  /** Columns (0-based) of the key or label as written, and of the value. */
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface ParsedAlarm {
  readonly form: 'ciscolog' | 'labelled' | 'sdl';
  /** Application / facility: UC_CALLMANAGER, CCM_CALLMANAGER-CALLMANAGER, or the SDL AlarmClass. */
  readonly app: string;
  readonly appStart: number;
  /** Severity digit 0-7 or -1. */
  readonly severity: number;
  readonly severityStart: number;
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly params: readonly AlarmParam[];
  /** Column where the header starts (the '%' or the SDL record start). */
  readonly start: number;
  /** Text before the header (receiver prefix); for SDL the time of day. */
  readonly prefix: string;
  /** The free text after the parameters. */
  readonly text: string;
  /** The parameter list was cut off (no closing bracket, no trailing text). */
  readonly truncated: boolean;
}

// %APP-SEV-NAME: ; APP may hold hyphenated parts (CCM_CALLMANAGER-CALLMANAGER).
const HEADER = /%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*)-([0-7])-([A-Za-z][A-Za-z0-9_]*)(?::|$)/g;
const SDL = /^\d{7,8}\.\d{3}\s*\|(\d{2}:\d{2}:\d{2}\.\d{3})\s*\|(Alarm[A-Za-z]*)\s*\|/;

// "Label: value" parameters of the older CiscoLog/Event Viewer form, mapped to canonical keys. Longest first.
const LABELS: ReadonlyArray<[string, string]> = [
  ['Device description', 'Description'], ['Device IP address', 'IPAddress'], ['Device MAC address', 'MACAddress'],
  ['Device name', 'DeviceName'], ['Device Name', 'DeviceName'], ['Device type', 'DeviceType'],
  ['Device Type', 'DeviceType'], ['IPv6 Address', 'IPV6Address'], ['IP Address', 'IPAddress'],
  ['IP address', 'IPAddress'], ['Reason Code', 'Reason'], ['Reason code', 'Reason'], ['Connecting Port', 'ConnectingPort'],
  ['Last Signal Received', 'LastSignalReceived'], ['App ID', 'AppID'], ['Cluster ID', 'ClusterID'], ['Node ID', 'NodeID'],
  ['Protocol', 'Protocol'], ['Description', 'Description'], ['IPV6Address', 'IPV6Address'], ['IPAddress', 'IPAddress'],
  ['DeviceName', 'DeviceName'], ['DeviceType', 'DeviceType'], ['LastSignalReceived', 'LastSignalReceived'],
  ['IPAddrAttributes', 'IPAddrAttributes'], ['AppID', 'AppID'], ['ClusterID', 'ClusterID'], ['NodeID', 'NodeID'],
  ['Reason', 'Reason'],
];
const LABEL_KEY = new Map(LABELS);
const LABEL_RE = new RegExp(
  '(?<![\\w.])(' + LABELS.map(([l]) => l.replace(/ /g, ' ')).join('|') + ')\\.?(?: ?[\\[(]Optional[\\])])?\\.?\\s?:',
  'g',
);

interface Header {
  readonly app: string;
  readonly severity: number;
  readonly name: string;
  readonly at: number;
  readonly nameStart: number;
  readonly nameEnd: number;
}

/** The CiscoLog header `%APP-SEV-NAME:`: the first one at or after the first '%' (a receiver prefix may hold others). */
function findHeader(line: string, pct: number): Header | null {
  HEADER.lastIndex = pct;
  const h = HEADER.exec(line);
  if (!h) return null;
  const at = h.index;
  const app = h[1]!;
  const name = h[3]!;
  const nameStart = at + 1 + app.length + 3;
  return { app, severity: Number(h[2]), name, at, nameStart, nameEnd: nameStart + name.length };
}

/** Called for each `[Key=Value]` group with the columns of key (trimmed) and value. */
type TagVisitor = (line: string, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void;

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** The ']' that closes the group opened at `open`: the first one followed (after blanks) by '[', ':' or the end of the
 * line, so a value may itself hold brackets ("Lobby [2nd floor]"); the first ']' when none is; -1 when none. */
function closingBracket(line: string, open: number): number {
  const first = line.indexOf(']', open + 1);
  let close = first;
  while (close >= 0) {
    let k = close + 1;
    while (k < line.length && isBlank(line.charCodeAt(k))) k++;
    const c = line.charCodeAt(k);
    if (k >= line.length || c === 91 /* [ */ || c === 58 /* : */) return close;
    close = line.indexOf(']', close + 1);
  }
  return first;
}

/** Scans `%[K=V][K=V]...: text` from the '%' at `i`. Returns where the free text starts, -1 when the list was cut
 * (the unclosed last group is then not visited: its value may be cut too). */
function scanTags(line: string, i: number, visit: TagVisitor): number {
  i++;
  for (;;) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) !== 91 /* [ */) break;
    const close = closingBracket(line, i);
    if (close < 0) return -1;
    const eq = line.indexOf('=', i + 1);
    if (eq >= 0 && eq < close) {
      let ks = i + 1;
      while (ks < eq && isBlank(line.charCodeAt(ks))) ks++;
      let ke = eq;
      while (ke > ks && isBlank(line.charCodeAt(ke - 1))) ke--;
      visit(line, ks, ke, eq + 1, close);
    }
    i = close + 1;
  }
  if (i >= line.length) return -1;
  return line.charCodeAt(i) === 58 /* : */ ? i + 1 : i;
}

/** Reads one line. Returns null when the line holds no CUCM alarm. Never throws. */
export function parseAlarmLine(line: string): ParsedAlarm | null {
  const pct = line.indexOf('%');
  if (pct >= 0) {
    const h = findHeader(line, pct);
    if (h) return parseCiscoLog(line, h);
  }
  if (line.indexOf('|Alarm') >= 0) return parseSdl(line);
  return null;
}

function parseCiscoLog(line: string, h: Header): ParsedAlarm {
  let i = h.nameEnd + 1;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  const params: AlarmParam[] = [];
  let truncated = false;
  let form: ParsedAlarm['form'] = 'ciscolog';
  let text = '';
  if (line.charCodeAt(i) === 37 /* % */) {
    const textAt = scanTags(line, i, (l, ks, ke, vs, ve) => {
      params.push({ key: l.slice(ks, ke).trim(), value: l.slice(vs, ve), keyStart: ks, keyEnd: ke, valueStart: vs, valueEnd: ve });
    });
    if (textAt < 0) truncated = true;
    else text = line.slice(textAt).trim();
  } else {
    const rest = line.slice(i);
    text = rest.trim();
    const found = labelledParams(text, i + (rest.length - rest.trimStart().length));
    if (found.length) {
      form = 'labelled';
      params.push(...found);
    }
  }
  return {
    form, app: h.app, appStart: h.at + 1, severity: h.severity, severityStart: h.at + 1 + h.app.length + 1, name: h.name,
    nameStart: h.nameStart, nameEnd: h.nameEnd, params, start: h.at, prefix: line.slice(0, h.at), text, truncated,
  };
}

/** "Device name.:SEP... Device IP address.:10.1.1.1 Reason Code [Optional].:12" with columns relative to `base`. */
function labelledParams(text: string, base: number): AlarmParam[] {
  const out: AlarmParam[] = [];
  LABEL_RE.lastIndex = 0;
  const hits: { label: string; start: number; end: number }[] = [];
  let m: RegExpExecArray | null;
  const seen = new Set<string>();
  while ((m = LABEL_RE.exec(text))) {
    // The first label of a kind is the field; a later one sits inside a free-text value (a description).
    const key = LABEL_KEY.get(m[1]!)!;
    if (seen.has(key)) continue;
    seen.add(key);
    hits.push({ label: m[1]!, start: m.index, end: m.index + m[0].length });
  }
  for (let k = 0; k < hits.length; k++) {
    const hit = hits[k]!;
    const stop = k + 1 < hits.length ? hits[k + 1]!.start : text.length;
    let vs = hit.end;
    while (vs < stop && text.charCodeAt(vs) === 32) vs++;
    let ve = stop;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 44)) ve--;
    out.push({
      key: LABEL_KEY.get(hit.label)!, value: text.slice(vs, ve), keyStart: base + hit.start, keyEnd: base + hit.start + hit.label.length,
      valueStart: base + vs, valueEnd: base + ve,
    });
  }
  return out;
}

const SDL_SEVERITY: Record<string, number> = {
  Emergency: 0, Alert: 1, Critical: 2, Error: 3, Warning: 4, Notice: 5, Informational: 6, Information: 6, Info: 6, Debug: 7,
};

function parseSdl(line: string): ParsedAlarm | null {
  const m = SDL.exec(line);
  if (!m) return null;
  const body = m[0].length;
  const field = (label: string): { value: string; start: number } | null => {
    const k = line.indexOf(label + ': ', body);
    if (k < 0) return null;
    const vs = k + label.length + 2;
    const comma = line.indexOf(',', vs);
    return { value: line.slice(vs, comma < 0 ? line.length : comma).trim(), start: vs };
  };
  const cls = field('AlarmClass');
  const nm = field('AlarmName');
  if (!nm || !nm.value) return null;
  const sev = field('AlarmSeverity');
  const params: AlarmParam[] = [];
  const pk = line.indexOf('AlarmParameters:', body);
  let truncated = pk < 0;
  if (pk >= 0) {
    const re = /(?:^|,)\s*([A-Za-z][A-Za-z0-9]*):/g;
    const from = pk + 'AlarmParameters:'.length;
    const seg = line.slice(from);
    const hits: { key: string; ks: number; vs: number; start: number }[] = [];
    let r: RegExpExecArray | null;
    while ((r = re.exec(seg))) {
      const ks = from + r.index + r[0].indexOf(r[1]!);
      hits.push({ key: r[1]!, ks, vs: from + r.index + r[0].length, start: from + r.index });
    }
    for (let k = 0; k < hits.length; k++) {
      const h = hits[k]!;
      const stop = k + 1 < hits.length ? hits[k + 1]!.start : line.length;
      let ve = stop;
      while (ve > h.vs && (line.charCodeAt(ve - 1) === 32 || line.charCodeAt(ve - 1) === 44)) ve--;
      params.push({ key: h.key, value: line.slice(h.vs, ve), keyStart: h.ks, keyEnd: h.ks + h.key.length, valueStart: h.vs, valueEnd: ve });
    }
    // CUCM ends the list with a comma; a line without it was cut.
    if (!/,\s*$/.test(line)) truncated = true;
  }
  return {
    form: 'sdl', app: cls?.value ?? 'CallManager', appStart: cls?.start ?? 0,
    severity: sev ? SDL_SEVERITY[sev.value] ?? -1 : -1, severityStart: sev?.start ?? 0,
    name: nm.value, nameStart: nm.start, nameEnd: nm.start + nm.value.length, params, start: 0, prefix: m[1]!,
    text: field('AlarmDescription')?.value ?? '', truncated,
  };
}

export function paramValue(p: ParsedAlarm, key: string): string | undefined {
  for (const x of p.params) if (x.key === key) return x.value;
  return undefined;
}

/** True for the CallManager service's own alarms (the ones this tool knows or should know). */
export function isCallManagerApp(app: string): boolean {
  return app === 'UC_CALLMANAGER' || app.startsWith('CCM_CALLMANAGER') || app === 'CallManager';
}

export interface AlarmReaderOptions {
  /** Index of the source in the analysis. */
  readonly source: number;
  /** Reference date for stamps without a year or date (file modification time), if any. */
  readonly referenceDate?: Date | null;
}

/** Turns lines into AlarmMessages; aggregates per-name and per-code problems so large files stay bounded. */
export class AlarmReader {
  readonly messages: AlarmMessage[] = [];
  private readonly intern = new Map<string, string>();
  private readonly unknownNames = new Map<string, { count: number; line: number }>();
  private readonly unknownReasons = new Map<string, { count: number; line: number }>();
  private readonly unknownZones = new Map<string, number>();
  private clock: DayClock | null = null;
  private noYearLines = 0;
  private todLines = 0;
  private undatedLines = 0;

  constructor(private readonly opts: AlarmReaderOptions, private readonly problems: ProblemSink) {}

  // Scratch fields filled by the tag visitor of the fast path (no per-tag objects on the hot path).
  private fDevice = '';
  private fIp = '';
  private fProtocol = '';
  private fDeviceType = NaN;
  private fReason = NaN;
  private fLastSignal = '';
  private fNode = '';
  private readonly visit: TagVisitor = (line, ks, ke, vs, ve) => {
    switch (ke - ks) {
      case 6:
        if (line.startsWith('Reason', ks)) this.fReason = intAt(line, vs, ve);
        else if (line.startsWith('NodeID', ks)) this.fNode = this.strAt(line, vs, ve);
        break;
      case 8:
        if (line.startsWith('Protocol', ks)) this.fProtocol = this.strAt(line, vs, ve);
        break;
      case 9:
        if (line.startsWith('IPAddress', ks)) this.fIp = this.strAt(line, vs, ve);
        break;
      case 10:
        if (line.startsWith('DeviceName', ks)) this.fDevice = this.strAt(line, vs, ve);
        else if (line.startsWith('DeviceType', ks)) this.fDeviceType = intAt(line, vs, ve);
        break;
      case 18:
        if (line.startsWith('LastSignalReceived', ks)) this.fLastSignal = this.strAt(line, vs, ve);
        break;
    }
  };

  /** Feed one line; cheap for lines that hold no alarm. */
  line(text: string, lineNo: number): void {
    const pct = text.indexOf('%');
    const h = pct >= 0 ? findHeader(text, pct) : null;
    if (!h) {
      if (text.indexOf('|Alarm') >= 0) this.fromParsed(parseAlarmLine(text), lineNo);
      return;
    }
    const info = ALARMS.get(h.name);
    if (!info) {
      this.unknown(h.app, h.name, lineNo);
      return;
    }
    let i = h.nameEnd + 1;
    while (i < text.length && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) !== 37 /* % */) {
      // the older labelled form: rare, read through the full parser
      this.fromParsed(parseCiscoLog(text, h), lineNo);
      return;
    }
    this.fDevice = this.fIp = this.fProtocol = this.fLastSignal = this.fNode = '';
    this.fDeviceType = this.fReason = NaN;
    const truncated = scanTags(text, i, this.visit) < 0;
    let time = ciscoStampBefore(text, h.at, this.zoneScratch);
    if (Number.isNaN(time)) time = this.stamp(text.slice(0, h.at));
    else {
      this.lastDated = true;
      if (this.zoneScratch.unknownZone) {
        const z = this.zoneScratch.unknownZone;
        this.unknownZones.set(z, (this.unknownZones.get(z) ?? 0) + 1);
        this.zoneScratch.unknownZone = '';
      }
    }
    this.add(info, lineNo, h.at, h.nameStart, h.nameEnd, h.severity, truncated, time);
  }

  private unknown(app: string, name: string, lineNo: number): void {
    if (!isCallManagerApp(app)) return;
    const u = this.unknownNames.get(name);
    if (u) u.count++;
    else this.unknownNames.set(name, { count: 1, line: lineNo });
  }

  private fromParsed(p: ParsedAlarm | null, lineNo: number): void {
    if (!p) return;
    const info = ALARMS.get(p.name);
    if (!info) {
      this.unknown(p.app, p.name, lineNo);
      return;
    }
    this.fDevice = this.fIp = this.fProtocol = this.fLastSignal = this.fNode = '';
    this.fDeviceType = this.fReason = NaN;
    for (const q of p.params) {
      switch (q.key) {
        case 'DeviceName': this.fDevice = this.str(q.value.trim()); break;
        case 'IPAddress': this.fIp = this.str(q.value.trim()); break;
        case 'Protocol': this.fProtocol = this.str(q.value.trim()); break;
        case 'DeviceType': this.fDeviceType = toInt(q.value); break;
        case 'Reason': this.fReason = toInt(q.value); break;
        case 'LastSignalReceived': this.fLastSignal = this.str(q.value.trim()); break;
        case 'NodeID': this.fNode = this.str(q.value.trim()); break;
      }
    }
    const time = p.form === 'sdl' ? this.timeOfDay(p.prefix) : this.stamp(p.prefix);
    this.add(info, lineNo, p.start, p.nameStart, p.nameEnd, p.severity, p.truncated, time);
  }

  private add(info: AlarmInfo, lineNo: number, start: number, nameStart: number, nameEnd: number, severity: number, truncated: boolean, time: number): void {
    const reason = this.fReason;
    if (truncated) {
      this.problems.add('alarm.truncated', 'warning', `${info.name} on line ${lineNo} is cut off: its parameter list does not end${Number.isNaN(reason) && info.reasons ? ', and the Reason is missing' : ''}.`, lineNo, start);
    }
    if (info.reasons && !Number.isNaN(reason) && !info.reasons.has(reason)) {
      const key = `${info.name}\u0000${reason}`;
      const u = this.unknownReasons.get(key);
      if (u) u.count++;
      else this.unknownReasons.set(key, { count: 1, line: lineNo });
    }
    this.messages.push({
      kind: 'alarm', loc: { source: this.opts.source, line: lineNo, frame: null, col: nameStart, endCol: nameEnd },
      time, dated: this.lastDated, name: info.name, logged: severity, device: this.fDevice, ip: this.fIp, protocol: this.fProtocol,
      deviceType: this.fDeviceType, reason, lastSignal: this.fLastSignal, node: this.fNode, truncated,
    });
  }

  private lastDated = false;
  /** Messages timed by time of day only, dated in finish(). */
  private readonly todIndexes: number[] = [];
  private readonly zoneScratch = { unknownZone: '' };

  /** A record with only a time of day: timed relative to day 0 for now (see finish). */
  private timeOfDay(text: string): number {
    const tod = parseTimeOfDay(text);
    this.lastDated = false;
    if (Number.isNaN(tod)) return NaN;
    this.todLines++;
    if (!this.clock) this.clock = new DayClock(0);
    this.todIndexes.push(this.messages.length);
    return this.clock.at(tod);
  }

  /** The time of a syslog prefix; sets lastDated. */
  private stamp(prefix: string): number {
    const ref = this.opts.referenceDate ?? null;
    this.lastDated = false;
    const s = parseSyslogStamp(prefix);
    if (!s) {
      this.undatedLines++;
      return NaN;
    }
    if (s.unknownZone) this.unknownZones.set(s.unknownZone, (this.unknownZones.get(s.unknownZone) ?? 0) + 1);
    if (s.noYear) {
      this.noYearLines++;
      if (ref) {
        this.lastDated = true;
        return withYear(s.noYear, ref);
      }
      return Date.UTC(1970, s.noYear.month, s.noYear.day) + s.noYear.tod;
    }
    this.lastDated = true;
    return s.ms;
  }

  /** The interned, trimmed value written in line[from, to). */
  private strAt(line: string, from: number, to: number): string {
    while (from < to && line.charCodeAt(from) === 32) from++;
    while (to > from && line.charCodeAt(to - 1) === 32) to--;
    return from === to ? '' : this.str(line.slice(from, to));
  }

  /** An interned copy of a value. */
  private str(s: string): string {
    const got = this.intern.get(s);
    if (got !== undefined) return got;
    // Copy before keeping: a slice would pin the whole chunk it came from.
    const own = s.length > 12 ? Buffer.from(s, 'utf8').toString('utf8') : s;
    if (this.intern.size < 1_000_000) this.intern.set(own, own);
    return own;
  }

  /** Trace records carry only a time of day. The file's modification time marks its last record, so the day of the
   * first record is the latest midnight from which the last record (after its roll-overs) is not later than that. */
  private dateTimeOfDayRecords(): void {
    const ref = this.referenceOverride ?? this.opts.referenceDate;
    if (!ref || !this.todIndexes.length) return;
    let last = -Infinity;
    for (const i of this.todIndexes) last = Math.max(last, this.messages[i]!.time);
    const day = dayOffsetBefore(ref, last);
    for (const i of this.todIndexes) {
      const m = this.messages[i]!;
      this.messages[i] = { ...m, time: m.time + day, dated: true };
    }
  }

  /** Dates the time-of-day records from this moment (a trace's header) instead of the reference date given. */
  useReference(d: Date): void {
    this.referenceOverride = d;
  }
  private referenceOverride: Date | null = null;

  /** Closes the source: dates time-of-day records, turns the aggregates into problem entries. */
  finish(): void {
    this.dateTimeOfDayRecords();
    for (const [name, u] of this.unknownNames) {
      this.problems.add('alarm.unknown-name', 'information', `Alarm ${name} is not in CUCM Lens's alarm table (${count(u.count, 'line')}, first on line ${u.line}); it is highlighted but not analysed.`, u.line);
    }
    for (const [key, u] of this.unknownReasons) {
      const [name, code] = key.split('\u0000');
      this.problems.add('alarm.unknown-reason', 'warning', `Reason=${code} is not a known ${name} reason code (${count(u.count, 'line')}, first on line ${u.line}).`, u.line);
    }
    for (const [zone, n] of this.unknownZones) {
      this.problems.add('input.time-zone', 'warning', `Time zone "${zone}" is not known (${count(n, 'line')}); those times were taken as UTC.`);
    }
    const ref = this.opts.referenceDate;
    if (this.noYearLines) {
      this.problems.add('input.no-year', 'information', ref
        ? `${count(this.noYearLines, 'time stamp')} carry no year; the year was taken from the file's date (${ref.toISOString().slice(0, 10)}).`
        : `${count(this.noYearLines, 'time stamp')} carry no year and the file's date is unknown; times are shown without a date.`);
    }
    if (this.todLines && this.referenceOverride) {
      this.problems.add('input.no-date', 'information', `${count(this.todLines, 'trace record')} ${this.todLines === 1 ? 'carries' : 'carry'} only a time of day; they were dated from the trace file's header.`);
    } else if (this.todLines) {
      this.problems.add('input.no-date', 'information', ref
        ? `${count(this.todLines, 'trace record')} ${this.todLines === 1 ? 'carries' : 'carry'} only a time of day; dates were counted back from the file's modification time (${ref.toISOString().slice(0, 19)}Z), taken as the time of the last record.`
        : `${count(this.todLines, 'trace record')} ${this.todLines === 1 ? 'carries' : 'carry'} only a time of day; times are shown without a date.`);
    }
    if (this.undatedLines) {
      this.problems.add('input.no-time', 'warning', `${count(this.undatedLines, 'alarm')} carry no time stamp that could be read; they are listed but not placed on the timeline.`);
    }
    this.unknownNames.clear();
    this.unknownReasons.clear();
  }
}

/** A non-negative integer written in line[from, to) (spaces allowed around it), else NaN. */
function intAt(line: string, from: number, to: number): number {
  while (from < to && line.charCodeAt(from) === 32) from++;
  while (to > from && line.charCodeAt(to - 1) === 32) to--;
  if (from === to || to - from > 9) return NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

function toInt(v: string): number {
  const t = v.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : NaN;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
