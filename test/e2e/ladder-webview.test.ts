// The ladder webview page, as the extension serves it (same HTML, CSP, script and stylesheet from dist/webview), in
// headless Chromium through playwright-core. VS Code's side is a stub: acquireVsCodeApi records what the page posts,
// and the test posts the messages the extension would. Screenshots go to test-output/ladder/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { analyzePaths } from '../../server/src/engine';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { buildLadder } from '../../server/src/ladder/build';
import { renderSvg } from '../../server/src/ladder/svg';
import { filterArrows } from '../../server/src/ladder/filter';
import type { LadderFilter } from '../../server/src/ladder/filter';
import type { LadderModel } from '../../server/src/ladder/model';
import { CHROMIUM, CHROMIUM_ARGS, startLadderServer, vscodeStub } from '../helpers/ladderPage';
import type { LadderServer } from '../helpers/ladderPage';
import { EXAMPLES, ROOT, tempDir } from '../helpers/paths';
import { XSS, XSS_SCRIPT, xssCapture, xssTexts } from '../helpers/xss';
import { syntheticLadder } from '../helpers/ladder';
import { CASE_SOURCES, caseResult } from '../helpers/ladderCase';

const OUT = path.join(ROOT, 'test-output', 'ladder');

let browser: Browser | undefined;
let server: LadderServer | undefined;
let origin = '';
const skip = !fs.existsSync(CHROMIUM) ? 'needs /usr/bin/chromium (test/e2e/install.sh installs it)' : false;

before(async () => {
  if (skip) return;
  fs.mkdirSync(OUT, { recursive: true });
  server = await startLadderServer();
  origin = server.origin;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

interface Posted {
  type: string;
  arrow?: number;
  format?: string;
  filter?: Record<string, unknown>;
  state?: unknown;
}

/** Opens the page with a stub VS Code API (optionally with saved state), posts the model, waits for the rows. */
async function openLadder(model: LadderModel, opts: { state?: unknown; height?: number; filter?: unknown; post?: boolean } = {}): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: opts.height ?? 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.addInitScript(vscodeStub, opts.state ?? null);
  await page.goto(origin + '/');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  if (opts.post !== false) {
    // as one JSON string: Playwright's own serialisation of a 100k-arrow object is slow, and it is not what is measured
    await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify({ type: 'model', model, uri: 'file:///case/x.txt', filter: opts.filter ?? null }));
    await page.waitForSelector('#ladder-root[data-shown]');
  }
  return page;
}

const posted = (page: Page): Promise<Posted[]> => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);
const shownCount = async (page: Page): Promise<number> => Number(await page.getAttribute('#ladder-root', 'data-shown'));
const rowLabels = (page: Page): Promise<string[]> => page.$$eval('#body g.row', (gs) => gs.map((g) => g.querySelector('text.label')?.textContent ?? ''));

async function modelOf(...files: string[]): Promise<LadderModel> {
  const r = await analyzePaths(files, DEFAULT_SETTINGS, { keepMessages: true });
  return buildLadder(r, { sources: r.sources.map((s) => ({ name: path.basename(s.file), uri: s.file })) });
}

const PROXY_ARP = path.join(EXAMPLES, 'case1.2-proxy-arp', 'phone-capture.txt');

