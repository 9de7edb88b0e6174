// CUCM Lens inside real VS Code (code-server): what a user sees when they open examples/.
// Prerequisites come from test/e2e/install.sh (run by .ci/run and by `npm test`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { EXAMPLES } from '../helpers/paths';
import { describeDom, missingPrerequisites, shot, snapshotFiles, startWorkbench } from './harness';
import type { Workbench } from './harness';

let wb: Workbench;
let page: Page;
let before0: Map<string, string>;

/** Runs a check; on failure prints what the DOM held and keeps a screenshot. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const png = await shot(page, `failure-${name}`).catch(() => '(no screenshot)');
    const dom = await describeDom(page).catch((x) => `(DOM unreadable: ${x})`);
    throw new Error(`${name} failed: ${(e as Error).message}\nscreenshot: ${png}\nDOM:\n${dom}`);
  }
}

before(async () => {
  const missing = missingPrerequisites();
  assert.deepEqual(missing, [], 'real-editor prerequisites missing: run test/e2e/install.sh');
  wb = await startWorkbench(EXAMPLES);
  page = wb.page;
  before0 = snapshotFiles(wb.workspace);
}, { timeout: 240_000 });

after(async () => {
  await wb?.close();
});

/** Opens a workspace file through Quick Open (Ctrl+P), picking the row of that folder. */
async function openFile(relative: string, firstText: string): Promise<void> {
  const [folder, name] = relative.split('/') as [string, string];
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(relative);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: folder }).filter({ hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .view-lines', { hasText: firstText }).first().waitFor({ timeout: 30_000 });
}

/** Centre of the editor text `text` whose preceding text on the line ends with `before`. */
async function textBox(text: string, before: string): Promise<{ x: number; y: number }> {
  const box = await page.evaluate(([t, b]) => {
    for (const line of Array.from(document.querySelectorAll('.editor-instance .view-line'))) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let seen = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const content = n.textContent ?? '';
        const idx = content.indexOf(t!);
        if (idx >= 0 && (seen + content.slice(0, idx)).endsWith(b!)) {
          const r = document.createRange();
          r.setStart(n, idx);
          r.setEnd(n, idx + t!.length);
          const rect = r.getBoundingClientRect();
          return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
        }
        seen += content;
      }
    }
    return null;
  }, [text, before]);
  assert.ok(box, `"${before}${text}" is on screen`);
  return box;
}

test('the syslog example is detected as cucm-syslog and highlighted', async () => {
  await step('language', async () => {
    await openFile('seed-200410/cucm-syslog.txt', 'EndPointUnregistered');
    const mode = page.locator('[id="status.editor.mode"]');
    await mode.filter({ hasText: 'CUCM Syslog' }).waitFor({ timeout: 20_000 });
    assert.match(await mode.innerText(), /CUCM Syslog \/ Alarms/);
  });
  await step('highlighting', async () => {
    const colours = await page.evaluate(() => {
      const colour = (needle: string): string | null => {
        for (const s of Array.from(document.querySelectorAll('.editor-instance .view-line span span'))) {
          const t = (s.textContent ?? '').trim();
          if (needle === '[' ? t === needle : t.includes(needle)) return getComputedStyle(s).color;
        }
        return null;
      };
      return { alarm: colour('EndPointUnregistered'), device: colour('SEPE0D1730A8137'), text: colour('endpoint'), bracket: colour('[') };
    });
    assert.ok(colours.alarm && colours.device && colours.text && colours.bracket, JSON.stringify(colours));
    assert.notEqual(colours.alarm, colours.text, 'alarm name is coloured differently from the message text');
    assert.notEqual(colours.device, colours.alarm, 'device names have their own colour');
    await shot(page, 'syslog-highlighting');
  });
});

