// Cases in the editor: the files that belong together (a capture at the phone, one at the CUCM, CUCM traces,
// syslog) are analysed as one by the server, by default a workspace folder's files. Here the user adds and removes
// files and sets manual clock offsets; the result is kept in the workspace state and sent whole to the server
// (`cucmLens/caseConfig`) whenever it changes and each time the server (re)starts. `cucmLens/case` tells which case a
// document belongs to, with its files and how their clocks were aligned. The pure parts are in caseConfig.ts.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CAPTURE_SCHEME } from './captureView';
import {
  EMPTY_CASE_CONFIG, OFFSET_EXAMPLES, addPaths, basisLabel, describeCaseFile, formatOffset, normaliseCaseConfig,
  parseOffset, readCaseInfo, removePaths, sameCaseConfig, setOffset,
} from '../../server/src/caseConfig';
import type { CaseConfig, CaseFile, CaseInfo } from '../../server/src/caseConfig';

export const CASE_CONFIG_NOTIFICATION = 'cucmLens/caseConfig';
export const CASE_REQUEST = 'cucmLens/case';
export const CASE_STATE_KEY = 'cucmLens.case';

/** Extensions offered by the file-open dialog of "Add Files to the Case". */
const DIALOG_FILTERS: Record<string, string[]> = {
  'Captures, traces, logs and exports': ['pcap', 'pcapng', 'cap', 'txt', 'log', 'csv', 'tsv', 'gz', 'cucmlog', 'syslog', 'sdl', 'sdi', 'pcaptxt', 'pcapcsv'],
  'All files': ['*'],
};

interface FileItem extends vscode.QuickPickItem {
  file?: CaseFile;
}

