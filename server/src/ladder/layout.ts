// Ladder layout and drawing, as plain shapes. One row per arrow, time flowing down; an idle stretch longer than
// `idleMs` between two rows becomes a short separator row saying how long it was (compressed time). Anything placed
// by time (bands, deadlines) is put between the rows it falls between.
//
// The shapes are data ({tag, attrs, text}); the SVG export serialises them with escaping and the webview makes DOM
// nodes from them with setAttribute/textContent, so trace text never becomes markup. Attribute names and the
// values of `class`, coordinates and paths come from this file only; untrusted text goes in `text` alone.

import type { LadderArrow, LadderModel, LadderSource } from './model';

export interface LayoutOptions {
  /** Gaps longer than this (ms) between consecutive shown arrows get a separator row. */
  readonly idleMs: number;
  readonly rowH: number;
  readonly idleH: number;
  readonly colW: number;
  /** Width of the time column on the left. */
  readonly gutter: number;
  /** Height of the participant header. */
  readonly header: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { idleMs: 2000, rowH: 26, idleH: 20, colW: 190, gutter: 170, header: 46 };

export interface Layout {
  readonly opts: LayoutOptions;
  /** Arrow index per row, -1 for an idle separator. */
  readonly rowArrow: Int32Array;
  /** Top of each row (body coordinates: 0 is the first row, below the header). */
  readonly rowTop: Float64Array;
  /** Time of each row (separators: the middle of the idle stretch); NaN when unknown. */
  readonly rowTime: Float64Array;
  /** Separators: the idle duration (ms); arrows: the time since the previous shown arrow (NaN for the first). */
  readonly rowDelta: Float64Array;
  /** Rows with a known time come first; this many. */
  readonly timedRows: number;
  /** Centre x of each participant's column, -1 when hidden. */
  readonly colX: Float64Array;
  /** Participant indexes shown, left to right. */
  readonly cols: readonly number[];
  /** Row of each shown arrow (by arrow index), -1 when not shown. */
  readonly rowOfArrow: Int32Array;
  readonly bodyHeight: number;
  readonly width: number;
  /** First timed arrow shown (relative times count from here), NaN when none. */
  readonly t0: number;
  /** Per model band: its top and bottom y (a deadline: both its y), and its left and right x (-1: not shown). */
  readonly bandBox: Float64Array;
  /** Per model source: the short name its observation badges show (a case ladder). */
  readonly srcNames: readonly string[];
}

/** Lays out the given arrows (indexes into model.arrows, in model order). */
export function layoutLadder(model: LadderModel, shown: ArrayLike<number>, opts: LayoutOptions = DEFAULT_LAYOUT): Layout {
  const n = shown.length;
  // columns: participants touched by shown arrows (keeping the model's order, which is first appearance)
  const used = new Uint8Array(model.participants.length);
  for (let k = 0; k < n; k++) {
    const a = model.arrows[shown[k]!]!;
    used[a.from] = 1;
    used[a.to] = 1;
  }
  const cols: number[] = [];
  const colX = new Float64Array(model.participants.length).fill(-1);
  for (let p = 0; p < used.length; p++) {
    if (!used[p]) continue;
    colX[p] = opts.gutter + cols.length * opts.colW + opts.colW / 2;
    cols.push(p);
  }
  let separators = 0;
  let prev = NaN;
  for (let k = 0; k < n; k++) {
    const t = model.arrows[shown[k]!]!.t;
    if (t !== null && Number.isFinite(prev) && t - prev > opts.idleMs) separators++;
    if (t !== null) prev = t;
  }
  const rows = n + separators;
  const rowArrow = new Int32Array(rows);
  const rowTop = new Float64Array(rows);
  const rowTime = new Float64Array(rows);
  const rowDelta = new Float64Array(rows);
  const rowOfArrow = new Int32Array(model.arrows.length).fill(-1);
  let y = 0, r = 0, timed = 0;
  prev = NaN;
  let t0 = NaN;
  for (let k = 0; k < n; k++) {
    const i = shown[k]!;
    const t = model.arrows[i]!.t;
    if (t !== null && Number.isFinite(prev) && t - prev > opts.idleMs) {
      rowArrow[r] = -1;
      rowTop[r] = y;
      rowTime[r] = (t + prev) / 2;
      rowDelta[r] = t - prev;
      y += opts.idleH;
      r++;
      timed = r;
    }
    rowArrow[r] = i;
    rowTop[r] = y;
    rowTime[r] = t === null ? NaN : t;
    rowDelta[r] = t !== null && Number.isFinite(prev) ? t - prev : NaN;
    rowOfArrow[i] = r;
    if (t !== null) {
      if (!Number.isFinite(t0)) t0 = t;
      prev = t;
      timed = r + 1;
    }
    y += opts.rowH;
    r++;
  }
  const l: Layout = {
    opts, rowArrow, rowTop, rowTime, rowDelta, timedRows: timed, colX, cols, rowOfArrow, bodyHeight: y,
    width: opts.gutter + Math.max(1, cols.length) * opts.colW, t0, bandBox: new Float64Array(model.bands.length * 4).fill(-1),
    srcNames: sourceBadges(model.sources),
  };
  // bands placed once per layout (drawing then only picks the ones in view)
  model.bands.forEach((b, k) => {
    let left = Infinity, right = -Infinity;
    for (const c of b.cols) {
      const x = colX[c] ?? -1;
      if (x < 0) continue;
      left = Math.min(left, x - opts.colW * 0.4);
      right = Math.max(right, x + opts.colW * 0.4);
    }
    if (!Number.isFinite(left)) return;
    const top = yOfTime(l, b.from);
    const bottom = b.kind === 'deadline' ? top : Math.max(yOfTime(l, b.to), top + 4);
    l.bandBox.set([top, bottom, left, right], k * 4);
  });
  return l;
}

/** The row centre's y. */
function rowMid(l: Layout, r: number): number {
  return l.rowTop[r]! + (l.rowArrow[r]! < 0 ? l.opts.idleH : l.opts.rowH) / 2;
}

/** The y a time falls at: between the rows it falls between, proportionally. */
export function yOfTime(l: Layout, t: number): number {
  const n = l.timedRows;
  if (n === 0 || !Number.isFinite(t)) return 0;
  if (t <= l.rowTime[0]!) return l.rowTop[0]!;
  if (t >= l.rowTime[n - 1]!) return n === l.rowTime.length ? l.bodyHeight : l.rowTop[n]!;
  let lo = 0, hi = n - 1; // rowTime[lo] <= t < rowTime[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (l.rowTime[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const t1 = l.rowTime[lo]!, t2 = l.rowTime[hi]!;
  const y1 = rowMid(l, lo), y2 = rowMid(l, hi);
  return t2 > t1 ? y1 + ((t - t1) / (t2 - t1)) * (y2 - y1) : y1;
}

/** The first row whose bottom is below y. */
export function rowAtY(l: Layout, y: number): number {
  let lo = 0, hi = l.rowTop.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const bottom = l.rowTop[mid]! + (l.rowArrow[mid]! < 0 ? l.opts.idleH : l.opts.rowH);
    if (bottom <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- shapes ------------------------------------------------------------------------------------------------------

export interface Shape {
  readonly tag: 'g' | 'line' | 'rect' | 'text' | 'path' | 'title';
  readonly attrs: Readonly<Record<string, string | number>>;
  /** Text content (untrusted text goes here only). */
  readonly text?: string;
  readonly children?: readonly Shape[];
}

const PROTO_CLASS: Record<string, string> = { sip: 'p-sip', sccp: 'p-sccp', tcp: 'p-tcp', arp: 'p-arp', tls: 'p-tls', alarm: 'p-alarm' };
const SEV_CLASS = ['sev-error', 'sev-warning', 'sev-info', 'sev-hint'];

/** "12:42:56.123" (UTC) or "" */
export function clockOf(t: number, dated: boolean): string {
  if (!Number.isFinite(t)) return '';
  const iso = new Date(t).toISOString();
  return dated ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.slice(11, 23);
}

export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 3 : 1)} s`;
  const total = Math.round(s);
  const d = Math.floor(total / 86_400), h = Math.floor((total % 86_400) / 3600), m = Math.floor((total % 3600) / 60), sec = total % 60;
  if (d) return h ? `${d} d ${h} h` : `${d} d`;
  return h ? `${h} h ${m} min` : sec ? `${m} min ${sec} s` : `${m} min`;
}

/** "+12.345 s", "+2:30.419", "+1:02:30.419" */
export function relativeText(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const totalMs = Math.round(abs);
  const d = Math.floor(totalMs / 86_400_000);
  const h = Math.floor((totalMs % 86_400_000) / 3_600_000), m = Math.floor((totalMs % 3_600_000) / 60_000), s = (totalMs % 60_000) / 1000;
  const ss = s.toFixed(3).padStart(6, '0');
  const hms = `${h}:${String(m).padStart(2, '0')}:${ss}`;
  return d ? `${sign}${d} d ${hms}` : h ? `${sign}${hms}` : `${sign}${m}:${ss}`;
}

/** Cuts long text for a column-wide label (the full text is in the title). */
export function fit(text: string, chars: number): string {
  return text.length > chars ? text.slice(0, Math.max(1, chars - 1)) + '…' : text;
}

/** "+12.4 ms", "+0.35 ms", "+1.250 s": a transit between two observation points (negative: the clocks disagree). */
export function transitText(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  // what rounds to zero has no sign ("+0.00 ms", not "−0.00 ms")
  const sign = ms < 0 && ms <= -0.005 ? '−' : '+';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${abs.toFixed(2)} ms`;
  if (abs < 100) return `${sign}${abs.toFixed(1)} ms`;
  return abs < 1000 ? `${sign}${abs.toFixed(0)} ms` : `${sign}${durationText(abs)}`;
}

