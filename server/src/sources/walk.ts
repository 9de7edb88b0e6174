// Files under a folder for the editor's folder-wide features (cases, workspace symbols): sorted, hidden folders and
// node_modules skipped, bounded in depth, in entries looked at and in files taken, so a huge folder costs little.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WalkLimits {
  readonly maxDepth: number;
  /** Files taken at most. */
  readonly maxFiles?: number;
  /** Directory entries looked at at most; `cut` is set when the walk stopped there. */
  readonly maxEntries?: number;
}

export function walkFiles(root: string, accept: (file: string, name: string) => boolean, limits: WalkLimits): { files: string[]; cut: boolean } {
  const files: string[] = [];
  const maxFiles = limits.maxFiles ?? Infinity, maxEntries = limits.maxEntries ?? Infinity;
  let entries = 0;
  let cut = false;
  const visit = (dir: string, depth: number): void => {
    if (depth > limits.maxDepth || files.length >= maxFiles || cut) return;
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      if (files.length >= maxFiles || cut) return;
      if (++entries > maxEntries) {
        cut = true;
        return;
      }
      if (d.name.startsWith('.') || d.name === 'node_modules') continue;
      const p = path.join(dir, d.name);
      if (d.isDirectory()) visit(p, depth + 1);
      else if (d.isFile() && accept(p, d.name)) files.push(p);
    }
  };
  visit(root, 0);
  return { files, cut };
}
