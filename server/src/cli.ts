// The engine headless: `cucm-lens analyze [--format text|json|sarif] PATH...`, `messages`, and `ladder` (SVG,
// Mermaid or the JSON model of the ladder diagram).
// Exit 0 when analysed (whatever was found), 2 on unusable arguments or unreadable input (one line on stderr).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisResult, Finding, Message, Problem, Severity, SourceInfo } from './model';
import { TcpFlag } from './model';
import { UnreadableInputError, analyzePaths } from './engine';
import { DEFAULT_SETTINGS } from './settings';
import { RULES } from './knowledge/rules';
import { isoTime } from './sources/time';
import manifest from '../../package.json';
import { buildLadder } from './ladder/build';
import { filterArrows } from './ladder/filter';
import type { LadderFilter } from './ladder/filter';
import type { LadderProtocol } from './ladder/model';
import { LADDER_PROTOCOLS } from './ladder/model';
import { renderSvg } from './ladder/svg';
import { renderMermaid } from './ladder/mermaid';
import { writeFile } from 'node:fs/promises';
import { formatOffset, parseOffset } from './caseConfig';

const USAGE = `usage: cucm-lens analyze [--format text|json|sarif] [--offset FILE=OFFSET] PATH...
       cucm-lens messages [--format text|json] PATH...
       cucm-lens ladder [--svg FILE] [--mermaid FILE] [--json FILE] [--theme light|dark] [filters] PATH...
  PATH   files or folders (read recursively); formats are detected by content; - reads standard input
  analyze    findings: text for people (default), json {"sources":[...],"findings":[...]}, sarif (SARIF 2.1.0)
             several inputs are one case: captures of the same traffic are matched (capture.not-received), every
             file is put on one clock (printed at the end) and unregistration alarms are linked to the keepalives
             the other files show; --offset FILE=OFFSET (repeatable; 250ms, -1.5s, +2h, 00:01:30) sets a file's
             clock offset by hand instead
  messages   every decoded message (alarms, SIP, SCCP, TCP, ARP), one object each: a text table or a JSON array
  ladder     the ladder (sequence) diagram: --svg FILE, --mermaid FILE, --json FILE (the model); none: SVG on stdout
             filters: --device TEXT (a participant's name or address contains it; repeatable), --protocol sip,sccp,
             tcp,arp,tls,alarm, --rule ID (repeatable; '*' any finding), --from TIME, --to TIME (ISO 8601, UTC),
             --search TEXT`;

type Format = 'text' | 'json' | 'sarif';

class UsageError extends Error {}

interface Args {
  command: 'analyze' | 'messages' | 'ladder';
  format: Format;
  paths: string[];
  ladder: LadderArgs;
  /** --offset FILE=OFFSET: resolved path → ms. */
  offsets: Map<string, number>;
}

interface LadderArgs {
  svg: string | null;
  mermaid: string | null;
  json: string | null;
  theme: 'light' | 'dark';
  devices: string[];
  protocols: LadderProtocol[];
  rules: string[];
  from: number | null;
  to: number | null;
  search: string;
}

