// The ladder webview's page. Pure (no vscode import) so tests can load the very same page in Chromium.
// Content Security Policy: nothing by default; scripts only with this page's nonce; styles and fonts only from the
// extension's own files.

import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface LadderPage {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function ladderHtml(p: LadderPage): string {
  const csp = `default-src 'none'; style-src ${p.cspSource}; font-src ${p.cspSource}; img-src ${p.cspSource} data:; script-src 'nonce-${p.nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>CUCM Lens ladder</title>
</head>
<body>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
