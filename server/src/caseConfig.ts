// The pure half of cases, shared by the extension and the server (no 'vscode' here, so node:test can load it): the user's case configuration as it is kept in
// the workspace state and sent to the server (`cucmLens/caseConfig`), clock offsets as people type them, and the
// server's answer to `cucmLens/case` checked before the editor shows it.

import * as path from 'node:path';

/** What the user changed on top of the default case (a workspace folder's files). Paths are file-system paths. */
export interface CaseConfig {
  /** Files added to the case (outside the folder, or not picked up by default). */
  readonly added: string[];
  /** Files taken out of the case. */
  readonly removed: string[];
  /** Manual clock offsets in ms, by path; a file without one is aligned automatically. */
  readonly offsets: Record<string, number>;
}

export const EMPTY_CASE_CONFIG: CaseConfig = Object.freeze({ added: [], removed: [], offsets: {} }) as CaseConfig;

/** Largest manual offset accepted either way: 7 days. */
export const MAX_OFFSET_MS = 7 * 24 * 3600 * 1000;
/** Most paths kept in each list (the workspace state stays small whatever is stored in it). */
export const MAX_CONFIG_PATHS = 5000;
const MAX_PATH_LENGTH = 4096;

/** A usable absolute path, normalised, or null. */
export function normalisePath(p: unknown): string | null {
  if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PATH_LENGTH || p.includes('\0')) return null;
  if (!path.isAbsolute(p)) return null;
  const n = path.normalize(p);
  // no trailing separator (except a root such as "/" or "C:\")
  return n.length > 1 && /[\\/]$/.test(n) && path.dirname(n) !== n ? n.slice(0, -1) : n;
}

/** A finite offset within ±7 days, rounded to the microsecond (-0 becomes 0); null otherwise. */
export function normaliseOffset(ms: unknown): number | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > MAX_OFFSET_MS) return null;
  const r = Math.round(ms * 1000) / 1000;
  return r === 0 ? 0 : r;
}

function pathList(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  for (const p of raw) {
    const n = normalisePath(p);
    if (n !== null && !seen.has(n)) {
      seen.add(n);
      if (seen.size >= MAX_CONFIG_PATHS) break;
    }
  }
  return [...seen];
}

/**
 * Whatever was stored (or sent) as a well-formed config: absolute paths, normalised and deduplicated, in their first
 * order; a path in both lists counts as removed; offsets finite, within ±7 days and keyed by normalised paths.
 */
export function normaliseCaseConfig(raw: unknown): CaseConfig {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const removed = pathList(o.removed);
  const out = new Set(removed);
  const added = pathList(o.added).filter((p) => !out.has(p));
  const offsets: [string, number][] = [];
  const seen = new Set<string>();
  if (o.offsets && typeof o.offsets === 'object' && !Array.isArray(o.offsets)) {
    for (const [k, v] of Object.entries(o.offsets as Record<string, unknown>)) {
      const p = normalisePath(k);
      const ms = normaliseOffset(v);
      if (p === null || ms === null || seen.has(p)) continue;
      seen.add(p);
      offsets.push([p, ms]);
      if (offsets.length >= MAX_CONFIG_PATHS) break;
    }
  }
  // Object.fromEntries defines own data properties, whatever the key
  return { added, removed, offsets: Object.fromEntries(offsets) };
}

/** The config with `paths` in the case: added, and no longer removed. */
export function addPaths(config: CaseConfig, paths: readonly string[]): CaseConfig {
  const add = pathList(paths);
  const set = new Set(add);
  return normaliseCaseConfig({
    added: [...config.added, ...add],
    removed: config.removed.filter((p) => !set.has(p)),
    offsets: config.offsets,
  });
}

/**
 * The config with `paths` out of the case: no longer added, and listed as removed (they may also belong to the case
 * by default, as files of its folder); their manual offsets go with them.
 */
export function removePaths(config: CaseConfig, paths: readonly string[]): CaseConfig {
  const remove = pathList(paths);
  const set = new Set(remove);
  return normaliseCaseConfig({
    added: config.added.filter((p) => !set.has(p)),
    removed: [...config.removed, ...remove],
    offsets: Object.fromEntries(Object.entries(config.offsets).filter(([p]) => !set.has(p))),
  });
}

