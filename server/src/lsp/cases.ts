// Cases in the editor: the files that belong together (a capture at the phone and one at the CUCM, CUCM traces,
// syslog) analysed as one, as the CLI does with several paths (engine.analyzePaths: one clock, captures matched,
// alarms linked to their evidence). A case is a workspace folder's files by default (bounded by the
// cucmLens.case.* settings), plus files the user added, minus files the user removed; with no folder, the open
// files are the case. The manager keeps one analysis per case, read from disk, and drops it when a member changes.
// No LSP types here: service.ts turns a CaseAnalysis into diagnostics, hovers and definitions.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePaths } from '../engine';
import type { AnalysisResult, NetMessage, SourceLocation } from '../model';
import type { Settings } from '../settings';
import { renderCaptureView } from './captureView';
import { walkFiles } from '../sources/walk';
import { EMPTY_CASE_CONFIG, normaliseCaseConfig } from '../caseConfig';
import type { CaseConfig } from '../caseConfig';
import type { CaptureView } from './captureView';


/** Files a case takes from a folder: captures, traces, logs, exports (and their gzip). */
const CASE_FILE = /\.(pcap|pcapng|cap|txt|log|csv|tsv)(\.gz)?$/i;
/** How deep a folder is walked for case files. */
const MAX_DEPTH = 6;
/** Entries looked at while walking one folder (a huge folder is cut, and said so). */
const MAX_ENTRIES = 20_000;

/** The decoded view's URI of a capture file, as the client makes it (cucm-capture:/abs/path/file.pcap.txt, each
 * path segment percent-encoded the way VS Code encodes URIs). */
export function captureViewUri(file: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const p = path.resolve(file).split(path.sep).map(enc).join('/');
  return `cucm-capture:${p.startsWith('/') ? '' : '/'}${p}.txt`;
}

const isCaptureFormat = (f: string): boolean => f === 'pcap' || f === 'pcapng';

export interface CaseMatch {
  readonly source: number;
  readonly frame: number;
  /** One-way transit (ms), positive from the sender's copy to the receiver's. */
  readonly transitMs: number;
  /** This copy is the sent one (the other capture is near the receiver). */
  readonly sentHere: boolean;
}

/** One case's analysis, and how its sources map to documents. */
export class CaseAnalysis {
  private readonly views = new Map<number, CaptureView>();
  private matchIndex: Map<number, Map<number, CaseMatch[]>> | null = null;
  readonly indexOf = new Map<string, number>();

  constructor(readonly id: string, readonly name: string, readonly root: string | null, readonly files: readonly string[],
    readonly skipped: readonly string[], readonly result: AnalysisResult) {
    result.sources.forEach((s, i) => this.indexOf.set(path.resolve(s.file), i));
  }

  /** The source index of a file, or -1. */
  sourceOf(file: string): number {
    return this.indexOf.get(path.resolve(file)) ?? -1;
  }

  isCapture(source: number): boolean {
    return isCaptureFormat(this.result.sources[source]?.format ?? '');
  }

  /** The document URI a source is shown in: the decoded view for captures, the file otherwise. */
  uriOf(source: number): string {
    const file = this.result.sources[source]?.file ?? '';
    return this.isCapture(source) ? captureViewUri(file) : pathToFileURL(path.resolve(file)).href;
  }

  /** The capture's decoded view, rendered as the editor renders it (same lines), built on first use. */
  view(source: number): CaptureView | null {
    if (!this.isCapture(source)) return null;
    let v = this.views.get(source);
    if (!v) {
      const net = this.result.messages
        .filter((m): m is NetMessage => m.kind !== 'alarm' && m.loc.source === source)
        .sort((x, y) => (x.loc.frame ?? 0) - (y.loc.frame ?? 0));
      const s = this.result.sources[source]!;
      v = renderCaptureView(net, s, s.frames ?? 0);
      this.views.set(source, v);
    }
    return v;
  }

  /** The 1-based line a location is shown on in its document, or null. */
  lineOf(loc: SourceLocation): number | null {
    const v = this.view(loc.source);
    if (v) {
      const l = loc.frame !== null ? v.lineOfFrame.get(loc.frame) : undefined;
      return l === undefined ? null : l + 1;
    }
    return loc.line;
  }

