// Checks a ladder model that crossed a process or frame boundary (webview messages, saved state) before it is used:
// the shape, the types, and that every index points inside its list. Text stays untrusted (renderers treat it so).

import type { LadderModel } from './model';
import { LADDER_PROTOCOLS } from './model';

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIdx = (v: unknown, n: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < n;
const orNull = (v: unknown): boolean => v === null || isNum(v);

export function validLadderModel(m: unknown): m is LadderModel {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  if (o['version'] !== 1 || !isStr(o['title']) || typeof o['dated'] !== 'boolean' || !isNum(o['omitted'])) return false;
  const { participants, arrows, bands, flows, sources, rules } = o as Record<string, unknown[]>;
  if (![participants, arrows, bands, flows, sources, rules].every(Array.isArray)) return false;
  const np = participants!.length;
  for (const p of participants!) {
    const q = p as Record<string, unknown> | null;
    if (!q || !isStr(q['id']) || !isStr(q['label']) || !isStr(q['sub']) || !isStr(q['kind'])) return false;
  }
  for (const s of sources!) {
    const q = s as Record<string, unknown> | null;
    if (!q || !isStr(q['name']) || !isStr(q['uri'])) return false;
  }
  if (!rules!.every(isStr)) return false;
  for (const f of flows!) {
    const q = f as Record<string, unknown> | null;
    if (!q || !Number.isInteger(q['id']) || !isStr(q['title'])) return false;
  }
  const protos = new Set<unknown>(LADDER_PROTOCOLS);
  const ns = sources!.length;
  for (const a of arrows!) {
    const q = a as Record<string, unknown> | null;
    if (!q || !orNull(q['t']) || !isIdx(q['from'], np) || !isIdx(q['to'], np) || !isStr(q['label']) || !isStr(q['detail'])) return false;
    if (!protos.has(q['proto']) || !isIdx(q['src'], Math.max(ns, 1)) || !orNull(q['line']) || !orNull(q['frame'])) return false;
    if (!Number.isInteger(q['flow']) || !Number.isInteger(q['retrans']) || typeof q['lost'] !== 'boolean' || typeof q['unanswered'] !== 'boolean') return false;
    if (!Number.isInteger(q['sev']) || !Array.isArray(q['rules']) || !(q['rules'] as unknown[]).every(isStr)) return false;
    if (!validCopies(q, ns)) return false;
  }
  for (const b of bands!) {
    const q = b as Record<string, unknown> | null;
    if (!q || !isNum(q['from']) || !isNum(q['to']) || !Array.isArray(q['cols']) || !(q['cols'] as unknown[]).every((c) => isIdx(c, np))) return false;
    if (!isStr(q['label']) || !['gap', 'unregistered', 'deadline'].includes(q['kind'] as string)) return false;
  }
  return true;
}

/** A case ladder's observation fields, when present: `seen` distinct source indexes starting with the arrow's own
 * source, `transit` a number or null, `also` one location per further observation, in the order of `seen`. */
function validCopies(q: Record<string, unknown>, ns: number): boolean {
  const seen = q['seen'], also = q['also'], transit = q['transit'];
  if (transit !== undefined && !orNull(transit)) return false;
  if (seen !== undefined) {
    if (!Array.isArray(seen) || seen.length === 0 || seen.length > ns || seen[0] !== q['src']) return false;
    if (!seen.every((s) => isIdx(s, ns)) || new Set(seen).size !== seen.length) return false;
  }
  if (also !== undefined) {
    if (!Array.isArray(also) || also.length >= Math.max(ns, 1)) return false;
    if (Array.isArray(seen) && also.length !== seen.length - 1) return false;
    for (let k = 0; k < also.length; k++) {
      const c = also[k] as Record<string, unknown> | null;
      if (!c || typeof c !== 'object' || !isIdx(c['src'], ns) || !orNull(c['line']) || !orNull(c['frame'])) return false;
      if (Array.isArray(seen) && c['src'] !== seen[k + 1]) return false;
    }
  }
  return true;
}
