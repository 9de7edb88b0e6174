// Which arrows of a ladder model to show: by participant (device), flow, protocol, rule, time range, observation
// point (a case ladder: where a message was seen, or not seen) and a search text. Shared by the webview, the CLI and the exports, so a filtered view exports what it shows.

import type { LadderModel, LadderProtocol } from './model';

export interface LadderFilter {
  /** Participant indexes: an arrow is shown when it touches one of them. Empty: all. */
  readonly participants?: readonly number[];
  /** Flow ids. Empty: all. */
  readonly flows?: readonly number[];
  /** Protocols shown. Empty or absent: all. */
  readonly protocols?: readonly LadderProtocol[];
  /** Only arrows that carry one of these rule ids ('*' any finding). Empty: all. */
  readonly rules?: readonly string[];
  /** Epoch ms bounds (inclusive); null: open. */
  readonly from?: number | null;
  readonly to?: number | null;
  /** Case-insensitive substring of label, detail, or a participant's label. */
  readonly search?: string;
  /** Source indexes (model.sources): only arrows observed at one of them (an arrow without `seen` was observed at
   * its `src`). Empty: all. */
  readonly seenAt?: readonly number[];
  /** Source indexes: only arrows observed at none of them ("what the CUCM never saw"). Empty: all. */
  readonly notSeenAt?: readonly number[];
}

/** The indexes of the arrows the filter keeps, in model order. */
export function filterArrows(model: LadderModel, f: LadderFilter): Int32Array {
  const parts = f.participants?.length ? new Set(f.participants) : null;
  const flows = f.flows?.length ? new Set(f.flows) : null;
  const protos = f.protocols?.length ? new Set(f.protocols) : null;
  const anyRule = f.rules?.includes('*') ?? false;
  const rules = f.rules?.length && !anyRule ? new Set(f.rules) : null;
  const from = typeof f.from === 'number' && Number.isFinite(f.from) ? f.from : null;
  const to = typeof f.to === 'number' && Number.isFinite(f.to) ? f.to : null;
  const needle = (f.search ?? '').trim().toLowerCase();
  const seenAt = f.seenAt?.length ? new Set(f.seenAt) : null;
  const notSeenAt = f.notSeenAt?.length ? new Set(f.notSeenAt) : null;
  const partMatch = needle ? model.participants.map((p) => `${p.label} ${p.sub}`.toLowerCase().includes(needle)) : null;
  const out = new Int32Array(model.arrows.length);
  let n = 0;
  for (let i = 0; i < model.arrows.length; i++) {
    const a = model.arrows[i]!;
    if (parts && !parts.has(a.from) && !parts.has(a.to)) continue;
    if (flows && !flows.has(a.flow)) continue;
    if (protos && !protos.has(a.proto)) continue;
    if (anyRule && a.rules.length === 0) continue;
    if (rules && !a.rules.some((r) => rules.has(r))) continue;
    if (from !== null && (a.t === null || a.t < from)) continue;
    if (to !== null && (a.t === null || a.t > to)) continue;
    if (seenAt && !(a.seen ?? [a.src]).some((s) => seenAt.has(s))) continue;
    if (notSeenAt && (a.seen ?? [a.src]).some((s) => notSeenAt.has(s))) continue;
    if (needle && !(a.label.toLowerCase().includes(needle) || a.detail.toLowerCase().includes(needle)
      || partMatch![a.from] || partMatch![a.to] || a.rules.some((r) => r.includes(needle)))) continue;
    out[n++] = i;
  }
  return out.subarray(0, n);
}

/** Keeps only what a filter can hold, from untrusted input (a webview message, saved state). */
export function sanitiseFilter(raw: unknown, model: LadderModel): LadderFilter {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const ints = (v: unknown, max: number): number[] => Array.isArray(v)
    ? v.filter((x): x is number => Number.isInteger(x) && (x as number) >= -1 && (x as number) < max).slice(0, 10_000) : [];
  const strs = (v: unknown): string[] => Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length < 200).slice(0, 1000) : [];
  const sources = (v: unknown): number[] => ints(v, model.sources.length).filter((x) => x >= 0);
  const time = (v: unknown): number | null => typeof v === 'number' && Number.isFinite(v) ? v : null;
  const maxFlow = model.flows.reduce((m, fl) => Math.max(m, fl.id + 1), 0);
  return {
    participants: ints(o['participants'], model.participants.length),
    flows: ints(o['flows'], maxFlow),
    protocols: strs(o['protocols']).filter((p): p is LadderProtocol => ['sip', 'sccp', 'tcp', 'arp', 'tls', 'alarm'].includes(p)),
    rules: strs(o['rules']),
    from: time(o['from']),
    to: time(o['to']),
    search: typeof o['search'] === 'string' ? o['search'].slice(0, 200) : '',
    seenAt: sources(o['seenAt']),
    notSeenAt: sources(o['notSeenAt']),
  };
}
