// Text input plumbing shared by the line-oriented readers: byte decoding with encoding detection (UTF-8 with or
// without BOM, UTF-16 LE/BE with or without BOM, Windows-1252 fallback), binary detection, and a line splitter
// that bounds memory on pathological input (a line of a million characters, a file without newlines).

import { TextDecoder } from 'node:util';
import { isAscii } from 'node:buffer';
import { latin1 } from '../decode/intern';
import type { Problem, Severity } from '../model';

/** Collects problems with a cap, so garbage input cannot produce unbounded lists. */
export class ProblemSink {
  readonly list: Problem[] = [];
  private dropped = 0;
  constructor(private readonly max = 200) {}

  add(code: string, severity: Severity, message: string, line: number | null = null, offset: number | null = null, frame: number | null = null): void {
    if (this.list.length < this.max) this.list.push({ code, severity, message, line, frame, offset });
    else this.dropped++;
  }

  /** The list, with a closing entry saying how many were left out. */
  finish(): Problem[] {
    if (this.dropped > 0) {
      this.list.push({
        code: 'input.too-many-problems', severity: 'information', line: null, frame: null, offset: null,
        message: `${this.dropped} more problems not listed (only the first ${this.max} are kept).`,
      });
      this.dropped = 0;
    }
    return this.list;
  }
}

/** Problems of one kind on many lines, counted and reported once: "<what> on 12 lines (4, 5, 9, ...); <after>". */
export class LineIssues {
  private readonly issues = new Map<string, { code: string; severity: Severity; what: string; after: string; count: number; lines: number[] }>();

  add(code: string, severity: Severity, what: string, line: number, after: string, count = 1): void {
    const key = code + '\u0000' + what;
    const got = this.issues.get(key);
    if (got) {
      got.count += count;
      if (got.lines.length < 5) got.lines.push(line);
    } else this.issues.set(key, { code, severity, what, after, count, lines: [line] });
  }

  /** One problem per kind into `sink` (`skip` leaves some codes out), then forgets them. */
  report(sink: ProblemSink, skip?: (code: string) => boolean): void {
    for (const i of this.issues.values()) {
      if (skip?.(i.code)) continue;
      sink.add(i.code, i.severity, `${i.what} on ${i.count} line${i.count === 1 ? '' : 's'} (${i.lines.join(', ')}${i.count > i.lines.length ? ', ...' : ''}); ${i.after}`, i.lines[0] ?? null);
    }
    this.issues.clear();
  }
}

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** What the first bytes of a file say about its encoding; null when they look binary. */
export function sniffEncoding(head: Uint8Array): { encoding: TextEncodingName; bom: number } | null {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const n = Math.min(head.length, 8192);
  let zeroEven = 0;
  let zeroOdd = 0;
  let control = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) {
      if (i & 1) zeroOdd++;
      else zeroEven++;
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
    else if (b >= 0x80) high++;
  }
  const pairs = n / 2;
  // UTF-16 text of mostly ASCII characters has a zero in every other byte.
  if (pairs >= 2 && zeroOdd > pairs * 0.6 && zeroEven < pairs * 0.1) return { encoding: 'utf-16le', bom: 0 };
  if (pairs >= 2 && zeroEven > pairs * 0.6 && zeroOdd < pairs * 0.1) return { encoding: 'utf-16be', bom: 0 };
  // A few NULs (a syslog daemon's padding after a crash) do not make a file binary; many do.
  if (zeroEven + zeroOdd + control > n * 0.01 + 2) return null;
  if (high > 0 && !isValidUtf8Prefix(head.subarray(0, n))) return { encoding: 'windows-1252', bom: 0 };
  return { encoding: 'utf-8', bom: 0 };
}

function isValidUtf8Prefix(bytes: Uint8Array): boolean {
  // A sequence cut by the end of the sample is fine: drop up to 3 trailing bytes of an unfinished sequence.
  let end = bytes.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = bytes[end - k]!;
    if ((b & 0xc0) === 0xc0) {
      end -= k;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Text that is not text: NULs or replacement characters near the start (a binary file opened in the editor). */
export function looksBinaryText(text: string): boolean {
  const n = Math.min(text.length, 8192);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 0x1b)) bad++;
  }
  return bad > n * 0.01 + 2;
}

