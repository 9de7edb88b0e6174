// The language service: analysis cached per document version, and pure functions from that cache to LSP
// answers. main.ts only wires these to the connection (yaml-language-server's "thin handlers over a pure service").

import type {
  CodeLens, Diagnostic, DocumentSymbol, FoldingRange, Hover, InlayHint, Position, Range,
} from 'vscode-languageserver';
import { DiagnosticSeverity, DiagnosticTag, InlayHintKind, MarkupKind, SymbolKind } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AlarmMessage, AnalysisResult, Finding, FlowSummary, KeepaliveRecord, NetMessage, Problem, Severity, SourceFormat, SourceLocation } from '../model';
import type { CaptureView } from './captureView';
import { md, netHover } from './netHover';
import { analyzeTextWithNeighbours, analyzeTexts } from '../engine';
import type { TextInput } from '../engine';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildLadder } from '../ladder/build';
import type { LadderModel } from '../ladder/model';
import { fileURLToPath } from 'node:url';
import { traceNeighbours, traceSetMember, traceSetReferenceDates } from '../sources/traceset';
import type { Settings } from '../settings';
import { parseAlarmLine } from '../sources/syslog';
import type { AlarmParam, ParsedAlarm } from '../sources/syslog';
import { ALARMS, IP_ADDR_ATTRIBUTES, LAST_SIGNALS, PARAMETERS, SYSLOG_SEVERITIES, expectedSeverity } from '../knowledge/alarms';
import { DEVICE_TYPES } from '../knowledge/deviceTypes';
import { verificationText } from '../knowledge/reasons';
import { describeReason } from '../analysis/alarms';
import { formatClock } from '../sources/time';
import { quantile } from '../analysis/stats';
import type { CaseAnalysis } from './cases';
import type { Location } from 'vscode-languageserver';

/** A document seen as one file of a case (cases.ts): its source index in the case's analysis. */
export interface CaseContext {
  readonly ca: CaseAnalysis;
  readonly source: number;
}

/** Rules only a case produces (several files together). */
const CASE_RULES = new Set(['capture.not-received', 'capture.correlated']);

/** The case's findings that belong in this document: the case rules at this source, and the alarm findings the
 * case linked to evidence (they replace the document's own). */
function caseFindings(cc: CaseContext): Finding[] {
  return cc.ca.result.findings.filter((f) => f.loc.source === cc.source && (CASE_RULES.has(f.rule) || f.evidence['evidenceSource'] !== undefined));
}

function caseDiagnostic(f: Finding, cc: CaseContext, doc: TextDocument): Diagnostic | null {
  const line = cc.ca.lineOf(f.loc);
  if (line === null) return null;
  const range = cc.ca.isCapture(cc.source) || f.loc.col === undefined ? wholeLine(doc, line) : lineRange(line, f.loc.col, f.loc.endCol);
  const related = [];
  for (const r of f.related) {
    const rl = cc.ca.lineOf(r.loc);
    if (rl === null) continue;
    const wide = cc.ca.isCapture(r.loc.source) || r.loc.col === undefined;
    related.push({ location: { uri: r.loc.source === cc.source ? doc.uri : cc.ca.uriOf(r.loc.source), range: wide ? lineRange(rl, 0, 65536) : lineRange(rl, r.loc.col, r.loc.endCol) }, message: r.message });
  }
  return { range, severity: SEVERITY[f.severity], code: f.rule, source: 'CUCM Lens', message: f.message, relatedInformation: related };
}

export interface DocAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly result: AnalysisResult;
  readonly settings: Settings;
  /** Lines (0-based) that hold an alarm, ascending. */
  readonly alarmLines: Int32Array;
  /** Alarms by device name, built on first use. */
  byDevice?: Map<string, AlarmMessage[]>;
  /** For the decoded view of a binary capture: which line shows which frame. */
  readonly view?: CaptureView;
  /** Network messages by 0-based line, built on first use. */
  netByLine?: Map<number, NetMessage[]>;
  /** The ladder model, built on first use. */
  ladder?: LadderModel;
  /** Keepalives (first transmission or answer) by 0-based line, built on first use. */
  keepaliveByLine?: Map<number, { flow: FlowSummary; index: number; answer: boolean }>;
}

