// The ladder webview's own script (bundled for the browser; no Node, no VS Code API besides acquireVsCodeApi).
// Everything that arrives is untrusted data: it is checked on arrival, and text from traces is only ever put in
// text nodes (textContent) or attribute values we build, never parsed as HTML.
//
// Rendering is virtualised: the body is a tall scroll area and only the rows in view (plus a margin) exist as SVG
// nodes; the layout (row positions) is computed once per filter.

import type { LadderModel, LadderProtocol } from '../../server/src/ladder/model';
import { LADDER_PROTOCOLS } from '../../server/src/ladder/model';
import type { Layout, Shape } from '../../server/src/ladder/layout';
import { DEFAULT_LAYOUT, drawBody, drawHeader, layoutLadder } from '../../server/src/ladder/layout';
import type { LadderFilter } from '../../server/src/ladder/filter';
import { filterArrows, sanitiseFilter } from '../../server/src/ladder/filter';
import { validLadderModel } from '../../server/src/ladder/validate';

interface VsCodeApi {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const OVERSCAN = 400;

let model: LadderModel | null = null;
let filter: LadderFilter = {};
let shown: Int32Array = new Int32Array(0);
let layout: Layout | null = null;
let selected = -1;
let frame = 0;
let docUri = '';
/** The ladder of a case (the extension's merged mode): kept in the state so that a reload asks for it again. */
let merged = false;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** Shapes to SVG nodes: attribute names are ours (layout.ts), untrusted text only through textContent. */
function toNode(s: Shape): SVGElement {
  const n = document.createElementNS(SVG, s.tag);
  for (const [k, v] of Object.entries(s.attrs)) {
    if (k.startsWith('on')) continue;
    n.setAttribute(k, typeof v === 'number' ? String(Math.round(v * 100) / 100) : v);
  }
  if (s.text !== undefined) n.textContent = s.text;
  if (s.children) for (const c of s.children) n.appendChild(toNode(c));
  return n;
}

// ---- the page --------------------------------------------------------------------------------------------------

const root = el('div', { id: 'ladder-root' });
const toolbar = el('div', { class: 'toolbar', role: 'toolbar' });
const search = el('input', { type: 'search', id: 'search', placeholder: 'Search (/)', 'aria-label': 'Search messages' });
const participantSel = el('select', { id: 'participant', 'aria-label': 'Device' });
const flowSel = el('select', { id: 'flow', 'aria-label': 'Flow' });
const ruleSel = el('select', { id: 'rule', 'aria-label': 'Rule' });
// a case ladder: where a message was observed ("seen at the CUCM's capture", "not seen at …"); hidden otherwise
const observedSel = el('select', { id: 'observed', 'aria-label': 'Observed at' });
observedSel.hidden = true;
const fromInput = el('input', { type: 'text', id: 'from', placeholder: 'from hh:mm:ss', size: '12', 'aria-label': 'From time' });
const toInput = el('input', { type: 'text', id: 'to', placeholder: 'to hh:mm:ss', size: '12', 'aria-label': 'To time' });
const protoBox = el('span', { class: 'protocols' });
const protoChecks = new Map<LadderProtocol, HTMLInputElement>();
for (const p of LADDER_PROTOCOLS) {
  const label = el('label', { class: 'proto' });
  const box = el('input', { type: 'checkbox', id: `proto-${p}`, value: p });
  box.checked = true;
  label.appendChild(box);
  label.appendChild(document.createTextNode(p.toUpperCase()));
  protoBox.appendChild(label);
  protoChecks.set(p, box);
}
const exportSvg = el('button', { id: 'export-svg', type: 'button', title: 'Save what is shown as SVG' }, 'SVG');
const exportMermaid = el('button', { id: 'export-mermaid', type: 'button', title: 'Save what is shown as Mermaid text' }, 'Mermaid');
const count = el('span', { id: 'count', class: 'count', 'aria-live': 'polite' });
for (const c of [search, participantSel, flowSel, ruleSel, observedSel, fromInput, toInput, protoBox, exportSvg, exportMermaid, count]) toolbar.appendChild(c);

const message = el('div', { id: 'message', class: 'message' }, 'Waiting for the ladder…');
const headerSvg = document.createElementNS(SVG, 'svg');
headerSvg.setAttribute('class', 'ladder header');
headerSvg.setAttribute('id', 'header');
const scroller = el('div', { id: 'scroller', class: 'scroller', tabindex: '0', role: 'listbox', 'aria-label': 'Messages' });
const spacer = el('div', { class: 'spacer' });
const bodySvg = document.createElementNS(SVG, 'svg');
bodySvg.setAttribute('class', 'ladder body');
bodySvg.setAttribute('id', 'body');
const bodyG = document.createElementNS(SVG, 'g');
bodySvg.appendChild(bodyG);
spacer.appendChild(bodySvg);
scroller.appendChild(spacer);
const headerWrap = el('div', { class: 'header-wrap' });
headerWrap.appendChild(headerSvg);
root.appendChild(toolbar);
root.appendChild(message);
root.appendChild(headerWrap);
root.appendChild(scroller);
document.body.appendChild(root);

function option(sel: HTMLSelectElement, value: string, text: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  sel.appendChild(o);
}

function fillSelects(m: LadderModel): void {
  for (const s of [participantSel, flowSel, ruleSel, observedSel]) s.replaceChildren();
  option(participantSel, '', `All devices (${m.participants.length})`);
  m.participants.forEach((p, i) => option(participantSel, String(i), p.sub ? `${p.label} — ${p.sub}` : p.label));
  option(flowSel, '', `All flows (${m.flows.length})`);
  for (const f of m.flows) option(flowSel, String(f.id), f.title);
  option(ruleSel, '', 'All messages');
  option(ruleSel, '*', 'With any finding');
  for (const r of m.rules) option(ruleSel, r, r);
  // only where messages carry observation points and there is more than one to tell apart
  observedSel.hidden = m.sources.length < 2 || !m.arrows.some((a) => a.seen !== undefined);
  option(observedSel, '', 'Observed anywhere');
  m.sources.forEach((s, i) => {
    option(observedSel, `at:${i}`, `Seen at ${s.name}`);
    option(observedSel, `not:${i}`, `Not seen at ${s.name}`);
  });
}

/** "12:42:56", "12:42:56.5" or an ISO date-time, against the first message's day; null when empty or unreadable. */
function parseTimeInput(text: string, m: LadderModel): number | null {
  const v = text.trim();
  if (!v) return null;
  const hms = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(v);
  if (hms) {
    const first = m.arrows.find((a) => a.t !== null)?.t ?? 0;
    const day = Math.floor(first / 86_400_000) * 86_400_000;
    return day + (Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3] ?? 0)) * 1000;
  }
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : v + 'Z');
  return Number.isFinite(t) ? t : null;
}