const FILE_EXT = /(\.(pcapng|pcap|cap|txt|log|csv|tsv|json|gz))+$/i;
const BADGE_CHARS = 12;

/** Short names for the observation badges: the file name's stem without the part it shares with another source's
 * ("case7-phone.pcap" and "case7-cucm.pcap" → "phone" and "cucm"; "cucm-capture", "phone-capture" and "cucm-syslog"
 * → "cucm", "phone" and "syslog"), cut to 12 characters; names that would then read the same (the files of a trace
 * set) keep their ends instead ("SDL0…_000123"). */
export function sourceBadges(sources: readonly LadderSource[]): string[] {
  const stems = sources.map((s) => {
    const base = s.name.slice(Math.max(s.name.lastIndexOf('/'), s.name.lastIndexOf('\\')) + 1);
    return base.replace(FILE_EXT, '') || base || '?';
  });
  // the part shared is cut at a separator, and only when what is left says something ("phone", not "000123"); when
  // a name shares its start with one source and its end with another, the longer shared part goes
  const SEP = /[-_. ]/;
  const meaningful = (rest: string): boolean => rest.length >= 2 && /[a-z]/i.test(rest);
  let short = stems.map((s, i) => {
    let pre = 0, suf = 0;
    stems.forEach((o, j) => {
      if (j === i || o === s) return;
      let k = 0;
      while (k < s.length && k < o.length && s[k] === o[k]) k++;
      while (k > 0 && !SEP.test(s[k - 1]!)) k--;
      pre = Math.max(pre, k);
      k = 0;
      while (k < s.length && k < o.length && s[s.length - 1 - k] === o[o.length - 1 - k]) k++;
      while (k > 0 && !SEP.test(s[s.length - k]!)) k--;
      suf = Math.max(suf, k);
    });
    const both = pre + suf < s.length ? s.slice(pre, s.length - suf) : '';
    const options = [both, ...(suf > pre ? [s.slice(0, s.length - suf), s.slice(pre)] : [s.slice(pre), s.slice(0, s.length - suf)])];
    return options.find((o) => o !== s && meaningful(o)) ?? s;
  });
  // two sources that would read the same keep their whole stems
  short = short.map((n, i) => (short.indexOf(n) !== i || short.lastIndexOf(n) !== i ? stems[i]! : n));
  const cut = short.map((s) => fit(s, BADGE_CHARS));
  const count = new Map<string, number>();
  for (const s of cut) count.set(s, (count.get(s) ?? 0) + 1);
  return cut.map((s, i) => {
    const full = short[i]!;
    if (count.get(s)! < 2 || full.length <= BADGE_CHARS) return s;
    const head = 4;
    return `${full.slice(0, head)}…${full.slice(full.length - (BADGE_CHARS - head - 1))}`;
  });
}

