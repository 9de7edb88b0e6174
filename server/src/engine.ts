// The engine: files -> sources -> Timeline -> analysis -> Findings. Used by the CLI (streaming from disk) and by the
// language server (open documents). Never throws on bad input: problems are reported per source.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AnalysisResult, Message, SourceFormat, SourceInfo } from './model';
import { runRules, sortTimeline } from './analysis';
import { AlarmReader } from './sources/syslog';
import { ByteDecoder, LineSplitter, ProblemSink, looksBinaryText } from './sources/text';
import { detectTextFormat, sniffBinary } from './sources/detect';
import type { Settings } from './settings';

const DETECT_CHARS = 64 * 1024;
const READ_CHUNK = 1 << 20;

/** Formats whose lines the alarm reader understands (syslog, and AlarmErr records inside SDL traces). */
function readsAlarms(format: SourceFormat): boolean {
  return format === 'cucm-syslog' || format === 'cucm-sdl-trace' || format === 'cucm-sdi-trace' || format === 'unknown';
}

const NOT_YET: Partial<Record<SourceFormat, string>> = {
  pcap: 'a classic pcap capture',
  pcapng: 'a pcapng capture',
  'capture-export': 'a Wireshark/tshark export',
};

/** Reads one text source incrementally: detection on the first 64 KiB, then lines to the alarm reader. */
class TextSource {
  readonly info: SourceInfo;
  readonly sink = new ProblemSink();
  private head = '';
  private splitter: LineSplitter | null = null;
  private reader: AlarmReader | null = null;

  constructor(file: string, private readonly index: number, private readonly referenceDate: Date | null, private readonly forced?: SourceFormat) {
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
    if (readsAlarms(format)) {
      const reader = new AlarmReader({ source: this.index, referenceDate: this.referenceDate }, this.sink);
      this.reader = reader;
      this.splitter = new LineSplitter((line, no) => reader.line(line, no), this.sink);
    } else {
      const what = NOT_YET[format];
      if (what) this.sink.add('input.not-analysed', 'information', `This is ${what}; this version of CUCM Lens recognises it but does not decode captures yet.`);
      this.splitter = new LineSplitter(() => {}, this.sink);
    }
  }

  end(messages: Message[]): SourceInfo {
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
    if (this.reader) {
      this.reader.finish();
      for (const m of this.reader.messages) messages.push(m);
      this.info.messages = this.reader.messages.length;
      if (this.info.format === 'unknown' && this.info.messages === 0) {
        this.sink.add('input.unknown-format', 'information', 'No CUCM alarms, trace records or capture data were recognised in this file.');
      }
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
export function analyzeTexts(inputs: readonly TextInput[], settings: Settings): AnalysisResult {
  const messages: Message[] = [];
  const sources = inputs.map((input, i) => {
    const src = new TextSource(input.file, i, input.referenceDate ?? null, input.format);
    src.push(input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text);
    return src.end(messages);
  });
  sortTimeline(messages);
  return { sources, messages, findings: runRules(messages, settings) };
}

export class UnreadableInputError extends Error {}

/** Files under the given paths (folders recursively, hidden folders and node_modules skipped), sorted. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw new UnreadableInputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (!top && (base.startsWith('.') || base === 'node_modules')) return;
      let names: string[];
      try {
        names = fs.readdirSync(p).sort();
      } catch (e) {
        throw new UnreadableInputError(`cannot read folder ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      for (const n of names) walk(path.join(p, n), false);
    } else if (st.isFile()) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Streams one file from disk into a source. Memory stays bounded by the chunk size and the messages kept. */
async function readFileSource(file: string, index: number, messages: Message[]): Promise<SourceInfo> {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new UnreadableInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const src = new TextSource(file, index, st.mtime);
  const decoder = new ByteDecoder(src.sink);
  let first = true;
  let stream: NodeJS.ReadableStream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  let gunzip = false;
  try {
    const iterate = async (s: AsyncIterable<Buffer>): Promise<'done' | 'gzip'> => {
      for await (const chunk of s) {
        if (first) {
          first = false;
          const kind = sniffBinary(chunk);
          if (kind === 'gzip' && !gunzip) return 'gzip';
          if (kind === 'pcap' || kind === 'pcapng') {
            src.info.format = kind;
            src.sink.add('input.not-analysed', 'information', `This is ${NOT_YET[kind]}; this version of CUCM Lens recognises it but does not decode captures yet.`);
            return 'done';
          }
        }
        const text = decoder.push(chunk);
        if (decoder.binary) {
          src.info.format = 'binary';
          return 'done';
        }
        if (text) src.push(text);
      }
      return 'done';
    };
    let r = await iterate(stream as unknown as AsyncIterable<Buffer>);
    if (r === 'gzip') {
      (stream as fs.ReadStream).destroy();
      gunzip = true;
      first = true;
      stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK }).pipe(zlib.createGunzip({ chunkSize: READ_CHUNK }));
      try {
        r = await iterate(stream as unknown as AsyncIterable<Buffer>);
      } catch (e) {
        src.sink.add('input.gzip', 'error', `The gzip data is damaged: ${(e as Error).message}; the text before the damage was read.`);
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR' || code === 'EPERM') {
      throw new UnreadableInputError(`cannot read ${file}: ${code}`);
    }
    src.sink.add('input.read', 'error', `Reading stopped: ${(e as Error).message}`);
  } finally {
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
  if (src.info.format === 'binary' || src.info.format === 'pcap' || src.info.format === 'pcapng') {
    src.info.problems = src.sink.finish();
    return src.info;
  }
  const tail = decoder.end();
  if (tail) src.push(tail);
  return src.end(messages);
}

/** Analyses files and folders from disk (the CLI). Throws UnreadableInputError for paths that cannot be read. */
export async function analyzePaths(paths: readonly string[], settings: Settings): Promise<AnalysisResult> {
  const files = expandPaths(paths);
  const messages: Message[] = [];
  const sources: SourceInfo[] = [];
  for (let i = 0; i < files.length; i++) sources.push(await readFileSource(files[i]!, i, messages));
  sortTimeline(messages);
  return { sources, messages, findings: runRules(messages, settings) };
}