function readFilter(m: LadderModel): LadderFilter {
  const protocols = LADDER_PROTOCOLS.filter((p) => protoChecks.get(p)!.checked);
  const observed = /^(at|not):(\d+)$/.exec(observedSel.value);
  return {
    seenAt: observed?.[1] === 'at' ? [Number(observed[2])] : [],
    notSeenAt: observed?.[1] === 'not' ? [Number(observed[2])] : [],
    participants: participantSel.value ? [Number(participantSel.value)] : [],
    flows: flowSel.value ? [Number(flowSel.value)] : [],
    rules: ruleSel.value ? [ruleSel.value] : [],
    protocols: protocols.length === LADDER_PROTOCOLS.length ? [] : protocols,
    from: parseTimeInput(fromInput.value, m),
    to: parseTimeInput(toInput.value, m),
    search: search.value,
  };
}

function writeFilter(f: LadderFilter): void {
  participantSel.value = f.participants?.length ? String(f.participants[0]) : '';
  flowSel.value = f.flows?.length ? String(f.flows[0]) : '';
  ruleSel.value = f.rules?.length ? f.rules[0]! : '';
  for (const [p, box] of protoChecks) box.checked = !f.protocols?.length || f.protocols.includes(p);
  observedSel.value = f.seenAt?.length ? `at:${f.seenAt[0]}` : f.notSeenAt?.length ? `not:${f.notSeenAt[0]}` : '';
  if (observedSel.selectedIndex < 0) observedSel.value = '';
  search.value = f.search ?? '';
}

