// The language server as an editor sees it: `node dist/server.js --stdio`, driven over a real JSON-RPC connection.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, PublishDiagnosticsNotification, HoverRequest,
  InlayHintRequest, DocumentSymbolRequest, FoldingRangeRequest, ConfigurationRequest, ShutdownRequest, ExitNotification,
  DidChangeConfigurationNotification,
  CodeLensRequest, WorkspaceSymbolRequest, DefinitionRequest, DidChangeWatchedFilesNotification,
} from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection, PublishDiagnosticsParams, Hover, MarkupContent, DocumentSymbol, InlayHint, CodeLens, SymbolInformation } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, ROOT, SERVER, SEED_LINE, tempDir } from '../helpers/paths';
import type { Location } from 'vscode-languageserver-protocol/node';

interface Session {
  proc: ChildProcessWithoutNullStreams;
  conn: ProtocolConnection;
  diagnostics: Map<string, PublishDiagnosticsParams[]>;
  waiters: ((p: PublishDiagnosticsParams) => void)[];
  settings: Record<string, unknown>;
}

const sessions: Session[] = [];
after(async () => {
  for (const s of sessions) {
    try {
      await s.conn.sendRequest(ShutdownRequest.type);
      await s.conn.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    s.conn.dispose();
    s.proc.kill();
  }
});

async function start(settings: Record<string, unknown> = {}, configurationCapability = true, root = EXAMPLES): Promise<Session> {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const s: Session = { proc, conn, diagnostics: new Map(), waiters: [], settings };
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const list = s.diagnostics.get(p.uri) ?? [];
    list.push(p);
    s.diagnostics.set(p.uri, list);
    for (const w of s.waiters.splice(0)) w(p);
  });
  conn.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section === 'cucmLens' ? s.settings : null)));
  conn.listen();
  sessions.push(s);
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: root ? pathToFileURL(root).href : null, workspaceFolders: null,
    capabilities: {
      workspace: { configuration: configurationCapability },
      textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, inlayHint: {}, documentSymbol: { hierarchicalDocumentSymbolSupport: true } },
    },
  });
  assert.ok(init.capabilities.hoverProvider);
  assert.ok(init.capabilities.inlayHintProvider);
  await conn.sendNotification(InitializedNotification.type, {});
  return s;
}

