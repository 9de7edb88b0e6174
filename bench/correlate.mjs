// Issue 8's number: correlating two 200 MB captures adds under 30 % to reading them. The bench capture and a copy of
// it (the worst case: every segment matches), analysed together with and without correlation (best of 2 each). With
// it, the two files are a case: copies matched, one clock (segments, SIP messages, alarms), keepalive records kept for
// the evidence of unregistration alarms; without it, each is only read and analysed. A case runs its rules on the
// reading thread (its clock keys and evidence need the messages there), so the baseline does too (rulesThread
// 'never'); the same reading with the rules thread is reported beside it.
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export async function correlateBench(root, capture) {
  const { analyzePaths } = require(join(root, 'out', 'server', 'src', 'engine.js'));
  const { DEFAULT_SETTINGS } = require(join(root, 'out', 'server', 'src', 'settings.js'));
  const copy = capture.replace(/\.pcap$/, '-copy.pcap');
  if (!existsSync(copy)) copyFileSync(capture, copy);
  const time = async (correlate, rulesThread = 'never') => {
    let best = Infinity, summary = '';
    for (let k = 0; k < 2; k++) {
      const t = performance.now();
      const r = await analyzePaths([capture, copy], DEFAULT_SETTINGS, { keepMessages: false, correlate, rulesThread });
      best = Math.min(best, performance.now() - t);
      summary = r.findings.find((f) => f.rule === 'capture.correlated')?.message ?? summary;
    }
    return { best, summary };
  };
  const off = await time(false);
  const on = await time(true);
  const twoThreads = await time(false, 'auto');
  return {
    files: 2, readingMs: Math.round(off.best), withCorrelationMs: Math.round(on.best), readingWithRulesThreadMs: Math.round(twoThreads.best),
    addedPercent: +(100 * (on.best / off.best - 1)).toFixed(1), summary: on.summary, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    goal: 'correlating two 200 MB captures adds < 30 % to reading them',
  };
}
