// Extension host side: starts the language server and forwards settings. Only this folder imports 'vscode'.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { CAPTURE_SCHEME, registerCaptureView } from './captureView';
import { CaseCommands } from './caseCommands';
import { LadderPanels } from './ladderPanel';
import { registerLanguageDetection } from './detectLanguage';

const LANGUAGES = ['cucm-syslog', 'cucm-trace', 'capture-export'];
/** Files the server hears about when they change on disk (workspace/didChangeWatchedFiles): a case's files. */
const WATCHED_FILES = '**/*.{pcap,pcapng,cap,txt,log,csv,tsv,gz}';
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const watcher = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
  context.subscriptions.push(watcher);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      { scheme: CAPTURE_SCHEME, language: 'capture-export' },
    ],
    synchronize: { configurationSection: 'cucmLens', fileEvents: watcher },
    outputChannel: output,
  };
  return new LanguageClient('cucmLens', 'CUCM Lens', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('CUCM Lens', { log: true });
  context.subscriptions.push(output);
  client = createClient(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('cucmLens.restartServer', async () => {
      if (client) await client.restart();
    }),
    vscode.commands.registerCommand('cucmLens.showOutput', () => output?.show(true)),
  );
  registerCaptureView(context, () => client);
  new LadderPanels(context, () => client).register();
  const cases = new CaseCommands(context, () => client);
  cases.register();
  cases.attach(client); // sends the case configuration whenever the server reaches Running (start and restarts)
  registerLanguageDetection(context);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
