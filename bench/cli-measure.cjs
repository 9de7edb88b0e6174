// Runs the bundled CLI in this process so its own peak RSS can be read; report goes to stderr as JSON.
// usage: node bench/cli-measure.cjs analyze --format json FILE > /dev/null
const { main } = require('../dist/cli.js');
const t0 = process.hrtime.bigint();
main(process.argv.slice(2)).then((code) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stderr.write(JSON.stringify({ code, ms, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
});