test('the Problems panel lists the unregistration with its decoded reason', async () => {
  await step('problems', async () => {
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'KeepAliveTimeout' }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /SEPE0D1730A8137 \(Cisco 3905, SIP, 10\.60\.98\.210\) unregistered on uc-ucm-01: Reason 13 KeepAliveTimeout/);
    assert.match(text, /alarm\.endpoint-unregistered/);
    await shot(page, 'problems-panel');
  });
});

test('hovering Reason=13 shows KeepAliveTimeout; inlay hints name the reason and the model', async () => {
  await step('hover', async () => {
    await page.keyboard.press('Control+Shift+M'); // close the panel again
    const box = await textBox('13', 'Reason=');
    await page.mouse.move(box.x, box.y - 60);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', { hasText: 'KeepAliveTimeout' }).first();
    await hover.waitFor({ timeout: 30_000 });
    const text = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Reason 13 — KeepAliveTimeout/);
    assert.match(text, /What to check:/);
    assert.doesNotMatch(text, /\*\*/, 'markdown is rendered, not shown raw');
    await shot(page, 'hover-reason');
  });
  await step('inlay hints', async () => {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    const hints = await page.evaluate(() => {
      const found: string[] = [];
      for (const el of Array.from(document.querySelectorAll('.editor-instance .view-line span'))) {
        for (const pseudo of ['::before', '::after']) {
          const c = getComputedStyle(el, pseudo).content;
          if (c && c !== 'none' && c !== 'normal') found.push(c);
        }
        if (/inlay|dyn-rule/.test((el as HTMLElement).className) && el.textContent) found.push(el.textContent);
      }
      return found.join(' | ');
    });
    assert.match(hints, /KeepAliveTimeout/, `inlay hints rendered: ${hints}`);
    assert.match(hints, /Cisco\s3905/, `inlay hints rendered: ${hints}`);
    await shot(page, 'inlay-hints');
  });
});

test('the outline lists the devices of the case-2 log, and flapping is reported', async () => {
  await step('outline', async () => {
    await openFile('case2-port-security/cucm-syslog.txt', 'SEP0024142DDF24');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('>Explorer: Focus on Outline View');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Focus on Outline View' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const outline = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Outline' }) });
    const first = outline.locator('.monaco-list-row', { hasText: 'SEP0024142DDF24' }).first();
    await first.waitFor({ timeout: 30_000 });
    assert.match(((await first.textContent()) ?? '').replace(/\s+/g, ' '), /SEP0024142DDF24\s?10\.106\.114\.185 · Cisco 8961 · SIP · 14 unregistrations/);
    const child = outline.locator('.monaco-list-row', { hasText: 'EndPointUnregistered' }).first();
    assert.match(((await child.textContent()) ?? '').replace(/\s+/g, ' '), /2015-07-15 18:18:43\.320 EndPointUnregistered · Reason 13 KeepAliveTimeout/);
    await shot(page, 'outline');
    // collapse the first device: the next ones come into view
    await first.locator('.monaco-tl-twistie').click();
    await outline.locator('.monaco-list-row', { hasText: 'SEP1C1D862F7A31' }).first().waitFor({ timeout: 10_000 });
    const second = outline.locator('.monaco-list-row', { hasText: 'SEP1C1D862F7A31' }).first();
    assert.match(((await second.textContent()) ?? '').replace(/\s+/g, ' '), /SEP1C1D862F7A31\s?10\.106\.114\.186 · Cisco 8961 · SIP · 14 unregistrations/);
  });
  await step('flapping', async () => {
    await page.keyboard.press('Control+Shift+M');
    // errors are listed first; filter the panel down to the flapping findings, as a user would
    const filter = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    await filter.waitFor({ timeout: 10_000 });
    await filter.fill('periodically');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'unregisters periodically' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /every ~16 min/);
    await shot(page, 'flapping');
  });
});

