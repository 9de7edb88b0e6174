// Which reader a file needs, decided by its content (the name only breaks ties).

import type { SourceFormat } from '../model';

export type BinaryKind = 'pcap' | 'pcapng' | 'gzip';

/** Magic numbers of the binary containers we know. */
export function sniffBinary(head: Uint8Array): BinaryKind | null {
  if (head.length < 4) return null;
  const a = head[0]!, b = head[1]!, c = head[2]!, d = head[3]!;
  if (a === 0x1f && b === 0x8b) return 'gzip';
  if (a === 0x0a && b === 0x0d && c === 0x0d && d === 0x0a) return 'pcapng';
  const le = (d << 24 | c << 16 | b << 8 | a) >>> 0;
  const be = (a << 24 | b << 16 | c << 8 | d) >>> 0;
  for (const m of [le, be]) if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) return 'pcap';
  return null;
}

const CISCOLOG = /%[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*-[0-7]-[A-Za-z]\w*(?::|$)/;
const SDL = /^\d{7,8}\.\d{3}\s*\|\d{2}:\d{2}:\d{2}\.\d{3}\s*\|/;
const SDI = /^\d{2}:\d{2}:\d{2}\.\d{3} [A-Z]{2,6}\|/;
const EXPORT_HEADER = /^\s*"?No\."?\s*[\t,]?\s*"?Time"?/;
const TSHARK_SUMMARY = /^\s*\d+\s+[\d.:\- ]+\s+\S+\s+(?:→|->)\s+\S+\s+\S+\s+\d+\s/;
const FIELDS_HEADER = /^"?frame\.number\b/;
const VERBOSE_FRAME = /^Frame \d+: \d+ bytes on wire/;

/** Classifies the first part of a text file. */
export function detectTextFormat(head: string, fileName = ''): SourceFormat {
  if (head.length === 0) return 'empty';
  let syslog = 0, sdl = 0, sdi = 0, exp = 0;
  let lines = 0;
  let start = 0;
  while (start < head.length && lines < 400) {
    let end = head.indexOf('\n', start);
    if (end < 0) end = head.length;
    const line = head.slice(start, Math.min(end, start + 4096));
    start = end + 1;
    lines++;
    if (SDL.test(line)) sdl++;
    else if (SDI.test(line)) sdi++;
    else if (CISCOLOG.test(line)) syslog++;
    else if (EXPORT_HEADER.test(line) || TSHARK_SUMMARY.test(line) || FIELDS_HEADER.test(line) || VERBOSE_FRAME.test(line)) exp++;
  }
  const best = Math.max(syslog, sdl, sdi, exp);
  if (best === 0) {
    if (/^SDL\d{3}_\d{3}_\d{6}\.txt$/i.test(baseName(fileName))) return 'cucm-sdl-trace';
    return 'unknown';
  }
  if (sdl === best) return 'cucm-sdl-trace';
  if (sdi === best) return 'cucm-sdi-trace';
  if (syslog === best) return 'cucm-syslog';
  return 'capture-export';
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
