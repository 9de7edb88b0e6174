// Trace sets: the files RTMT collects for one CUCM service roll over, `SDL001_100_000123.txt` then `..._000124.txt`
// (node 001, application 100 = CallManager, rolling index), possibly gzip'ed; legacy SDI traces are `ccm000123.txt`.
// Files of one set in one folder form one timeline, in index order.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface TraceSetMember {
  /** Folder + prefix (`/dir/SDL001_100`): equal for the files of one set. */
  readonly key: string;
  readonly index: number;
  /** "CUCM node 001" for SDL files, else "CUCM". */
  readonly node: string;
}

const SDL = /^(SDL(\d{3})_(\d{3}))_(\d{4,8})\.txt(?:\.gzo?|\.gz)?$/i;
const SDI = /^(ccm)(\d{3,9})\.txt(?:\.gz)?$/i;

export function traceSetMember(file: string): TraceSetMember | null {
  const base = path.basename(file);
  const dir = path.dirname(file);
  let m = SDL.exec(base);
  if (m) return { key: path.join(dir, m[1]!.toUpperCase()), index: Number(m[4]), node: `CUCM node ${m[2]}` };
  m = SDI.exec(base);
  if (m) return { key: path.join(dir, m[1]!.toLowerCase()), index: Number(m[2]), node: 'CUCM' };
  return null;
}

/** Orders paths so that the files of each trace set are together and in index order (other files keep their
 * place), and says which timeline each belongs to: the position of its set's first file, else its own position. */
export function orderTraceSets<T extends { readonly path: string }>(entries: readonly T[]): { entries: T[]; timeline: number[] } {
  const groups = new Map<string, { first: number; items: { e: T; index: number }[] }>();
  const slots: (T | string)[] = [];
  entries.forEach((e) => {
    const m = traceSetMember(e.path);
    if (!m) {
      slots.push(e);
      return;
    }
    let g = groups.get(m.key);
    if (!g) {
      groups.set(m.key, (g = { first: slots.length, items: [] }));
      slots.push(m.key);
    }
    g.items.push({ e, index: m.index });
  });
  const out: T[] = [];
  const timeline: number[] = [];
  for (const s of slots) {
    if (typeof s !== 'string') {
      timeline.push(out.length);
      out.push(s);
      continue;
    }
    const g = groups.get(s)!;
    g.items.sort((a, b) => a.index - b.index);
    const first = out.length;
    for (const it of g.items) {
      timeline.push(first);
      out.push(it.e);
    }
  }
  return { entries: out, timeline };
}

/** The other files of `file`'s trace set on disk, nearest index first, as many as fit in `maxBytes` (for context
 * when one file of a set is opened in the editor). */
export function traceNeighbours(file: string, maxBytes: number): string[] {
  const me = traceSetMember(file);
  if (!me || maxBytes <= 0) return [];
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  const cands: { p: string; index: number; size: number }[] = [];
  for (const n of names) {
    const p = path.join(path.dirname(file), n);
    if (p === file) continue;
    const m = traceSetMember(p);
    if (!m || m.key !== me.key || m.index === me.index) continue;
    try {
      const st = fs.statSync(p);
      if (st.isFile()) cands.push({ p, index: m.index, size: st.size });
    } catch {
      // unreadable: skipped
    }
  }
  cands.sort((a, b) => Math.abs(a.index - me.index) - Math.abs(b.index - me.index) || a.index - b.index);
  const out: string[] = [];
  let used = 0;
  for (const c of cands) {
    if (used + c.size > maxBytes) break;
    used += c.size;
    out.push(c.p);
  }
  return out;
}

const HEADER_TOD = /^\d{7,8}\.\d{3}\s*\|\s*(\d{2}):(\d{2}):(\d{2})\.(\d{3})\s*\|/m;
const SDI_TOD = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) /m;
const DAY = 86_400_000;

/** The first `bytes` of a file as text (one character per byte), gunzipped when it is gzip. Throws when unreadable. */
function headText(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  const raw = Buffer.alloc(bytes);
  let n: number;
  try {
    n = fs.readSync(fd, raw, 0, raw.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  let buf = raw.subarray(0, n);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = zlib.gunzipSync(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, bytes);
  return buf.toString('latin1');
}

/** Time of day (ms) of the first record in the file's first 256 KiB (gzip too), NaN when none. */
function firstTimeOfDay(file: string): number {
  try {
    const text = headText(file, 256 * 1024);
    const m = HEADER_TOD.exec(text) ?? SDI_TOD.exec(text);
    if (!m) return NaN;
    return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
  } catch {
    return NaN;
  }
}

/** The latest moment at or before `ref` whose UTC time of day is `tod`. */
function atOrBefore(ref: number, tod: number): number {
  const day = Math.floor(ref / DAY) * DAY;
  return day + tod <= ref ? day + tod : day - DAY + tod;
}

/**
 * Reference dates for the files of one trace set, in index order: the moment the last record of each file cannot be
 * later than. The last file's is its modification time (or `lastDate`); each earlier file ends before the next file's
 * first record (and before its own modification time), so that a set whose files were copied or unzipped together
 * (equal mtimes) still forms one increasing timeline.
 */
export function traceSetReferenceDates(files: readonly string[], mtimes: readonly (Date | null)[], lastDate = NaN): (Date | null)[] {
  const out: (Date | null)[] = files.map(() => null);
  let next = NaN;
  for (let k = files.length - 1; k >= 0; k--) {
    const own = k === files.length - 1 && Number.isFinite(lastDate) ? lastDate + DAY - 1 : mtimes[k]?.getTime() ?? NaN;
    const ref = Number.isFinite(next) ? (Number.isFinite(own) ? Math.min(own, next) : next) : own;
    out[k] = Number.isFinite(ref) ? new Date(ref) : null;
    const tod = firstTimeOfDay(files[k]!);
    next = Number.isFinite(ref) && Number.isFinite(tod) ? atOrBefore(ref, tod) : NaN;
  }
  return out;
}

/** The lines at the top of a trace file before its first record header (at most 64 KiB / 2,000 lines; gzip too):
 * the end of a record the previous file of the set was cut in. */
export function continuationLines(file: string): string[] {
  try {
    return continuationOf(headText(file, 64 * 1024));
  } catch {
    return [];
  }
}

/** continuationLines of a file's text (the editor's buffer of an open file). */
export function continuationOf(text: string): string[] {
  const lines = (text.length > 64 * 1024 ? text.slice(0, 64 * 1024) : text).split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length - 1 && out.length < 2000; i++) {
    const l = lines[i]!;
    if (/^\d{7,8}\.\d{3}\s*\|/.test(l) || /^\d{2}:\d{2}:\d{2}\.\d{3} /.test(l)) return out;
    out.push(l);
  }
  return [];
}
