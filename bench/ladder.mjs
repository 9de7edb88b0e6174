// Ladder numbers (issue 7): 100,000 messages in the webview (first render, scrolling without long frames) in headless
// Chromium, and the SVG export of 10,000 messages. Uses the compiled test helpers (out/): the synthetic ladder is SIP
// phones registering over UDP, analysed by the real rules and built by the real model builder.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export async function ladderBench(root) {
  const { syntheticLadder } = require(join(root, 'out', 'test', 'helpers', 'ladder.js'));
  const { startLadderServer, vscodeStub, CHROMIUM, CHROMIUM_ARGS } = require(join(root, 'out', 'test', 'helpers', 'ladderPage.js'));
  const { renderSvg } = require(join(root, 'out', 'server', 'src', 'ladder', 'svg.js'));
  const { renderMermaid } = require(join(root, 'out', 'server', 'src', 'ladder', 'mermaid.js'));
  const { chromium } = require('playwright-core');
  const result = {};

  // SVG export of 10,000 messages (layout + shapes + serialisation), best of 5
  const m10 = syntheticLadder(10_000, 40);
  let svgMs = Infinity, svgBytes = 0, mmdMs = Infinity;
  for (let k = 0; k < 5; k++) {
    let t = performance.now();
    const svg = renderSvg(m10);
    svgMs = Math.min(svgMs, performance.now() - t);
    svgBytes = svg.length;
    t = performance.now();
    renderMermaid(m10);
    mmdMs = Math.min(mmdMs, performance.now() - t);
  }
  result.svg10k = { messages: m10.arrows.length, ms: +svgMs.toFixed(1), megabytes: +(svgBytes / 1e6).toFixed(1), mermaidMs: +mmdMs.toFixed(1), goal: 'SVG export of 10,000 messages < 2 s' };

  // 100,000 messages in the webview, for 50 and 400 phones (columns)
  const server = await startLadderServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    for (const phones of [50, 400]) {
      let t = performance.now();
      const model = syntheticLadder(100_000, phones);
      const buildMs = performance.now() - t;
      const json = JSON.stringify({ type: 'model', model, uri: 'file:///bench', filter: null });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript(vscodeStub, null);
      await page.goto(server.origin + '/');
      await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
      // the message crosses as a string and is parsed in the page (VS Code's postMessage does a structured clone of
      // about the same cost); wall time = from the post to the first rows on screen
      await page.evaluate((s) => { window.__json = s; }, json);
      const wall = await page.evaluate(() => new Promise((resolve) => {
        const t0 = performance.now();
        window.postMessage(JSON.parse(window.__json), '*');
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      }));
      const renderMs = Number(await page.getAttribute('#ladder-root', 'data-render-ms'));
      // scrolling: wheel steps and jumps, with long tasks (> 50 ms) and frame intervals recorded
      await page.evaluate(() => {
        window.__long = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask', buffered: false });
        window.__frames = [];
        let last = performance.now();
        const tick = (now) => { window.__frames.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
      });
      await page.mouse.move(700, 500);
      for (let k = 0; k < 150; k++) {
        await page.mouse.wheel(0, 600);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      }
      for (const f of [0.25, 0.5, 0.75, 0.99, 0.1]) {
        await page.evaluate((x) => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight * x; }, f);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      }
      const scroll = await page.evaluate(() => {
        window.__stop = true;
        const f = window.__frames.slice(2).sort((a, b) => a - b);
        const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))] ?? NaN;
        return { frames: f.length, p50: q(0.5), p95: q(0.95), max: f[f.length - 1] ?? NaN, long: window.__long.length, longMax: Math.max(0, ...window.__long), rows: document.querySelectorAll('#body g.row').length };
      });
      result[`webview100k_${phones}phones`] = {
        messages: model.arrows.length, columns: model.participants.length, modelBuildMs: +buildMs.toFixed(0), modelMegabytes: +(json.length / 1e6).toFixed(1),
        firstRenderMs: renderMs, postToPaintMs: +wall.toFixed(0),
        scroll: { frames: scroll.frames, frameP50Ms: +scroll.p50.toFixed(1), frameP95Ms: +scroll.p95.toFixed(1), frameMaxMs: +scroll.max.toFixed(1), longTasks: scroll.long, longestTaskMs: +scroll.longMax.toFixed(0), rowsInDom: scroll.rows },
        goal: 'first render < 1 s; scrolling without long frames',
      };
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  return result;
}
