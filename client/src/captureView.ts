// Binary captures in the editor: opening a .pcap/.pcapng/.cap shows, instead of bytes, a read-only decoded text view
// (scheme cucm-capture:) in the capture-export language. The language server reads the capture from disk, streamed,
// and renders the view; this side only asks for it and swaps the editor.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const CAPTURE_SCHEME = 'cucm-capture';
export const CAPTURE_VIEW_REQUEST = 'cucmLens/captureView';

interface CaptureViewResult {
  text: string;
}

/** cucm-capture:/abs/path/file.pcap.txt for a capture file. */
export function viewUriFor(file: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: CAPTURE_SCHEME, path: file.path + '.txt' });
}

function captureOf(view: vscode.Uri): vscode.Uri {
  return vscode.Uri.file(view.path.replace(/\.txt$/, ''));
}

class ContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const client = this.client();
    if (!client) return 'CUCM Lens: the language server is not running.\n';
    const capture = captureOf(uri);
    const r = await client.sendRequest<CaptureViewResult>(CAPTURE_VIEW_REQUEST, { uri: capture.toString(), view: uri.toString() }, token);
    return r.text;
  }
}

/** A read-only custom editor that hands over to the decoded text view. */
class CaptureEditor implements vscode.CustomReadonlyEditorProvider {
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false };
    panel.webview.html = '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\';"></head><body><p>Decoding the capture…</p></body></html>';
    const view = viewUriFor(document.uri);
    const doc = await vscode.workspace.openTextDocument(view);
    await vscode.languages.setTextDocumentLanguage(doc, 'capture-export');
    await vscode.window.showTextDocument(doc, { viewColumn: panel.viewColumn, preview: false });
    panel.dispose();
  }
}

export function registerCaptureView(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(CAPTURE_SCHEME, new ContentProvider(client)),
    vscode.window.registerCustomEditorProvider('cucmLens.capture', new CaptureEditor(), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.commands.registerCommand('cucmLens.openCaptureView', async (uri?: vscode.Uri) => {
      const target = uri ?? (await vscode.window.showOpenDialog({ filters: { Captures: ['pcap', 'pcapng', 'cap'] }, canSelectMany: false }))?.[0];
      if (!target) return;
      const doc = await vscode.workspace.openTextDocument(viewUriFor(target));
      await vscode.languages.setTextDocumentLanguage(doc, 'capture-export');
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
  );
}
