// SVG export of a ladder: the same shapes the webview draws, serialised with escaping, with a fixed light (or dark)
// palette so the file reads the same anywhere (tickets, browsers, documents).

import type { LadderModel } from './model';
import type { Layout, Shape } from './layout';
import { DEFAULT_LAYOUT, drawBody, drawHeader, layoutLadder } from './layout';
import type { LayoutOptions } from './layout';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

const ATTR_NAME = /^[a-z][a-z0-9-]*$/;

function write(s: Shape, out: string[]): void {
  out.push('<', s.tag);
  for (const [k, v] of Object.entries(s.attrs)) {
    if (!ATTR_NAME.test(k) || k.startsWith('on')) continue; // shapes are ours; never an event handler
    out.push(' ', k, '="', xmlEscape(typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v), '"');
  }
  if (s.text === undefined && !s.children?.length) {
    out.push('/>');
    return;
  }
  out.push('>');
  if (s.text !== undefined) out.push(xmlEscape(s.text));
  for (const c of s.children ?? []) write(c, out);
  out.push('</', s.tag, '>');
}

export function serialiseShapes(shapes: readonly Shape[]): string {
  const out: string[] = [];
  for (const s of shapes) write(s, out);
  return out.join('');
}

export const SVG_PALETTES = {
  light: {
    bg: '#ffffff', fg: '#1f2328', dim: '#6e7781', line: '#d0d7de', box: '#f6f8fa', sip: '#0969da', sccp: '#8250df', tcp: '#57606a', arp: '#bf8700', alarm: '#cf222e', err: '#cf222e', warn: '#9a6700', info: '#0969da', gap: 'rgba(212,167,44,0.18)', unreg: 'rgba(207,34,46,0.12)', sel: 'rgba(9,105,218,0.12)',
    obs: ['#0969da', '#1a7f37', '#8250df', '#bc4c00', '#57606a', '#9a6700'],
  },
  dark: {
    bg: '#0d1117', fg: '#e6edf3', dim: '#8d96a0', line: '#30363d', box: '#161b22', sip: '#58a6ff', sccp: '#bc8cff', tcp: '#9198a1', arp: '#d29922', alarm: '#ff7b72', err: '#ff7b72', warn: '#d29922', info: '#58a6ff', gap: 'rgba(210,153,34,0.2)', unreg: 'rgba(255,123,114,0.15)', sel: 'rgba(88,166,255,0.15)',
    obs: ['#58a6ff', '#3fb950', '#bc8cff', '#f0883e', '#9198a1', '#d29922'],
  },
} as const;

/** The stylesheet for a palette: the class names the shapes use. */
export function ladderStyle(p: (typeof SVG_PALETTES)[keyof typeof SVG_PALETTES]): string {
  return [
    `text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;fill:${p.fg}}`,
    `.hdr-time,.col-label{font-weight:600}.hdr-sub,.col-sub,.time-abs,.idle-label{fill:${p.dim};font-size:10px}`,
    `.col-box{fill:${p.box};stroke:${p.line}}.col-phone .col-box{stroke:${p.sip}}.col-cucm .col-box{stroke:${p.sccp}}.col-mac .col-box{stroke:${p.arp}}`,
    `.lifeline{stroke:${p.line};stroke-width:1}.row-bg{fill:transparent}.selected .row-bg{fill:${p.sel}}`,
    `.arrow{stroke:${p.tcp};stroke-width:1.3}.head{fill:${p.tcp}}`,
    `.p-sip .arrow{stroke:${p.sip}}.p-sip .head{fill:${p.sip}}.p-sccp .arrow{stroke:${p.sccp}}.p-sccp .head{fill:${p.sccp}}`,
    `.p-arp .arrow{stroke:${p.arp}}.p-arp .head{fill:${p.arp}}`,
    `.note{fill:${p.box};stroke:${p.alarm}}`,
    `.sev-error .label{fill:${p.err};font-weight:600}.sev-warning .label{fill:${p.warn}}.unanswered .label{font-style:italic}`,
    `.retrans .arrow{stroke:${p.err};stroke-dasharray:5 3}.retrans .head{fill:${p.err}}.retrans .label{fill:${p.err}}.loop{fill:none}`,
    `.lost .arrow{stroke:${p.err};stroke-dasharray:2 3}.cross{stroke:${p.err};stroke-width:2}`,
    `.idle-line{stroke:${p.dim};stroke-dasharray:1 4}`,
    `.band-gap .band-rect{fill:${p.gap}}.band-unregistered .band-rect{fill:${p.unreg};stroke:${p.err};stroke-dasharray:4 2}`,
    `.band-label{fill:${p.warn};font-size:10px}.band-unregistered .band-label{fill:${p.err}}`,
    `.deadline-line{stroke:${p.err};stroke-width:1.5;stroke-dasharray:8 3}.deadline-label{fill:${p.err};font-size:10px}`,
    // observation badges (case ladders): a tint and an outline of the source's colour over the background
    `.obs-bg{fill:${p.bg}}.obs-box{fill-opacity:0.16;stroke-width:1}.obs-dot .obs-box{fill-opacity:0.75}.obs .obs-text{font-size:9px;fill:${p.fg}}`,
    p.obs.map((c, k) => `.obs-${k} .obs-box{fill:${c};stroke:${c}}`).join(''),
  ].join('');
}

export interface SvgOptions {
  readonly theme?: 'light' | 'dark';
  readonly layout?: LayoutOptions;
}

/** A standalone SVG document of the given arrows (default: all). */
export function renderSvg(model: LadderModel, shown?: ArrayLike<number>, opts: SvgOptions = {}): string {
  const all = shown ?? Int32Array.from(model.arrows.keys());
  const l: Layout = layoutLadder(model, all, opts.layout ?? DEFAULT_LAYOUT);
  const palette = SVG_PALETTES[opts.theme ?? 'light'];
  const h = l.opts.header + l.bodyHeight + 8;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${h}" viewBox="0 0 ${l.width} ${h}">`,
    `<title>${xmlEscape(`CUCM Lens ladder: ${model.title}`)}</title>`,
    `<style>${ladderStyle(palette)}</style>`,
    `<rect x="0" y="0" width="${l.width}" height="${h}" fill="${palette.bg}"/>`,
    `<g class="header">`, serialiseShapes(drawHeader(model, l)), '</g>',
    `<g class="body" transform="translate(0,${l.opts.header})">`, serialiseShapes(drawBody(model, l, 0, l.bodyHeight)), '</g>',
    '</svg>\n',
  ];
  return out.join('');
}