/** The participant header (y from 0 to opts.header). */
export function drawHeader(model: LadderModel, l: Layout): Shape[] {
  const out: Shape[] = [];
  const chars = Math.floor(l.opts.colW / 7.2);
  out.push({ tag: 'text', attrs: { x: 8, y: 20, class: 'hdr-time' }, text: 'time' });
  out.push({ tag: 'text', attrs: { x: 8, y: 36, class: 'hdr-sub' }, text: model.dated ? 'UTC, relative' : 'time of day, relative' });
  for (const p of l.cols) {
    const part = model.participants[p]!;
    const x = l.colX[p]!;
    out.push({
      tag: 'g', attrs: { class: `col col-${part.kind}`, 'data-col': p }, children: [
        { tag: 'title', attrs: {}, text: `${part.label}${part.sub ? ` (${part.sub})` : ''}` },
        { tag: 'rect', attrs: { x: x - l.opts.colW / 2 + 6, y: 4, width: l.opts.colW - 12, height: l.opts.header - 8, rx: 4, class: 'col-box' } },
        { tag: 'text', attrs: { x, y: 21, 'text-anchor': 'middle', class: 'col-label' }, text: fit(part.label, chars) },
        { tag: 'text', attrs: { x, y: 36, 'text-anchor': 'middle', class: 'col-sub' }, text: fit(part.sub, chars + 4) },
      ],
    });
  }
  return out;
}

