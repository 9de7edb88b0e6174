// The engine: files -> sources -> Timeline -> analysis -> Findings. Used by the CLI (streaming from disk) and by the
// language server (open documents). Never throws on bad input: problems are reported per source.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnalysisResult, Message, SourceFormat, SourceInfo } from './model';
import { RuleRunner, runRules, sortTimeline } from './analysis';
import { RulesThread, rulesWorkerFile } from './analysis/rules-thread';
import { AlarmReader } from './sources/syslog';
import { ExportReader } from './sources/exports';
import { CaptureDecoder } from './sources/capture';
import { SegmentLog } from './analysis/segments';
import { correlateCaptures } from './analysis/correlate';
import { ClockKeys, alignClocks, segmentEdges } from './analysis/clock';
import { EvidenceLog, alarmEvidence, withEvidence } from './analysis/evidence';
import { CaptureReader, sniffCapture } from './sources/capture-reader';
import { ByteDecoder, LineSplitter, ProblemSink, looksBinaryText } from './sources/text';
import { detectTextFormat, sniffBinary } from './sources/detect';
import { continuationLines, continuationOf, orderTraceSets, traceSetMember, traceSetReferenceDates } from './sources/traceset';
import { TraceReader } from './sources/trace';
import { latin1 } from './decode/intern';
import type { Settings } from './settings';

const DETECT_CHARS = 64 * 1024;
const READ_CHUNK = 1 << 20;

/** Formats whose lines the alarm reader understands (syslog, and AlarmErr records inside SDL traces). */
function readsAlarms(format: SourceFormat): boolean {
  return format === 'cucm-syslog' || format === 'cucm-sdl-trace' || format === 'cucm-sdi-trace' || format === 'unknown';
}


/** `seq.sub |HH:MM:SS.mmm |Alarm...`: an SDL record of an Alarm type. */
function isAlarmRecord(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  const at = line.indexOf('|Alarm', 12);
  return at >= 0 && at < 40;
}

/** Reads one text source incrementally: detection on the first 64 KiB, then lines to the alarm reader. */
class TextSource {
  readonly info: SourceInfo;
  readonly sink = new ProblemSink();
  private head = '';
  private splitter: LineSplitter | null = null;
  private reader: AlarmReader | null = null;
  private exports: ExportReader | null = null;
  private trace: TraceReader | null = null;

  /** `traceDate`: UTC midnight (ms) of the day of the last record of a time-of-day trace (the cucmLens.traces.date
   * setting), NaN to count back from the file's modification time. */
  constructor(file: string, private readonly index: number, private readonly referenceDate: Date | null, private readonly forced?: SourceFormat,
    private readonly traceDate = NaN) {
    this.info = { file, format: forced ?? 'unknown', messages: 0, problems: [] };
  }

  push(text: string): void {
    if (this.splitter) {
      this.splitter.push(text);
      return;
    }
    this.head += text;
    if (this.head.length >= DETECT_CHARS) this.flushHead();
  }

  /** The same as `push` of the bytes' latin1 text, for a chunk of ASCII bytes (see LineSplitter.pushAscii). */
  pushAscii(chunk: Uint8Array): void {
    if (this.splitter) this.splitter.pushAscii(chunk);
    else this.push(latin1(chunk, 0, chunk.length));
  }

  private flushHead(): void {
    const head = this.head;
    this.head = '';
    if (looksBinaryText(head)) {
      this.info.format = 'binary';
      this.sink.add('input.binary', 'error', 'This looks like binary data, not a text log, trace or export: it was not read.', null, 0);
      this.splitter = new LineSplitter(() => {}, this.sink);
      return;
    }
    this.begin(this.forced ?? detectTextFormat(head, this.info.file));
    this.splitter!.push(head);
  }