  /** The copies of a capture frame the other captures saw. */
  matchesAt(source: number, frame: number): readonly CaseMatch[] {
    if (!this.matchIndex) {
      const idx = new Map<number, Map<number, CaseMatch[]>>();
      const add = (s: number, f: number, m: CaseMatch): void => {
        let byFrame = idx.get(s);
        if (!byFrame) idx.set(s, (byFrame = new Map()));
        const l = byFrame.get(f);
        if (l) l.push(m);
        else byFrame.set(f, [m]);
      };
      for (const p of this.result.matches ?? []) {
        for (let i = 0; i < p.aFrames.length; i++) {
          const sent = p.aSent[i] === 1;
          add(p.a, p.aFrames[i]!, { source: p.b, frame: p.bFrames[i]!, transitMs: p.transitMs[i]!, sentHere: sent });
          add(p.b, p.bFrames[i]!, { source: p.a, frame: p.aFrames[i]!, transitMs: p.transitMs[i]!, sentHere: !sent });
        }
      }
      this.matchIndex = idx;
    }
    return this.matchIndex.get(source)?.get(frame) ?? [];
  }

  fileName(source: number): string {
    return path.basename(this.result.sources[source]?.file ?? `source ${source}`);
  }
}

export interface CaseInfo {
  readonly id: string;
  readonly name: string;
  readonly root: string | null;
  readonly files: readonly {
    readonly path: string; readonly uri: string; readonly format: string; readonly messages: number;
    readonly offsetMs: number; readonly basis: string; readonly detail: string; readonly manual: boolean;
  }[];
  readonly skipped: readonly string[];
  readonly summary: string;
}

interface Entry {
  promise: Promise<CaseAnalysis | null>;
  files: Set<string>;
}