function bandShape(model: LadderModel, l: Layout, k: number, y0: number, y1: number): Shape | null {
  const b = model.bands[k]!;
  const top = l.bandBox[k * 4]!, bottom = l.bandBox[k * 4 + 1]!, left = l.bandBox[k * 4 + 2]!, right = l.bandBox[k * 4 + 3]!;
  if (left < 0 || bottom < y0 - 20 || top > y1 + 20) return null;
  if (b.kind === 'deadline') {
    return {
      tag: 'g', attrs: { class: 'deadline' }, children: [
        { tag: 'title', attrs: {}, text: `${b.label} at ${clockOf(b.from, model.dated)}` },
        { tag: 'line', attrs: { x1: left, x2: right, y1: top, y2: top, class: 'deadline-line' } },
        { tag: 'text', attrs: { x: right - 4, y: top - 3, 'text-anchor': 'end', class: 'deadline-label' }, text: `${b.label} ${clockOf(b.from, model.dated)}` },
      ],
    };
  }
  return {
    tag: 'g', attrs: { class: `band band-${b.kind}` }, children: [
      { tag: 'title', attrs: {}, text: b.label },
      { tag: 'rect', attrs: { x: left, y: top, width: right - left, height: bottom - top, class: 'band-rect' } },
      { tag: 'text', attrs: { x: left + 4, y: Math.min(Math.max(top + l.opts.rowH, y0) + 11, bottom - 2), class: 'band-label' }, text: fit(b.label, Math.max(8, Math.floor((right - left - 8) / 6))) },
    ],
  };
}

/** Everything between body y0 and y1 (and x0..x1 across): lifelines, bands, rows. `selected` is an arrow index or
 * -1. Off to the side, a row keeps only what selection and clicks need. */
