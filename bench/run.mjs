// npm run bench: measures the numbers the issues ask for. Prints a table and writes bench/out/results.json.
//   1. syslog ingest + analysis of a generated 200 MB alarm log (CLI, JSON output to /dev/null): MB/s, peak RSS
//   2. language server: diagnostics for a 20 MB syslog after didOpen, and hover latency (p50/p95) over stdio
// Sizes can be overridden: BENCH_SYSLOG_MB=200 BENCH_LSP_MB=20 npm run bench; BENCH_ONLY=capture,traces runs sections
import { mkdirSync, openSync, closeSync, statSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSyslog } from './gen-syslog.mjs';
import { generateCapture } from './gen-capture.mjs';
import { generateTraceSet } from './gen-trace.mjs';
import { ladderBench } from './ladder.mjs';
import { correlateBench } from './correlate.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const results = {};
// BENCH_ONLY=syslog,capture,traces,lsp,lspTrace,ladder,correlate runs some sections only
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const want = (name) => !only || only.has(name);
const MB = 1e6;

function ensure(file, mb, seed) {
  if (existsSync(file) && Math.abs(statSync(file).size - mb * MB) < MB) return;
  const t = Date.now();
  const r = generateSyslog(file, mb * MB, seed);
  console.log(`generated ${file}: ${(r.bytes / MB).toFixed(1)} MB, ${r.lines} lines in ${Date.now() - t} ms`);
}

// ---- 1. syslog ingest + analysis ------------------------------------------------------------------------------------
function best(runs) {
  return runs.reduce((a, b) => (a.ms < b.ms ? a : b));
}
if (want('syslog')) {
  const mb = Number(process.env.BENCH_SYSLOG_MB ?? 200);
  const file = join(out, `syslog-${mb}mb.log`);
  ensure(file, mb, 7);
  const size = statSync(file).size;
  const engine = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [join(root, 'bench', 'engine-measure.cjs'), file], { encoding: 'utf8' });
    engine.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const e = best(engine);
  const ePeak = Math.max(...engine.map((r) => r.maxRssKiB)) * 1024;
  const cli = {};
  for (const format of ['json', 'text']) {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const devnull = openSync('/dev/null', 'w');
      const r = spawnSync(process.execPath, [join(root, 'bench', 'cli-measure.cjs'), 'analyze', '--format', format, file], { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8' });
      closeSync(devnull);
      runs.push(JSON.parse(r.stderr.trim().split('\n').pop()));
    }
    const b = best(runs);
    const peak = Math.max(...runs.map((r) => r.maxRssKiB)) * 1024;
    cli[format] = { bestMs: Math.round(b.ms), MBps: +(size / MB / (b.ms / 1000)).toFixed(1), peakRssMB: +(peak / MB).toFixed(1), rssOverFile: +(peak / size).toFixed(2) };
  }
  results.syslog = {
    fileMB: +(size / MB).toFixed(1), messages: e.messages, findings: e.findings,
    ingestAndAnalysis: {
      bestMs: Math.round(e.ms), runsMs: engine.map((r) => Math.round(r.ms)), MBps: +(size / MB / (e.ms / 1000)).toFixed(1),
      withMessageTextMs: Math.round(e.msWithMessages), peakRssMB: +(ePeak / MB).toFixed(1), rssOverFile: +(ePeak / size).toFixed(2),
    },
    cliEndToEnd: cli,
    goal: 'ingest + analysis >= 100 MB/s, peak RSS < 2x file size',
  };
}

