// Workspace symbols: the device names found in the CUCM trace files of the workspace folders (SEP..., and the names
// in SDL tags `...^10.1.1.5^SEP0011...` and SIP Contacts `devicename...="..."`), each with where it first appears in
// each file. The index is built on the first query, per file, read streamed from disk (gzip too) and bounded: at
// most `MAX_FILES` files and `MAX_BYTES` bytes in all; a file is read again only when its size or mtime changes.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkFiles } from '../sources/walk';
import * as readline from 'node:readline';
import * as zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { SymbolKind } from 'vscode-languageserver';
import type { SymbolInformation } from 'vscode-languageserver';
import { traceSetMember } from '../sources/traceset';

const MAX_FILES = 2000;
const MAX_BYTES = 512e6;
const MAX_DEPTH = 4;
const MAX_RESULTS = 1000;
const DEVICE = /\b(SEP[0-9A-Fa-f]{12}|CSF[A-Za-z0-9_.-]{1,40}|BOT[A-Za-z0-9_.-]{1,40}|TCT[A-Za-z0-9_.-]{1,40}|TAB[A-Za-z0-9_.-]{1,40})\b|\^[0-9.]+\^([A-Za-z0-9_.-]{3,50})\b|devicename\.ccm(?:\.features)?\.cisco\.com="([A-Za-z0-9_.-]+)"/g;

interface FileIndex {
  size: number;
  mtimeMs: number;
  /** device -> first line (0-based) */
  devices: Map<string, number>;
}

export class DeviceIndex {
  private readonly files = new Map<string, FileIndex>();

  /** Trace files under the folders (a few levels deep), in a stable order. */
  private list(folders: readonly string[]): string[] {
    const out: string[] = [];
    for (const f of folders) {
      if (out.length >= MAX_FILES) break;
      out.push(...walkFiles(f, (p) => traceSetMember(p) !== null, { maxDepth: MAX_DEPTH, maxFiles: MAX_FILES - out.length }).files);
    }
    return out;
  }

  private async read(file: string, budget: { bytes: number }): Promise<FileIndex | null> {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return null;
    }
    const old = this.files.get(file);
    if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) return old;
    if (budget.bytes - st.size < 0) return null;
    budget.bytes -= st.size;
    const devices = new Map<string, number>();
    const raw = fs.createReadStream(file);
    const stream = file.toLowerCase().endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    let no = 0;
    try {
      for await (const line of rl) {
        if (line.length <= 65536 && (line.includes('SEP') || line.includes('^') || line.includes('devicename'))) {
          for (const m of line.matchAll(DEVICE)) {
            const name = m[1] ?? m[2] ?? m[3];
            if (name && name !== '*' && !devices.has(name) && devices.size < 100_000) devices.set(name, no);
          }
        }
        no++;
      }
    } catch {
      // a damaged gzip or a read error: what was read is kept
    } finally {
      raw.destroy();
    }
    const idx = { size: st.size, mtimeMs: st.mtimeMs, devices };
    this.files.set(file, idx);
    return idx;
  }

  /** Devices whose name contains `query` (case-insensitive), one symbol per device and file. */
  async query(folders: readonly string[], query: string): Promise<SymbolInformation[]> {
    const q = query.toLowerCase();
    const out: SymbolInformation[] = [];
    const budget = { bytes: MAX_BYTES };
    for (const file of this.list(folders)) {
      const idx = await this.read(file, budget);
      if (!idx) continue;
      for (const [name, line] of idx.devices) {
        if (out.length >= MAX_RESULTS) return out;
        if (q && !name.toLowerCase().includes(q)) continue;
        out.push({
          name, kind: SymbolKind.Object, containerName: path.basename(file),
          location: { uri: pathToFileURL(file).href, range: { start: { line, character: 0 }, end: { line, character: 0 } } },
        });
      }
    }
    return out;
  }
}
