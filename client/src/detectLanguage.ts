// Files VS Code opens as Plain Text (a `.txt` whose name matches none of our patterns, where `.txt`'s own association
// wins over our firstLine patterns) are recognised by content, with the server's own detector, and given our
// language: a Wireshark export saved as "phone-capture.txt", a syslog saved as "case.txt". Only the editor's language
// mode changes; the file is not touched. Large documents are judged on their first 64 KiB.

import * as vscode from 'vscode';
import { detectTextFormat } from '../../server/src/sources/detect';

const LANGUAGE: Record<string, string> = {
  'cucm-syslog': 'cucm-syslog',
  'cucm-sdl-trace': 'cucm-trace',
  'cucm-sdi-trace': 'cucm-trace',
  'capture-export': 'capture-export',
};

export function languageByContent(doc: vscode.TextDocument): string | null {
  if (doc.languageId !== 'plaintext' || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) return null;
  const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 400), 0)).slice(0, 65536);
  return LANGUAGE[detectTextFormat(head, doc.uri.path)] ?? null;
}

export function registerLanguageDetection(context: vscode.ExtensionContext): void {
  const check = (doc: vscode.TextDocument): void => {
    const id = languageByContent(doc);
    if (id) void vscode.languages.setTextDocumentLanguage(doc, id);
  };
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  for (const doc of vscode.workspace.textDocuments) check(doc);
}