test('fixtures: one arrow per message with its label, columns for the participants; screenshots', { skip }, async () => {
  const m = await modelOf(PROXY_ARP);
  const page = await openLadder(m);
  assert.equal(await shownCount(page), 29);
  assert.equal(await page.locator('#body g.row').count(), 29);
  const labels = await rowLabels(page);
  assert.deepEqual(labels, m.arrows.map((a) => a.label + (a.retrans ? ` ×${a.retrans}` : '') + (a.unanswered ? ' (no answer)' : '')));
  assert.deepEqual(await page.$$eval('#header g.col text.col-label', (ts) => ts.map((t) => t.textContent)), m.participants.map((p) => p.label));
  assert.equal(await page.locator('#body g.retrans').count(), 3);
  assert.equal(await page.locator('#body g.idle').count(), 5);
  assert.match(await page.textContent('#count') ?? '', /^29 of 29 messages$/);
  await page.screenshot({ path: path.join(OUT, 'proxy-arp.png') });
  // a folder with alarms and two captures: bands and notes
  const case2 = await modelOf(path.join(EXAMPLES, 'case2-port-security'));
  const p2 = await openLadder(case2, { height: 900 });
  // scroll until a keepalive gap band is in view
  for (let k = 0; k < 40 && (await p2.locator('#body g.band-gap').count()) === 0; k++) {
    await p2.evaluate(() => {
      document.getElementById('scroller')!.scrollTop += 600;
    });
    await p2.waitForTimeout(50);
  }
  assert.ok(await p2.locator('#body g.band-gap').count() >= 1, 'a gap band is drawn');
  await p2.evaluate(() => {
    const s = document.getElementById('search') as HTMLInputElement;
    s.value = 'SEP0024142DDF24';
    s.dispatchEvent(new Event('input'));
  });
  await p2.waitForFunction(() => Number(document.getElementById('ladder-root')!.getAttribute('data-shown')) < 216);
  await p2.screenshot({ path: path.join(OUT, 'case2-port-security.png') });
  // dark theme: VS Code sets its colours as CSS variables on the page
  await p2.evaluate(() => {
    const vars: Record<string, string> = {
      '--vscode-editor-background': '#1e1e1e', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#3c3c3c', '--vscode-sideBar-background': '#252526', '--vscode-input-background': '#3c3c3c', '--vscode-input-foreground': '#cccccc',
    };
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  });
  await p2.screenshot({ path: path.join(OUT, 'case2-dark.png') });
  assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
  await page.close();
  await p2.close();
});

test('filters: protocol, device, rule, search and time range change what is drawn', { skip }, async () => {
  const m = await modelOf(PROXY_ARP);
  const page = await openLadder(m);
  const sccp = m.arrows.filter((a) => a.proto === 'sccp').length;
  await page.uncheck('#proto-sccp');
  assert.equal(await shownCount(page), 29 - sccp);
  assert.ok((await rowLabels(page)).every((l) => !/KeepAlive/.test(l) || /^\[TCP/.test(l)));
  await page.check('#proto-sccp');
  const mac = m.participants.findIndex((p) => p.label === '00:0c:29:90:10:cf');
  await page.selectOption('#participant', String(mac));
  assert.equal(await shownCount(page), 1);
  assert.deepEqual(await rowLabels(page), ['ARP 10.10.10.202 is at 00:0c:29:90:10:cf']);
  await page.selectOption('#participant', '');
  await page.selectOption('#rule', 'tcp.retransmission');
  assert.equal(await shownCount(page), m.arrows.filter((a) => a.rules.includes('tcp.retransmission')).length);
  await page.selectOption('#rule', '');
  await page.fill('#search', 'keepaliveack');
  await page.waitForFunction(() => document.getElementById('ladder-root')!.getAttribute('data-shown') === '5');
  await page.fill('#search', '');
  await page.waitForFunction(() => document.getElementById('ladder-root')!.getAttribute('data-shown') === '29');
  await page.fill('#from', '18:07:34');
  await page.fill('#to', '18:07:35');
  await page.press('#to', 'Enter');
  await page.locator('#to').dispatchEvent('change');
  const t0 = Date.UTC(1970, 0, 1, 18, 7, 34), t1 = Date.UTC(1970, 0, 1, 18, 7, 35);
  assert.equal(await shownCount(page), m.arrows.filter((a) => a.t! >= t0 && a.t! <= t1).length);
  // the filter is kept in the webview state (restored after a reload)
  const state = await page.evaluate(() => (window as unknown as { __state: { filter: { from: number } } }).__state);
  assert.equal(state.filter.from, t0);
  await page.close();
});

test('a click posts only the arrow index; keyboard navigation; the cursor in the file highlights its arrow', { skip }, async () => {
  const m = await modelOf(PROXY_ARP);
  const page = await openLadder(m);
  const target = m.arrows.findIndex((a) => a.retrans === 2);
  await page.click(`#body g.row[data-i="${target}"] .row-bg`, { position: { x: 1100, y: 4 } });
  const reveal = (await posted(page)).filter((p) => p.type === 'reveal');
  assert.deepEqual(reveal, [{ type: 'reveal', arrow: target }]);
  assert.equal(await page.getAttribute('#ladder-root', 'data-selected'), String(target));
  assert.equal(await page.locator('#body g.row.selected').count(), 1);
  // keyboard: down, down, up, then Enter reveals
  await page.focus('#scroller');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getAttribute('#ladder-root', 'data-selected'), String(target + 1));
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).filter((p) => p.type === 'reveal').map((p) => p.arrow), [target, target + 1]);
  await page.keyboard.press('End');
  assert.equal(await page.getAttribute('#ladder-root', 'data-selected'), String(m.arrows.length - 1));
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  // the editor's cursor on a line selects the arrow of that line (or the last one before it)
  const arp = m.arrows.findIndex((a) => a.proto === 'arp');
  await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'cursor', src: 0, line: m.arrows[arp]!.line });
  await page.waitForFunction((i) => document.getElementById('ladder-root')!.getAttribute('data-selected') === String(i), arp);
  await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'cursor', src: 0, line: m.arrows[arp]!.line! + 0.5 });
  assert.equal(await page.getAttribute('#ladder-root', 'data-selected'), String(arp));
  // export buttons ask the extension, with the current filter
  await page.click('#export-svg');
  await page.click('#export-mermaid');
  const exports = (await posted(page)).filter((p) => p.type === 'export');
  assert.deepEqual(exports.map((e) => e.format), ['svg', 'mermaid']);
  assert.ok(exports[0]!.filter && typeof exports[0]!.filter === 'object');
  await page.close();
});