test('the ladder diagram of the proxy-ARP capture opens beside it, and a click on a row reveals its line', async () => {
  const file = fs.readFileSync(path.join(EXAMPLES, 'case1.2-proxy-arp', 'phone-capture.txt'), 'utf8');
  const arpLine = file.split(/\r?\n/).findIndex((l) => l.includes('10.10.10.202 is at f4:0f:1b:1e:26:a9')) + 1;
  assert.ok(arpLine > 0, 'the example holds the ARP reply');
  const ladder = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  await step('ladder opens', async () => {
    await openFile('case1.2-proxy-arp/phone-capture.txt', 'Filter: eth.addr == 58:0a:20:fb:07:1f');
    const mode = page.locator('[id="status.editor.mode"]');
    await mode.filter({ hasText: /\S/ }).waitFor({ timeout: 20_000 });
    const input = page.locator('.quick-input-widget input');
    // the export starts with Wireshark's "Filter: eth.addr == …" line: detected by the language's firstLine pattern
    await mode.filter({ hasText: 'Wireshark' }).waitFor({ timeout: 20_000 });
    // the cursor starts on line 1; the panel of the earlier tests goes away to leave room for the ladder
    await page.locator('[id="status.editor.selection"]').filter({ hasText: /Ln 1, Col 1\b/ }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 15_000 });
    await input.fill('>View: Hide Panel');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Hide Panel' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 15_000 });
    await input.fill('>CUCM Lens: Show Ladder Diagram');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Ladder Diagram' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'Ladder: phone-capture' }).waitFor({ timeout: 30_000 });
    await ladder.locator('#ladder-root[data-shown="29"]').waitFor({ timeout: 30_000 });
    assert.match((await ladder.locator('#count').innerText()).trim(), /^29 of 29 messages/);
    const columns = (await ladder.locator('#header g.col text.col-label').allTextContents()).map((t) => t.trim());
    assert.ok(columns.includes('CUCM 10.10.10.202'), `columns: ${columns.join(' | ')}`);
    assert.ok(columns.includes('Broadcast'), `columns: ${columns.join(' | ')}`);
    assert.ok((await ladder.locator('#body g.row.retrans').count()) > 0, 'retransmissions are drawn');
  });
  await step('row click reveals the line', async () => {
    const selection = page.locator('[id="status.editor.selection"]');
    const row = ladder.locator('#body g.row', { has: ladder.locator('text.label', { hasText: /^ARP 10\.10\.10\.202 is at f4:0f:1b:1e:26:a9/ }) }).first();
    await row.waitFor({ timeout: 30_000 });
    const bg = row.locator('.row-bg');
    await bg.scrollIntoViewIfNeeded();
    // the far right of the row, clear of the label text; the row may be wider than the panel
    const box = await bg.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const scroller = document.getElementById('scroller') ?? document.documentElement;
      return { width: r.width, left: r.left, visibleRight: Math.min(r.right, scroller.getBoundingClientRect().right, window.innerWidth) };
    });
    await bg.click({ position: { x: Math.max(1, Math.min(box.width, box.visibleRight - box.left) - 20), y: 4 } });
    await selection.filter({ hasText: new RegExp(`Ln ${arpLine}, Col \\d+`) }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .view-lines', { hasText: '10.10.10.202 is at f4:0f:1b:1e:26:a9' }).first().waitFor({ timeout: 10_000 });
    await shot(page, 'ladder-beside-file');
  });
});

test('the extension changed no file in the workspace', () => {
  assert.deepEqual(snapshotFiles(wb.workspace), before0);
});

