// "CUCM Lens: Show Ladder Diagram": a webview beside the document, fed with the ladder model the language server
// builds (cucmLens/ladder). The webview asks; this side decides: a click posts only an arrow index, and the file and
// line to reveal come from the model held here. Exports are rendered here too, from the model and a checked filter.
// "Show Ladder Diagram of the Case" (cucmLens.showMergedLadder) is the same panel in merged mode: the server answers
// `cucmLens/ladder {uri, merged: true}` with the ladder of the case the document belongs to (every file of the case
// on one clock, a message seen at several points one arrow), or null when the document is in no such case.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { LadderModel } from '../../server/src/ladder/model';
import { validLadderModel } from '../../server/src/ladder/validate';
import { filterArrows, sanitiseFilter } from '../../server/src/ladder/filter';
import { renderSvg } from '../../server/src/ladder/svg';
import { renderMermaid } from '../../server/src/ladder/mermaid';
import { ladderHtml, makeNonce } from './ladderHtml';
import { CAPTURE_SCHEME, viewUriFor } from './captureView';

export const LADDER_VIEW_TYPE = 'cucmLens.ladder';
const LANGUAGES = new Set(['cucm-syslog', 'cucm-trace', 'capture-export']);
const CAPTURE_FILE = /\.(pcap|pcapng|cap)(\.gz)?$/i;

interface Panel {
  readonly panel: vscode.WebviewPanel;
  uri: string;
  /** The case's ladder rather than the document's own. */
  readonly merged: boolean;
  model: LadderModel | null;
  flow: number | null;
  ready: boolean;
  restoredFilter: unknown;
  restoredSelected: unknown;
}

