// Capture reader speed: frames/s, MB/s and peak RSS of the pcap reader (pcap-parser behind our guard) and the pcapng
// reader on a generated ~200 MB capture of SIP-over-TCP-sized packets, with pcap-parser alone and a plain Buffer
// loop as baselines.
//
// Run (needs the compiled out/ tree):   npx tsc -p tsconfig.json && node bench/capture-readers.mjs
// Options (environment): BENCH_CAPTURE_MB=200 (size), BENCH_CAPTURE_RUNS=3 (best of), BENCH_CAPTURE_DIR=/tmp,
//   BENCH_CAPTURE_PACKETS=sip (REGISTER-sized frames of 554-1354 bytes and ACKs of 66: ~670 bytes on average) or rtp
//   (every frame 214 bytes, G.711 RTP-sized: shows the per-frame cost).
// The captures are written once to BENCH_CAPTURE_DIR (cucm-lens-bench-<kind>-<MB>mb.pcap / .pcapng) and reused.
// Each measurement runs in a fresh child process so that its peak RSS (maxRSS) is its own.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captureHeader, captureRecord } from './capture-format.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const MB = 1e6;
const CHUNK = 1 << 20;

// ---- child: one measurement -------------------------------------------------------------------------------------------
if (process.argv[2] === '--child') {
  const [, , , mode, file] = process.argv;
  const fs = require('node:fs');
  const t0 = process.hrtime.bigint();
  let frames = 0;
  let payload = 0;
  const done = (bytes, problems = []) => {
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    process.stdout.write(JSON.stringify({ mode, frames, payload, bytes, s, maxRssKb: process.resourceUsage().maxRSS, problems }) + '\n');
  };
  if (mode === 'readCapture') {
    const { readCapture } = require(join(root, 'out/server/src/sources/capture-reader.js'));
    const { ProblemSink } = require(join(root, 'out/server/src/sources/text.js'));
    const sink = new ProblemSink();
    readCapture(fs.createReadStream(file, { highWaterMark: CHUNK }), (f) => {
      frames++;
      payload += f.data.length;
    }, sink).then((sum) => done(sum.bytes, sink.list.map((p) => p.code)));
  } else if (mode === 'pcap-parser') {
    // pcap-parser alone, as its README uses it, on 1 MiB reads
    const parser = require('pcap-parser').parse(fs.createReadStream(file, { highWaterMark: CHUNK }));
    parser.on('packet', (p) => {
      frames++;
      payload += p.data.length;
    });
    parser.on('end', () => done(statSync(file).size));
  } else if (mode === 'plain-loop') {
    // the floor: a loop over the record headers of each 1 MiB chunk (little-endian pcap only), no frame objects
    const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
    let carry = Buffer.alloc(0);
    let first = true;
    stream.on('data', (chunk) => {
      let b = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let p = first ? 24 : 0;
      first = false;
      while (p + 16 <= b.length) {
        const incl = b.readUInt32LE(p + 8);
        if (p + 16 + incl > b.length) break;
        frames++;
        payload += incl;
        p += 16 + incl;
      }
      carry = b.subarray(p);
    });
    stream.on('end', () => done(statSync(file).size));
  }
} else {
  await main();
}