export function drawBody(model: LadderModel, l: Layout, y0: number, y1: number, selected = -1, x0 = 0, x1 = Infinity): Shape[] {
  const out: Shape[] = [];
  const o = l.opts;
  const top = Math.max(0, y0), bottom = Math.min(l.bodyHeight, y1);
  const left = x0 - o.colW, right = x1 + o.colW;
  for (const p of l.cols) {
    const x = l.colX[p]!;
    if (x < left || x > right) continue;
    out.push({ tag: 'line', attrs: { x1: x, x2: x, y1: top, y2: Math.max(top, bottom), class: 'lifeline' } });
  }
  for (let k = 0; k < model.bands.length; k++) {
    if (l.bandBox[k * 4 + 3]! < left || l.bandBox[k * 4 + 2]! > right) continue;
    const s = bandShape(model, l, k, top, bottom);
    if (s) out.push(s);
  }
  const chars = Math.floor((o.colW * 1.6) / 6.6);
  for (let r = rowAtY(l, top); r < l.rowArrow.length && l.rowTop[r]! < bottom; r++) {
    const i = l.rowArrow[r]!;
    const y = l.rowTop[r]!;
    if (i < 0) {
      const mid = y + o.idleH / 2;
      out.push({
        tag: 'g', attrs: { class: 'idle' }, children: [
          { tag: 'line', attrs: { x1: 4, x2: l.width - 4, y1: mid, y2: mid, class: 'idle-line' } },
          { tag: 'text', attrs: { x: o.gutter / 2, y: mid + 4, 'text-anchor': 'middle', class: 'idle-label' }, text: `${durationText(l.rowDelta[r]!)} idle` },
        ],
      });
      continue;
    }
    out.push(arrowShape(model, l, model.arrows[i]!, i, r, y, chars, i === selected, left, right));
  }
  return out;
}