/** The 1-based line a location is shown on in this document (captures: through the view), or null. */
function lineOf(a: DocAnalysis, loc: SourceLocation): number | null {
  if (a.view) {
    const l = loc.frame !== null ? a.view.lineOfFrame.get(loc.frame) : undefined;
    return l === undefined ? null : l + 1;
  }
  return loc.line;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function formatForLanguage(languageId: string): SourceFormat | undefined {
  return languageId === 'cucm-syslog' ? 'cucm-syslog' : undefined;
}

/** Analyses one document. A file of a trace set is read with its neighbours on disk (flows that cross files), which are
 * streamed from disk, read-only and bounded (`cucmLens.traces.neighbourMegabytes`), and never held as text. */
export async function analyzeDocument(doc: TextDocument, settings: Settings, referenceDate: Date | null): Promise<DocAnalysis> {
  const input: TextInput = { file: doc.uri, text: doc.getText(), referenceDate, format: formatForLanguage(doc.languageId) };
  const file = doc.uri.startsWith('file:') ? fileURLToPath(doc.uri) : null;
  if (file && settings.traces.neighbourBytes > 0 && traceSetMember(file)) {
    const neighbours = traceNeighbours(file, settings.traces.neighbourBytes);
    if (neighbours.length) {
      // dated as one timeline (each file ends before the next begins), as the CLI does
      const set = [file, ...neighbours].sort((x, y) => traceSetMember(x)!.index - traceSetMember(y)!.index);
      const refs = traceSetReferenceDates(set, set.map(mtimeOf), settings.traces.date);
      const refOf = (p: string): Date | null => refs[set.indexOf(p)] ?? null;
      const result = await analyzeTextWithNeighbours({ ...input, referenceDate: refOf(file) },
        neighbours.map((p) => ({ path: p, referenceDate: refOf(p) })), settings, settings.traces.neighbourBytes);
      return withIndex(doc.uri, doc.version, result, settings);
    }
  }
  return withIndex(doc.uri, doc.version, analyzeTexts([input], settings), settings);
}

function mtimeOf(file: string): Date | null {
  try {
    return fs.statSync(file).mtime;
  } catch {
    return null;
  }
}

/** A capture read from disk, shown through its decoded view. */
export function captureDocument(uri: string, version: number, result: AnalysisResult, view: CaptureView, settings: Settings): DocAnalysis {
  return { ...withIndex(uri, version, result, settings), view };
}

function withIndex(uri: string, version: number, result: AnalysisResult, settings: Settings): DocAnalysis {
  const lines: number[] = [];
  for (const m of result.messages) if (m.kind === 'alarm' && m.loc.line !== null) lines.push(m.loc.line - 1);
  lines.sort((a, b) => a - b);
  return { uri, version, result, settings, alarmLines: Int32Array.from(lines) };
}

function lineRange(line: number | null, col?: number, endCol?: number): Range {
  const l = Math.max(0, (line ?? 1) - 1);
  return { start: { line: l, character: col ?? 0 }, end: { line: l, character: endCol ?? 0 } };
}

/** The whole of a 1-based line (an empty range on line 1 when there is none). */
function wholeLine(doc: TextDocument, line: number | null): Range {
  if (line === null || line < 1 || line > doc.lineCount) return lineRange(1, 0, 0);
  return lineRange(line, 0, Math.min(lineText(doc, line - 1).length, 65536));
}

function findingDiagnostic(f: Finding, a: DocAnalysis, doc: TextDocument): Diagnostic | null {
  const line = lineOf(a, f.loc);
  if (line === null) return null;
  const range = a.view || f.loc.col === undefined ? wholeLine(doc, line) : lineRange(line, f.loc.col, f.loc.endCol);
  const related = [];
  for (const r of f.related) {
    if (r.loc.source !== f.loc.source) continue;
    const rl = lineOf(a, r.loc);
    if (rl === null) continue;
    related.push({ location: { uri: a.uri, range: a.view || r.loc.col === undefined ? wholeLine(doc, rl) : lineRange(rl, r.loc.col, r.loc.endCol) }, message: r.message });
  }
  return { range, severity: SEVERITY[f.severity], code: f.rule, source: 'CUCM Lens', message: f.message, relatedInformation: related };
}

function problemDiagnostic(p: Problem, doc: TextDocument): Diagnostic {
  const d: Diagnostic = {
    range: wholeLine(doc, p.line),
    severity: SEVERITY[p.severity],
    code: p.code,
    source: 'CUCM Lens (input)',
    message: p.message,
  };
  if (p.code === 'alarm.unknown-name') d.tags = [DiagnosticTag.Unnecessary];
  return d;
}

/** Diagnostics for the document: findings of this source, then input problems; capped, most severe first. */
export function diagnostics(a: DocAnalysis, doc: TextDocument, cc?: CaseContext | null): Diagnostic[] {
  const fromCase = cc ? caseFindings(cc) : [];
  // the document's own findings, except alarms the case has linked to evidence (shown from the case instead)
  const replaced = new Set(fromCase.filter((f) => !CASE_RULES.has(f.rule)).map((f) => `${f.rule}@${f.loc.line}`));
  const findings = a.result.findings.filter((f) => f.loc.source === 0 && !replaced.has(`${f.rule}@${f.loc.line}`));
  const max = a.settings.maxDiagnosticsPerFile;
  let shown = findings;
  let dropped = 0;
  if (findings.length > max) {
    shown = [...findings].sort((x, y) => RANK[x.severity] - RANK[y.severity] || (x.loc.line ?? 0) - (y.loc.line ?? 0)).slice(0, max);
    dropped = findings.length - max;
  }
  const out: Diagnostic[] = [];
  for (const f of shown) {
    const d = findingDiagnostic(f, a, doc);
    if (d) out.push(d);
  }
  for (const f of fromCase.slice(0, max)) {
    const d = caseDiagnostic(f, cc!, doc);
    if (d) out.push(d);
  }
  for (const p of a.result.sources[0]?.problems ?? []) out.push(problemDiagnostic(p, doc));
  if (dropped) {
    out.push({
      range: lineRange(1, 0, 0), severity: DiagnosticSeverity.Information, code: 'lens.truncated', source: 'CUCM Lens',
      message: `${dropped} more findings are not shown (cucmLens.maxDiagnosticsPerFile = ${max}); the CLI lists all of them.`,
    });
  }
  return out;
}

// ---- hover -----------------------------------------------------------------------------------------------------


function lineText(doc: TextDocument, line: number): string {
  const t = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return t.replace(/\r?\n$/, '');
}

function isAlarmLine(a: DocAnalysis, line: number): boolean {
  const arr = a.alarmLines;
  let lo = 0, hi = arr.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = arr[mid]!;
    if (v === line) return true;
    if (v < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The alarm on a line, re-read from the document (the cache keeps only compact records). */
function alarmAt(doc: TextDocument, line: number): ParsedAlarm | null {
  const text = lineText(doc, line);
  return text.length > 65536 ? null : parseAlarmLine(text);
}

function devicesOf(a: DocAnalysis): Map<string, AlarmMessage[]> {
  if (!a.byDevice) {
    const map = new Map<string, AlarmMessage[]>();
    for (const m of a.result.messages) {
      if (m.kind !== 'alarm' || !m.device) continue;
      let l = map.get(m.device);
      if (!l) map.set(m.device, (l = []));
      l.push(m);
    }
    a.byDevice = map;
  }
  return a.byDevice;
}

function reasonHover(p: ParsedAlarm, value: string): string | null {
  const info = ALARMS.get(p.name);
  const code = Number(value.trim());
  if (!info) return null;
  if (!info.reasons) {
    return `**Reason ${md(value.trim())}** of ${info.name}\n\nThis alarm uses its own reason enumeration, which is not in CUCM Lens's tables.`;
  }
  const r = Number.isInteger(code) ? info.reasons.get(code) : undefined;
  if (!r) return `**Reason ${md(value.trim())}**: not a known ${info.reasonsLabel} code.`;
  const parts = [
    `**Reason ${r.code} — ${r.name}** (${info.reasonsLabel})`,
    r.meaning,
    `**What to check:** ${r.check}`,
  ];
  if (info.lowered.has(r.code)) parts.push(`CUCM logs ${info.name} for this reason at Informational, not ${SYSLOG_SEVERITIES[info.severity]}: it is a normal event.`);
  parts.push(`_Source: ${verificationText(r.verification)}._`);
  return parts.join('\n\n');
}

function deviceTypeHover(value: string): string {
  const code = Number(value.trim());
  const name = Number.isInteger(code) ? DEVICE_TYPES.get(code) : undefined;
  const head = name ? `**DeviceType ${code} — ${name}**` : `**DeviceType ${md(value.trim())}**: not in CUCM Lens's model table.`;
  return `${head}\n\nCUCM device model number (TypeModel): the same number appears as \`+u.sip!model.ccm.cisco.com\` in a SIP phone's Contact header.`;
}

function deviceHover(a: DocAnalysis, device: string): string {
  const list = devicesOf(a).get(device) ?? [];
  const parts = [`**${md(device)}**`, PARAMETERS.get('DeviceName')!.meaning];
  if (list.length) {
    const unregs = list.filter((m) => ALARMS.get(m.name)?.family === 'unregistered');
    const regs = list.filter((m) => ALARMS.get(m.name)?.family === 'registered');
    const reasons = new Map<string, number>();
    for (const m of unregs) {
      const d = describeReason(ALARMS.get(m.name)!, m);
      reasons.set(d, (reasons.get(d) ?? 0) + 1);
    }
    let s = `In this file: ${list.length} alarm${list.length === 1 ? '' : 's'}, ${unregs.length} unregistration${unregs.length === 1 ? '' : 's'}, ${regs.length} registration${regs.length === 1 ? '' : 's'}.`;
    if (reasons.size) s += ` Reasons: ${[...reasons].map(([r, n]) => `${md(r)} ×${n}`).join(', ')}.`;
    const times = list.filter((m) => Number.isFinite(m.time));
    if (times.length) s += ` From ${formatClock(times[0]!.time, times[0]!.dated)} to ${formatClock(times[times.length - 1]!.time, times[times.length - 1]!.dated)}.`;
    parts.push(s);
    const flap = a.result.findings.find((f) => f.rule === 'alarm.flapping' && f.device === device);
    if (flap) parts.push(`⚠ ${md(flap.message)}`);
  }
  return parts.join('\n\n');
}

function paramHover(a: DocAnalysis, p: ParsedAlarm, q: AlarmParam): string | null {
  const v = q.value.trim();
  switch (q.key) {
    case 'Reason':
      return reasonHover(p, v);
    case 'DeviceType':
      return deviceTypeHover(v);
    case 'DeviceName':
      return v ? deviceHover(a, v) : null;
    case 'LastSignalReceived': {
      const known = LAST_SIGNALS.get(v);
      return `**LastSignalReceived = ${md(v)}**\n\n${known ?? PARAMETERS.get('LastSignalReceived')!.meaning}`;
    }
    case 'IPAddrAttributes':
    case 'IPV6AddrAttributes': {
      const meaning = IP_ADDR_ATTRIBUTES.get(Number(v));
      return `**${q.key} = ${md(v)}**${meaning ? ` — ${meaning} (unverified)` : ''}\n\n${PARAMETERS.get(q.key)!.meaning}`;
    }
    case 'Protocol': {
      const up = v.toUpperCase();
      const ka = up === 'SIP'
        ? 'SIP phones keep their registration alive with a refresh REGISTER every Expires − Timer Register Delta (120 − 5 = 115 s with the defaults); to a backup CUCM they send REGISTER with Expires: 0 and `;cisco-keep-alive`.'
        : up === 'SCCP'
          ? 'SCCP phones send KeepAlive every 30 s to the primary CUCM (answered by KeepAliveAck) and every 60 s to the backup (answered only by a TCP ACK), over TCP 2000 (2443 secure).'
          : '';
      return `**Protocol = ${md(v)}**\n\n${PARAMETERS.get('Protocol')!.meaning}${ka ? `\n\n${ka}` : ''}`;
    }
    default: {
      const info = PARAMETERS.get(q.key);
      return info ? `**${md(q.key)}** = ${md(v) || '_(empty)_'}\n\n${info.meaning}` : null;
    }
  }
}

function alarmHover(a: DocAnalysis, p: ParsedAlarm, line: number): string {
  const info = ALARMS.get(p.name);
  if (!info) {
    return `**${md(p.name)}** (${md(p.app)})\n\nNot in CUCM Lens's alarm table: highlighted, not analysed.`;
  }
  const parts = [`**${info.name}** — ${info.meaning}`, `**Action:** ${info.action}`];
  let sev = `Normally logged at ${info.severity} ${SYSLOG_SEVERITIES[info.severity]}`;
  if (info.lowered.size) {
    const names = [...info.lowered].map((c) => `${c} ${info.reasons?.get(c)?.name ?? ''}`.trim()).join(', ');
    sev += `; lowered to Informational for reasons ${names}`;
  }
  parts.push(sev + '.');
  if (p.severity >= 0) {
    const reason = p.params.find((x) => x.key === 'Reason');
    const exp = expectedSeverity(info, reason ? Number(reason.value) : undefined);
    parts.push(`Logged here at ${p.severity} ${SYSLOG_SEVERITIES[p.severity]}${exp !== p.severity ? ` (expected ${exp} ${SYSLOG_SEVERITIES[exp]})` : ''}.`);
  }
  const f = a.result.findings.find((x) => x.loc.line === line + 1 && x.rule === info.rule);
  if (f) parts.push(`---\n\n${md(f.message)}`);
  return parts.join('\n\n');
}

function within(ch: number, start: number, end: number): boolean {
  return ch >= start && ch <= end;
}

function netAt(a: DocAnalysis, line: number): NetMessage[] {
  if (!a.netByLine) {
    const map = new Map<number, NetMessage[]>();
    for (const m of a.result.messages) {
      if (m.kind === 'alarm' || m.loc.source !== 0) continue;
      const l = lineOf(a, m.loc);
      if (l === null) continue;
      let list = map.get(l - 1);
      if (!list) map.set(l - 1, (list = []));
      list.push(m);
    }
    a.netByLine = map;
  }
  return a.netByLine.get(line) ?? [];
}

/** The frame a line of a capture's view shows (0 when none). */
function frameAtLine(a: DocAnalysis, line: number): number {
  return a.view?.frameOfLine[line] ?? 0;
}

/** What the other captures of the case saw of this frame: where, and the one-way transit. */
function transitHover(cc: CaseContext, frame: number): string {
  // the offset between the captures is an estimate: transits within a few µs of zero read as "about 0 ms"
  const ms = (x: number): string => (Math.abs(x) < 0.01 ? 'about 0 ms' : Math.abs(x) < 1 ? `${x.toFixed(3)} ms` : Math.abs(x) < 1000 ? `${x.toFixed(1)} ms` : `${(x / 1000).toFixed(3)} s`);
  const lines = cc.ca.matchesAt(cc.source, frame).slice(0, 5).map((m) => {
    const where = `${md(cc.ca.fileName(m.source))} frame ${m.frame}`;
    return m.sentHere ? `- arrived at ${where} after ${ms(m.transitMs)} (one-way transit)` : `- sent as ${where}, ${ms(m.transitMs)} before it arrived here (one-way transit)`;
  });
  return lines.length ? `**Seen at the other capture point**\n\n${lines.join('\n')}` : '';
}

export function hover(a: DocAnalysis, doc: TextDocument, pos: Position, cc?: CaseContext | null): Hover | null {
  const net = netAt(a, pos.line);
  if (net.length) {
    const fromCase = cc ? caseFindings(cc).filter((f) => f.rule === 'capture.not-received' && cc.ca.lineOf(f.loc) === pos.line + 1) : [];
    const findings = [...a.result.findings.filter((f) => f.loc.source === 0 && lineOf(a, f.loc) === pos.line + 1), ...fromCase];
    const ka = keepalivesOf(a).get(pos.line);
    const flow = ka ? `\n\n---\n\n${flowHover(ka.flow, ka.index)}` : '';
    const transit = cc && a.view ? transitHover(cc, frameAtLine(a, pos.line)) : '';
    return { contents: { kind: MarkupKind.Markdown, value: netHover(net, findings) + flow + (transit ? `\n\n---\n\n${transit}` : '') } };
  }
  if (!isAlarmLine(a, pos.line)) return null;
  const p = alarmAt(doc, pos.line);
  if (!p) return null;
  const ch = pos.character;
  let value: string | null = null;
  let range: Range | undefined;
  const r = (s: number, e: number): Range => ({ start: { line: pos.line, character: s }, end: { line: pos.line, character: e } });
  if (within(ch, p.nameStart, p.nameEnd)) {
    value = alarmHover(a, p, pos.line) + (cc ? evidenceHover(cc, pos.line) : '');
    range = r(p.nameStart, p.nameEnd);
  } else if (p.form !== 'sdl' && p.severity >= 0 && within(ch, p.severityStart, p.severityStart + 1)) {
    value = `**Severity ${p.severity} — ${SYSLOG_SEVERITIES[p.severity]}** (syslog numbering)`;
    range = r(p.severityStart, p.severityStart + 1);
  } else {
    for (const q of p.params) {
      if (within(ch, q.keyStart, q.valueEnd)) {
        value = paramHover(a, p, q);
        if (value && cc && q.key === 'DeviceName') value += evidenceHover(cc, pos.line);
        range = r(q.keyStart, q.valueEnd);
        break;
      }
    }
  }
  return value ? { contents: { kind: MarkupKind.Markdown, value }, range } : null;
}

/** The case's evidence finding for the alarm on a 0-based line. */
function evidenceAt(cc: CaseContext, line: number): Finding | undefined {
  return cc.ca.result.findings.find((f) => f.loc.source === cc.source && f.loc.line === line + 1 && f.evidence['evidenceSource'] !== undefined);
}

/** The alarm's evidence in the case's other files, as a hover section (go to definition opens them). */
function evidenceHover(cc: CaseContext, line: number): string {
  const f = evidenceAt(cc, line);
  if (!f) return '';
  const at = f.message.indexOf('Evidence: ');
  const where = f.related.filter((r) => r.loc.source !== cc.source || r.loc.line !== line + 1).slice(0, 8).map((r) => {
    const l = cc.ca.lineOf(r.loc);
    return `- ${md(r.message)} — ${md(cc.ca.fileName(r.loc.source))}${r.loc.frame !== null ? ` frame ${r.loc.frame}` : ''}${l !== null ? `, line ${l}` : ''}`;
  });
  return `\n\n---\n\n**${at >= 0 ? md(f.message.slice(at)) : 'Evidence'}**\n\n${where.join('\n')}\n\n_Go to Definition (F12) opens the last keepalive._`;
}

/** Go to definition: from an unregistration alarm to the device's last keepalives in the case's other files; from a
 * capture line to the same copy in the other capture. */
export function definition(a: DocAnalysis, doc: TextDocument, pos: Position, cc: CaseContext | null): Location[] {
  if (!cc) return [];
  const out: Location[] = [];
  const to = (source: number, line: number | null): void => {
    if (line === null) return;
    out.push({ uri: source === cc.source ? doc.uri : cc.ca.uriOf(source), range: lineRange(line, 0, 0) });
  };
  if (a.view) {
    for (const m of cc.ca.matchesAt(cc.source, frameAtLine(a, pos.line)).slice(0, 5)) to(m.source, cc.ca.lineOf({ source: m.source, line: null, frame: m.frame }));
    return out;
  }
  const f = evidenceAt(cc, pos.line);
  if (!f) return out;
  for (const r of f.related) if (r.loc.source !== cc.source || r.loc.line !== pos.line + 1) to(r.loc.source, cc.ca.lineOf(r.loc));
  return out;
}

// ---- keepalive flows: hover, inlay hints, code lenses -----------------------------------------------------------

function keepalivesOf(a: DocAnalysis): Map<number, { flow: FlowSummary; index: number; answer: boolean }> {
  if (!a.keepaliveByLine) {
    const map = new Map<number, { flow: FlowSummary; index: number; answer: boolean }>();
    for (const flow of a.result.flows) {
      flow.keepalives.forEach((k, index) => {
        if (k.loc.source !== 0) return;
        const l = lineOf(a, k.loc);
        if (l !== null && !map.has(l - 1)) map.set(l - 1, { flow, index, answer: false });
        const r = k.responseLoc ? lineOf(a, k.responseLoc) : null;
        if (r !== null && !map.has(r - 1)) map.set(r - 1, { flow, index, answer: true });
      });
    }
    a.keepaliveByLine = map;
  }
  return a.keepaliveByLine;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "+115.0 s · 200 OK in 9.0 s", "+30.0 s · KeepAliveAck in 1 ms", "· resent ×2, through after 0.4 s", "· no answer". */
export function keepaliveHint(flow: FlowSummary, k: KeepaliveRecord): string {
  const parts: string[] = [];
  if (Number.isFinite(k.sinceMs)) parts.push(`+${secs(k.sinceMs)}`);
  if (k.resends) parts.push(`resent ×${k.resends}, through after ${secs(k.deliveryMs)}`);
  if (k.response) parts.push(`${k.response} in ${k.responseMs < 1000 ? `${Math.round(k.responseMs)} ms` : secs(k.responseMs)}`);
  else parts.push(flow.protocol === 'sccp' && flow.role === 'backup' ? 'backup: TCP ACK only' : 'no answer');
  if (k.backup) parts.push('backup keepalive');
  return parts.join(' · ');
}

/** The flow a keepalive belongs to, as a hover section. */
export function flowHover(flow: FlowSummary, index: number): string {
  const ks = flow.keepalives;
  const k = ks[index]!;
  const intervals = ks.map((x) => x.sinceMs).filter(Number.isFinite).sort((x, y) => x - y);
  const responses = ks.map((x) => x.responseMs).filter(Number.isFinite).sort((x, y) => x - y);
  const kind = flow.protocol === 'sip' ? 'REGISTER' : 'KeepAlive';
  const lines = [`**Flow ${md(flow.title)}** (${flow.protocol.toUpperCase()}${flow.transport ? ` over ${flow.transport.toUpperCase()}` : ''}${flow.role ? `, ${flow.role} CUCM` : ''})`];
  lines.push(`${kind} ${index + 1} of ${flow.count}: ${md(keepaliveHint(flow, k))}`);
  const facts: string[] = [];
  if (flow.protocol === 'sip' && Number.isFinite(flow.expires)) facts.push(`negotiated Expires ${flow.expires} s`);
  if (flow.protocol === 'sccp') facts.push(`keepalive interval ${flow.expires} s`);
  if (Number.isFinite(flow.expectedIntervalMs)) facts.push(`expected every ${secs(flow.expectedIntervalMs)}${flow.protocol === 'sip' ? ' after each 200 OK' : ''}`);
  if (intervals.length) facts.push(`intervals min ${secs(intervals[0]!)} / median ${secs(quantile(intervals, 0.5))} / max ${secs(intervals[intervals.length - 1]!)}`);
  if (responses.length) facts.push(`answer p50 ${secs(quantile(responses, 0.5))}, p95 ${secs(quantile(responses, 0.95))}`);
  const counts = [`${flow.resent} resent`, `${flow.late} late`, `${flow.expired} expired`, `${flow.unanswered} unanswered`].filter((x) => !x.startsWith('0 '));
  if (counts.length) facts.push(counts.join(', '));
  const last = ks[ks.length - 1]!;
  const base = flow.protocol === 'sip' ? (Number.isFinite(last.responseMs) ? last.time + last.responseMs : NaN) : last.time;
  if (Number.isFinite(base) && Number.isFinite(flow.expectedIntervalMs)) facts.push(`next due ${formatClock(base + flow.expectedIntervalMs, true)}`);
  lines.push(facts.map((x) => `- ${x}`).join('\n'));
  return lines.join('\n\n');
}

/** One lens over each flow's first keepalive in this document. */
export function codeLenses(a: DocAnalysis): CodeLens[] {
  const out: CodeLens[] = [];
  for (const flow of a.result.flows) {
    const first = flow.keepalives.find((k) => k.loc.source === 0);
    if (!first || out.length >= 2000) continue;
    const l = lineOf(a, first.loc);
    if (l === null) continue;
    const noun = flow.protocol === 'sip' ? 'refresh' : 'keepalive';
    const parts = [`${flow.count} ${noun}${flow.count === 1 ? '' : flow.protocol === 'sip' ? 'es' : 's'}`];
    if (flow.resent) parts.push(`${flow.resent} resent`);
    if (flow.late) parts.push(`${flow.late} late`);
    if (flow.expired) parts.push(`${flow.expired} expired`);
    if (flow.unanswered) parts.push(`${flow.unanswered} unanswered`);
    out.push({
      range: lineRange(l, 0, 0),
      command: { title: `${flow.title}: ${parts.join(', ')}`, command: 'cucmLens.showLadder', arguments: [a.uri, flow.id] },
      data: { flow: flow.id },
    });
  }
  return out;
}

// ---- inlay hints -------------------------------------------------------------------------------------------------

export function inlayHints(a: DocAnalysis, doc: TextDocument, range: Range): InlayHint[] {
  if (!a.settings.inlayHints) return [];
  const out: InlayHint[] = [];
  for (const [line, ka] of keepalivesOf(a)) {
    if (ka.answer || line < range.start.line || line > range.end.line || out.length >= 5000) continue;
    const k = ka.flow.keepalives[ka.index]!;
    out.push({
      position: { line, character: Math.min(lineText(doc, line).length, 65536) }, label: keepaliveHint(ka.flow, k),
      kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: `${ka.flow.title}: keepalive ${ka.index + 1} of ${ka.flow.count}`,
    });
  }
  const arr = a.alarmLines;
  // first alarm line >= range.start.line
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < range.start.line) lo = mid + 1;
    else hi = mid;
  }
  let prev = -1;
  for (let i = lo; i < arr.length && arr[i]! <= range.end.line && out.length < 5000; i++) {
    const line = arr[i]!;
    if (line === prev) continue;
    prev = line;
    const p = alarmAt(doc, line);
    if (!p) continue;
    const info = ALARMS.get(p.name);
    for (const q of p.params) {
      const v = q.value.trim();
      if (!/^\d+$/.test(v)) continue;
      let label: string | undefined;
      let tip: string | undefined;
      if (q.key === 'Reason' && info?.reasons) {
        const rc = info.reasons.get(Number(v));
        label = rc?.name ?? 'unknown reason';
        tip = rc?.meaning;
      } else if (q.key === 'DeviceType') {
        label = DEVICE_TYPES.get(Number(v));
      }
      if (!label) continue;
      const valueEnd = q.valueStart + q.value.trimEnd().length;
      out.push({
        position: { line, character: valueEnd }, label, kind: InlayHintKind.Type, paddingLeft: true,
        ...(tip ? { tooltip: tip } : {}),
      });
    }
  }
  return out;
}

// ---- symbols and folding --------------------------------------------------------------------------------------

const MAX_SYMBOLS = 10000;

/** The document's own alarms in line order. */
function alarmsInFile(a: DocAnalysis): AlarmMessage[] {
  const out: AlarmMessage[] = [];
  for (const m of a.result.messages) if (m.kind === 'alarm' && m.loc.source === 0 && m.loc.line !== null) out.push(m);
  return out.sort((x, y) => x.loc.line! - y.loc.line!);
}

/** Registration flows of this document (captures, exports): flow → its keepalives. */
function flowSymbols(a: DocAnalysis, budget: number): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const flow of a.result.flows) {
    if (budget <= 0) continue;
    const children: DocumentSymbol[] = [];
    let first: number | null = null;
    let last: number | null = null;
    for (const k of flow.keepalives) {
      if (k.loc.source !== 0) continue;
      const l = lineOf(a, k.loc);
      if (l === null) continue;
      first ??= l;
      last = l;
      if (--budget <= 0 || children.length >= 1000) continue;
      const sel = lineRange(l, 0, 0);
      children.push({ name: `${formatClock(k.time, true)} ${flow.protocol === 'sip' ? 'REGISTER' : 'KeepAlive'}`, detail: keepaliveHint(flow, k), kind: SymbolKind.Event, range: sel, selectionRange: sel });
    }
    if (first === null) continue;
    const sel = lineRange(first, 0, 0);
    out.push({
      name: flow.title, kind: SymbolKind.Object,
      detail: `${flow.protocol.toUpperCase()} · ${flow.count} keepalive${flow.count === 1 ? '' : 's'}${flow.late ? ` · ${flow.late} late` : ''}${flow.expired ? ` · ${flow.expired} expired` : ''}${flow.resent ? ` · ${flow.resent} resent` : ''}`,
      range: { start: sel.start, end: lineRange(last, 0, 0).end }, selectionRange: sel, children,
    });
    budget--;
  }
  return out;
}

