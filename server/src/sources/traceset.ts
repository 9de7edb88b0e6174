// Trace sets: the files RTMT collects for one CUCM service roll over, `SDL001_100_000123.txt` then `..._000124.txt`
// (node 001, application 100 = CallManager, rolling index), possibly gzip'ed; legacy SDI traces are `ccm000123.txt`.
// Files of one set in one folder form one timeline, in index order.

import * as fs from 'node:fs';
import * as path from 'node:path';

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