/** The cases of a workspace: which case a file is in, each case's analysis (cached until a member changes). */
export class CaseManager {
  private config: CaseConfig = EMPTY_CASE_CONFIG;
  private readonly cache = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly folders: () => readonly string[],
    /** Files of the open documents (the case when there is no workspace folder). */
    private readonly openFiles: () => readonly string[],
    private readonly log: (text: string) => void = () => {},
  ) {}

  setConfig(raw: unknown): void {
    this.config = normaliseCaseConfig(raw);
    this.invalidate();
  }

  /** Drops the cached analyses (all, or the cases a changed file belongs to or could join). */
  invalidate(file?: string): void {
    this.generation++;
    if (!file) {
      this.cache.clear();
      return;
    }
    const f = path.resolve(file);
    for (const [id, e] of this.cache) {
      if (e.files.has(f) || (id !== OPEN_CASE && isInside(f, id))) this.cache.delete(id);
    }
  }

  /** An open document came or went: the open-files case (no folder) changes with it; folder cases do not (their
   * members are the files on disk). */
  openChanged(file: string): void {
    if (this.caseOf(file).id !== OPEN_CASE) return;
    this.generation++;
    this.cache.delete(OPEN_CASE);
  }

  /** The case a file belongs to: its workspace folder (the innermost), or the open-files case. */
  caseOf(file: string): { id: string; name: string; root: string | null } {
    const f = path.resolve(file);
    let best: string | null = null;
    for (const root of this.folders()) {
      const r = path.resolve(root);
      if (isInside(f, r) && (!best || r.length > best.length)) best = r;
    }
    return best ? { id: best, name: path.basename(best), root: best } : { id: OPEN_CASE, name: 'open files', root: null };
  }

  /** The files of a case, bounded by the settings; `skipped` says what was left out and why. */
  members(id: string, settings: Settings): { files: string[]; skipped: string[] } {
    const removed = new Set(this.config.removed.map((p) => path.resolve(p)));
    const skipped: string[] = [];
    const candidates: string[] = [];
    if (id === OPEN_CASE) candidates.push(...this.openFiles().map((p) => path.resolve(p)));
    else candidates.push(...walk(id, skipped));
    for (const a of this.config.added) candidates.push(path.resolve(a));
    const out: string[] = [];
    const seen = new Set<string>();
    let bytes = 0;
    for (const f of candidates) {
      if (seen.has(f) || removed.has(f)) continue;
      seen.add(f);
      let size: number;
      try {
        const st = fs.statSync(f);
        if (!st.isFile()) continue;
        size = st.size;
      } catch {
        continue;
      }
      if (out.length >= settings.case.maxFiles) {
        skipped.push(`${f}: more than ${settings.case.maxFiles} files (cucmLens.case.maxFiles)`);
        continue;
      }
      if (bytes + size > settings.case.maxBytes) {
        skipped.push(`${f}: over ${Math.round(settings.case.maxBytes / 1e6)} MB in all (cucmLens.case.maxMegabytes)`);
        continue;
      }
      bytes += size;
      out.push(f);
    }
    return { files: out, skipped };
  }

  /** The analysis of the case a file is in; null when cases are off, the file is not a member, or the case has
   * only one file (nothing to put together). */
  async analysisFor(file: string, settings: Settings): Promise<CaseAnalysis | null> {
    if (!settings.case.enabled) return null;
    const c = this.caseOf(file);
    const cached = this.cache.get(c.id);
    if (cached) {
      const ca = await cached.promise;
      return ca && ca.sourceOf(file) >= 0 ? ca : null;
    }
    const { files, skipped } = this.members(c.id, settings);
    if (files.length < 2 || !files.includes(path.resolve(file))) return null;
    const generation = this.generation;
    const offsets = new Map<string, number>();
    for (const [p, ms] of Object.entries(this.config.offsets)) offsets.set(path.resolve(p), ms);
    const promise = (async (): Promise<CaseAnalysis | null> => {
      try {
        const started = Date.now();
        const result = await analyzePaths(files, settings, { keepMessages: true, offsets });
        this.log(`case ${c.name}: ${files.length} files analysed together in ${Date.now() - started} ms`);
        return new CaseAnalysis(c.id, c.name, c.root, files, skipped, result);
      } catch (e) {
        this.log(`case ${c.name}: analysis failed: ${(e as Error).message}`);
        return null;
      }
    })();
    const entry: Entry = { promise, files: new Set(files) };
    this.cache.set(c.id, entry);
    const ca = await promise;
    // superseded while it ran (a member changed): the next request starts again
    if (generation !== this.generation && this.cache.get(c.id) === entry) this.cache.delete(c.id);
    return ca && ca.sourceOf(file) >= 0 ? ca : null;
  }

  /** What the user sees of a case (the "Show Case" command). */
  async info(file: string, settings: Settings): Promise<CaseInfo | null> {
    const c = this.caseOf(file);
    const ca = await this.analysisFor(file, settings);
    if (!ca) {
      const { files, skipped } = this.members(c.id, settings);
      const why = !settings.case.enabled ? 'cases are off (cucmLens.case.enabled)' : files.length < 2 ? 'it has fewer than two files' : 'this file is not one of its files';
      return {
        id: c.id, name: c.name, root: c.root, skipped,
        files: files.map((f) => ({ path: f, uri: pathToFileURL(f).href, format: '', messages: 0, offsetMs: 0, basis: 'none', detail: 'not analysed together', manual: false })),
        summary: `Case ${c.name}: not analysed together (${why}).`,
      };
    }
    const manual = new Set(Object.keys(this.config.offsets).map((p) => path.resolve(p)));
    const clock = ca.result.clock ?? [];
    const files = ca.result.sources.map((s, i) => ({
      path: s.file, uri: ca.uriOf(i), format: s.format, messages: s.messages,
      offsetMs: clock[i]?.offsetMs ?? 0, basis: clock[i]?.basis ?? 'none', detail: clock[i]?.detail ?? '', manual: manual.has(path.resolve(s.file)),
    }));
    const lost = ca.result.findings.filter((f) => f.rule === 'capture.not-received' && f.evidence['side'] === 'sender').length;
    const linked = ca.result.findings.filter((f) => f.evidence['evidenceSource'] !== undefined).length;
    const summary = `Case ${ca.name}: ${files.length} files on one clock; ${lost} cop${lost === 1 ? 'y' : 'ies'} sent but never received; ${linked} unregistration alarm${linked === 1 ? '' : 's'} linked to evidence.`;
    return { id: ca.id, name: ca.name, root: ca.root, files, skipped: ca.skipped, summary };
  }
}

const OPEN_CASE = '(open files)';

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Case files under a folder (hidden folders and node_modules skipped, bounded depth and entries, sorted). */
function walk(root: string, skipped: string[]): string[] {
  const { files, cut } = walkFiles(root, (_, name) => CASE_FILE.test(name), { maxDepth: MAX_DEPTH, maxEntries: MAX_ENTRIES });
  if (cut) skipped.push(`${root}: more than ${MAX_ENTRIES} entries; the rest of the folder was not looked at`);
  return files;
}