/** The config with a manual offset for `file`, or (null) without one: the file is aligned automatically again. */
export function setOffset(config: CaseConfig, file: string, ms: number | null): CaseConfig {
  const p = normalisePath(file);
  if (p === null) return config;
  const offsets = Object.entries(config.offsets).filter(([k]) => k !== p);
  if (ms !== null) offsets.push([p, ms]);
  return normaliseCaseConfig({ ...config, offsets: Object.fromEntries(offsets) });
}

export function sameCaseConfig(a: CaseConfig, b: CaseConfig): boolean {
  const ka = Object.keys(a.offsets);
  return a.added.length === b.added.length && a.added.every((p, i) => p === b.added[i])
    && a.removed.length === b.removed.length && a.removed.every((p, i) => p === b.removed[i])
    && ka.length === Object.keys(b.offsets).length && ka.every((k) => Object.hasOwn(b.offsets, k) && a.offsets[k] === b.offsets[k]);
}

// ---- clock offsets as typed --------------------------------------------------------------------------------------

export type OffsetParse = { ok: true; ms: number | null } | { ok: false; message: string };

export const OFFSET_EXAMPLES = '250, 250ms, -1.5s, +2h, 1m30s or 00:01:30';

const UNIT_MS: Record<string, number> = {
  us: 0.001, 'µs': 0.001, 'μs': 0.001,
  ms: 1, msec: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const CLOCK = new RegExp(String.raw`^(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d{1,6}))?$`);
const PLAIN = new RegExp(`^${NUMBER}$`);
const PART = new RegExp(String.raw`(${NUMBER})\s*([a-zµμ]+)\s*`, 'gy');

/**
 * A clock offset as a person types it, in ms: "250" (ms), "250ms", "-1.5s", "+2h", "1m30s", "1 h 30 min",
 * "00:01:30" (h:mm:ss), "01:30" (m:ss), "00:00:01.250". Empty means automatic alignment (ms: null).
 * The offset is added to the file's times to put them on the case's clock (the server's SourceClock.offsetMs).
 */
export function parseOffset(input: string): OffsetParse {
  const text = input.trim().toLowerCase();
  if (text === '' || text === 'auto' || text === 'automatic') return { ok: true, ms: null };
  const bad = (): OffsetParse => ({ ok: false, message: `"${input.trim().slice(0, 40)}" is not an offset. Type e.g. ${OFFSET_EXAMPLES}, or leave it empty for automatic alignment.` });
  let sign = 1;
  let body = text;
  if (body[0] === '+' || body[0] === '-' || body[0] === '−') {
    sign = body[0] === '+' ? 1 : -1;
    body = body.slice(1).trim();
  }
  let ms: number;
  const clock = CLOCK.exec(body);
  if (clock) {
    const [, a, b, c, frac] = clock;
    const [h, m, s] = c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
    if ((c !== undefined && m >= 60) || s >= 60) {
      return { ok: false, message: `"${input.trim()}": minutes and seconds go up to 59 (h:mm:ss or m:ss).` };
    }
    ms = ((h * 60 + m) * 60 + s) * 1000 + (frac ? Number('0.' + frac) * 1000 : 0);
  } else if (PLAIN.test(body)) {
    ms = Number(body);
  } else {
    PART.lastIndex = 0;
    let total = 0;
    let parts = 0;
    let at = 0;
    for (let m = PART.exec(body); m; m = PART.exec(body)) {
      const unit = UNIT_MS[m[2]!];
      if (unit === undefined) {
        return { ok: false, message: `"${m[2]}" is not a unit: use ms, s, m (or min), h or d, e.g. ${OFFSET_EXAMPLES}.` };
      }
      total += Number(m[1]) * unit;
      parts++;
      at = PART.lastIndex;
    }
    if (parts === 0 || at !== body.length) return bad();
    ms = total;
  }
  ms *= sign;
  if (!Number.isFinite(ms)) return bad();
  if (Math.abs(ms) > MAX_OFFSET_MS) return { ok: false, message: `${formatOffset(ms)} is too far: a clock offset must be within ±7 days.` };
  return { ok: true, ms: normaliseOffset(ms) };
}

/** "+250 ms", "-1.5 s", "+0:01:30", "-2:00:00.25"; parseOffset reads it back. */
export function formatOffset(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '+';
  const a = Math.abs(ms);
  if (a === 0) return '0 ms';
  const trim = (n: number, digits: number): string => n.toFixed(digits).replace(/\.?0+$/, '');
  if (a < 1000) return `${sign}${trim(a, 3)} ms`;
  if (a < 60_000) return `${sign}${trim(a / 1000, 3)} s`;
  const total = Math.round(a);
  const whole = Math.floor(total / 1000);
  const rest = total % 1000;
  const frac = rest ? '.' + String(rest).padStart(3, '0').replace(/0+$/, '') : '';
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return `${sign}${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${frac}`;
}

// ---- the server's answer to cucmLens/case ----------------------------------------------------------------------------

export type AlignmentBasis = 'reference' | 'segments' | 'sip' | 'alarms' | 'manual' | 'none';

export interface CaseFile {
  path: string;
  /** The document to open for this file (a `cucm-capture:` URI for a capture). */
  uri: string;
  format: string;
  messages: number;
  offsetMs: number;
  basis: AlignmentBasis;
  detail: string;
  manual: boolean;
}

export interface CaseInfo {
  id: string;
  name: string;
  root: string | null;
  files: CaseFile[];
  skipped: string[];
  summary: string;
}

const BASES: ReadonlySet<string> = new Set(['reference', 'segments', 'sip', 'alarms', 'manual', 'none']);
const MAX_TEXT = 2000;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : fallback);

