// Runs every compiled test file (out/test/**/*.test.js) with node's test runner. `npm test` builds first.
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
};
walk(join(root, 'out', 'test'));
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (selected.length === 0) {
  console.error('no test files found under out/test (did the build run?)');
  process.exit(1);
}
// spec for people on stdout, TAP to a file so the totals can be printed as one plain closing line.
const tap = join(mkdtempSync(join(tmpdir(), 'cucm-lens-tap-')), 'report.tap');
const r = spawnSync(process.execPath, [
  '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...selected,
], { stdio: 'inherit', cwd: root });
const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (k) => Number((report.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
const failed = count('fail') + count('cancelled');
console.log(`\ntests: ${count('pass')} passed, ${failed} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
process.exit(r.status === 0 && failed === 0 && count('pass') > 0 ? 0 : 1);
