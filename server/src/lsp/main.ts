// Language server entry: `node dist/server.js --stdio` (or --node-ipc from the VS Code client). Thin wiring of the
// service to the connection: analysis runs once per document version (debounced while typing) and every request
// only looks results up.

import * as fs from 'node:fs';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DidChangeConfigurationNotification,
} from 'vscode-languageserver/node';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS, normaliseSettings } from '../settings';
import type { Settings } from '../settings';
import { DeviceIndex } from './workspaceSymbols';
import { analyzeDocument, captureDocument, caseLadderModel, codeLenses, definition, ladderModel, diagnostics, documentSymbols, foldingRanges, hover, inlayHints } from './service';
import type { CaseContext } from './service';
import { CaseManager } from './cases';
import { renderCaptureView } from './captureView';
import type { CaptureView } from './captureView';
import { analyzePaths } from '../engine';
import type { AnalysisResult, NetMessage } from '../model';
import type { DocAnalysis } from './service';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new Map<string, DocAnalysis>();
const settingsCache = new Map<string, Promise<Settings>>();
const timers = new Map<string, NodeJS.Timeout>();
let canPullConfig = false;
let canRegisterConfig = false;
const DEBOUNCE_MS = 200;

const deviceIndex = new DeviceIndex();
let workspaceFolders: string[] = [];

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const roots = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = roots.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  canPullConfig = !!params.capabilities.workspace?.configuration;
  canRegisterConfig = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      documentSymbolProvider: { label: 'CUCM Lens' },
      foldingRangeProvider: true,
      inlayHintProvider: { resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      workspaceSymbolProvider: true,
      definitionProvider: true,
    },
    serverInfo: { name: 'cucm-lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (canRegisterConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'cucmLens' });
});

function settingsFor(uri: string): Promise<Settings> {
  if (!canPullConfig) return Promise.resolve(globalSettings);
  const hit = settingsCache.get(uri);
  if (hit) return hit;
  const s: Promise<Settings> = connection.workspace
    .getConfiguration({ scopeUri: uri, section: 'cucmLens' })
    .then((raw: unknown) => normaliseSettings(raw), () => DEFAULT_SETTINGS);
  settingsCache.set(uri, s);
  return s;
}

let globalSettings: Settings = DEFAULT_SETTINGS;

connection.onDidChangeConfiguration((change) => {
  if (!canPullConfig) globalSettings = normaliseSettings((change.settings as { cucmLens?: unknown } | undefined)?.cucmLens);
  settingsCache.clear();
  cache.clear();
  captures.clear();
  for (const doc of documents.all()) schedule(doc, 0);
});

function referenceDate(uri: string): Date | null {
  try {
    if (!uri.startsWith('file:')) return null;
    return fs.statSync(fileURLToPath(uri)).mtime;
  } catch {
    return null;
  }
}

async function analyze(doc: TextDocument): Promise<DocAnalysis | null> {
  const settings = await settingsFor(doc.uri);
  const current = documents.get(doc.uri);
  if (!current || current.version !== doc.version) return null; // superseded while waiting
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit;
  let a: DocAnalysis;
  try {
    if (doc.uri.startsWith(CAPTURE_SCHEME + ':')) {
      const c = await captureFor(doc.uri, settings);
      a = captureDocument(doc.uri, doc.version, c.result, c.view, settings);
    } else {
      a = await analyzeDocument(doc, settings, referenceDate(doc.uri));
      // the neighbours of a trace set are read from disk meanwhile: a newer version supersedes this one
      if (documents.get(doc.uri)?.version !== doc.version) return null;
    }
  } catch (e) {
    connection.console.error(`CUCM Lens: analysis of ${doc.uri} failed: ${(e as Error).stack ?? e}`);
    return null;
  }
  cache.set(doc.uri, a);
  return a;
}

function schedule(doc: TextDocument, delay: number): void {
  const old = timers.get(doc.uri);
  if (old) clearTimeout(old);
  timers.set(doc.uri, setTimeout(() => {
    timers.delete(doc.uri);
    void publish(doc);
  }, delay));
}

/** Diagnostics of the document at once, then again with what its case adds (other files: slower) when it has one. */
async function publish(doc: TextDocument): Promise<void> {
  const a = await analyze(doc);
  if (!a) return;
  const send = (cc: CaseContext | null): void => {
    if (documents.get(doc.uri)?.version !== doc.version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diagnostics(a, doc, cc) });
  };
  send(null);
  const cc = await caseContext(doc.uri);
  if (cc) send(cc);
}

// ---- cases: the files of a folder analysed together (cases.ts) -------------------------------------------------------

/** The file a document shows: file: URIs, and the capture behind a decoded view. */
function fileOf(uri: string): string | null {
  try {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    if (uri.startsWith(CAPTURE_SCHEME + ':')) return captureFile(uri);
  } catch {
    // not a usable path
  }
  return null;
}

const cases = new CaseManager(
  () => workspaceFolders,
  () => documents.all().map((d) => fileOf(d.uri)).filter((f): f is string => f !== null),
  (text) => connection.console.log(`CUCM Lens: ${text}`),
);

async function caseContext(uri: string): Promise<CaseContext | null> {
  const file = fileOf(uri);
  if (!file) return null;
  try {
    const ca = await cases.analysisFor(file, await settingsFor(uri));
    return ca ? { ca, source: ca.sourceOf(file) } : null;
  } catch (e) {
    connection.console.error(`CUCM Lens: case analysis for ${uri} failed: ${(e as Error).message}`);
    return null;
  }
}