function saveState(): void {
  vscode.setState({ uri: docUri, merged, filter, selected });
}

function applyFilter(): void {
  if (!model) return;
  filter = readFilter(model);
  shown = filterArrows(model, filter);
  layout = layoutLadder(model, shown, DEFAULT_LAYOUT);
  const total = model.arrows.length;
  count.textContent = `${shown.length.toLocaleString('en')} of ${total.toLocaleString('en')} messages${model.omitted ? ` (${model.omitted.toLocaleString('en')} more not loaded)` : ''}`;
  root.setAttribute('data-shown', String(shown.length));
  root.setAttribute('data-total', String(total));
  spacer.style.height = `${layout.bodyHeight}px`;
  spacer.style.width = `${layout.width}px`;
  bodySvg.setAttribute('width', String(layout.width));
  headerSvg.setAttribute('width', String(layout.width));
  headerSvg.setAttribute('height', String(layout.opts.header));
  headerSvg.replaceChildren(...drawHeader(model, layout).map(toNode));
  if (selected >= 0 && layout.rowOfArrow[selected]! < 0) selected = -1;
  message.textContent = shown.length ? '' : total ? 'No message matches the filters.' : 'No messages to draw in this document.';
  message.hidden = shown.length > 0;
  saveState();
  render();
}

function render(): void {
  frame = 0;
  if (!model || !layout) return;
  const top = scroller.scrollTop;
  const y0 = Math.max(0, top - OVERSCAN);
  const y1 = Math.min(layout.bodyHeight, top + scroller.clientHeight + OVERSCAN);
  bodySvg.setAttribute('height', String(Math.max(1, y1 - y0)));
  bodySvg.style.top = `${y0}px`;
  bodySvg.setAttribute('viewBox', `0 ${y0} ${layout.width} ${Math.max(1, y1 - y0)}`);
  const x0 = scroller.scrollLeft;
  bodyG.replaceChildren(...drawBody(model, layout, y0, y1, selected, x0, x0 + scroller.clientWidth).map(toNode));
  headerWrap.scrollLeft = scroller.scrollLeft;
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

function select(i: number, opts: { reveal?: boolean; scroll?: boolean } = {}): void {
  if (!model || !layout || i < 0 || i >= model.arrows.length || layout.rowOfArrow[i]! < 0) return;
  selected = i;
  const r = layout.rowOfArrow[i]!;
  if (opts.scroll !== false) {
    const top = layout.rowTop[r]!;
    if (top < scroller.scrollTop || top + layout.opts.rowH > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
    }
  }
  root.setAttribute('data-selected', String(i));
  if (opts.reveal) vscode.postMessage({ type: 'reveal', arrow: i });
  saveState();
  render();
}

/** The next shown arrow row from the selection, `step` rows on (separators skipped). */
function step(by: number): void {
  if (!layout || layout.rowArrow.length === 0) return;
  let r = selected >= 0 ? layout.rowOfArrow[selected]! : by > 0 ? -1 : layout.rowArrow.length;
  let left = Math.abs(by);
  const dir = by > 0 ? 1 : -1;
  let last = -1;
  while (left > 0) {
    r += dir;
    if (r < 0 || r >= layout.rowArrow.length) break;
    if (layout.rowArrow[r]! >= 0) {
      last = layout.rowArrow[r]!;
      left--;
    }
  }
  if (last >= 0) select(last);
}

scroller.addEventListener('scroll', () => {
  headerWrap.scrollLeft = scroller.scrollLeft;
  schedule();
}, { passive: true });
window.addEventListener('resize', schedule);
scroller.addEventListener('click', (e) => {
  const g = (e.target as Element | null)?.closest?.('[data-i]');
  if (!g) return;
  const i = Number(g.getAttribute('data-i'));
  if (Number.isInteger(i)) select(i, { reveal: true, scroll: false });
});
scroller.addEventListener('keydown', (e) => {
  const page = layout ? Math.max(1, Math.floor(scroller.clientHeight / layout.opts.rowH) - 1) : 10;
  const keys: Record<string, () => void> = {
    ArrowDown: () => step(1), ArrowUp: () => step(-1), j: () => step(1), k: () => step(-1),
    PageDown: () => step(page), PageUp: () => step(-page),
    Home: () => step(-Infinity), End: () => step(Infinity),
    Enter: () => select(selected, { reveal: true }),
  };
  const f = keys[e.key];
  if (f) {
    e.preventDefault();
    f();
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== search) {
    e.preventDefault();
    search.focus();
  } else if (e.key === 'Escape' && document.activeElement === search) {
    search.value = '';
    applyFilter();
    scroller.focus();
  }
});
let searchTimer = 0;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(applyFilter, 150);
});
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    applyFilter();
    if (shown.length) select(shown[0]!);
    scroller.focus();
  }
});
for (const c of [participantSel, flowSel, ruleSel, observedSel, fromInput, toInput]) c.addEventListener('change', applyFilter);
for (const box of protoChecks.values()) box.addEventListener('change', applyFilter);
exportSvg.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'svg', filter }));
exportMermaid.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'mermaid', filter }));