/** Streams bytes to text. Detects the encoding from the first bytes; reports a binary file once and then yields
 * nothing more. */
export class ByteDecoder {
  private decoder: TextDecoder | null = null;
  private pending: Uint8Array | null = null;
  binary = false;
  encoding: TextEncodingName | null = null;
  /** The last chunk ended inside a UTF-8 sequence: the decoder holds bytes, so the next chunk must go through it. */
  private midSequence = false;

  constructor(private readonly problems: ProblemSink) {}

  /** True when this chunk is ASCII and its text would be its bytes one for one (the decoder is past the first
   * bytes, not inside a UTF-8 sequence, not reading UTF-16): the caller may then take the bytes instead of `push`. */
  asciiChunk(chunk: Uint8Array): boolean {
    return this.decoder !== null && !this.binary && !this.midSequence && this.encoding !== 'utf-16le' && this.encoding !== 'utf-16be' && isAscii(chunk);
  }

  push(chunk: Uint8Array): string {
    if (this.binary) return '';
    if (!this.decoder) {
      const head = this.pending ? concat(this.pending, chunk) : chunk;
      if (head.length < 64) {
        this.pending = head;
        return '';
      }
      this.pending = null;
      return this.start(head);
    }
    // Pure ASCII decodes the same in every encoding we read as bytes-per-char; Buffer's latin1 path is ~5x faster.
    if (!this.midSequence && this.encoding !== 'utf-16le' && this.encoding !== 'utf-16be' && isAscii(chunk)) {
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    }
    const text = this.decoder.decode(chunk, { stream: true });
    this.midSequence = this.encoding === 'utf-8' ? endsMidSequence(chunk) : false;
    return text;
  }

  end(): string {
    if (this.binary) return '';
    if (!this.decoder) {
      const head = this.pending ?? new Uint8Array(0);
      this.pending = null;
      return head.length ? this.start(head) + (this.decoder ? (this.decoder as TextDecoder).decode() : '') : '';
    }
    return this.decoder.decode();
  }

  private start(head: Uint8Array): string {
    const sniff = sniffEncoding(head);
    if (!sniff) {
      this.binary = true;
      this.problems.add('input.binary', 'error', 'This is a binary file, not a text log, trace or export: it was not read. (Captures must be classic pcap or pcapng.)', null, 0);
      return '';
    }
    this.encoding = sniff.encoding;
    if (sniff.encoding === 'windows-1252') {
      this.problems.add('input.encoding', 'information', 'The file is not valid UTF-8; it was read as Windows-1252.', null, 0);
    } else if (sniff.encoding !== 'utf-8') {
      this.problems.add('input.encoding', 'information', `The file is ${sniff.encoding.toUpperCase()}; it was decoded as such.`, null, 0);
    }
    this.decoder = new TextDecoder(sniff.encoding, { ignoreBOM: false });
    const text = this.decoder.decode(head, { stream: true });
    this.midSequence = sniff.encoding === 'utf-8' ? endsMidSequence(head) : false;
    return text;
  }
}

/** True when the bytes end inside a multi-byte UTF-8 sequence. */
export function endsMidSequence(bytes: Uint8Array): boolean {
  let i = bytes.length - 1;
  let cont = 0;
  while (i >= 0 && cont < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    cont++;
  }
  if (i < 0) return cont > 0;
  const lead = bytes[i]!;
  if (lead < 0xc0) return false;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return cont + 1 < need;
}