test('hostile captures: markup in device names, addresses and reason phrases is shown as text and never runs', { skip }, async () => {
  const dir = tempDir();
  const pcap = path.join(dir, 'xss.pcap');
  xssCapture(pcap);
  const { exportFile, syslogFile } = xssTexts(dir);
  const m = await modelOf(pcap, exportFile, syslogFile);
  const page = await openLadder(m);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'no payload ran');
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('#body script, #header script').count(), 0);
  const header = await page.$$eval('#header text.col-label', (ts) => ts.map((t) => t.textContent ?? ''));
  assert.ok(header.some((t) => t.startsWith('<img src=x')), JSON.stringify(header));
  const labels = await rowLabels(page);
  assert.ok(labels.some((l) => l.includes('<script>window.__xss=2')), JSON.stringify(labels));
  // the device select lists the names as text too
  const options = await page.$$eval('#participant option', (os) => os.map((o) => o.textContent ?? ''));
  assert.ok(options.some((o) => o.includes(XSS)));
  await page.screenshot({ path: path.join(OUT, 'xss.png') });
  // a malformed model is refused with a message, not half drawn
  await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'model', model: { ...m, arrows: [{ from: 999 }] } });
  await page.waitForFunction(() => /could not be read/.test(document.getElementById('message')!.textContent ?? ''));
  // the SVG export parsed back: well-formed, every arrow a row, the payload as text
  const svg = renderSvg(m);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      rows: doc.querySelectorAll('g.row').length,
      scripts: doc.getElementsByTagName('script').length,
      images: doc.getElementsByTagName('img').length,
      texts: Array.from(doc.querySelectorAll("text")).map((t) => t.textContent ?? ''),
    };
  }, svg);
  assert.equal(parsed.error, 0);
  assert.equal(parsed.rows, m.arrows.length);
  assert.equal(parsed.scripts + parsed.images, 0);
  assert.ok(parsed.texts.some((t) => t.includes(XSS_SCRIPT)));
  assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
  await page.close();
});

test('the SVG export of a fixture renders in Chromium like the webview; restore after reload', { skip }, async () => {
  const m = await modelOf(path.join(EXAMPLES, 'case2-port-security'));
  const dir = tempDir();
  const file = path.join(dir, 'case2.svg');
  fs.writeFileSync(file, renderSvg(m));
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto('file://' + file);
  assert.equal(await page.locator('g.row').count(), m.arrows.length);
  assert.ok(await page.locator('g.band-unregistered').count() >= 1);
  await page.screenshot({ path: path.join(OUT, 'case2-export.png') });
  await page.close();
  // reload: the page asks with its saved state, the extension answers with the model and that state
  const saved = { uri: 'file:///case/x.txt', filter: { search: 'REGISTER', protocols: ['sip'] }, selected: 3 };
  const p2 = await openLadder(m, { state: saved, post: false });
  const ready = (await posted(p2)).find((p) => p.type === 'ready')!;
  assert.deepEqual(ready.state, saved);
  await p2.evaluate((msg) => window.postMessage(msg, '*'), { type: 'model', model: m, uri: saved.uri, filter: saved.filter, selected: 3 });
  await p2.waitForSelector('#ladder-root[data-shown]');
  assert.equal(await p2.inputValue('#search'), 'REGISTER');
  assert.equal(await p2.isChecked('#proto-sccp'), false);
  assert.equal(await shownCount(p2), filterArrows(m, saved.filter as LadderFilter).length);
  assert.ok(await shownCount(p2) < m.arrows.length);
  await p2.close();
});

