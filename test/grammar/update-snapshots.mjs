#!/usr/bin/env node
// Regenerates the TextMate grammar snapshots (test/grammar/cases/*.snap) after an intended grammar change.
//
//   node test/grammar/update-snapshots.mjs
//
// Review the diff of the .snap files before committing: every changed scope is a visible change for users.
// The grammars themselves are generated: edit syntaxes/src/build-grammars.mjs and run it first; this script refuses
// to snapshot grammar JSON that is out of date with its source.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const casesDir = path.join(here, 'cases');
const config = path.relative(root, path.join(here, 'tmgrammar.config.json'));
const extensions = ['.cucm-syslog', '.cucm-trace', '.capture-export'];

const check = spawnSync(process.execPath, [path.join(root, 'syntaxes', 'src', 'build-grammars.mjs'), '--check'], {
  cwd: root,
  encoding: 'utf8',
});
if (check.status !== 0) {
  process.stderr.write(check.stdout + check.stderr);
  console.error('Grammar JSON is stale: run `node syntaxes/src/build-grammars.mjs` first.');
  process.exit(1);
}

const requireFromRoot = createRequire(path.join(root, 'package.json'));
const pkgPath = requireFromRoot.resolve('vscode-tmgrammar-test/package.json');
const snapBin = path.join(path.dirname(pkgPath), JSON.parse(fs.readFileSync(pkgPath, 'utf8')).bin['vscode-tmgrammar-snap']);

let failed = false;
for (const ext of extensions) {
  const glob = path.relative(root, path.join(casesDir, `*${ext}`)).split(path.sep).join('/');
  const r = spawnSync(process.execPath, [snapBin, '--updateSnapshot', '--config', config, glob], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) failed = true;
}

// Snapshots whose test case was deleted or renamed would otherwise linger unnoticed.
for (const f of fs.readdirSync(casesDir)) {
  if (f.endsWith('.snap') && !fs.existsSync(path.join(casesDir, f.slice(0, -'.snap'.length)))) {
    console.warn(`orphan snapshot (its case file is gone): test/grammar/cases/${f}`);
  }
}
process.exit(failed ? 1 : 0);