const bufferIndexOf = Buffer.prototype.indexOf;
function indexOfByte(buf: Uint8Array, byte: number, from: number): number {
  return bufferIndexOf.call(buf, byte, from) as number;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export type LineHandler = (line: string, lineNo: number) => void;
/** A line as ASCII bytes (`buf` from `start` to `end`, no line end); returns false to have it given as text instead. */
export type AsciiLineHandler = (buf: Uint8Array, start: number, end: number, lineNo: number) => boolean;

/** Splits streamed text into lines (LF, CRLF or lone CR), numbering them from 1. A line longer than
 * `maxLine` characters is cut to its first `maxLine` characters (reported once per line) so memory stays bounded. */
export class LineSplitter {
  private carry = '';
  private lineNo = 0;
  private skipping = false;
  private longLines = 0;
  private crOnly: boolean | null = null;
  private undecided = '';

  constructor(
    private readonly onLine: LineHandler,
    private readonly problems: ProblemSink,
    private readonly maxLine = 65536,
    private readonly onAscii: AsciiLineHandler | null = null,
  ) {}

  /**
   * The same as `push(latin1 text of the bytes)` for a chunk of ASCII bytes, without a string per line: each line is
   * offered to the ASCII handler first, and made into text only when the handler does not take it. Lines that need
   * the text path's care (the one carried over from the previous chunk, a line too long, line ends not yet decided
   * or CR-only) go through `push`.
   */
  pushAscii(buf: Uint8Array): void {
    const handler = this.onAscii;
    if (!handler || this.crOnly !== false || buf.length === 0) {
      this.push(latin1(buf, 0, buf.length));
      return;
    }
    const n = buf.length;
    let start = 0;
    // the line carried over (or being skipped) ends in this chunk: through the text path
    if (this.skipping || this.carry.length) {
      const nl = indexOfByte(buf, 10, 0);
      if (nl < 0) {
        this.push(latin1(buf, 0, n));
        return;
      }
      this.push(latin1(buf, 0, nl + 1));
      start = nl + 1;
    }
    for (;;) {
      const nl = indexOfByte(buf, 10, start);
      if (nl < 0) break;
      let end = nl;
      if (end - start > this.maxLine) {
        this.push(latin1(buf, start, nl + 1));
      } else {
        if (end > start && buf[end - 1] === 13) end--;
        this.lineNo++;
        if (!handler(buf, start, end, this.lineNo)) this.onLine(latin1(buf, start, end), this.lineNo);
      }
      start = nl + 1;
    }
    if (start < n) this.push(latin1(buf, start, n));
  }

  get lines(): number {
    return this.lineNo;
  }

  push(text: string): void {
    if (text.length === 0) return;
    if (this.crOnly === null) {
      // Old Mac line ends (CR alone) are told apart from CRLF by the first line end that can be judged.
      text = this.undecided + text;
      this.undecided = '';
      // Any LF means LF or CRLF line ends (a stray CR inside a line stays part of it). CR-only is decided only after
      // 64 KiB (or the whole input) without a single LF.
      if (text.indexOf('\n') >= 0) this.crOnly = false;
      else if (text.length > this.maxLine) this.crOnly = text.indexOf('\r') >= 0;
      else {
        this.undecided = text;
        return;
      }
    }
    const sep = this.crOnly ? '\r' : '\n';
    let start = 0;
    for (;;) {
      const nl = text.indexOf(sep, start);
      if (nl < 0) break;
      let line: string;
      if (this.skipping) {
        this.skipping = false;
        start = nl + 1;
        continue;
      }
      if (this.carry.length) {
        line = this.carry + text.slice(start, nl);
        this.carry = '';
      } else line = text.slice(start, nl);
      start = nl + 1;
      this.emit(line);
    }
    if (start < text.length) {
      if (this.skipping) return;
      const rest = text.length - start;
      if (this.carry.length + rest > this.maxLine) {
        const keep = this.maxLine - this.carry.length;
        const line = this.carry + text.slice(start, start + keep);
        this.carry = '';
        this.emit(line, true);
        this.skipping = true;
      } else {
        this.carry = this.carry.length ? this.carry + text.slice(start) : text.slice(start);
      }
    }
  }

  end(): void {
    if (this.undecided) {
      this.crOnly = this.undecided.indexOf('\r') >= 0;
      const rest = this.undecided;
      this.undecided = '';
      this.push(rest);
    }
    if (!this.skipping && this.carry.length) this.emit(this.carry);
    this.carry = '';
    this.skipping = false;
    if (this.longLines > 1) {
      this.problems.add('input.long-line', 'information', `${this.longLines} lines were longer than ${this.maxLine} characters and were read only up to that length.`);
    }
  }

  private emit(line: string, cut = false): void {
    this.lineNo++;
    if (line.length > this.maxLine) {
      line = line.slice(0, this.maxLine);
      cut = true;
    }
    if (cut) {
      this.longLines++;
      if (this.longLines === 1) {
        this.problems.add('input.long-line', 'warning', `Line ${this.lineNo} is longer than ${this.maxLine} characters; only its first ${this.maxLine} characters were read.`, this.lineNo);
      }
    }
    if (line.length && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    this.onLine(line, this.lineNo);
  }
}