  private begin(format: SourceFormat): void {
    this.info.format = format;
    if (format === 'cucm-sdl-trace' || format === 'cucm-sdi-trace') {
      // AlarmErr records to the alarm reader, SIP / SCCP / resets to the trace reader, dated the same way
      const ref = Number.isFinite(this.traceDate) ? new Date(this.traceDate + 86_399_999) : this.referenceDate;
      const alarms = new AlarmReader({ source: this.index, referenceDate: ref }, this.sink);
      const trace = new TraceReader({ source: this.index, referenceDate: ref, node: traceSetMember(this.info.file)?.node }, this.sink);
      this.reader = alarms;
      this.trace = trace;
      const sdl = format === 'cucm-sdl-trace';
      // SDL, read as bytes: the lines of SIP messages (most of a trace) go to the trace reader without a string each,
      // unless they carry a '%' (the alarm reader's too); the next '%' of the chunk is looked up once, not per line
      let pctBuf: Uint8Array | null = null;
      let pctAt = -1;
      const ascii = (buf: Uint8Array, start: number, end: number, no: number): boolean => {
        if (pctBuf !== buf || (pctAt >= 0 && pctAt < start)) {
          pctBuf = buf;
          pctAt = Buffer.prototype.indexOf.call(buf, 37, start) as number;
          if (pctAt < 0) pctAt = Infinity;
        }
        if (pctAt < end) return false;
        return trace.asciiLine(buf, start, end, no);
      };
      this.splitter = new LineSplitter((line, no) => {
        // in an SDL trace alarms are records of type Alarm* (the type column is within the first 40 characters), or
        // syslog-form lines pasted in (`%UC_CALLMANAGER-...`)
        if (!sdl || isAlarmRecord(line) || line.indexOf('%') >= 0) alarms.line(line, no);
        trace.line(line, no);
      }, this.sink, undefined, sdl ? ascii : null);
    } else if (readsAlarms(format)) {
      const reader = new AlarmReader({ source: this.index, referenceDate: this.referenceDate }, this.sink);
      this.reader = reader;
      this.splitter = new LineSplitter((line, no) => reader.line(line, no), this.sink);
    } else if (format === 'capture-export') {
      const reader = new ExportReader({ source: this.index }, this.sink);
      this.exports = reader;
      this.splitter = new LineSplitter((line, no) => reader.line(line, no), this.sink);
    } else {
      this.splitter = new LineSplitter(() => {}, this.sink);
    }
  }

  /** `continuation`: a trace set's next file's lines before its first record (see TraceReader.finish). */
  end(emit: (m: Message) => void, continuation?: readonly string[]): SourceInfo {
    if (!this.splitter) {
      if (this.head.length === 0) {
        this.info.format = 'empty';
        this.sink.add('input.empty', 'information', 'The file is empty.');
        this.info.problems = this.sink.finish();
        return this.info;
      }
      this.flushHead();
    }
    this.splitter!.end();
    if (this.reader && this.trace) {
      // a header above the first record dates the file (the alarm records in it too)
      const fromHeader = this.trace.headerReference();
      if (fromHeader) this.reader.useReference(fromHeader);
      this.reader.finish();
      this.trace.finish(continuation);
      // one source, in line order (alarms and trace messages interleaved as in the file)
      const a = this.reader.messages, t = this.trace.messages;
      let i = 0, j = 0;
      while (i < a.length || j < t.length) {
        if (j >= t.length || (i < a.length && (a[i]!.loc.line ?? 0) <= (t[j]!.loc.line ?? 0))) emit(a[i++]!);
        else emit(t[j++]!);
      }
      this.info.messages = a.length + t.length;
    } else if (this.reader) {
      this.reader.finish();
      for (const m of this.reader.messages) emit(m);
      this.info.messages = this.reader.messages.length;
      if (this.info.format === 'unknown' && this.info.messages === 0) {
        this.sink.add('input.unknown-format', 'information', 'No CUCM alarms, trace records or capture data were recognised in this file.');
      }
    }
    if (this.exports) {
      this.exports.finish();
      for (const m of this.exports.messages) emit(m);
      this.info.messages = this.exports.messages.length;
    }
    this.info.problems = this.sink.finish();
    return this.info;
  }
}

export interface TextInput {
  readonly file: string;
  readonly text: string;
  /** Date for stamps without a year or date (the file's modification time). */
  readonly referenceDate?: Date | null;
  /** Force a format (the editor's language) instead of detecting it. */
  readonly format?: SourceFormat;
}

