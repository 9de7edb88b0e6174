// The language server in a second, independent LSP client: Neovim's (Debian's neovim, 0.7), headless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES, ROOT, SERVER, SEED_LINE, tempDir } from '../helpers/paths';

test('Neovim gets the diagnostics and the hover of the seed example', { timeout: 90_000 }, () => {
  assert.ok(fs.existsSync('/usr/bin/nvim'), 'neovim is missing: run test/e2e/install.sh');
  const home = tempDir('cucm-lens-nvim-');
  const file = path.join(home, 'cucm-syslog.txt');
  fs.copyFileSync(path.join(EXAMPLES, 'seed-200410', 'cucm-syslog.txt'), file);
  const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${path.join(ROOT, 'test', 'e2e', 'nvim', 'lsp.lua')}`], {
    encoding: 'utf8', timeout: 80_000,
    env: {
      ...process.env, XDG_CACHE_HOME: home, XDG_DATA_HOME: home, XDG_STATE_HOME: home, XDG_CONFIG_HOME: home,
      CUCM_LENS_SERVER: SERVER, CUCM_LENS_FILE: file, CUCM_LENS_REASON_COL: String(SEED_LINE.indexOf('Reason=13') + 7),
    },
  });
  const output = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, output);
  assert.match(r.stdout, /^7 passed, 0 failed$/m, output);
  assert.doesNotMatch(r.stdout, /^not ok/m, output);
  fs.rmSync(home, { recursive: true, force: true });
});