test('a .pcap opens as the decoded capture view, with its TCP findings in the Problems panel', async () => {
  await step('capture view', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.fill('sip-tcp-lossy-cucm.pcap');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'sip-tcp-lossy-cucm.pcap' }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'sip-tcp-lossy-cucm.pcap.txt' }).waitFor({ timeout: 60_000 });
    await page.locator('.editor-instance .view-lines', { hasText: 'Request: REGISTER' }).first().waitFor({ timeout: 30_000 });
    const mode = page.locator('[id="status.editor.mode"]');
    await mode.filter({ hasText: 'Wireshark' }).waitFor({ timeout: 20_000 });
    await shot(page, 'capture-view');
    // the Problems panel holds the TCP findings of the capture, on the lines of their frames
    const filter = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    if (!(await filter.isVisible())) await page.keyboard.press('Control+Shift+M');
    await filter.waitFor({ timeout: 10_000 });
    await filter.fill('Seq=');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'tcp.retransmission' }).first();
    await problem.waitFor({ timeout: 60_000 });
    assert.match((await problem.innerText()).replace(/\s+/g, ' '), /Retransmission 10\.106\.114\.\d+:\d+ → 10\.106\.114\.\d+:\d+ Seq=\d+ Len=\d+/);
    await shot(page, 'capture-view-problems');
  });
});

test('the case commands are in the command palette', async () => {
  await step('case commands', async () => {
    // the capture view of the previous test is in front: the case ladder is offered for it as for the file's own ladder
    await page.keyboard.press('Escape');
    const input = page.locator('.quick-input-widget input');
    for (const title of [
      'CUCM Lens: Add Files to the Case',
      'CUCM Lens: Remove Files from the Case',
      'CUCM Lens: Set Clock Offset of a File in the Case',
      'CUCM Lens: Show the Files of the Case',
      'CUCM Lens: Show Ladder Diagram of the Case',
    ]) {
      await page.keyboard.press('F1');
      await input.waitFor({ timeout: 15_000 });
      await input.fill('>' + title);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 15_000 });
      assert.match((await row.innerText()).replace(/\s+/g, ' '), new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await page.keyboard.press('Escape');
    }
    await shot(page, 'case-commands');
  });
});

test('a case in the folder: the unregistration alarm says what the phone capture shows, and F12 opens the lost REGISTER', async () => {
  await step('case evidence', async () => {
    await openFile('blackhole-case/cucm-syslog.log', 'EndPointUnregistered');
    // the Problems panel: the alarm's diagnostic carries the evidence from the captures of the folder
    const filter = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    if (!(await filter.isVisible())) await page.keyboard.press('Control+Shift+M');
    await filter.waitFor({ timeout: 10_000 });
    await filter.fill('Evidence');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'SEP001122334455' }).first();
    await problem.waitFor({ timeout: 90_000 });
    assert.match((await problem.innerText()).replace(/\s+/g, ' '), /Evidence: last REGISTER \S+ \S+ in phone\.pcap, \d+ retransmissions, no response/);
    await shot(page, 'case-evidence-problems');
    await filter.fill('');
    await page.keyboard.press('Control+Shift+M');
  });
  await step('case go to definition', async () => {
    const box = await textBox('EndPointUnregistered', '-3-');
    await page.mouse.click(box.x, box.y);
    await page.keyboard.press('F12');
    // the last keepalives in the case's other files: the phone capture's unanswered REGISTER, the trace's and the
    // CUCM capture's last REGISTER and 200 OK; several places, so VS Code shows them in a peek
    const peek = page.locator('.peekview-widget');
    await peek.waitFor({ timeout: 60_000 });
    for (const name of ['phone.pcap.txt', 'cucm.pcap.txt', 'SDL001_100_000001.txt']) {
      await peek.locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
    }
    // under the phone capture: the line of frame 18, the REGISTER tshark finds unanswered (case.expected.json)
    const group = peek.locator('.monaco-list-row', { hasText: 'phone.pcap.txt' }).first();
    if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();
    const frame = peek.locator('.monaco-list-row', { hasText: /(^|\s)18\s+20\d\d-\d\d-\d\d/ }).first();
    await frame.waitFor({ timeout: 30_000 });
    await frame.click();
    // the preview shows that REGISTER's line (frame 18, sent 20:51:45.037175 by the phone's clock)
    await peek.locator('.view-line', { hasText: '20:51:45.037175' }).first().waitFor({ timeout: 30_000 });
    await shot(page, 'case-definition');
    await page.keyboard.press('Escape');
  });
});