export function documentSymbols(a: DocAnalysis): DocumentSymbol[] {
  if (a.alarmLines.length === 0) return flowSymbols(a, MAX_SYMBOLS);
  const groups = new Map<string, AlarmMessage[]>();
  const inFile = alarmsInFile(a);
  for (const m of inFile) {
    const key = m.device || m.ip || '(no device name)';
    let l = groups.get(key);
    if (!l) groups.set(key, (l = []));
    l.push(m);
  }
  const out: DocumentSymbol[] = [];
  let budget = MAX_SYMBOLS;
  for (const [device, list] of groups) {
    if (budget <= 0) break;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const children: DocumentSymbol[] = [];
    for (const m of list) {
      if (--budget <= 0) break;
      const info = ALARMS.get(m.name)!;
      const reason = info.reasons || !Number.isNaN(m.reason) ? ` · ${describeReason(info, m)}` : '';
      const sel = lineRange(m.loc.line, m.loc.col, m.loc.endCol);
      children.push({
        name: `${formatClock(m.time, m.dated)} ${m.name}${reason}`,
        kind: SymbolKind.Event,
        detail: m.node || undefined,
        range: { start: { line: sel.start.line, character: 0 }, end: sel.end },
        selectionRange: sel,
      });
    }
    const unregs = list.filter((m) => ALARMS.get(m.name)?.family === 'unregistered').length;
    const model = Number.isNaN(first.deviceType) ? '' : DEVICE_TYPES.get(first.deviceType) ?? `type ${first.deviceType}`;
    const detail = [first.ip, model, first.protocol, `${unregs} unregistration${unregs === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
    const start = lineRange(first.loc.line, first.loc.col, first.loc.endCol);
    const end = lineRange(last.loc.line, last.loc.col, last.loc.endCol);
    out.push({
      name: device, kind: SymbolKind.Object, detail,
      range: { start: { line: start.start.line, character: 0 }, end: end.end },
      selectionRange: start,
      children,
    });
    budget--;
  }
  // a trace has both: its devices' alarms, then the registration flows it shows
  for (const f of flowSymbols(a, budget)) out.push(f);
  return out;
}

const SDL_HEADER = /^\d{7,8}\.\d{3}\s*\|/;

/** Fold multi-line SDL records, and runs of consecutive alarm lines about one device. */
export function foldingRanges(a: DocAnalysis, doc: TextDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const fmt = a.result.sources[0]?.format;
  if (fmt === 'cucm-sdl-trace') {
    let start = -1;
    for (let l = 0; l < doc.lineCount && out.length < 20000; l++) {
      if (SDL_HEADER.test(lineText(doc, l))) {
        if (start >= 0 && l - 1 > start) out.push({ startLine: start, endLine: l - 1 });
        start = l;
      }
    }
    if (start >= 0 && doc.lineCount - 1 > start && lineText(doc, doc.lineCount - 1) !== '') out.push({ startLine: start, endLine: doc.lineCount - 1 });
    return out;
  }
  const inFile = alarmsInFile(a);
  let runStart = 0;
  for (let i = 1; i <= inFile.length; i++) {
    const prev = inFile[i - 1]!;
    const cur = inFile[i];
    if (cur && cur.device && cur.device === prev.device && cur.loc.line === prev.loc.line! + 1) continue;
    const s = inFile[runStart]!;
    if (i - runStart >= 2) out.push({ startLine: s.loc.line! - 1, endLine: prev.loc.line! - 1 });
    runStart = i;
  }
  return out;
}


// ---- ladder -------------------------------------------------------------------------------------------------------

/** The ladder model of the document (and the trace-set neighbours it was analysed with). Lines are the lines each
 * source's document shows (a capture: its decoded view). */
export function ladderModel(a: DocAnalysis): LadderModel {
  if (!a.ladder) {
    const sources = a.result.sources.map((s, i) => {
      const uri = i === 0 ? a.uri : s.file;
      const file = s.file.startsWith('file:') ? fileURLToPath(s.file) : decodeURIComponent(s.file.replace(/^[a-z-]+:/, ''));
      return { name: path.basename(file), uri };
    });
    a.ladder = buildLadder(a.result, {
      sources,
      lineOf: (loc) => (loc.source === 0 ? lineOf(a, loc) : loc.line),
      title: sources[0]?.name ?? a.uri,
    });
  }
  return a.ladder;
}

/** The ladder of a whole case: every file, on the case clock, one arrow per message however many files saw it.
 * Built once per case analysis. */
const caseLadders = new WeakMap<CaseAnalysis, LadderModel>();
export function caseLadderModel(cc: CaseContext): LadderModel {
  let m = caseLadders.get(cc.ca);
  if (!m) {
    const ca = cc.ca;
    const sources = ca.result.sources.map((s, i) => ({ name: path.basename(s.file), uri: ca.uriOf(i) }));
    m = buildLadder(ca.result, { sources, lineOf: (loc) => ca.lineOf(loc), title: `case ${ca.name}` });
    caseLadders.set(ca, m);
  }
  return m;
}