/** The arrow shown for a line of a source document: the last one at or before it. In a case ladder a message seen
 * in that document as a later copy (`also`) counts there too. */
function arrowAtLine(src: number, line: number): number {
  if (!model || !layout) return -1;
  let best = -1, bestLine = -Infinity;
  const consider = (i: number, at: number | null): void => {
    if (at === null || at > line || at <= bestLine) return;
    bestLine = at;
    best = i;
  };
  for (let k = 0; k < shown.length; k++) {
    const a = model.arrows[shown[k]!]!;
    if (a.src === src) consider(shown[k]!, a.line);
    if (a.also) for (const c of a.also) if (c.src === src) consider(shown[k]!, c.line);
  }
  return best;
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as { type?: unknown } | null;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'model') {
    const started = performance.now();
    const d = m as { model?: unknown; filter?: unknown; uri?: unknown; selected?: unknown; merged?: unknown };
    if (!validLadderModel(d.model)) {
      message.hidden = false;
      message.textContent = 'The ladder data could not be read.';
      return;
    }
    model = d.model;
    docUri = typeof d.uri === 'string' ? d.uri : '';
    merged = d.merged === true;
    fillSelects(model);
    writeFilter(sanitiseFilter(d.filter, model));
    selected = typeof d.selected === 'number' && Number.isInteger(d.selected) ? d.selected : -1;
    applyFilter();
    if (selected >= 0) select(selected);
    // how long the first render took (validation, filter, layout, drawing), for the bench
    root.setAttribute('data-render-ms', (performance.now() - started).toFixed(1));
  } else if (m.type === 'cursor') {
    const d = m as { src?: unknown; line?: unknown };
    if (typeof d.src !== 'number' || typeof d.line !== 'number') return;
    const i = arrowAtLine(d.src, d.line);
    if (i >= 0 && i !== selected) select(i);
  } else if (m.type === 'error') {
    const d = m as { text?: unknown; uri?: unknown; merged?: unknown };
    message.hidden = false;
    message.textContent = typeof d.text === 'string' ? d.text.slice(0, 500) : 'The ladder could not be built.';
    // no model (yet): still remember which ladder this is, so that a reload asks for the same one
    if (typeof d.uri === 'string' && d.uri) {
      docUri = d.uri;
      merged = d.merged === true;
      saveState();
    }
  }
});

const saved = vscode.getState() as { uri?: unknown; merged?: unknown; filter?: unknown; selected?: unknown } | undefined;
vscode.postMessage({ type: 'ready', state: saved ?? null });
