// Serves the ladder webview page as the extension does (same HTML and CSP from client/src/ladderHtml.ts, the built
// dist/webview/ladder.js and .css) on 127.0.0.1, for the Chromium tests and the bench. VS Code's side is replaced by
// a stub acquireVsCodeApi (installed with addInitScript) that records what the page posts.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ladderHtml } from '../../client/src/ladderHtml';
import { ROOT } from './paths';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const WEBVIEW = path.join(ROOT, 'dist', 'webview');

export interface LadderServer {
  readonly origin: string;
  close(): void;
}

export async function startLadderServer(nonce = 'testNonce0123456789'): Promise<LadderServer> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(ladderHtml({ cspSource: origin, nonce, scriptUri: `${origin}/ladder.js`, styleUri: `${origin}/ladder.css` }));
      return;
    }
    const file = path.join(WEBVIEW, path.basename(url.pathname));
    if (!/^\/ladder\.(js|css)$/.test(url.pathname) || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => server.close() };
}

/** The stub VS Code API, as a function for page.addInitScript(stub, savedState). */
export function vscodeStub(state: unknown): void {
  const w = globalThis as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
  w.__posted = [];
  w.__state = state;
  w.acquireVsCodeApi = () => ({
    postMessage: (m: unknown) => w.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => w.__state,
    setState: (s: unknown) => {
      w.__state = JSON.parse(JSON.stringify(s));
    },
  });
}