test('100,000 messages: only the rows in view exist; scrolling draws the rows there', { skip }, async () => {
  const m = syntheticLadder(100_000, 50);
  const page = await openLadder(m, { height: 900 });
  assert.equal(await shownCount(page), 100_000);
  const rendered = await page.locator('#body g.row').count();
  assert.ok(rendered > 10 && rendered < 200, `${rendered} rows in the DOM`);
  await page.evaluate(() => {
    const s = document.getElementById('scroller')!;
    s.scrollTop = s.scrollHeight / 2;
  });
  await page.waitForFunction(() => {
    const ids = Array.from(document.querySelectorAll("#body g.row")).map((g) => Number(g.getAttribute('data-i')));
    return ids.length > 0 && Math.min(...ids) > 40_000;
  });
  const ids = await page.$$eval('#body g.row', (gs) => gs.map((g) => Number(g.getAttribute('data-i'))));
  assert.ok(Math.min(...ids) > 40_000 && Math.max(...ids) < 60_000, `${Math.min(...ids)}..${Math.max(...ids)}`);
  await page.screenshot({ path: path.join(OUT, 'synthetic-100k-middle.png') });
  const ms = Number(await page.getAttribute('#ladder-root', 'data-render-ms'));
  assert.ok(Number.isFinite(ms) && ms > 0, 'the page reports how long its first render took (the bench reads it)');
  await page.close();
});

test('a case ladder: one row per message with a badge per observation point, the transit, the "observed at" filter', { skip }, async () => {
  const m = buildLadder(caseResult(), { sources: CASE_SOURCES, title: 'case 42' });
  const page = await openLadder(m, { height: 420 });
  assert.equal(await shownCount(page), 7);
  // badges: one per observation, in order of observation, with the source's short name (the last with the transit)
  const badges = await page.$$eval('#body g.row', (gs) => gs.map((g) => Array.from(g.querySelectorAll('g.obs text.obs-text')).map((t) => t.textContent ?? '')));
  assert.deepEqual(badges, [
    ['phone', 'cucm', 'SDL001_100_…'],
    ['SDL001_100_…', 'cucm', 'phone'],
    ['phone', 'cucm +11.0 ms'],
    ['phone', 'cucm +11.0 ms'],
    ['phone'],
    ['phone', 'cucm', 'SDL001_100_…'],
    ['SDL001_100_…'],
  ]);
  // the badges sit on their arrow, in order from the sender, and do not cover each other
  const boxes = await page.$$eval('#body g.row[data-i="1"] g.obs rect.obs-box', (rs) => rs.map((r) => {
    const b = r.getBoundingClientRect();
    return [b.left, b.right];
  }));
  for (let k = 1; k < boxes.length; k++) assert.ok(boxes[k]![1]! <= boxes[k - 1]![0]!, `right to left, apart: ${JSON.stringify(boxes)}`);
  const title = await page.textContent('#body g.row[data-i="0"] > title');
  assert.match(title ?? '', /seen at phone\.pcap #1, then cucm\.pcap #1, then SDL001_100_000123\.txt line 10: \+13\.0 ms transit/);
  assert.equal(await page.locator('#body g.row.lost').count(), 1, 'the copy never received is crossed');
  assert.equal(await page.locator('#body g.row.lost g.obs').count(), 1, 'and seen at the phone only');
  await page.screenshot({ path: path.join(OUT, 'case-merged.png') });
  // observed at: the select lists each source, seen and not seen
  assert.equal(await page.isVisible('#observed'), true);
  const options = await page.$$eval('#observed option', (os) => os.map((o) => o.textContent ?? ''));
  assert.deepEqual(options, ['Observed anywhere', 'Seen at phone.pcap', 'Not seen at phone.pcap', 'Seen at cucm.pcap', 'Not seen at cucm.pcap',
    'Seen at SDL001_100_000123.txt', 'Not seen at SDL001_100_000123.txt']);
  await page.selectOption('#observed', 'not:1');
  assert.equal(await shownCount(page), 2);
  assert.deepEqual(await rowLabels(page), ['REGISTER', 'NOTIFY']);
  const state = await page.evaluate(() => (window as unknown as { __state: { filter: { notSeenAt: number[] } } }).__state);
  assert.deepEqual(state.filter.notSeenAt, [1]);
  await page.selectOption('#observed', '');
  assert.equal(await shownCount(page), 7);
  // the cursor on the CUCM capture's line of a copy selects the merged arrow (here: the view shows frame n on line n)
  await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'cursor', src: 2, line: 31 });
  await page.waitForFunction(() => document.getElementById('ladder-root')!.getAttribute('data-selected') === '5');
  // the extension's model message says it is a case's ladder: the page keeps that in its state for a reload
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify({ type: 'model', model: m, uri: 'file:///case/phone.pcap', merged: true }));
  await page.waitForFunction(() => (window as unknown as { __state?: { merged?: boolean } }).__state?.merged === true);
  // a dark theme
  await page.evaluate(() => {
    const vars: Record<string, string> = {
      '--vscode-editor-background': '#1e1e1e', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-panel-border': '#3c3c3c', '--vscode-sideBar-background': '#252526', '--vscode-input-background': '#3c3c3c', '--vscode-input-foreground': '#cccccc',
    };
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  });
  await page.screenshot({ path: path.join(OUT, 'case-merged-dark.png') });
  // the SVG export parsed back: well-formed, a row per message, the badges as text
  const svg = renderSvg(m);
  fs.writeFileSync(path.join(OUT, 'case-merged-export.svg'), svg);
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      rows: doc.querySelectorAll('g.row').length,
      badges: Array.from(doc.querySelectorAll('g.row')).map((g) => g.querySelectorAll('g.obs').length),
      texts: Array.from(doc.querySelectorAll('text.obs-text')).map((t) => t.textContent ?? ''),
    };
  }, svg);
  assert.equal(parsed.error, 0);
  assert.equal(parsed.rows, m.arrows.length);
  assert.deepEqual(parsed.badges, m.arrows.map((a) => a.seen!.length));
  assert.ok(parsed.texts.includes('cucm +11.0 ms'));
  assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
  await page.close();
  // the export as a file in Chromium, as a ticket would show it
  const p2 = await browser!.newPage({ viewport: { width: 700, height: 300 } });
  await p2.goto('file://' + path.join(OUT, 'case-merged-export.svg'));
  assert.equal(await p2.locator('g.obs').count(), m.arrows.reduce((n, a) => n + a.seen!.length, 0));
  await p2.screenshot({ path: path.join(OUT, 'case-merged-export.png') });
  await p2.close();
});