/**
 * The answer of `cucmLens/case` as the editor uses it, or null (no case, or not the agreed shape). Files without a
 * path or uri are left out; the other fields fall back to neutral values.
 */
export function readCaseInfo(raw: unknown): CaseInfo | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.files)) return null;
  const files: CaseFile[] = [];
  for (const f of o.files.slice(0, 10_000)) {
    if (!f || typeof f !== 'object') continue;
    const r = f as Record<string, unknown>;
    if (typeof r.path !== 'string' || r.path === '' || typeof r.uri !== 'string' || r.uri === '') continue;
    const offset = typeof r.offsetMs === 'number' && Number.isFinite(r.offsetMs) ? r.offsetMs : 0;
    files.push({
      path: r.path,
      uri: r.uri,
      format: str(r.format),
      messages: typeof r.messages === 'number' && Number.isFinite(r.messages) && r.messages >= 0 ? Math.floor(r.messages) : 0,
      offsetMs: offset,
      basis: typeof r.basis === 'string' && BASES.has(r.basis) ? (r.basis as AlignmentBasis) : 'none',
      detail: str(r.detail),
      manual: r.manual === true,
    });
  }
  return {
    id: str(o.id),
    name: str(o.name, 'case'),
    root: typeof o.root === 'string' ? o.root : null,
    files,
    skipped: Array.isArray(o.skipped) ? o.skipped.filter((s): s is string => typeof s === 'string').slice(0, 1000).map((s) => s.slice(0, MAX_TEXT)) : [],
    summary: str(o.summary),
  };
}

/** How a file's clock was aligned, in words. */
export function basisLabel(basis: AlignmentBasis): string {
  switch (basis) {
    case 'reference': return 'reference clock';
    case 'segments': return 'aligned on matched TCP segments';
    case 'sip': return 'aligned on matched SIP messages';
    case 'alarms': return 'aligned on alarms and their evidence';
    case 'manual': return 'set by hand';
    case 'none': return 'not aligned';
  }
}

/** One line for a file in the pickers: format, messages, offset and how it was found. */
export function describeCaseFile(f: CaseFile): string {
  const parts = [f.format || 'unknown format', `${f.messages.toLocaleString('en-US')} message${f.messages === 1 ? '' : 's'}`];
  if (f.basis !== 'reference' || f.offsetMs !== 0) parts.push(`offset ${formatOffset(f.offsetMs)}`);
  parts.push(f.manual ? basisLabel('manual') : basisLabel(f.basis));
  return parts.join(' · ');
}