/** Analyses texts already in memory (the language server's open documents). */
export function analyzeTexts(inputs: readonly TextInput[], settings: Settings, timelineOf?: (source: number) => number): AnalysisResult {
  const messages: Message[] = [];
  const sources = inputs.map((input, i) => {
    // a trace set's reference dates already carry the date setting
    const src = new TextSource(input.file, i, input.referenceDate ?? null, input.format, timelineOf ? NaN : settings.traces.date);
    src.push(input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text);
    return src.end((m) => messages.push(m));
  });
  // each source in its own order (the rules follow flows per source); sources that share a timeline (a trace set
  // read around the open file) in time order; then the timeline sorted for the consumers
  if (timelineOf) sortTimeline(messages);
  const { findings, flows } = runRules(messages, settings, timelineOf);
  sortTimeline(messages);
  return { sources, messages, findings, flows };
}

/** A file of the open trace file's set, beside it on disk. */
export interface NeighbourFile {
  readonly path: string;
  /** Its reference date as a member of the set (traceSetReferenceDates). */
  readonly referenceDate: Date | null;
}

/**
 * The editor's open trace file (its text, unsaved edits included) with files of its set from disk, all one timeline
 * as the CLI reads a set: the neighbours are streamed (never held as text), each read up to `maxBytes`, and a SIP
 * message cut where a file ends is completed from the top of the next file of the set when that file is here.
 * Source 0 is the open file; the neighbours' sources are named by their file: URI.
 */
export async function analyzeTextWithNeighbours(input: TextInput, neighbours: readonly NeighbourFile[], settings: Settings, maxBytes: number): Promise<AnalysisResult> {
  const messages: Message[] = [];
  const emit = (m: Message): void => {
    messages.push(m);
  };
  const me = traceSetMember(input.file.startsWith('file:') ? fileURLToPath(input.file) : input.file);
  const members = neighbours.map((n) => ({ n, index: traceSetMember(n.path)?.index ?? NaN }));
  // the file that follows each in the set, when it is among these
  const nextOf = (index: number): { text?: string; path?: string } | null => {
    if (me && me.index === index + 1) return { text: input.text };
    const next = members.find((x) => x.index === index + 1);
    return next ? { path: next.n.path } : null;
  };
  const continuation = (index: number): (() => string[]) | undefined => {
    const next = nextOf(index);
    if (!next) return undefined;
    return () => (next.text !== undefined ? continuationOf(next.text) : continuationLines(next.path!));
  };
  const src = new TextSource(input.file, 0, input.referenceDate ?? null, input.format, NaN);
  src.push(input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text);
  const sources: SourceInfo[] = [src.end(emit, me ? continuation(me.index)?.() : undefined)];
  for (let k = 0; k < members.length; k++) {
    const { n, index } = members[k]!;
    const info = await readFileSource({ path: n.path }, k + 1, emit, false, NaN, n.referenceDate, continuation(index), undefined, READ_CHUNK, maxBytes);
    sources.push({ ...info, file: pathToFileURL(n.path).href });
  }
  sortTimeline(messages);
  const { findings, flows } = runRules(messages, settings, () => 0);
  sortTimeline(messages);
  return { sources, messages, findings, flows };
}

export class UnreadableInputError extends Error {}

/** A file to read, or an entry found inside a folder that could not be read (reported, not fatal). */
export interface InputEntry {
  readonly path: string;
  readonly error?: string;
}

function errorText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Files under the given paths: folders recursively (hidden folders and node_modules skipped, symlink cycles cut),
 * sorted, each file once. A path named by the user that cannot be read throws UnreadableInputError; an entry found
 * while walking a folder that cannot be read is returned with its error. Named non-folders are read whatever they
 * are (a FIFO, /dev/stdin); inside folders only regular files are taken. */