// ---- 1b. capture ingest + TCP analysis (and tshark on the same file, when installed) ----------------------------------
// The same generated traffic as classic pcap (read through pcap-parser, behind our guard) and as pcapng (our reader).
function captureBench(format) {
  const mb = Number(process.env.BENCH_CAPTURE_MB ?? 200);
  const file = join(out, `capture-${mb}mb.${format}`);
  if (!(existsSync(file) && Math.abs(statSync(file).size - mb * MB) < MB)) {
    const t = Date.now();
    const r = generateCapture(file, mb * MB, 5, format);
    console.log(`generated ${file}: ${(r.bytes / MB).toFixed(1)} MB, ${r.frames} frames, ${r.registers} REGISTERs in ${Date.now() - t} ms`);
  }
  const size = statSync(file).size;
  const measure = (...args) => {
    const list = [];
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, [join(root, 'bench', 'engine-measure.cjs'), file, ...args], { encoding: 'utf8' });
      list.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    return list;
  };
  // as the CLI's analyze runs it: the network rules on a second thread (which also parses the SIP/SCCP messages)
  const runs = measure();
  const e = best(runs);
  const peak = Math.max(...runs.map((r) => r.maxRssKiB)) * 1024;
  // reading and decoding alone (one thread), to report what the rules (TCP, keepalive, ARP) add
  const bare = measure('--no-rules');
  const ingestMs = best(bare).ms;
  // reading alone on two threads as analyze reads (the second thread parses the SIP/SCCP messages and drops them)
  const bare2 = best(measure('--no-rules', '--rules-thread=always'));
  // the rules on the reading thread, for comparison (what they cost in CPU, not only in waiting)
  const single = best(measure('--rules-thread=never'));
  const capture = {
    ingestOnlyMs: Math.round(ingestMs), rulesAddPercent: +((e.ms / ingestMs - 1) * 100).toFixed(1),
    ingestTwoThreadsMs: Math.round(bare2.ms), ingestTwoThreadsCpuMs: bare2.cpuMs, rulesAddPercentTwoThreads: +((e.ms / bare2.ms - 1) * 100).toFixed(1),
    fileMB: +(size / MB).toFixed(1), messages: e.messages, findings: e.findings, bestMs: Math.round(e.ms), runsMs: runs.map((r) => Math.round(r.ms)),
    MBps: +(size / MB / (e.ms / 1000)).toFixed(1), peakRssMB: +(peak / MB).toFixed(1),
    cpuMs: e.cpuMs, ingestOnlyCpuMs: best(bare).cpuMs,
    oneThread: { ms: Math.round(single.ms), cpuMs: single.cpuMs, rulesAddPercent: +((single.ms / ingestMs - 1) * 100).toFixed(1) },
    goal: '>= 200 MB/s, >= 10x tshark -Y tcp.analysis.retransmission, peak RSS < 300 MB; rules add < 20 %',
  };
  const which = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' });
  if (which.status === 0) {
    const t0 = performance.now();
    const t = spawnSync('tshark', ['-r', file, '-Y', 'tcp.analysis.retransmission'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const tsharkMs = performance.now() - t0;
    capture.tsharkMs = Math.round(tsharkMs);
    capture.tsharkRetransmissions = t.stdout.split('\n').filter(Boolean).length;
    capture.ratioVsTshark = +(tsharkMs / e.ms).toFixed(2);
  } else capture.tshark = 'not installed';
  return capture;
}
if (want('capture')) results.capture = captureBench('pcap');
if (want('capture')) results.capturePcapng = captureBench('pcapng');

// ---- 1c. a CUCM SDL trace set (1 GB by default) read as one timeline ---------------------------------------------------
if (want('traces')) {
  const mb = Number(process.env.BENCH_TRACE_MB ?? 1000);
  const dir = join(out, `traces-${mb}mb`);
  const stamp = `${dir}.json`;
  if (!existsSync(stamp)) {
    const t = Date.now();
    const r = generateTraceSet(dir, mb * MB);
    writeFileSync(stamp, JSON.stringify(r));
    console.log(`generated ${dir}: ${r.files} files, ${(r.bytes / MB).toFixed(1)} MB, ${r.registers} REGISTERs in ${Date.now() - t} ms`);
  }
  const info = JSON.parse(readFileSync(stamp, 'utf8'));
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const r = spawnSync(process.execPath, [join(root, 'bench', 'engine-measure.cjs'), dir], { encoding: 'utf8' });
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const e = best(runs);
  results.traceSet = {
    files: info.files, totalMB: +(info.bytes / MB).toFixed(1), messages: e.messages, findings: e.findings, bestMs: Math.round(e.ms),
    MBps: +(info.bytes / MB / (e.ms / 1000)).toFixed(1), peakRssMB: +(Math.max(...runs.map((r) => r.maxRssKiB)) * 1024 / MB).toFixed(1),
    goal: 'trace ingest >= 150 MB/s; 1 GB trace set with peak RSS < 500 MB',
  };
}

// ---- 2. language server ---------------------------------------------------------------------------------------------
async function lspBench(file, languageId, pick) {
  const text = readFileSync(file, 'utf8');
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, PublishDiagnosticsNotification, HoverRequest, ShutdownRequest, ExitNotification } =
    await import(pathToFileURL(join(root, 'node_modules', 'vscode-languageserver-protocol', 'lib', 'node', 'main.js')).href);
  const proc = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const uri = pathToFileURL(file).href;
  let diagnostics = null;
  const got = new Promise((resolve) => conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri === uri) resolve(p);
  }));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  await conn.sendNotification(InitializedNotification.type, {});
  const t0 = performance.now();
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  diagnostics = await got;
  const openMs = performance.now() - t0;
  const targets = pick(text.split('\n'));
  const times = [];
  let answered = 0;
  for (const position of targets) {
    const h0 = performance.now();
    const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    times.push(performance.now() - h0);
    if (h) answered++;
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  conn.dispose();
  proc.kill();
  return {
    fileMB: +(text.length / MB).toFixed(1), diagnosticsAfterOpenMs: Math.round(openMs), diagnostics: diagnostics.diagnostics.length,
    hovers: times.length, hoversAnswered: answered, hoverP50Ms: +q(0.5).toFixed(2), hoverP95Ms: +q(0.95).toFixed(2), hoverMaxMs: +times[times.length - 1].toFixed(2),
  };
}
if (want('lsp')) {
  const mb = Number(process.env.BENCH_LSP_MB ?? 20);
  const file = join(out, `syslog-${mb}mb.log`);
  ensure(file, mb, 11);
  results.lsp = {
    ...(await lspBench(file, 'cucm-syslog', (lines) => {
      // hovers at Reason values, device names and alarm names spread over the file
      const targets = [];
      for (let i = 0; i < lines.length && targets.length < 600; i += Math.max(1, Math.floor(lines.length / 600))) {
        const l = lines[i];
        for (const [needle, into] of [['[Reason=', 8], ['[DeviceName=', 13], ['-EndPointUnregistered:', 4]]) {
          const c = l.indexOf(needle);
          if (c >= 0) targets.push({ line: i, character: c + into });
        }
      }
      return targets;
    })),
    goal: 'diagnostics within 1 s of opening a 20 MB syslog; hover p95 < 10 ms',
  };
}
if (want('lspTrace')) {
  // a 10 MB SDL trace file open in the editor: hovers on the SIP messages' lines and on plain records
  const dir = join(out, 'trace-10mb');
  if (!existsSync(`${dir}.json`)) writeFileSync(`${dir}.json`, JSON.stringify(generateTraceSet(dir, 10e6, 20e6, 9)));
  results.lspTrace = {
    ...(await lspBench(join(dir, 'SDL001_100_000001.txt'), 'cucm-trace', (lines) => {
      // the records that carry a traced SIP message (their hover shows the message and its flow), spread over the file
      const withSip = [];
      lines.forEach((l, i) => {
        if (l.includes('|AppInfo  |SIPTcp - ')) withSip.push(i);
      });
      const step = Math.max(1, Math.floor(withSip.length / 600));
      return withSip.filter((_, k) => k % step === 0).slice(0, 600).map((line) => ({ line, character: 20 }));
    })),
    goal: 'hover p95 < 20 ms in an open 10 MB trace file',
  };
}

// ---- ladder: 100k messages in the webview (headless Chromium), SVG export of 10k ------------------------------------
if (want('ladder')) results.ladder = await ladderBench(root);

// ---- correlation: two 200 MB captures with and without matching ----------------------------------------------------
if (want('correlate')) {
  const capture = join(out, 'capture-200mb.pcap');
  if (existsSync(capture)) results.correlate = await correlateBench(root, capture);
  else console.log('correlate: run the capture section first (it generates bench/out/capture-200mb.pcap)');
}

console.log(JSON.stringify(results, null, 2));
writeFileSync(join(out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, ...results }, null, 2));