function arrowShape(model: LadderModel, l: Layout, a: LadderArrow, i: number, r: number, y: number, chars: number, selected: boolean, left: number, right: number): Shape {
  const o = l.opts;
  const cls = ['row', PROTO_CLASS[a.proto] ?? 'p-other'];
  if (a.retrans) cls.push('retrans');
  if (a.lost) cls.push('lost');
  if (a.unanswered) cls.push('unanswered');
  if (a.sev >= 0) cls.push(SEV_CLASS[a.sev]!);
  if (selected) cls.push('selected');
  const kids: Shape[] = [];
  const obs = a.seen?.length ? a.seen : null;
  const title = `${a.label}\n${a.detail}${a.t !== null ? `\n${clockOf(a.t, model.dated)}` : ''}${obs ? `\n${observedText(model, a)}` : ''}${a.rules.length ? `\n${a.rules.join(', ')}` : ''}`;
  kids.push({ tag: 'title', attrs: {}, text: title });
  kids.push({ tag: 'rect', attrs: { x: 0, y, width: l.width, height: o.rowH, class: 'row-bg' } });
  const rel = a.t !== null && Number.isFinite(l.t0) ? relativeText(a.t - l.t0) : '';
  const delta = l.rowDelta[r]!;
  kids.push({ tag: 'text', attrs: { x: 8, y: y + 12, class: 'time-rel' }, text: rel || (a.frame !== null ? `#${a.frame}` : a.line !== null ? `line ${a.line}` : '') });
  kids.push({ tag: 'text', attrs: { x: 8, y: y + 23, class: 'time-abs' }, text: `${a.t !== null ? clockOf(a.t, false) : ''}${Number.isFinite(delta) && delta > 0 ? `  Δ${durationText(delta)}` : ''}` });
  const x1 = l.colX[a.from]!, x2 = l.colX[a.to]!;
  const ly = y + o.rowH - 7;
  if (Math.max(x1, x2) + o.colW < left || Math.min(x1, x2) - o.colW > right) return { tag: 'g', attrs: { class: cls.join(' '), 'data-i': i }, children: kids };
  const badges = obs ? obs.map((src) => l.srcNames[src] ?? '?') : null;
  // the last badge of several also says the transit from the first, where there is room for it
  const transit = obs && obs.length > 1 && typeof a.transit === 'number' ? ` ${transitText(a.transit)}` : '';
  if (a.from === a.to && a.proto !== 'alarm') {
    // to itself (a capture can show it): a loop on the column; badges to its left, where nothing else is drawn
    const w = 28;
    kids.push({ tag: 'path', attrs: { d: `M${x1} ${y + 6}H${x1 + w}V${ly}H${x1 + 2}`, class: 'arrow loop' } });
    kids.push({ tag: 'path', attrs: { d: `M${x1 + 2} ${ly}L${x1 + 10} ${ly - 4}L${x1 + 10} ${ly + 4}Z`, class: 'head' } });
    kids.push({ tag: 'text', attrs: { x: x1 + w + 4, y: y + o.rowH / 2 + 4, class: 'label' }, text: fit(a.label + (a.retrans ? ` ×${a.retrans}` : ''), chars) });
    if (badges) {
      const texts = withTransit(badges, transit);
      kids.push(...badgeRow(texts, obs!, x1 - 6 - rowWidth(texts), y + o.rowH / 2));
    }
    return { tag: 'g', attrs: { class: cls.join(' '), 'data-i': i }, children: kids };
  }
  if (a.from === a.to) {
    // a note (an alarm); its badges inside it on the right, the label centred in what is left. The alarm's name
    // matters more than where it was logged: when the badges would cut it, they shrink to dots of their colours
    // (the tooltip names the sources)
    const w = o.colW * 0.92;
    const dots = !!badges && Math.floor((w - rowWidth(badges) - 6) / 6.6) < a.label.length;
    const bw = !badges ? 0 : dots ? obs!.length * (DOT + BADGE_GAP) + 4 : rowWidth(badges) + 6;
    kids.push({ tag: 'rect', attrs: { x: x1 - w / 2, y: y + 3, width: w, height: o.rowH - 6, rx: 3, class: 'note' } });
    kids.push({ tag: 'text', attrs: { x: x1 - bw / 2, y: y + o.rowH / 2 + 4, 'text-anchor': 'middle', class: 'label' }, text: fit(a.label, Math.floor((w - bw) / 6.6)) });
    if (badges && dots) obs!.forEach((src, k) => kids.push(dot(src, x1 + w / 2 - bw + 2 + k * (DOT + BADGE_GAP), y + o.rowH / 2)));
    else if (badges) kids.push(...badgeRow(badges, obs!, x1 + w / 2 - bw + 2, y + o.rowH / 2));
    return { tag: 'g', attrs: { class: cls.join(' '), 'data-i': i }, children: kids };
  }
  const dir = x2 > x1 ? 1 : -1;
  const end = a.lost ? x1 + (x2 - x1) * 0.75 : x2 - dir * 2;
  kids.push({ tag: 'line', attrs: { x1, y1: ly, x2: end, y2: ly, class: 'arrow' } });
  if (a.lost) {
    // crossed: the message never arrived
    kids.push({ tag: 'path', attrs: { d: `M${end - 5} ${ly - 5}L${end + 5} ${ly + 5}M${end - 5} ${ly + 5}L${end + 5} ${ly - 5}`, class: 'cross' } });
  } else {
    kids.push({ tag: 'path', attrs: { d: `M${end} ${ly}L${end - dir * 8} ${ly - 4}L${end - dir * 8} ${ly + 4}Z`, class: 'head' } });
  }
  const mid = (x1 + x2) / 2;
  const span = Math.abs(x2 - x1);
  let label = a.label;
  if (a.retrans) label += ` ×${a.retrans}`;
  if (a.unanswered) label += ' (no answer)';
  // with badges on the arrow, the label moves up a little to leave them the line
  kids.push({ tag: 'text', attrs: { x: mid, y: ly - (badges ? 8 : 4), 'text-anchor': 'middle', class: 'label' }, text: fit(label, Math.max(chars, Math.floor(span / 6.6))) });
  if (badges) {
    const room = Math.abs((a.lost ? end - dir * 10 : x2 - dir * 12) - x1) - 6;
    const full = withTransit(badges, transit);
    kids.push(...arrowBadges(rowWidth(full) <= room ? full : badges, obs!, x1, dir, room, ly));
  }
  return { tag: 'g', attrs: { class: cls.join(' '), 'data-i': i }, children: kids };
}

// ---- observation badges (case ladders) ---------------------------------------------------------------------------

const BADGE_CHAR_W = 5.5;
const BADGE_PAD = 8;
const BADGE_H = 11;
const BADGE_GAP = 3;
/** Badge colours: one per source (cycling), so that a source reads the same on every row. */
const OBS_CLASSES = 6;