test('the real black-holed registration as a case ladder (two captures, the CUCM trace, syslog); screenshot', { skip }, async () => {
  const caps = path.join(ROOT, 'test', 'fixtures', 'captures'), dir = path.join(ROOT, 'test', 'fixtures', 'case');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'case.expected.json'), 'utf8')) as { lastRegister: { timeMs: number } };
  const day = new Date(expected.lastRegister.timeMs).toISOString().slice(0, 10);
  const settings = { ...DEFAULT_SETTINGS, traces: { ...DEFAULT_SETTINGS.traces, date: Date.parse(`${day}T00:00:00Z`) } };
  const files = [path.join(caps, 'sip-tcp-blackhole-phone.pcap'), path.join(caps, 'sip-tcp-blackhole-cucm.pcap'), path.join(dir, 'SDL001_100_000001.txt'), path.join(dir, 'cucm-syslog.log')];
  const r = await analyzePaths(files, settings, { keepMessages: true });
  const m = buildLadder(r, { sources: r.sources.map((x) => ({ name: path.basename(x.file), uri: x.file })), title: 'case blackhole' });
  const page = await openLadder(m, { height: 1100 });
  assert.equal(await shownCount(page), m.arrows.length);
  const drawn = await page.$$eval('#body g.row', (gs) => gs.map((g) => [Number(g.getAttribute('data-i')), g.querySelectorAll('g.obs').length]));
  assert.ok(drawn.length > 20);
  for (const [i, n] of drawn) assert.equal(n, m.arrows[i!]!.seen!.length, `badges of row ${i}`);
  await page.screenshot({ path: path.join(OUT, 'case-blackhole.png') });
  // what the CUCM's capture never saw: the black-holed copies
  await page.selectOption('#observed', 'not:1');
  assert.equal(await shownCount(page), m.arrows.filter((a) => !a.seen!.includes(1)).length);
  await page.screenshot({ path: path.join(OUT, 'case-blackhole-not-at-cucm.png') });
  assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
  await page.close();
});
