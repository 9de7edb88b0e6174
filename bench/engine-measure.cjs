// Ingest + analysis only (no report formatting), in a fresh process so its peak RSS is its own. Runs as the CLI's
// `analyze` does: the rules see each message as it is read and the messages are not kept.
// usage: node bench/engine-measure.cjs FILE [--no-rules] [--rules-thread=auto|always|never]   (needs `npm run compile`);
// prints one JSON line.
// --no-rules: reading and decoding alone (what the rules add is the difference).
// --rules-thread: where the network rules run (engine.ts PathOptions.rulesThread; default auto: on a second thread
// from 32 MiB of input on). cpuMs is the process's CPU time, both threads together.
const path = require('node:path');
const out = path.join(__dirname, '..', 'out', 'server', 'src');
const { analyzePaths } = require(path.join(out, 'engine.js'));
const { DEFAULT_SETTINGS } = require(path.join(out, 'settings.js'));
const thread = (process.argv.find((a) => a.startsWith('--rules-thread=')) ?? '--rules-thread=auto').split('=')[1];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
analyzePaths([process.argv[2]], DEFAULT_SETTINGS, { keepMessages: false, rules: !process.argv.includes('--no-rules'), rulesThread: thread }).then((r) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // touch every finding's text once, as any consumer would, so lazy messages are part of the measure
  let chars = 0;
  for (const f of r.findings) chars += f.message.length;
  const msAll = Number(process.hrtime.bigint() - t0) / 1e6;
  const messages = r.sources.reduce((a, s) => a + s.messages, 0);
  const c = process.cpuUsage(c0);
  const cpuMs = Math.round((c.user + c.system) / 1000);
  console.log(JSON.stringify({ ms, msWithMessages: msAll, cpuMs, messages, findings: r.findings.length, chars, maxRssKiB: process.resourceUsage().maxRSS }));
});