const badgeWidth = (text: string): number => text.length * BADGE_CHAR_W + BADGE_PAD;
const rowWidth = (texts: readonly string[]): number => texts.reduce((w, t) => w + badgeWidth(t), 0) + BADGE_GAP * Math.max(0, texts.length - 1);

function withTransit(names: readonly string[], transit: string): string[] {
  const out = names.slice();
  out[out.length - 1] += transit;
  return out;
}

function badge(text: string, src: number, left: number, cy: number): Shape {
  const w = badgeWidth(text);
  const box = { x: left, y: cy - BADGE_H / 2, width: w, height: BADGE_H, rx: BADGE_H / 2 };
  return {
    tag: 'g', attrs: { class: `obs obs-${src % OBS_CLASSES}` }, children: [
      // an opaque underlay, so the arrow's line does not run through the text
      { tag: 'rect', attrs: { ...box, class: 'obs-bg' } },
      { tag: 'rect', attrs: { ...box, class: 'obs-box' } },
      { tag: 'text', attrs: { x: left + w / 2, y: cy + 3, 'text-anchor': 'middle', class: 'obs-text' }, text },
    ],
  };
}

const DOT = 7;

/** A badge without its text: a dot of the source's colour. */
function dot(src: number, left: number, cy: number): Shape {
  const box = { x: left, y: cy - DOT / 2, width: DOT, height: DOT, rx: DOT / 2 };
  return { tag: 'g', attrs: { class: `obs obs-dot obs-${src % OBS_CLASSES}` }, children: [{ tag: 'rect', attrs: { ...box, class: 'obs-bg' } }, { tag: 'rect', attrs: { ...box, class: 'obs-box' } }] };
}

/** Badges side by side from `left`. */
function badgeRow(texts: readonly string[], seen: readonly number[], left: number, cy: number): Shape[] {
  const out: Shape[] = [];
  for (let k = 0; k < texts.length; k++) {
    out.push(badge(texts[k]!, seen[k]!, left, cy));
    left += badgeWidth(texts[k]!) + BADGE_GAP;
  }
  return out;
}

/** Badges on an arrow, in the order of observation from its sender: the first by the sender, the last by the
 * receiver (or the cross), the others spread between; when they do not fit, one after the other from the sender.
 * `room` is the length of the arrow they may use, from 6 px after its start. */
function arrowBadges(texts: readonly string[], seen: readonly number[], x1: number, dir: number, room: number, cy: number): Shape[] {
  const widths = texts.map(badgeWidth);
  const n = texts.length;
  // distance of each badge's near edge (the sender's side) from x1
  const near: number[] = [6];
  const lastNear = 6 + room - widths[n - 1]!;
  if (n > 1 && lastNear - 6 >= rowWidth(texts) - widths[n - 1]!) {
    const c0 = 6 + widths[0]! / 2, c1 = lastNear + widths[n - 1]! / 2;
    for (let k = 1; k < n; k++) near.push(c0 + ((c1 - c0) * k) / (n - 1) - widths[k]! / 2);
  } else {
    for (let k = 1; k < n; k++) near.push(near[k - 1]! + widths[k - 1]! + BADGE_GAP);
  }
  return texts.map((t, k) => badge(t, seen[k]!, dir > 0 ? x1 + near[k]! : x1 - near[k]! - widths[k]!, cy));
}

/** "seen at phone.pcap #12, then cucm.pcap #15: +12.4 ms transit" (the tooltip). */
export function observedText(model: LadderModel, a: LadderArrow): string {
  const seen = a.seen ?? [a.src];
  const where = (src: number, line: number | null, frame: number | null): string =>
    `${model.sources[src]?.name ?? `source ${src}`}${frame !== null ? ` #${frame}` : line !== null ? ` line ${line}` : ''}`;
  const parts = [where(a.src, a.line, a.frame), ...(a.also ?? []).map((c) => where(c.src, c.line, c.frame))];
  if (seen.length < 2) return `seen at ${parts[0]} only`;
  const transit = a.transit !== null && a.transit !== undefined ? `: ${transitText(a.transit)} transit` : '';
  return `seen at ${parts.join(', then ')}${transit}`;
}
