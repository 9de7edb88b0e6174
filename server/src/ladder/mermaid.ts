// Mermaid sequenceDiagram text of a ladder, for tickets and wikis. Retransmissions are dotted arrows, messages never
// seen arriving end in a cross, alarms and keepalive gaps are notes, idle stretches are notes across the diagram. In a
// case ladder each message says where it was observed ("REGISTER [phone, cucm +12.4 ms]").

import type { LadderModel } from './model';
import { DEFAULT_LAYOUT, clockOf, durationText, sourceBadges, transitText } from './layout';

/** Text Mermaid shows literally: its entity codes for the characters its grammar (or HTML) would read. */
const MERMAID_ENTITIES: Record<string, string> = {
  '#': '#35;', ';': '#59;', '<': '#lt;', '>': '#gt;', '"': '#quot;', '%': '#37;', '{': '#123;', '}': '#125;', '`': '#96;',
};

export function mermaidText(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[#;<>"%{}`]/g, (c) => MERMAID_ENTITIES[c]!).trim() || ' ';
}

export function renderMermaid(model: LadderModel, shown?: ArrayLike<number>, idleMs = DEFAULT_LAYOUT.idleMs): string {
  const all = shown ?? Int32Array.from(model.arrows.keys());
  const used = new Set<number>();
  for (let k = 0; k < all.length; k++) {
    const a = model.arrows[all[k]!]!;
    used.add(a.from);
    used.add(a.to);
  }
  const cols = [...used].sort((x, y) => x - y);
  const lines = ['sequenceDiagram', `    %% CUCM Lens ladder: ${mermaidText(model.title)}`];
  const names = sourceBadges(model.sources);
  for (const p of cols) {
    const part = model.participants[p]!;
    lines.push(`    participant P${p} as ${mermaidText(part.sub ? `${part.label} (${part.sub})` : part.label)}`);
  }
  const span = (ps: readonly number[]): string | null => {
    const vis = ps.filter((p) => used.has(p));
    if (!vis.length) return null;
    const lo = Math.min(...vis), hi = Math.max(...vis);
    return lo === hi ? `P${lo}` : `P${lo},P${hi}`;
  };
  const everyone = cols.length > 1 ? `P${cols[0]},P${cols[cols.length - 1]}` : cols.length ? `P${cols[0]}` : null;
  const bands = model.bands.filter((b) => span(b.cols) !== null);
  let bi = 0;
  let prev = NaN;
  const flushBands = (upTo: number): void => {
    while (bi < bands.length && bands[bi]!.from <= upTo) {
      const b = bands[bi++]!;
      const where = span(b.cols)!;
      lines.push(`    Note over ${where}: ${mermaidText(b.kind === 'deadline' ? `${b.label} at ${clockOf(b.from, model.dated)}` : `${b.label} (from ${clockOf(b.from, model.dated)})`)}`);
    }
  };
  for (let k = 0; k < all.length; k++) {
    const a = model.arrows[all[k]!]!;
    if (a.t !== null) {
      flushBands(a.t);
      if (Number.isFinite(prev) && a.t - prev > idleMs && everyone) lines.push(`    Note over ${everyone}: ${mermaidText(`${durationText(a.t - prev)} idle`)}`);
      prev = a.t;
    }
    const when = a.t !== null ? `${clockOf(a.t, false)} ` : '';
    // a case ladder: where the message was observed, and the transit, as text after the label ("[phone, cucm +12.4 ms]")
    const seen = a.seen?.length
      ? ` [${a.seen.map((s) => names[s] ?? '?').join(', ')}${a.seen.length > 1 && typeof a.transit === 'number' ? ` ${transitText(a.transit)}` : ''}]`
      : '';
    const text = mermaidText(`${when}${a.label}${a.retrans ? ` (retransmission ${a.retrans})` : ''}${a.unanswered ? ' (no answer)' : ''}${seen}`);
    if (a.from === a.to && a.proto === 'alarm') lines.push(`    Note over P${a.from}: ${text}`);
    else lines.push(`    P${a.from}${a.lost ? '-x' : a.retrans ? '-->>' : '->>'}P${a.to}: ${text}`);
  }
  flushBands(Infinity);
  return lines.join('\n') + '\n';
}