export class LadderPanels {
  /** By panelKey: a document can have its own ladder and its case's open side by side. */
  private readonly panels = new Map<string, Panel>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly client: () => LanguageClient | undefined) {}

  register(): void {
    const c = this.context;
    c.subscriptions.push(
      vscode.commands.registerCommand('cucmLens.showLadder', (arg?: vscode.Uri | string, flow?: number) => this.show(arg, flow)),
      vscode.commands.registerCommand('cucmLens.showMergedLadder', (arg?: vscode.Uri | string) => this.show(arg, undefined, true)),
      vscode.window.registerWebviewPanelSerializer(LADDER_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const s = (state && typeof state === 'object' ? state : {}) as { uri?: unknown; merged?: unknown; filter?: unknown; selected?: unknown };
          if (typeof s.uri !== 'string' || !s.uri) {
            panel.dispose();
            return;
          }
          await this.open(s.uri, null, panel, s.filter, s.selected, s.merged === true);
        },
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // a document's own ladder, and a case's ladder when the document is one of its files
        const uri = e.document.uri.toString();
        const keys = [...this.panels].filter(([, p]) => p.uri === uri || (p.merged && p.model?.sources.some((s) => s.uri === uri))).map(([k]) => k);
        if (!keys.length) return;
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => {
          for (const k of keys) void this.refresh(k);
        }, 800);
      }),
    );
  }

  /** The document to draw: the argument, else the active editor's; a capture file opens its decoded view first. */
  private async target(arg?: vscode.Uri | string): Promise<string | null> {
    let uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('CUCM Lens: open a trace, syslog, capture or export first, then show its ladder.');
      return null;
    }
    if (uri.scheme === 'file' && CAPTURE_FILE.test(uri.path)) uri = viewUriFor(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (uri.scheme === CAPTURE_SCHEME && doc.languageId !== 'capture-export') await vscode.languages.setTextDocumentLanguage(doc, 'capture-export');
    else if (!LANGUAGES.has(doc.languageId)) {
      void vscode.window.showWarningMessage(`CUCM Lens: ${path.basename(uri.path)} is not a CUCM trace, syslog, capture or export (language: ${doc.languageId}).`);
      return null;
    }
    return doc.uri.toString();
  }

  async show(arg?: vscode.Uri | string, flow?: number, merged = false): Promise<void> {
    const uri = await this.target(arg);
    if (!uri) return;
    const key = panelKey(uri, merged);
    const existing = this.panels.get(key);
    if (existing) {
      existing.flow = typeof flow === 'number' ? flow : null;
      existing.panel.reveal(vscode.ViewColumn.Beside);
      await this.refresh(key);
      return;
    }
    const panel = vscode.window.createWebviewPanel(LADDER_VIEW_TYPE, merged ? 'Ladder: case' : 'Ladder', vscode.ViewColumn.Beside, {});
    await this.open(uri, typeof flow === 'number' ? flow : null, panel, undefined, undefined, merged);
  }

  private async open(uri: string, flow: number | null, panel: vscode.WebviewPanel, filter: unknown, selected: unknown, merged = false): Promise<void> {
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [root] };
    const name = path.basename(decodeURIComponent(vscode.Uri.parse(uri).path)).replace(/\.txt$/, '');
    // a case's panel is named after the case once the model says which (its title), until then after the document
    panel.title = merged ? `Ladder: case ${name}` : `Ladder: ${name}`;
    const p: Panel = { panel, uri, merged, model: null, flow, ready: false, restoredFilter: filter, restoredSelected: selected };
    const key = panelKey(uri, merged);
    this.panels.set(key, p);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === p) this.panels.delete(key);
    });
    panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(p, m));
    panel.webview.html = ladderHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'ladder.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'ladder.css')).toString(),
    });
  }

  private async refresh(key: string): Promise<void> {
    const p = this.panels.get(key);
    if (!p || !p.ready) return;
    const { uri, merged } = p;
    // errors carry the uri and mode too: the page keeps them in its state, so a reload asks for the same ladder
    const error = (text: string): void => void p.panel.webview.postMessage({ type: 'error', text, uri, merged });
    const client = this.client();
    if (!client) {
      error('The CUCM Lens language server is not running.');
      return;
    }
    let model: unknown;
    try {
      // the document must be open for the server to analyse it
      await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      model = await client.sendRequest('cucmLens/ladder', merged ? { uri, merged: true } : { uri });
    } catch (e) {
      error(`The ladder could not be built: ${(e as Error).message}`);
      return;
    }
    if (merged && model === null) {
      p.model = null;
      error('This file is not part of a case with other files, so there is no merged ladder to show. Add the other captures, traces or syslog of the case to it, or use "Show Ladder Diagram" for this file alone.');
      return;
    }
    if (!validLadderModel(model)) {
      error('The language server has no ladder for this document (is it still open?).');
      return;
    }
    p.model = model;
    if (merged) {
      // the server names the model "case <name>"; anything else it sends is put after "case"
      const title = model.title.length > 60 ? `${model.title.slice(0, 59)}…` : model.title;
      p.panel.title = `Ladder: ${/^case\b/i.test(title) ? title : `case ${title}`}`;
    }
    const filter = p.flow !== null ? { flows: [p.flow] } : p.restoredFilter;
    void p.panel.webview.postMessage({ type: 'model', model, uri, merged, filter, selected: p.restoredSelected ?? -1 });
    p.restoredFilter = undefined;
    p.restoredSelected = undefined;
  }

  private async onMessage(p: Panel, raw: unknown): Promise<void> {
    if (!raw || typeof raw !== 'object') return;
    const m = raw as { type?: unknown; arrow?: unknown; format?: unknown; filter?: unknown; state?: unknown };
    if (m.type === 'ready') {
      p.ready = true;
      const st = m.state && typeof m.state === 'object' ? (m.state as { filter?: unknown; selected?: unknown }) : null;
      if (st && p.restoredFilter === undefined && p.flow === null) {
        p.restoredFilter = st.filter;
        p.restoredSelected = st.selected;
      }
      await this.refresh(panelKey(p.uri, p.merged));
    } else if (m.type === 'reveal') {
      if (!p.model || !Number.isInteger(m.arrow)) return;
      const a = p.model.arrows[m.arrow as number];
      const source = a ? p.model.sources[a.src] : undefined;
      if (!a || !source || a.line === null) return;
      const uri = vscode.Uri.parse(source.uri);
      const line = Math.max(0, a.line - 1);
      const doc = await vscode.workspace.openTextDocument(uri);
      const range = new vscode.Range(line, 0, line, 0);
      const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, selection: range });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } else if (m.type === 'export') {
      if (!p.model || (m.format !== 'svg' && m.format !== 'mermaid')) return;
      const shown = filterArrows(p.model, sanitiseFilter(m.filter, p.model));
      const svg = m.format === 'svg';
      const base = (p.model.sources[0]?.name.replace(/\.[^.]*$/, '') || 'ladder') + (p.merged ? '-case' : '');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const defaultUri = folder ? vscode.Uri.joinPath(folder, `${base}-ladder.${svg ? 'svg' : 'mmd'}`) : undefined;
      const target = await vscode.window.showSaveDialog({
        defaultUri, saveLabel: 'Export ladder', filters: svg ? { SVG: ['svg'] } : { Mermaid: ['mmd', 'md', 'txt'] },
      });
      if (!target) return;
      if (p.model.sources.some((s) => s.uri === target.toString())) {
        void vscode.window.showErrorMessage('CUCM Lens does not overwrite the files it analyses; choose another name.');
        return;
      }
      const dark = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark || vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.HighContrast;
      const text = svg ? renderSvg(p.model, shown, { theme: dark ? 'dark' : 'light' }) : renderMermaid(p.model, shown);
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      void vscode.window.showInformationMessage(`CUCM Lens: ${shown.length} messages exported to ${path.basename(target.path)}.`);
    }
  }

  private cursorMoved(e: vscode.TextEditorSelectionChangeEvent): void {
    if (this.panels.size === 0) return;
    const uri = e.textEditor.document.uri.toString();
    const line = e.selections[0]?.active.line;
    if (line === undefined) return;
    for (const p of this.panels.values()) {
      if (!p.model || !p.ready) continue;
      const src = p.model.sources.findIndex((s) => s.uri === uri);
      if (src >= 0) void p.panel.webview.postMessage({ type: 'cursor', src, line: line + 1 });
    }
  }
}

/** A document's own ladder and its case's ladder are two panels. */
function panelKey(uri: string, merged: boolean): string {
  return merged ? `case\n${uri}` : uri;
}
