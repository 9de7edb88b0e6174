// Bundles the extension host client, the language server and the CLI into dist/.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';

/** pcap-parser grows its buffer with the deprecated `new Buffer(size)`, which makes Node print DEP0005 once per
 * process; the bundle uses the equivalent Buffer.alloc instead (same size, zero-filled). */
const pcapParserNoDeprecatedBuffer = {
  name: 'pcap-parser-buffer-alloc',
  setup(build) {
    build.onLoad({ filter: /pcap-parser[\\/]lib[\\/]pcap-parser\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const patched = source.replace(/new Buffer\(/g, 'Buffer.alloc(');
      if (patched === source) throw new Error('pcap-parser changed: no `new Buffer(` left to replace; check the plugin');
      return { contents: patched, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [pcapParserNoDeprecatedBuffer],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // the rules thread of a large streaming analysis (server/src/analysis/rules-thread.ts), beside cli.js and server.js
  esbuild.build({ ...common, entryPoints: ['server/src/rules-worker.ts'], outfile: 'dist/rules-worker.js' }),
  // the ladder webview: a browser script and its stylesheet (loaded from dist/webview, the only local resource root)
  esbuild.build({
    entryPoints: ['client/webview/ladder.ts'], outfile: 'dist/webview/ladder.js', bundle: true, platform: 'browser',
    format: 'iife', target: 'chrome114', sourcemap: false, minify: true, logLevel: 'warning',
  }),
  esbuild.build({ entryPoints: ['client/webview/ladder.css'], outfile: 'dist/webview/ladder.css', bundle: true, minify: true, logLevel: 'warning' }),
]);