// ---- generator --------------------------------------------------------------------------------------------------------
/** SIP-over-TCP-sized Ethernet frames: REGISTERs and 200 OKs of 500-1300 bytes, and bare ACKs of 66 bytes. */
function* packets(kind) {
  const sip = (n) => {
    const text = `REGISTER sip:cucm.example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.1.1.${n & 0xff}:51234;branch=z9hG4bK${n}\r\n` +
      `From: <sip:1000@cucm.example.com>;tag=${n}\r\nTo: <sip:1000@cucm.example.com>\r\nCall-ID: 00112233-${n}@10.1.1.5\r\n` +
      `CSeq: ${n} REGISTER\r\nContact: <sip:1000@10.1.1.5:51234;transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-0011223344>"\r\n` +
      `Expires: 3600\r\nContent-Length: 0\r\n\r\n`;
    return Buffer.from(text.padEnd(500 + ((n * 97) % 800), ' '));
  };
  for (let n = 0; ; n++) {
    const body = kind === 'rtp' ? Buffer.alloc(160) : n % 3 === 2 ? Buffer.alloc(12) : sip(n); // every third packet an ACK
    const f = Buffer.alloc(14 + 20 + 20 + body.length);
    f.writeUInt16BE(0x0800, 12);
    f[14] = 0x45;
    f.writeUInt16BE(20 + 20 + body.length, 16);
    f[22] = 64;
    f[23] = 6;
    f.writeUInt32BE(0x0a010105, 26);
    f.writeUInt32BE(0x0a000001, 30);
    f.writeUInt16BE(51234, 34);
    f.writeUInt16BE(5060, 36);
    f.writeUInt32BE(n * 1000, 38);
    f[46] = 0x50;
    f[47] = 0x18;
    body.copy(f, 54);
    yield { n, tsUs: 1657000000000000 + n * 1000, frame: f };
  }
}

function generate(file, format, bytes, kind) {
  const fd = openSync(file, 'w');
  const out = [];
  let size = 0;
  let pending = 0;
  const push = (b) => {
    out.push(b);
    size += b.length;
    pending += b.length;
    if (pending >= 8 * CHUNK) flush();
  };
  const flush = () => {
    writeSync(fd, Buffer.concat(out));
    out.length = 0;
    pending = 0;
  };
  push(captureHeader(format, 262144, true));
  let count = 0;
  for (const { tsUs, frame } of packets(kind)) {
    if (size >= bytes) break;
    push(captureRecord(format, tsUs, frame, true));
    count++;
  }
  flush();
  closeSync(fd);
  return count;
}

// ---- parent -----------------------------------------------------------------------------------------------------------
async function main() {
  const mb = Number(process.env.BENCH_CAPTURE_MB ?? 200);
  const runs = Number(process.env.BENCH_CAPTURE_RUNS ?? 3);
  const dir = process.env.BENCH_CAPTURE_DIR ?? '/tmp';
  const kind = process.env.BENCH_CAPTURE_PACKETS === 'rtp' ? 'rtp' : 'sip';
  if (!existsSync(join(root, 'out/server/src/sources/capture-reader.js'))) {
    console.error('out/server/src/sources/capture-reader.js is missing: run npx tsc -p tsconfig.json first');
    process.exit(1);
  }
  const files = {};
  for (const format of ['pcap', 'pcapng']) {
    const file = join(dir, `cucm-lens-bench-${kind}-${mb}mb.${format}`);
    if (!existsSync(file) || Math.abs(statSync(file).size - mb * MB) > 2 * CHUNK) {
      const t = Date.now();
      const n = generate(file, format, mb * MB, kind);
      console.log(`generated ${file}: ${(statSync(file).size / MB).toFixed(1)} MB, ${n} packets, ${Date.now() - t} ms`);
    }
    files[format] = file;
  }
  const cases = [
    ['pcap', 'readCapture'],
    ['pcap', 'pcap-parser'],
    ['pcap', 'plain-loop'],
    ['pcapng', 'readCapture'],
  ];
  const rows = [];
  for (const [format, mode] of cases) {
    let best = null;
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, files[format]], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${mode} ${format} failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      if (!best || m.s < best.s) best = { ...m, maxRssKb: Math.max(m.maxRssKb, best?.maxRssKb ?? 0) };
    }
    rows.push({
      format, reader: mode === 'readCapture' ? `readCapture (${format === 'pcap' ? 'guard + pcap-parser' : 'pcapng.ts'})` : mode,
      frames: best.frames, 's': best.s.toFixed(3), 'MB/s': (best.bytes / MB / best.s).toFixed(0),
      'frames/s': Math.round(best.frames / best.s).toLocaleString('en'), 'peak RSS MB': (best.maxRssKb / 1024).toFixed(0),
      problems: best.problems?.join(',') || '',
    });
  }
  console.table(rows);
}