export class CaseCommands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  register(): void {
    this.context.subscriptions.push(
      vscode.commands.registerCommand('cucmLens.addToCase', (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.add(uri, uris)),
      vscode.commands.registerCommand('cucmLens.removeFromCase', (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.remove(uri, uris)),
      vscode.commands.registerCommand('cucmLens.setClockOffset', (uri?: vscode.Uri) => this.setClockOffset(uri)),
      vscode.commands.registerCommand('cucmLens.showCase', (uri?: vscode.Uri) => this.showCase(uri)),
    );
  }

  /** Sends the config each time the client reaches Running: the first start, restarts, restarts after a crash. */
  attach(client: LanguageClient): void {
    this.context.subscriptions.push(client.onDidChangeState((e) => {
      if (e.newState === State.Running) void this.send();
    }));
  }

  /** The stored config, normalised (whatever an older version or a hand-edited state left there). */
  config(): CaseConfig {
    return normaliseCaseConfig(this.context.workspaceState.get<unknown>(CASE_STATE_KEY, EMPTY_CASE_CONFIG));
  }

  /** Stores a changed config and sends it; false when nothing changed. */
  private async update(change: (c: CaseConfig) => CaseConfig): Promise<boolean> {
    const before = this.config();
    const after = normaliseCaseConfig(change(before));
    if (sameCaseConfig(before, after)) return false;
    await this.context.workspaceState.update(CASE_STATE_KEY, after);
    await this.send();
    return true;
  }

  /** The whole config to the server (it replaces what the server had). Quiet when the server is not running: it
   * gets the config when it reaches Running. */
  async send(): Promise<void> {
    const client = this.client();
    if (!client || client.state !== State.Running) return;
    const config = this.config();
    try {
      await client.sendNotification(CASE_CONFIG_NOTIFICATION, { added: config.added, removed: config.removed, offsets: config.offsets });
    } catch (e) {
      client.warn(`CUCM Lens: the case configuration could not be sent: ${(e as Error).message}`);
    }
  }

  // ---- commands -------------------------------------------------------------------------------------------------

  private async add(uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<void> {
    let targets = selection(uri, uris);
    if (targets.length === 0) {
      targets = (await vscode.window.showOpenDialog({
        canSelectMany: true, canSelectFiles: true, canSelectFolders: false, openLabel: 'Add to Case',
        title: 'CUCM Lens: Add Files to the Case', filters: DIALOG_FILTERS,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      })) ?? [];
    }
    const paths = fsPaths(targets);
    if (paths.length === 0) return;
    await this.update((c) => addPaths(c, paths));
    vscode.window.setStatusBarMessage(`CUCM Lens: ${count(paths.length, 'file')} in the case`, 5000);
  }

  private async remove(uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<void> {
    let paths = fsPaths(selection(uri, uris));
    if (paths.length === 0) {
      const info = await this.caseOf(undefined);
      if (!info) return;
      const picked = await vscode.window.showQuickPick(fileItems(info), {
        canPickMany: true, title: `CUCM Lens: Remove Files from the Case "${info.name}"`,
        placeHolder: 'Files to take out of the case', matchOnDescription: true,
      });
      paths = (picked ?? []).flatMap((i) => (i.file ? [i.file.path] : []));
    }
    if (paths.length === 0) return;
    await this.update((c) => removePaths(c, paths));
    vscode.window.setStatusBarMessage(`CUCM Lens: ${count(paths.length, 'file')} taken out of the case`, 5000);
  }

  private async setClockOffset(uri?: vscode.Uri): Promise<void> {
    const info = await this.caseOf(uri);
    if (!info) return;
    const wanted = uri ? fsPaths([uri])[0] : undefined;
    let file = wanted ? info.files.find((f) => samePath(f.path, wanted)) : undefined;
    if (!file) {
      const picked = await vscode.window.showQuickPick(fileItems(info), {
        title: `CUCM Lens: Set a Clock Offset in the Case "${info.name}"`,
        placeHolder: 'The file whose clock to correct', matchOnDescription: true, matchOnDetail: true,
      });
      file = picked?.file;
    }
    if (!file) return;
    const name = path.basename(file.path);
    const value = await vscode.window.showInputBox({
      title: `CUCM Lens: Clock Offset of ${name}`,
      prompt: `Added to the times of ${name} to put them on the case's clock: ${OFFSET_EXAMPLES}. Empty: align automatically. `
        + `Now ${formatOffset(file.offsetMs)} (${file.manual ? 'set by hand' : basisLabel(file.basis)}).`,
      placeHolder: 'e.g. -1.5s, +2h, 00:01:30; empty for automatic alignment',
      value: file.manual ? formatOffset(file.offsetMs) : '',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const r = parseOffset(text);
        return r.ok ? undefined : { message: r.message, severity: vscode.InputBoxValidationSeverity.Error };
      },
    });
    if (value === undefined) return;
    const r = parseOffset(value);
    if (!r.ok) return;
    const target = file.path;
    await this.update((c) => setOffset(c, target, r.ms));
    vscode.window.setStatusBarMessage(r.ms === null
      ? `CUCM Lens: ${name} is aligned automatically`
      : `CUCM Lens: ${name} offset ${formatOffset(r.ms)}`, 5000);
  }

  private async showCase(uri?: vscode.Uri): Promise<void> {
    const info = await this.caseOf(uri);
    if (!info) return;
    const items: FileItem[] = fileItems(info);
    if (info.skipped.length > 0) {
      items.push({ label: 'Skipped', kind: vscode.QuickPickItemKind.Separator });
      for (const s of info.skipped) items.push({ label: `$(circle-slash) ${s}` });
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: `CUCM Lens: Case "${info.name}" (${count(info.files.length, 'file')})`,
      placeHolder: info.summary || 'The files of the case', matchOnDescription: true, matchOnDetail: true,
    });
    if (picked?.file) await openCaseFile(picked.file);
  }

  // ---- the case of a document -----------------------------------------------------------------------------------

  /** The case of `uri` (from a menu) or of the active document, from the server; null after telling the user why. */
  private async caseOf(uri: vscode.Uri | undefined): Promise<CaseInfo | null> {
    const target = uri ?? activeUri();
    if (!target) {
      void vscode.window.showInformationMessage('CUCM Lens: open a file of the case (a capture, trace or log) first.');
      return null;
    }
    const client = this.client();
    if (!client || client.state === State.Stopped || client.state === State.StartFailed) {
      void vscode.window.showWarningMessage('CUCM Lens: the language server is not running (CUCM Lens: Restart Language Server).');
      return null;
    }
    let raw: unknown;
    try {
      raw = await client.sendRequest(CASE_REQUEST, { uri: target.toString() });
    } catch (e) {
      void vscode.window.showErrorMessage(`CUCM Lens: the case could not be read: ${(e as Error).message}`);
      return null;
    }
    const info = readCaseInfo(raw);
    if (!info || info.files.length === 0) {
      const enabled = vscode.workspace.getConfiguration('cucmLens', target).get<boolean>('case.enabled', true);
      const base = path.basename(target.path);
      const name = target.scheme === CAPTURE_SCHEME ? base.replace(/\.txt$/, '') : base;
      if (!enabled) {
        const open = 'Open Settings';
        void vscode.window.showInformationMessage('CUCM Lens: cases are turned off (cucmLens.case.enabled).', open).then((a) => {
          if (a === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'cucmLens.case');
        });
      } else {
        void vscode.window.showInformationMessage(`CUCM Lens: ${name} belongs to no case. Add it with "CUCM Lens: Add Files to the Case".`);
      }
      return null;
    }
    return info;
  }
}

/** The URIs a menu handed over: the multi-selection when it includes the clicked file, else the clicked file. */
function selection(uri?: vscode.Uri, uris?: vscode.Uri[]): vscode.Uri[] {
  const all = Array.isArray(uris) ? uris.filter((u) => u instanceof vscode.Uri) : [];
  if (all.length > 0) return all;
  return uri instanceof vscode.Uri ? [uri] : [];
}

/** File-system paths of file URIs; a capture's decoded view stands for its capture file. */
function fsPaths(uris: readonly vscode.Uri[]): string[] {
  const out: string[] = [];
  for (const u of uris) {
    if (u.scheme === 'file') out.push(u.fsPath);
    else if (u.scheme === CAPTURE_SCHEME) out.push(vscode.Uri.file(u.path.replace(/\.txt$/, '')).fsPath);
  }
  return out;
}

/** The document in front: the active text editor's, else the active tab's (a capture before its view opens). */
function activeUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor) return editor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return undefined;
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function fileItems(info: CaseInfo): FileItem[] {
  return info.files.map((f) => ({
    label: path.basename(f.path),
    description: describeCaseFile(f),
    detail: [f.detail, path.dirname(f.path)].filter(Boolean).join(' — '),
    file: f,
  }));
}

/** Opens a file of the case; a capture opens as its decoded view, in the capture-export language. */
async function openCaseFile(file: CaseFile): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(file.uri, true);
  } catch {
    uri = vscode.Uri.file(file.path);
  }
  if (uri.scheme === CAPTURE_SCHEME) {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'capture-export') await vscode.languages.setTextDocumentLanguage(doc, 'capture-export');
    await vscode.window.showTextDocument(doc, { preview: false });
    return;
  }
  await vscode.commands.executeCommand('vscode.open', uri);
}