function waitDiagnostics(s: Session, uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
  const have = (s.diagnostics.get(uri) ?? []).find(pred);
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within 10 s`)), 10000);
    const w = (p: PublishDiagnosticsParams): void => {
      if (p.uri === uri && pred(p)) {
        clearTimeout(timer);
        resolve(p);
      } else s.waiters.push(w);
    };
    s.waiters.push(w);
  });
}

async function open(s: Session, file: string, languageId = 'cucm-syslog', text?: string): Promise<string> {
  const uri = pathToFileURL(file).href;
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId, version: 1, text: text ?? fs.readFileSync(file, 'utf8') },
  });
  return uri;
}

const SEED = path.join(EXAMPLES, 'seed-200410', 'cucm-syslog.txt');
const CASE2 = path.join(EXAMPLES, 'case2-port-security', 'cucm-syslog.txt');

test('opening the seed syslog publishes the decoded unregistration', async () => {
  const s = await start();
  const uri = await open(s, SEED);
  const d = await waitDiagnostics(s, uri);
  assert.equal(d.diagnostics.length, 1);
  const diag = d.diagnostics[0]!;
  assert.equal(diag.code, 'alarm.endpoint-unregistered');
  assert.equal(diag.severity, 1);
  assert.equal(diag.source, 'CUCM Lens');
  assert.match(diag.message as string, /Reason 13 KeepAliveTimeout/);
  const col = SEED_LINE.indexOf('EndPointUnregistered');
  assert.deepEqual(diag.range, { start: { line: 0, character: col }, end: { line: 0, character: col + 'EndPointUnregistered'.length } });

  const hoverAt = async (needle: string, delta = 0): Promise<string> => {
    const h = (await s.conn.sendRequest(HoverRequest.type, {
      textDocument: { uri }, position: { line: 0, character: SEED_LINE.indexOf(needle) + delta },
    })) as Hover | null;
    assert.ok(h, `hover at ${needle}`);
    return (h.contents as MarkupContent).value;
  };
  assert.match(await hoverAt('Reason=13', 7), /\*\*Reason 13 — KeepAliveTimeout\*\*[\s\S]*What to check/);
  assert.match(await hoverAt('DeviceType=592', 11), /DeviceType 592 — Cisco 3905/);
  assert.match(await hoverAt('LastSignalReceived='), /primary-line refresh REGISTER/);
  assert.match(await hoverAt('IPAddrAttributes=0'), /unknown .*unverified/);
  assert.match(await hoverAt('Protocol=SIP', 10), /115 s/);
  assert.match(await hoverAt('EndPointUnregistered', 3), /\*\*EndPointUnregistered\*\*[\s\S]*lowered to Informational[\s\S]*Logged here at 3 Error/);
  assert.match(await hoverAt('DeviceName=SEP', 12), /SEPE0D1730A8137[\s\S]*1 unregistration/);
  const none = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 2 } });
  assert.equal(none, null, 'no hover on the receiver prefix');

  const hints = (await s.conn.sendRequest(InlayHintRequest.type, {
    textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
  })) as InlayHint[];
  assert.deepEqual(hints.map((h) => h.label as string), ['Cisco 3905', 'KeepAliveTimeout']);
  const reasonEnd = SEED_LINE.indexOf('Reason=13') + 'Reason=13'.length;
  assert.deepEqual(hints[1]!.position, { line: 0, character: reasonEnd });
});

test('symbols list devices with their alarms; folding, and flapping diagnostics with related evidence', async () => {
  const s = await start();
  const uri = await open(s, CASE2);
  const d = await waitDiagnostics(s, uri);
  const flaps = d.diagnostics.filter((x) => x.code === 'alarm.flapping');
  assert.equal(flaps.length, 2);
  assert.match(flaps[0]!.message as string, /every ~16 min/);
  assert.ok(flaps[0]!.relatedInformation!.length >= 6);
  assert.equal(flaps[0]!.relatedInformation![0]!.location.uri, uri);
  const unknown = d.diagnostics.find((x) => x.code === 'alarm.unknown-name');
  assert.ok(unknown, 'unknown alarm names are reported as input problems');

  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  const names = symbols.map((x) => x.name);
  assert.deepEqual(names.slice(0, 2).sort(), ['SEP0024142DDF24', 'SEP1C1D862F7A31']);
  const lobby = symbols.find((x) => x.name === 'SEP0024142DDF24')!;
  assert.equal(lobby.children!.length, 28);
  assert.match(lobby.detail!, /10\.106\.114\.185 · Cisco 8961 · SIP · 14 unregistrations/);
  assert.match(lobby.children![0]!.name, /EndPointUnregistered · Reason 13 KeepAliveTimeout/);
  const folds = await s.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
  assert.ok(Array.isArray(folds));
});

test('settings are pulled per document: inlay hints off, a lower diagnostics cap', async () => {
  const s = await start({ inlayHints: { enabled: false }, maxDiagnosticsPerFile: 10 });
  const uri = await open(s, CASE2);
  const d = await waitDiagnostics(s, uri);
  const shown = d.diagnostics.filter((x) => x.source === 'CUCM Lens' && x.code !== 'lens.truncated');
  assert.equal(shown.length, 10);
  assert.ok(shown.every((x) => x.severity === 1), 'errors are kept first');
  assert.match(d.diagnostics.find((x) => x.code === 'lens.truncated')!.message as string, /more findings are not shown/);
  const hints = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
  assert.deepEqual(hints, []);
  // a configuration change re-analyses open documents
  s.settings = {};
  await s.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { cucmLens: {} } });
  const again = await waitDiagnostics(s, uri, (p) => !p.diagnostics.some((x) => x.code === 'lens.truncated'));
  assert.ok(again.diagnostics.length > 10);
});

test('edits re-analyse the new version; bad documents give problems, not crashes', async () => {
  const s = await start({}, false);
  const uri = await open(s, path.join(EXAMPLES, 'edited.cucm-syslog'), 'cucm-syslog', 'nothing here\n');
  const first = await waitDiagnostics(s, uri);
  assert.equal(first.diagnostics.filter((x) => x.source === 'CUCM Lens').length, 0);
  await s.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 }, contentChanges: [{ text: SEED_LINE + '\n' }],
  });
  const second = await waitDiagnostics(s, uri, (p) => p.version === 2);
  assert.equal(second.diagnostics[0]!.code, 'alarm.endpoint-unregistered');

  const binUri = await open(s, path.join(EXAMPLES, 'binary.cucm-syslog'), 'cucm-syslog', '\u0000\u0001\u0002\u0003garbage\u0000'.repeat(200));
  const bin = await waitDiagnostics(s, binUri);
  assert.equal(bin.diagnostics[0]!.code, 'input.binary');

  const longUri = await open(s, path.join(EXAMPLES, 'long.cucm-syslog'), 'cucm-syslog', 'x'.repeat(1_000_000) + '\n' + SEED_LINE);
  const long = await waitDiagnostics(s, longUri);
  assert.deepEqual(long.diagnostics.map((x) => x.code).sort(), ['alarm.endpoint-unregistered', 'input.long-line']);
  const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri: longUri }, position: { line: 0, character: 500_000 } });
  assert.equal(hover, null);

  const traceUri = await open(s, path.join(EXAMPLES, 'alarm-forms', 'SDL002_100_000417.txt'), 'cucm-trace');
  const trace = await waitDiagnostics(s, traceUri);
  assert.deepEqual(trace.diagnostics.filter((x) => x.source === 'CUCM Lens').map((x) => x.code).sort(), ['alarm.connection-failure', 'alarm.endpoint-unregistered']);
  const folds = (await s.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: traceUri } })) as unknown[];
  assert.ok(Array.isArray(folds));
});

test('a binary capture is shown as a decoded view: diagnostics on its lines, hovers with the message details', async () => {
  const s = await start();
  const file = path.join(ROOT, 'test', 'fixtures', 'captures', 'sip-tcp-lossy-cucm.pcap');
  const viewUri = 'cucm-capture:' + pathToFileURL(file).pathname + '.txt';
  const r = (await s.conn.sendRequest('cucmLens/captureView', { uri: pathToFileURL(file).href, view: viewUri })) as { text: string; frames: number; shown: number };
  const lines = r.text.split('\n');
  assert.equal(lines[0], 'No.\tTime\tSource\tDestination\tProtocol\tSequence Number\tAcknowledgement Number\tInfo');
  assert.ok(r.shown > 10 && r.shown < r.frames, `${r.shown} of ${r.frames} frames shown`);
  assert.match(lines[lines.length - 2]!, /frames shown/);
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: viewUri, languageId: 'capture-export', version: 1, text: r.text } });
  const d = await waitDiagnostics(s, viewUri);
  const retrans = d.diagnostics.filter((x) => x.code === 'tcp.retransmission');
  assert.ok(retrans.length > 0);
  for (const x of retrans) assert.match(lines[x.range.start.line]!, /\[TCP Retransmission\]/, 'the diagnostic sits on the frame it is about');
  const regLine = lines.findIndex((l) => /\tRequest: REGISTER /.test(l));
  const h = (await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri: viewUri }, position: { line: regLine, character: 2 } })) as Hover;
  const text = (h.contents as MarkupContent).value;
  assert.match(text, /Request: REGISTER/);
  assert.match(text, /Call-ID/);
  assert.match(text, /Frame \d+ · /);
});

test('keepalive flows in the editor: an inlay hint per REGISTER, the flow in the hover, a code lens per flow', async () => {
  const s = await start();
  const file = path.join(ROOT, 'test', 'fixtures', 'captures', 'sip-tcp-clean.pcap');
  const viewUri = 'cucm-capture:' + pathToFileURL(file).pathname + '.txt';
  const r = (await s.conn.sendRequest('cucmLens/captureView', { uri: pathToFileURL(file).href, view: viewUri })) as { text: string };
  const lines = r.text.split('\n');
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: viewUri, languageId: 'capture-export', version: 1, text: r.text } });
  await waitDiagnostics(s, viewUri);
  const hints = (await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: viewUri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } })) as InlayHint[];
  const ka = hints.filter((h) => /200 OK in \d+ ms/.test(h.label as string));
  const registers = lines.filter((l) => /\tRequest: REGISTER /.test(l)).length;
  assert.equal(ka.length, registers, JSON.stringify(hints.map((h) => h.label)));
  for (const h of ka) assert.match(lines[h.position.line]!, /Request: REGISTER/);
  // refreshes after the first say how long after the previous 200 OK they came (kamailio grants 20 s; SIPp refreshes at 15 s)
  assert.ok(ka.some((h) => /^\+1[45]\.\d s · 200 OK in \d+ ms$/.test(h.label as string)), JSON.stringify(ka.map((h) => h.label)));
  const regLine = lines.findIndex((l) => /\tRequest: REGISTER /.test(l));
  const h = (await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri: viewUri }, position: { line: regLine, character: 2 } })) as Hover;
  const text = (h.contents as MarkupContent).value;
  assert.match(text, /\*\*Flow .* → 10\.106\.114\.20\*\* \(SIP over TCP\)/);
  assert.match(text, /negotiated Expires 20 s/);
  assert.match(text, /answer p50 /);
  const lenses = (await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: viewUri } })) as CodeLens[];
  assert.ok(lenses.length >= 1);
  for (const l of lenses) assert.match(l.command!.title, /→ 10\.106\.114\.20: \d+ refreshes/);
  // the outline of a capture: flows and their keepalives
  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: viewUri } })) as DocumentSymbol[];
  assert.equal(symbols.length, lenses.length);
  for (const sym of symbols) {
    assert.match(sym.name, /→ 10\.106\.114\.20$/);
    assert.ok(sym.children!.length >= 3);
    for (const c of sym.children!) assert.match(lines[c.selectionRange.start.line]!, /Request: REGISTER/);
  }
});

test('workspace symbols: device names in the trace files of the folder, with where each first appears', async () => {
  const s = await start();
  const all = (await s.conn.sendRequest(WorkspaceSymbolRequest.type, { query: '' })) as SymbolInformation[];
  const names = all.map((x) => x.name);
  assert.ok(names.includes('SEP00506006EAFE') && names.includes('SEP64167F2A90B3'), JSON.stringify(names));
  const hit = (await s.conn.sendRequest(WorkspaceSymbolRequest.type, { query: '64167f' })) as SymbolInformation[];
  assert.deepEqual(hit.map((x) => x.name), ['SEP64167F2A90B3']);
  const loc = hit[0]!.location;
  assert.match(loc.uri, /SDL002_100_000417\.txt$/);
  const text = fs.readFileSync(new URL(loc.uri), 'utf8').split('\n');
  assert.match(text[loc.range.start.line]!, /SEP64167F2A90B3/);
});

test('a CUCM trace in the editor: flows in the outline beside the alarms, keepalive hints, a fold per record', async () => {
  const s = await start();
  const file = path.join(ROOT, 'test', 'fixtures', 'traces', 'SDL001_100_000042.txt');
  const uri = await open(s, file, 'cucm-trace');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  const flows = symbols.filter((x) => / → CUCM node 001$/.test(x.name));
  assert.ok(flows.some((x) => /^SEP00C1B2A3D4E5 2001 → /.test(x.name)), JSON.stringify(symbols.map((x) => x.name)));
  const sip = flows.find((x) => /2001 →/.test(x.name))!;
  for (const c of sip.children!) assert.match(lines[c.selectionRange.start.line]!, /Incoming SIP (TCP|UDP) message/);
  const hints = (await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } })) as InlayHint[];
  assert.ok(hints.some((h) => /200 OK in \d+ ms/.test(h.label as string)), JSON.stringify(hints.slice(0, 5).map((h) => h.label)));
  const folds = (await s.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) as { startLine: number; endLine: number }[];
  const regLine = lines.findIndex((l) => /Incoming SIP TCP message/.test(l));
  assert.ok(folds.some((f) => f.startLine === regLine && f.endLine > regLine + 3), 'the traced SIP message folds under its record');
});

test('a trace set in the editor: the open file with its neighbours streamed from disk — a flow across files, a message cut at a file end joined, the buffer not the disk', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-lsp-set-'));
  try {
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const tod = (ms: number): string => `${pad(Math.floor(ms / 3600e3) % 24, 2)}:${pad(Math.floor(ms / 60e3) % 60, 2)}:${pad(Math.floor(ms / 1e3) % 60, 2)}.${pad(ms % 1000, 3)}`;
    let seq = 1000;
    const header = (t: number, incoming: boolean): string => `${pad(seq++, 8)}.001 |${tod(t)} |AppInfo  |` + (incoming
      ? 'SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from 10.2.2.2 on port 5060 index 7 with 200 bytes:'
      : 'SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to 10.2.2.2 on port 5060 index 7') + `\n[${seq},NET]\n`;
    const reg = (cseq: number): string[] => ['REGISTER sip:10.1.1.1 SIP/2.0', 'To: <sip:1001@10.1.1.1>', 'Call-ID: c1@10.2.2.2', `CSeq: ${cseq} REGISTER`,
      'Contact: <sip:1001@10.2.2.2:5060>;+u.sip!devicename.ccm.cisco.com="SEP001122334455"', 'Expires: 3600', 'Content-Length: 0', ''];
    const ok = (cseq: number): string => ['SIP/2.0 200 OK', 'To: <sip:1001@10.1.1.1>;tag=1', 'Call-ID: c1@10.2.2.2', `CSeq: ${cseq} REGISTER`, 'Expires: 120', 'Content-Length: 0', ''].join('\n') + '\n';
    const t0 = 8 * 3600e3;
    // file 1: two refreshes, then a REGISTER cut after two of its lines (RTMT rolled over); file 2: the rest of it on top, its answer, one more
    const cut = reg(3);
    fs.writeFileSync(path.join(dir, 'SDL001_100_000001.txt'), header(t0, true) + reg(1).join('\n') + '\n' + header(t0 + 5, false) + ok(1) +
      header(t0 + 115_005, true) + reg(2).join('\n') + '\n' + header(t0 + 115_010, false) + ok(2) + header(t0 + 230_010, true) + cut.slice(0, 2).join('\n') + '\n');
    const file2 = path.join(dir, 'SDL001_100_000002.txt');
    fs.writeFileSync(file2, cut.slice(2).join('\n') + '\n' + header(t0 + 230_015, false) + ok(3) + header(t0 + 345_015, true) + reg(4).join('\n') + '\n' + header(t0 + 345_020, false) + ok(4));
    const s = await start({}, true, dir);
    // file 2 open: its first refresh is timed from the 200 OK in file 1 (read from disk beside it)
    const uri2 = await open(s, file2, 'cucm-trace');
    await waitDiagnostics(s, uri2);
    const lines2 = fs.readFileSync(file2, 'utf8').split('\n');
    const hints2 = (await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: uri2 }, range: { start: { line: 0, character: 0 }, end: { line: lines2.length, character: 0 } } })) as InlayHint[];
    assert.ok(hints2.some((h) => /^\+115\.0 s · 200 OK in 5 ms$/.test(h.label as string)), JSON.stringify(hints2.map((h) => h.label)));
    // file 1 open: the message cut at its end is completed from the top of file 2 (no cut-message problem), and is a flow's refresh
    const file1 = path.join(dir, 'SDL001_100_000001.txt');
    const uri1 = await open(s, file1, 'cucm-trace');
    const d1 = await waitDiagnostics(s, uri1);
    assert.deepEqual(d1.diagnostics.filter((d) => d.code === 'trace.cut-message'), [], JSON.stringify(d1.diagnostics));
    const lines1 = fs.readFileSync(file1, 'utf8').split('\n');
    const hints1 = (await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: uri1 }, range: { start: { line: 0, character: 0 }, end: { line: lines1.length, character: 0 } } })) as InlayHint[];
    const lastHeader = lines1.map((l, i) => (/Incoming SIP TCP/.test(l) ? i : -1)).filter((i) => i >= 0).pop()!;
    assert.ok(hints1.some((h) => h.position.line === lastHeader && /200 OK in 5 ms/.test(h.label as string)), JSON.stringify(hints1.map((h) => [h.position.line, h.label])));
    // the open buffer, not the disk: an edit that removes file 1's cut message is what is analysed
    const edited = lines1.slice(0, lastHeader).join('\n') + '\n';
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri1, version: 2 }, contentChanges: [{ text: edited }] });
    await waitDiagnostics(s, uri1, (p) => p.version === 2);
    const hints1b = (await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: uri1 }, range: { start: { line: 0, character: 0 }, end: { line: lines1.length, character: 0 } } })) as InlayHint[];
    assert.ok(!hints1b.some((h) => h.position.line >= lastHeader), JSON.stringify(hints1b.map((h) => [h.position.line, h.label])));
    assert.equal(hints1b.filter((h) => /200 OK in/.test(h.label as string)).length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cucmLens/ladder: the ladder model of a decoded capture, with lines of its view; code lenses open it per flow', async () => {
  const s = await start();
  const file = path.join(ROOT, 'test', 'fixtures', 'captures', 'sip-tcp-lossy-cucm.pcap');
  const viewUri = 'cucm-capture:' + pathToFileURL(file).pathname + '.txt';
  const r = (await s.conn.sendRequest('cucmLens/captureView', { uri: pathToFileURL(file).href, view: viewUri })) as { text: string };
  const lines = r.text.split('\n');
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: viewUri, languageId: 'capture-export', version: 1, text: r.text } });
  await waitDiagnostics(s, viewUri);
  const m = (await s.conn.sendRequest('cucmLens/ladder', { uri: viewUri })) as {
    sources: { uri: string; name: string }[]; arrows: { label: string; line: number | null; src: number; retrans: number; flow: number }[]; flows: { id: number }[];
  };
  assert.equal(m.sources[0]!.uri, viewUri);
  assert.equal(m.sources[0]!.name, 'sip-tcp-lossy-cucm.pcap');
  assert.ok(m.arrows.length > 50);
  // every arrow points at the view line that shows its frame
  for (const a of m.arrows.filter((x) => x.label === 'REGISTER')) assert.match(lines[a.line! - 1]!, /\tRequest: REGISTER /);
  for (const a of m.arrows.filter((x) => x.retrans > 0)) assert.match(lines[a.line! - 1]!, /\[TCP (Fast |Spurious )?Retransmission\]/);
  const lenses = (await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: viewUri } })) as CodeLens[];
  assert.ok(lenses.length >= 1);
  for (const l of lenses) {
    assert.equal(l.command!.command, 'cucmLens.showLadder');
    assert.equal(l.command!.arguments![0], viewUri);
    assert.ok(m.flows.some((f) => f.id === l.command!.arguments![1]), 'the lens names a flow of the model');
  }
  assert.equal(await s.conn.sendRequest('cucmLens/ladder', { uri: 'file:///not/open.txt' }), null);
  assert.equal(await s.conn.sendRequest('cucmLens/ladder', { uri: 42 }), null);
});

test('a case: the folder\'s captures, trace and syslog together — evidence on the alarm, transit in hovers, go to definition, the merged ladder', async () => {
  // the real blackhole captures and the trace and syslog make-case.mjs wrote around them, in a folder of their own
  const dir = tempDir('cucm-lens-case-');
  const caps = path.join(ROOT, 'test', 'fixtures', 'captures');
  const kase = path.join(ROOT, 'test', 'fixtures', 'case');
  for (const f of ['sip-tcp-blackhole-phone.pcap', 'sip-tcp-blackhole-cucm.pcap']) fs.copyFileSync(path.join(caps, f), path.join(dir, f));
  for (const f of ['SDL001_100_000001.txt', 'cucm-syslog.log']) fs.copyFileSync(path.join(kase, f), path.join(dir, f));
  const expected = JSON.parse(fs.readFileSync(path.join(kase, 'case.expected.json'), 'utf8')) as { lastRegister: { frame: number; retransmissions: number } };
  const day = new Date((JSON.parse(fs.readFileSync(path.join(kase, 'case.expected.json'), 'utf8')) as { lastRegister: { timeMs: number } }).lastRegister.timeMs).toISOString().slice(0, 10);
  const s = await start({ traces: { date: day } }, true, dir);
  const syslog = path.join(dir, 'cucm-syslog.log');
  const uri = await open(s, syslog);
  const d = await waitDiagnostics(s, uri, (p) => p.diagnostics.some((x) => /Evidence:/.test(x.message as string)));
  const alarm = d.diagnostics.find((x) => x.code === 'alarm.endpoint-unregistered')!;
  assert.match(alarm.message as string, new RegExp(`last REGISTER .* in sip-tcp-blackhole-phone\\.pcap, ${expected.lastRegister.retransmissions} retransmissions, no response`));
  assert.equal(d.diagnostics.filter((x) => x.code === 'alarm.endpoint-unregistered').length, 1, 'the linked finding replaces the plain one');
  const phoneView = 'cucm-capture:' + pathToFileURL(path.join(dir, 'sip-tcp-blackhole-phone.pcap')).pathname + '.txt';
  const rel = alarm.relatedInformation!.find((r) => r.location.uri === phoneView);
  assert.ok(rel, `related location in the phone capture's view: ${JSON.stringify(alarm.relatedInformation)}`);
  const view = (await s.conn.sendRequest('cucmLens/captureView', { uri: pathToFileURL(path.join(dir, 'sip-tcp-blackhole-phone.pcap')).href, view: phoneView })) as { text: string };
  const viewLines = view.text.split('\n');
  assert.equal(viewLines[rel.location.range.start.line]!.split('\t')[0], String(expected.lastRegister.frame), 'the related line shows the REGISTER tshark found');

  // hover on the alarm name carries the evidence; go to definition opens the last REGISTER
  const line = fs.readFileSync(syslog, 'utf8').split('\n')[0]!;
  const pos = { line: 0, character: line.indexOf('EndPointUnregistered') + 2 };
  const h = (await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos })) as Hover;
  assert.match((h.contents as MarkupContent).value, /\*\*Evidence: last REGISTER[\s\S]*sip-tcp-blackhole-phone\.pcap frame \d+, line \d+/);
  const defs = (await s.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: pos })) as Location[];
  assert.ok(defs.some((x) => x.uri === phoneView && x.range.start.line === rel.location.range.start.line), JSON.stringify(defs));

  // the phone capture: copies never received flagged in this file too; a delivered copy's hover gives the transit
  await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: phoneView, languageId: 'capture-export', version: 1, text: view.text } });
  const pd = await waitDiagnostics(s, phoneView, (p) => p.diagnostics.some((x) => x.code === 'capture.not-received'));
  const lost = pd.diagnostics.filter((x) => x.code === 'capture.not-received');
  assert.ok(lost.some((x) => viewLines[x.range.start.line]!.startsWith(`${expected.lastRegister.frame}\t`)), 'the lost REGISTER is flagged on its line');
  assert.ok(lost[0]!.relatedInformation!.length === 0 || lost[0]!.relatedInformation!.every((r) => r.location.uri.startsWith('cucm-capture:')));
  const firstReg = viewLines.findIndex((l) => /\tRequest: REGISTER /.test(l));
  const ph = (await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri: phoneView }, position: { line: firstReg, character: 1 } })) as Hover;
  assert.match((ph.contents as MarkupContent).value, /Seen at the other capture point[\s\S]*arrived at sip-tcp-blackhole-cucm\.pcap frame \d+ after (about 0|[\d.]+) ms \(one-way transit\)/);
  const other = (await s.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: phoneView }, position: { line: firstReg, character: 1 } })) as Location[];
  assert.equal(other.length, 1);
  assert.match(other[0]!.uri, /sip-tcp-blackhole-cucm\.pcap\.txt$/);

  // the case as the "Show Case" command sees it: clocks and how each was found
  const info = (await s.conn.sendRequest('cucmLens/case', { uri })) as { files: { path: string; basis: string; offsetMs: number }[]; summary: string };
  assert.equal(info.files.length, 4);
  assert.equal(info.files.find((f) => f.path.endsWith('SDL001_100_000001.txt'))!.basis, 'reference');
  for (const f of info.files.filter((x) => x.path.endsWith('.pcap'))) assert.ok(Math.abs(f.offsetMs - 2750) <= 2, `${f.path} ${f.offsetMs}`);
  assert.match(info.summary, /4 files on one clock; \d+ copies sent but never received; 2 unregistration alarms linked/);

  // a manual offset from the client moves that file's clock; the merged ladder has every file
  await s.conn.sendNotification('cucmLens/caseConfig', { added: [], removed: [], offsets: { [path.join(dir, 'cucm-syslog.log')]: 60_000 } });
  const info2 = (await s.conn.sendRequest('cucmLens/case', { uri })) as { files: { path: string; basis: string; offsetMs: number; manual: boolean }[] };
  const sl = info2.files.find((f) => f.path.endsWith('cucm-syslog.log'))!;
  assert.deepEqual([sl.basis, sl.offsetMs, sl.manual], ['manual', 60_000, true]);
  const ladder = (await s.conn.sendRequest('cucmLens/ladder', { uri, merged: true })) as { sources: { name: string }[]; arrows: unknown[]; title: string } | null;
  assert.ok(ladder);
  assert.equal(ladder.sources.length, 4);
  assert.match(ladder.title, /^case /);
  // removing a file and telling the server a file changed: the case is read again
  await s.conn.sendNotification('cucmLens/caseConfig', { added: [], removed: [path.join(dir, 'sip-tcp-blackhole-cucm.pcap')], offsets: {} });
  await s.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(dir, 'SDL001_100_000001.txt')).href, type: 2 }] });
  const info3 = (await s.conn.sendRequest('cucmLens/case', { uri })) as { files: { path: string }[] };
  assert.deepEqual(info3.files.map((f) => path.basename(f.path)).sort(), ['SDL001_100_000001.txt', 'cucm-syslog.log', 'sip-tcp-blackhole-phone.pcap']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('no folder: the open files are the case — two captures open, what one sent and the other never saw is flagged', async () => {
  const s = await start({}, true, '');
  const caps = path.join(ROOT, 'test', 'fixtures', 'captures');
  const views: string[] = [];
  for (const f of ['sip-tcp-blackhole-phone.pcap', 'sip-tcp-blackhole-cucm.pcap']) {
    const file = path.join(caps, f);
    const view = 'cucm-capture:' + pathToFileURL(file).pathname + '.txt';
    const r = (await s.conn.sendRequest('cucmLens/captureView', { uri: pathToFileURL(file).href, view })) as { text: string };
    await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: view, languageId: 'capture-export', version: 1, text: r.text } });
    views.push(view);
  }
  const lost = JSON.parse(fs.readFileSync(path.join(caps, 'sip-tcp-blackhole.lost.json'), 'utf8')) as { lost: { file: string; frame: number }[] };
  const d = await waitDiagnostics(s, views[0]!, (p) => p.diagnostics.some((x) => x.code === 'capture.not-received'));
  const sent = d.diagnostics.filter((x) => x.code === 'capture.not-received' && /^Sent but never received/.test(x.message as string));
  assert.equal(sent.length, lost.lost.filter((x) => x.file.includes('phone')).length, 'every copy tshark shows lost, once');
  const info = (await s.conn.sendRequest('cucmLens/case', { uri: views[1] })) as { name: string; files: unknown[] };
  assert.equal(info.name, 'open files');
  assert.equal(info.files.length, 2);
});