export function expandPaths(paths: readonly string[]): InputEntry[] {
  const out: InputEntry[] = [];
  const seen = new Set<string>();
  const dirs = new Set<string>();
  const add = (p: string, error?: string): void => {
    let key = p;
    try {
      key = fs.realpathSync(p);
    } catch {
      // keep the path as given
    }
    if (seen.has(key)) return;
    seen.add(key);
    out.push(error ? { path: p, error } : { path: p });
  };
  const walk = (p: string, top: boolean): void => {
    if (top && isStdin(p)) {
      add(p);
      return;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      if (top) throw new UnreadableInputError(`cannot read ${p}: ${errorText(e)}`);
      add(p, errorText(e));
      return;
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (!top && (base.startsWith('.') || base === 'node_modules')) return;
      let real = p;
      try {
        real = fs.realpathSync(p);
      } catch {
        // keep p
      }
      if (dirs.has(real)) return; // a symlink back to a folder already walked
      dirs.add(real);
      let names: string[];
      try {
        names = fs.readdirSync(p).sort();
      } catch (e) {
        if (top) throw new UnreadableInputError(`cannot read folder ${p}: ${errorText(e)}`);
        add(p, errorText(e));
        return;
      }
      for (const n of names) walk(path.join(p, n), false);
    } else if (top || st.isFile()) add(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Streams one file from disk into a source (gzip transparently). Memory stays bounded by the chunk size and the
 * messages kept; a read error mid-way keeps what was read before it. */
async function readFileSource(entry: InputEntry, index: number, emit: (m: Message) => void, top: boolean, traceDate = NaN, reference?: Date | null,
  continuation?: () => string[], segmentLogs?: Map<number, SegmentLog>, readChunk = READ_CHUNK, maxBytes = Infinity, thread: RulesThread | null = null): Promise<SourceInfo> {
  const file = entry.path;
  let mtime: Date | null = reference ?? null;
  if (reference === undefined) {
    try {
      mtime = fs.statSync(file).mtime;
    } catch {
      // reported below
    }
  }
  const src = new TextSource(file, index, mtime, undefined, traceDate);
  if (entry.error) {
    src.sink.add('input.unreadable', 'error', `This file could not be read (${entry.error}); it was skipped.`);
    src.info.problems = src.sink.finish();
    return src.info;
  }
  const decoder = new ByteDecoder(src.sink);
  let stop = false;
  let gzip = false;
  const cap: { decoder: CaptureDecoder | null; reader: CaptureReader | null } = { decoder: null, reader: null };
  // a cap on what is read (after decompression): the editor's trace-set neighbours
  let budget = maxBytes;
  const onChunk = (chunk: Buffer, first: boolean): void => {
    if (stop) return;
    if (first) {
      const kind = sniffBinary(chunk);
      if (kind === 'gzip' && !gzip) {
        gzip = true;
        stop = true;
        return;
      }
      if (kind === 'pcap' || kind === 'pcapng') {
        src.info.format = kind;
        const c = new CaptureDecoder(index, emit);
        if (thread) c.pdus = thread.encoder;
        if (segmentLogs) {
          c.segments = new SegmentLog();
          segmentLogs.set(index, c.segments);
        }
        cap.decoder = c;
        cap.reader = new CaptureReader((f) => c.frame(f), src.sink);
      }
    }
    if (chunk.length >= budget) {
      chunk = chunk.subarray(0, Math.max(0, Math.floor(budget)));
      stop = true;
      if (chunk.length === 0) return;
    }
    budget -= chunk.length;
    if (cap.reader) {
      if (!cap.reader.push(chunk)) stop = true;
      return;
    }
    if (decoder.asciiChunk(chunk)) {
      src.pushAscii(chunk);
      return;
    }
    const text = decoder.push(chunk);
    if (decoder.binary) {
      src.info.format = 'binary';
      stop = true;
      return;
    }
    if (text) src.push(text);
  };
  /** Feeds a stream's chunks to `each`; resolves with the error that ended it early, if any. */
  const pump = (stream: NodeJS.ReadableStream, each: (chunk: Buffer, first: boolean) => void): Promise<NodeJS.ErrnoException | null> =>
    new Promise((resolve) => {
      let first = true;
      stream.on('data', (chunk: Buffer) => {
        each(chunk, first);
        first = false;
        if (stop) (stream as unknown as { destroy(): void }).destroy();
      });
      stream.on('end', () => resolve(null));
      stream.on('close', () => resolve(null));
      stream.on('error', (e: NodeJS.ErrnoException) => resolve(e));
    });
  // no position for a plain read: FIFOs cannot seek (ESPIPE)
  const open = (start = 0): fs.ReadStream => fs.createReadStream(file, start ? { highWaterMark: readChunk, start } : { highWaterMark: readChunk });
  const readErr = isStdin(file) ? await pump(process.stdin, onChunk) : await readAhead(file, readChunk, onChunk, () => stop);
  if (readErr) {
    if (top && (readErr.code === 'EACCES' || readErr.code === 'ENOENT' || readErr.code === 'EISDIR' || readErr.code === 'EPERM')) {
      throw new UnreadableInputError(`cannot read ${file}: ${readErr.code}`);
    }
    src.sink.add('input.read', 'error', `Reading stopped (${readErr.code ?? readErr.message}); the text before it was read.`);
  }
  if (gzip && isStdin(file)) {
    src.sink.add('input.gzip', 'error', 'Compressed data on standard input is not read; pass the .gz file by name.');
  } else if (gzip) {
    stop = false;
    let delivered = 0;
    const gzErr = await pump(gunzipStream(open()), (chunk, first) => {
      delivered += chunk.length;
      onChunk(chunk, first);
    });
    if (gzErr) {
      // zlib drops the output of the write that failed (trailing garbage after a member, damage): decompress the
      // first member again without the gzip wrapper, which stops at its end, and keep what was not yet delivered.
      let seen = 0;
      const header = gzipHeaderLength(file);
      if (header > 0 && !stop) {
        await pump(open(header).pipe(zlib.createInflateRaw({ chunkSize: READ_CHUNK })), (chunk) => {
          const skip = Math.max(0, Math.min(chunk.length, delivered - seen));
          seen += chunk.length;
          if (skip < chunk.length) {
            delivered += chunk.length - skip;
            onChunk(chunk.subarray(skip), false);
          }
        });
      }
      src.sink.add('input.gzip', 'error', `The gzip data is damaged or followed by other bytes (${gzErr.message}); everything before that point was read.`);
    }
  }
  if (cap.decoder && cap.reader) {
    cap.reader.end();
    cap.decoder.report(src.sink);
    src.info.messages = cap.decoder.messageCount;
    src.info.frames = cap.decoder.frames;
    src.info.problems = src.sink.finish();
    return src.info;
  }
  if (src.info.format === 'binary') {
    src.info.problems = src.sink.finish();
    return src.info;
  }
  const tail = decoder.end();
  if (tail) src.push(tail);
  return src.end(emit, continuation?.());
}

/**
 * Reads a file in chunks of `size` bytes, the next read under way while `each` works on the chunk before (the
 * reading thread and this one overlap; a stream asks for its next chunk only after the handler has returned, so the
 * handler waited for every read). Resolves with the error that ended it early, if any. A fresh buffer per chunk:
 * handlers may keep views of it.
 */
async function readAhead(file: string, size: number, each: (chunk: Buffer, first: boolean) => void, stopped: () => boolean): Promise<NodeJS.ErrnoException | null> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  // no position: sequential reads, which FIFOs allow too
  const read = (): Promise<{ bytesRead: number; buffer: Buffer }> => fh.read(Buffer.allocUnsafe(size), 0, size, null);
  let next: Promise<{ bytesRead: number; buffer: Buffer }> | null = read();
  try {
    for (let first = true; ; first = false) {
      let got: { bytesRead: number; buffer: Buffer };
      try {
        got = await next;
      } catch (e) {
        // only the input's errors end reading with a problem; the handler's exceptions propagate
        next = null;
        return e as NodeJS.ErrnoException;
      }
      next = null;
      if (got.bytesRead === 0) return null;
      next = read();
      each(got.buffer.subarray(0, got.bytesRead), first);
      if (stopped()) return null;
    }
  } finally {
    // the read under way when reading stopped is waited for before the file is closed
    if (next) await next.catch(() => undefined);
    await fh.close().catch(() => undefined);
  }
}

function mtimeOf(file: string): Date | null {
  try {
    return fs.statSync(file).mtime;
  } catch {
    return null;
  }
}

/** `-` and /dev/stdin name standard input (which may be a socket that /dev/stdin cannot open). */
function isStdin(p: string): boolean {
  return p === '-' || p === '/dev/stdin';
}

function gunzipStream(raw: fs.ReadStream): NodeJS.ReadableStream {
  const gunzip = zlib.createGunzip({ chunkSize: READ_CHUNK });
  raw.on('error', (e) => gunzip.destroy(e));
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

/** Length of the gzip member header at the start of the file (RFC 1952), or 0 when it cannot be read. */
function gzipHeaderLength(file: string): number {
  try {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(65536);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    if (n < 10 || buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8) return 0;
    const flags = buf[3]!;
    let p = 10;
    if (flags & 4) p += 2 + buf.readUInt16LE(p);
    const skipZero = (): void => {
      while (p < n && buf[p] !== 0) p++;
      p++;
    };
    if (flags & 8) skipZero();
    if (flags & 16) skipZero();
    if (flags & 2) p += 2;
    return p < n ? p : 0;
  } catch {
    return 0;
  }
}

export interface PathOptions {
  /** Keep every message in the result (default). Without it the result's `messages` is empty and memory stays
   * bounded whatever the inputs' size: the rules run as the messages are read. */
  readonly keepMessages?: boolean;
  /** Called with each message as it is read (each source in turn, in that source's order). */
  readonly onMessage?: (m: Message) => void;
  /** Run the rules (default). Off, the result has no findings: the bench measures reading alone with it. */
  readonly rules?: boolean;
  /** Match the captures among the inputs with each other, put every source on one clock and link unregistration
   * alarms to their evidence (default, when there are several inputs). */
  readonly correlate?: boolean;
  /** Clock offsets the user set (ms to add to that file's times), by path as given or found. */
  readonly offsets?: ReadonlyMap<string, number>;
  /** Bytes per read (default 1 MiB); the tests read in small pieces to cover every chunk boundary. */
  readonly readChunk?: number;
  /** The network rules on a second thread (analysis/rules-thread.ts), when messages are not kept and the inputs are
   * not a case: 'auto' (default) from RULES_THREAD_BYTES of captures on, 'always', or 'never'. */
  readonly rulesThread?: 'auto' | 'always' | 'never';
}

/** Thrown into the reading when the rules thread has failed: reading stops there. */
class RulesThreadFailed extends Error {}

/** Captures from this size on (together) have their network rules judged on a second thread: the rules thread then
 * also parses their SIP and SCCP messages. Below it, starting the thread costs more than it saves; for traces and
 * exports (messages sent field by field, not as bytes) it does not pay at all (bench: the 1 GB trace set took as long
 * or longer, with 30 % more CPU). */
export const RULES_THREAD_BYTES = 32 * 1024 * 1024;

/** The bytes of the classic pcap and pcapng files among the inputs (by their magic). */
function captureBytes(entries: readonly InputEntry[]): number {
  let n = 0;
  const head = Buffer.alloc(4);
  for (const e of entries) {
    if (e.error || isStdin(e.path)) continue;
    let fd = -1;
    try {
      const size = fs.statSync(e.path).size;
      if (size < 1024 * 1024) continue;
      fd = fs.openSync(e.path, 'r');
      if (fs.readSync(fd, head, 0, 4, 0) === 4 && sniffCapture(head) !== 'unknown') n += size;
    } catch {
      // not counted; reading it reports the problem
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }
  return n;
}

/** Analyses files and folders from disk (the CLI). Throws UnreadableInputError for named paths that cannot be read. */
export async function analyzePaths(paths: readonly string[], settings: Settings, opts: PathOptions = {}): Promise<AnalysisResult> {
  const named = new Set(paths);
  // the files of a trace set together, in index order: one timeline
  const { entries, timeline } = orderTraceSets(expandPaths(paths));
  const keep = opts.keepMessages !== false;
  const messages: Message[] = [];
  const sources: SourceInfo[] = [];
  const withRules = opts.rules !== false;
  // several inputs: a case (one clock, captures matched, alarms linked to the keepalive records of their devices);
  // the files of one trace set alone are one timeline already, not a case
  const together = withRules && opts.correlate !== false && entries.length > 1 && new Set(entries.map((_, i) => timeline[i] ?? i)).size > 1;
  // a large streaming analysis judges its network messages on a second thread (the findings are the same)
  // (without rules, 'always' still starts it, judging nothing: the bench's reading alone on two threads)
  const workerFile = (withRules || opts.rulesThread === 'always') && !keep && !together && opts.rulesThread !== 'never' ? rulesWorkerFile() : null;
  const thread = workerFile && (opts.rulesThread === 'always' || captureBytes(entries) >= RULES_THREAD_BYTES)
    ? new RulesThread(workerFile, settings, timeline, undefined, withRules) : null;
  const rules = new RuleRunner(settings, keep || together, (s) => timeline[s] ?? s, !keep, thread ? 'alarms' : 'all');
  const onMessage = opts.onMessage;
  const clockKeys = together ? new ClockKeys() : null;
  const evidenceLog = new EvidenceLog();
  const emit = (m: Message): void => {
    // a failed rules thread stops the reading (its error is the one reported, below)
    if (thread && thread.failed) throw new RulesThreadFailed();
    if (thread && m.kind !== 'alarm') thread.push(m);
    else if (withRules) rules.push(m);
    if (keep) messages.push(m);
    if (clockKeys) {
      clockKeys.push(m);
      evidenceLog.push(m);
    }
    if (onMessage) onMessage(m);
  };
  // the files of a trace set dated as one timeline: each ends before the next begins
  const refs = new Map<number, Date | null>();
  for (let i = 0; i < entries.length;) {
    let j = i + 1;
    while (j < entries.length && timeline[j] === timeline[i]) j++;
    if (j - i > 1) {
      const files = entries.slice(i, j).map((e) => e.path);
      const dates = traceSetReferenceDates(files, files.map(mtimeOf), settings.traces.date);
      dates.forEach((d, k) => refs.set(i + k, d));
    }
    i = j;
  }
  // captures taken at two points of the same path: what one saw sent, the other should have seen arrive
  const segmentLogs = together ? new Map<number, SegmentLog>() : undefined;
  try {
    for (let i = 0; i < entries.length; i++) {
      const grouped = refs.has(i);
      const next = grouped && timeline[i + 1] === timeline[i] ? entries[i + 1]!.path : null;
      sources.push(await readFileSource(entries[i]!, i, emit, named.has(entries[i]!.path), grouped ? NaN : settings.traces.date, grouped ? refs.get(i)! : undefined,
        next ? () => continuationLines(next) : undefined, segmentLogs, opts.readChunk, Infinity, thread));
    }
  } catch (e) {
    if (thread && e instanceof RulesThreadFailed) await thread.finish(); // rejects with the thread's own error
    await thread?.close();
    throw e;
  }
  if (keep) sortTimeline(messages);
  const findings = rules.finish();
  let flows = rules.flows();
  if (thread) {
    // alarm findings first, then the network families', as on one thread
    const net = await thread.finish();
    for (const f of net.findings) findings.push(f);
    flows = net.flows;
  }
  if (!together || !clockKeys) return { sources, messages, findings, flows };
  const correlation = segmentLogs && segmentLogs.size > 1 ? correlateCaptures(segmentLogs, sources) : null;
  // (a loop, not a spread: a case of many captures gives more findings than a call has room for arguments)
  if (correlation) for (const f of correlation.findings) findings.push(f);
  const manual = new Map<number, number>();
  if (opts.offsets?.size) entries.forEach((e, i) => {
    const ms = opts.offsets!.get(e.path) ?? opts.offsets!.get(path.resolve(e.path));
    if (ms !== undefined && Number.isFinite(ms)) manual.set(i, ms);
  });
  const clock = alignClocks(sources, [...(correlation ? segmentEdges(correlation.summaries) : []), ...clockKeys.edges(sources)], manual);
  withEvidence(findings, alarmEvidence(evidenceLog, flows, sources, clock));
  return { sources, messages, findings, flows, clock, matches: correlation?.matches ?? [] };
}