function timeArg(name: string, v: string | undefined): number {
  if (!v) throw new UsageError(`${name} needs a time (ISO 8601, e.g. 2026-11-23T12:42:56Z)`);
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : v + 'Z');
  if (!Number.isFinite(t)) throw new UsageError(`${name}: "${v}" is not an ISO 8601 time`);
  return t;
}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return 'help';
  if (argv[0] === '--version' || argv[0] === '-V') return 'version';
  const [command, ...rest] = argv;
  if (command !== 'analyze' && command !== 'messages' && command !== 'ladder') throw new UsageError(`unknown command "${command}" (try: analyze, messages, ladder)`);
  let format: Format = 'text';
  const paths: string[] = [];
  const offsets = new Map<string, number>();
  const ladder: LadderArgs = { svg: null, mermaid: null, json: null, theme: 'light', devices: [], protocols: [], rules: [], from: null, to: null, search: '' };
  const value = (i: number, name: string): string => {
    const v = rest[i];
    if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (command === 'ladder' && a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      const known = ['--svg', '--mermaid', '--json', '--theme', '--device', '--protocol', '--rule', '--from', '--to', '--search'];
      if (known.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : value(++i, name);
        if (name === '--svg') ladder.svg = v;
        else if (name === '--mermaid') ladder.mermaid = v;
        else if (name === '--json') ladder.json = v;
        else if (name === '--theme') {
          if (v !== 'light' && v !== 'dark') throw new UsageError(`--theme needs light or dark, not "${v}"`);
          ladder.theme = v;
        } else if (name === '--device') ladder.devices.push(v);
        else if (name === '--protocol') {
          for (const p of v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)) {
            if (!(LADDER_PROTOCOLS as readonly string[]).includes(p)) throw new UsageError(`--protocol: "${p}" is not one of ${LADDER_PROTOCOLS.join(', ')}`);
            ladder.protocols.push(p as LadderProtocol);
          }
        } else if (name === '--rule') ladder.rules.push(v);
        else if (name === '--from') ladder.from = timeArg(name, v);
        else if (name === '--to') ladder.to = timeArg(name, v);
        else ladder.search = v;
        continue;
      }
    }
    if (a === '--offset' || a.startsWith('--offset=')) {
      const v = a === '--offset' ? value(++i, '--offset') : a.slice(9);
      const eq = v.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--offset needs FILE=OFFSET, not "${v}"`);
      const r = parseOffset(v.slice(eq + 1));
      if (!r.ok) throw new UsageError(`--offset ${v.slice(0, eq)}: ${r.message}`);
      if (r.ms === null) throw new UsageError(`--offset ${v.slice(0, eq)} needs an offset (e.g. 250ms, -1.5s, +2h, 00:01:30)`);
      offsets.set(path.resolve(v.slice(0, eq)), r.ms);
    } else if (a === '--format' || a === '-f') {
      const v = rest[++i];
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format needs text, json or sarif${v ? `, not "${v}"` : ''}`);
      format = v;
    } else if (a.startsWith('--format=')) {
      const v = a.slice(9);
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format needs text, json or sarif, not "${v}"`);
      format = v;
    } else if (a === '--') {
      paths.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a.length > 1) {
      throw new UsageError(`unknown option ${a}`);
    } else paths.push(a);
  }
  if (paths.length === 0) throw new UsageError(`${command} needs at least one file or folder`);
  if (command === 'messages' && format === 'sarif') throw new UsageError('messages has no sarif format (text or json)');
  return { command, format, paths, ladder, offsets };
}

/** Buffered stdout that respects back-pressure, so a large report does not build one huge string. */
class Out {
  private buf: string[] = [];
  private size = 0;
  async write(s: string): Promise<void> {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!process.stdout.write(data)) await new Promise<void>((r) => process.stdout.once('drain', () => r()));
  }
}

function sortedFindings(r: AnalysisResult): Finding[] {
  return [...r.findings].sort((a, b) =>
    a.loc.source - b.loc.source || (a.loc.line ?? a.loc.frame ?? 0) - (b.loc.line ?? b.loc.frame ?? 0) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

function problemJson(p: Problem): object {
  return { code: p.code, severity: p.severity, message: p.message, line: p.line, frame: p.frame, offset: p.offset };
}

/** One finding as JSON text, written field by field (a large log has hundreds of thousands of them). */
function findingJson(f: Finding, sources: readonly SourceInfo[]): string {
  const file = sources[f.loc.source]?.file ?? null;
  const t = isoTime(f.time);
  const related = f.related.length
    ? JSON.stringify(f.related.map((r) => ({ file: sources[r.loc.source]?.file ?? null, line: r.loc.line, frame: r.loc.frame, message: r.message })))
    : '[]';
  return `{"rule":"${f.rule}","severity":"${f.severity}","message":${JSON.stringify(f.message)},"file":${JSON.stringify(file)},` +
    `"line":${f.loc.line},"frame":${f.loc.frame},"time":${t === null ? 'null' : `"${t}"`},"device":${f.device === undefined ? 'null' : JSON.stringify(f.device)},` +
    `"related":${related},"evidence":${JSON.stringify(f.evidence)}}`;
}

async function writeJson(out: Out, r: AnalysisResult): Promise<void> {
  await out.write('{"sources":[');
  for (let i = 0; i < r.sources.length; i++) {
    const s = r.sources[i]!;
    const c = r.clock?.[i];
    const clock = c ? { offsetMs: c.offsetMs, basis: c.basis, via: c.via, matches: c.matches, detail: c.detail } : undefined;
    await out.write((i ? ',' : '') + JSON.stringify({ file: s.file, format: s.format, messages: s.messages, problems: s.problems.map(problemJson), ...(clock ? { clock } : {}) }));
  }
  await out.write('],"findings":[');
  const fs = sortedFindings(r);
  for (let i = 0; i < fs.length; i++) await out.write((i ? ',\n' : '\n') + findingJson(fs[i]!, r.sources));
  await out.write('\n]}\n');
}

function where(file: string, line: number | null, frame: number | null): string {
  if (line !== null) return `${file}:${line}`;
  if (frame !== null) return `${file}#${frame}`;
  return file;
}