function republishAll(): void {
  for (const doc of documents.all()) schedule(doc, 0);
}

connection.onNotification('cucmLens/caseConfig', (p: unknown) => {
  cases.setConfig(p);
  republishAll();
});
connection.onDidChangeWatchedFiles((p) => {
  for (const c of p.changes) {
    const file = fileOf(c.uri);
    if (!file) continue;
    cases.invalidate(file);
    // a capture rewritten on disk: its decoded view is read again
    for (const key of captures.keys()) if (captureFile(key) === file) captures.delete(key);
  }
  republishAll();
});
/** cucmLens/case: the case a document belongs to (files, clocks, counts), or null. */
connection.onRequest('cucmLens/case', async (p: { uri?: unknown }) => {
  if (typeof p?.uri !== 'string') return null;
  const file = fileOf(p.uri);
  return file ? cases.info(file, await settingsFor(p.uri)) : null;
});

/** The analysis for the document's current version, computing it now if a request comes before the timer. */
async function current(uri: string): Promise<{ a: DocAnalysis; doc: TextDocument } | null> {
  const doc = documents.get(uri);
  if (!doc) return null;
  const a = await analyze(doc);
  return a ? { a, doc } : null;
}

// ---- binary captures: read from disk by the server, shown through a decoded text view --------------------------------

const CAPTURE_SCHEME = 'cucm-capture';
const captures = new Map<string, Promise<{ result: AnalysisResult; view: CaptureView }>>();

/** cucm-capture:/abs/path/file.pcap.txt -> /abs/path/file.pcap */
function captureFile(viewUri: string): string {
  const path = decodeURIComponent(viewUri.slice(CAPTURE_SCHEME.length + 1).replace(/^\/\/[^/]*/, ''));
  return path.replace(/\.txt$/, '');
}

function captureFor(viewUri: string, settings: Settings): Promise<{ result: AnalysisResult; view: CaptureView }> {
  let c = captures.get(viewUri);
  if (!c) {
    c = (async () => {
      const file = captureFile(viewUri);
      const result = await analyzePaths([file], settings);
      const source = result.sources[0]!;
      const net = result.messages
        .filter((m): m is NetMessage => m.kind !== 'alarm' && m.loc.source === 0)
        .sort((x, y) => (x.loc.frame ?? 0) - (y.loc.frame ?? 0));
      return { result, view: renderCaptureView(net, source, source.frames ?? 0) };
    })();
    captures.set(viewUri, c);
    c.catch(() => captures.delete(viewUri));
  }
  return c;
}

connection.onRequest('cucmLens/captureView', async (p: { uri: string; view: string }) => {
  try {
    const c = await captureFor(p.view, await settingsFor(p.view));
    const problems = c.result.sources[0]?.problems ?? [];
    return { text: c.view.text, frames: c.result.sources[0]?.frames ?? 0, shown: c.view.shown, problems: problems.length };
  } catch (e) {
    return { text: `# CUCM Lens could not read ${captureFile(p.view)}: ${(e as Error).message}\n`, frames: 0, shown: 0, problems: 1 };
  }
});

documents.onDidOpen((e) => {
  const file = fileOf(e.document.uri);
  if (file) cases.openChanged(file);
  schedule(e.document, 0);
});
documents.onDidSave((e) => {
  const file = fileOf(e.document.uri);
  if (file) cases.invalidate(file);
  republishAll();
});
documents.onDidChangeContent((e) => schedule(e.document, DEBOUNCE_MS));
documents.onDidClose((e) => {
  const t = timers.get(e.document.uri);
  if (t) clearTimeout(t);
  timers.delete(e.document.uri);
  cache.delete(e.document.uri);
  settingsCache.delete(e.document.uri);
  captures.delete(e.document.uri);
  const file = fileOf(e.document.uri);
  if (file) cases.openChanged(file);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? hover(c.a, c.doc, p.position, await caseContext(p.textDocument.uri)) : null;
});
connection.onDefinition(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? definition(c.a, c.doc, p.position, await caseContext(p.textDocument.uri)) : [];
});
connection.languages.inlayHint.on(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? inlayHints(c.a, c.doc, p.range) : [];
});
connection.onCodeLens(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? codeLenses(c.a) : [];
});
/** cucmLens/ladder: the ladder model of an open document (null when the document is not open or not analysed). */
connection.onRequest('cucmLens/ladder', async (p: { uri?: unknown; merged?: unknown }) => {
  if (typeof p?.uri !== 'string') return null;
  if (p.merged === true) {
    // the case the document is in, every file on one clock (the document need not be open)
    const cc = await caseContext(p.uri);
    return cc ? caseLadderModel(cc) : null;
  }
  const c = await current(p.uri);
  return c ? ladderModel(c.a) : null;
});
connection.onWorkspaceSymbol((p) => deviceIndex.query(workspaceFolders, p.query));
connection.onDocumentSymbol(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? documentSymbols(c.a) : [];
});
connection.onFoldingRanges(async (p) => {
  const c = await current(p.textDocument.uri);
  return c ? foldingRanges(c.a, c.doc) : [];
});

documents.listen(connection);
connection.listen();