async function writeText(out: Out, r: AnalysisResult): Promise<void> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of sortedFindings(r)) {
    counts[f.severity]++;
    if (f.severity === 'hint') continue;
    const file = r.sources[f.loc.source]?.file ?? '?';
    const t = isoTime(f.time);
    await out.write(`${where(file, f.loc.line, f.loc.frame)}: ${f.severity} ${f.rule}: ${t && f.dated ? `[${t}] ` : ''}${f.message}\n`);
  }
  let problems = 0;
  for (const s of r.sources) {
    for (const p of s.problems) {
      problems++;
      await out.write(`${where(s.file, p.line, p.frame)}: ${p.severity} (input) ${p.code}: ${p.message}\n`);
    }
  }
  if (r.clock && r.clock.some((c) => c.basis !== 'reference' && c.basis !== 'none')) {
    await out.write('\nClocks (one case clock; add the offset to a file\'s times):\n');
    for (const c of r.clock) {
      if (!r.sources[c.source]?.messages) continue;
      await out.write(`  ${r.sources[c.source]!.file}: ${c.basis === 'reference' ? 'reference' : formatOffset(c.offsetMs)} (${c.detail})\n`);
    }
  }
  const msgs = r.sources.reduce((a, s) => a + s.messages, 0);
  const parts = (Object.keys(counts) as Severity[]).filter((k) => counts[k]).map((k) => `${counts[k]} ${k}`);
  await out.write(`\n${r.sources.length} file${r.sources.length === 1 ? '' : 's'} (${summariseFormats(r.sources)}), ${msgs} message${msgs === 1 ? '' : 's'}, ` +
    `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')}${counts.hint ? '; hints not listed' : ''})` : ''}, ${problems} input problem${problems === 1 ? '' : 's'}.\n`);
}

function summariseFormats(sources: readonly SourceInfo[]): string {
  const m = new Map<string, number>();
  for (const s of sources) m.set(s.format, (m.get(s.format) ?? 0) + 1);
  return [...m].map(([f, n]) => `${n} ${f}`).join(', ') || 'none';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'none' };

function sarifLocation(file: string, line: number | null, message?: string): object {
  const loc: Record<string, unknown> = {
    physicalLocation: { artifactLocation: { uri: toUri(file) }, ...(line !== null ? { region: { startLine: line } } : {}) },
  };
  if (message) loc.message = { text: message };
  return loc;
}

function toUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  // relative: each segment percent-encoded, so '#', '%' and '?' stay part of the name
  return file.split(path.sep).map((seg) => encodeURIComponent(seg)).join('/');
}

/** SARIF 2.1.0, written result by result (a large log can have hundreds of thousands). */
async function writeSarif(out: Out, r: AnalysisResult): Promise<void> {
  const notifications = r.sources.flatMap((s) => s.problems.map((p) => ({
    level: SARIF_LEVEL[p.severity], message: { text: `${p.code}: ${p.message}` }, locations: [sarifLocation(s.file, p.line)],
  })));
  const run = {
    tool: { driver: { name: 'CUCM Lens', version: manifest.version, informationUri: 'https://example.invalid/cucm-lens', rules: RULES.map((x) => ({ id: x.id, shortDescription: { text: x.summary } })) } },
    artifacts: r.sources.map((s) => ({ location: { uri: toUri(s.file) }, properties: { format: s.format, messages: s.messages } })),
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
  };
  const head = JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] });
  // open the run object again to append "results"
  await out.write(head.slice(0, -3) + ',"results":[');
  let first = true;
  for (const f of sortedFindings(r)) {
    const file = r.sources[f.loc.source]?.file ?? '';
    const result = {
      ruleId: f.rule, level: SARIF_LEVEL[f.severity], message: { text: f.message },
      locations: [sarifLocation(file, f.loc.line)],
      ...(f.related.length ? { relatedLocations: f.related.map((x, i) => ({ id: i + 1, ...sarifLocation(r.sources[x.loc.source]?.file ?? '', x.loc.line, x.message) })) } : {}),
      properties: { time: isoTime(f.time), evidence: f.evidence, ...(f.loc.frame !== null ? { frame: f.loc.frame } : {}) },
    };
    await out.write((first ? '\n' : ',\n') + JSON.stringify(result));
    first = false;
  }
  await out.write('\n]}]}\n');
}

const TCP_FLAG_NAMES = Object.entries(TcpFlag) as [string, number][];

/** A message as one JSON object (stable field names; absent fields are null). */
function messageJson(m: Message, sources: readonly SourceInfo[]): Record<string, unknown> {
  const base = { file: sources[m.loc.source]?.file ?? null, line: m.loc.line, frame: m.loc.frame, time: isoTime(m.time) };
  if (m.kind === 'alarm') {
    return {
      ...base, kind: 'alarm', protocol: 'alarm', label: m.name, device: m.device || null, src: m.ip || null, dst: m.node || null,
      alarm: m.name, reason: Number.isNaN(m.reason) ? null : m.reason, deviceType: Number.isNaN(m.deviceType) ? null : m.deviceType,
    };
  }
  const t = m.tcp;
  return {
    ...base, kind: m.kind, src: m.src, srcPort: Number.isNaN(m.srcPort) ? null : m.srcPort, dst: m.dst,
    dstPort: Number.isNaN(m.dstPort) ? null : m.dstPort, transport: m.transport,
    protocol: m.kind === 'sip' ? 'SIP' : m.kind === 'sccp' ? 'SCCP' : m.kind === 'arp' ? 'ARP' : m.kind === 'tls' ? 'TLS' : 'TCP',
    label: m.label,
    method: m.sip?.method ?? null, status: m.sip?.status ?? null, callId: m.sip?.callId ?? null, cseq: m.sip?.cseq ?? null,
    cseqMethod: m.sip?.cseqMethod ?? null, expires: m.sip?.expires ?? null, device: m.sip?.device ?? m.sccp?.device ?? null,
    sccp: m.sccp?.name ?? null,
    tcp: t ? { seq: t.seq, ack: t.ack, len: t.len, flags: t.flags, analysis: TCP_FLAG_NAMES.filter(([, bit]) => t.analysis & bit).map(([n]) => n) } : null,
    arp: m.arp ?? null,
  };
}

async function writeMessages(out: Out, r: AnalysisResult, json: boolean): Promise<void> {
  if (json) {
    await out.write('[');
    for (let i = 0; i < r.messages.length; i++) await out.write((i ? ',\n' : '\n') + JSON.stringify(messageJson(r.messages[i]!, r.sources)));
    await out.write('\n]\n');
    return;
  }
  for (const m of r.messages) {
    const j = messageJson(m, r.sources);
    const where = m.loc.frame !== null ? `#${m.loc.frame}` : `:${m.loc.line}`;
    const from = j.srcPort != null ? `${j.src}:${j.srcPort}` : `${j.src ?? ''}`;
    const to = j.dstPort != null ? `${j.dst}:${j.dstPort}` : `${j.dst ?? ''}`;
    await out.write(`${j.file}${where}\t${j.time ?? ''}\t${from}\t${to}\t${j.protocol}\t${j.label}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`cucm-lens: ${(e as Error).message} (see --help)\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args === 'version') {
    process.stdout.write(manifest.version + '\n');
    return 0;
  }
  let result: AnalysisResult;
  try {
    // analyze needs only the findings: the rules run as messages are read, so memory does not grow with the inputs
    result = await analyzePaths(args.paths, DEFAULT_SETTINGS, { keepMessages: args.command !== 'analyze', offsets: args.offsets });
  } catch (e) {
    if (e instanceof UnreadableInputError) {
      process.stderr.write(`cucm-lens: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.command === 'ladder') return writeLadder(result, args.ladder);
  const out = new Out();
  if (args.command === 'messages') await writeMessages(out, result, args.format === 'json');
  else if (args.format === 'json') await writeJson(out, result);
  else if (args.format === 'sarif') await writeSarif(out, result);
  else await writeText(out, result);
  await out.flush();
  return 0;
}

async function writeLadder(result: AnalysisResult, o: LadderArgs): Promise<number> {
  const sources = result.sources.map((s) => ({ name: path.basename(s.file), uri: s.file }));
  const model = buildLadder(result, { sources });
  const needles = o.devices.map((d) => d.toLowerCase());
  const participants = needles.length
    ? model.participants.flatMap((p, i) => (needles.some((n) => `${p.label} ${p.sub} ${p.id}`.toLowerCase().includes(n)) ? [i] : []))
    : [];
  if (needles.length && participants.length === 0) {
    process.stderr.write(`cucm-lens: no participant matches --device ${o.devices.join(', ')}\n`);
    return 2;
  }
  const filter: LadderFilter = { participants, protocols: o.protocols, rules: o.rules, from: o.from, to: o.to, search: o.search };
  const shown = filterArrows(model, filter);
  const outputs: [string | null, () => string][] = [
    [o.svg, () => renderSvg(model, shown, { theme: o.theme })],
    [o.mermaid, () => renderMermaid(model, shown)],
    [o.json, () => JSON.stringify(model)],
  ];
  const chosen = outputs.filter(([f]) => f !== null);
  if (chosen.length === 0) chosen.push(['-', outputs[0]![1]]);
  for (const [file, make] of chosen) {
    const text = make();
    if (file === '-') {
      const out = new Out();
      await out.write(text);
      await out.flush();
    } else await writeFile(file!, text);
  }
  if (chosen.some(([f]) => f !== '-')) {
    process.stderr.write(`ladder: ${shown.length} of ${model.arrows.length} messages, ${model.participants.length} participants${model.omitted ? `, ${model.omitted} left out (cap)` : ''}\n`);
  }
  return 0;
}

if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // A closed pipe (`| head`) is the reader's choice, not an error.
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`cucm-lens: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
