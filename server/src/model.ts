// The shared vocabulary of the engine. Editor-free: nothing here imports vscode or the LSP libraries.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A place in an input: a line of a text source (1-based) or a frame of a capture (1-based). */
export interface SourceLocation {
  /** Index into the analysed sources list. */
  readonly source: number;
  readonly line: number | null;
  readonly frame: number | null;
  /** 0-based columns within the line, when known. */
  readonly col?: number;
  readonly endCol?: number;
}

/** Something wrong with the input itself (not with the network it describes). */
export interface Problem {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number | null;
  readonly frame: number | null;
  /** Byte or character offset where known. */
  readonly offset: number | null;
}

export type SourceFormat =
  | 'cucm-syslog'
  | 'cucm-sdl-trace'
  | 'cucm-sdi-trace'
  | 'pcap'
  | 'pcapng'
  | 'capture-export'
  | 'binary'
  | 'empty'
  | 'unknown';

export interface SourceInfo {
  readonly file: string;
  format: SourceFormat;
  messages: number;
  problems: Problem[];
}

/** A CUCM alarm, from syslog, an Event Viewer export or an SDL AlarmErr record. Compact on purpose: hovers
 * re-read the line for the full parameter list. Strings are interned by the reader. */
export interface AlarmMessage {
  readonly kind: 'alarm';
  readonly loc: SourceLocation;
  /** Epoch milliseconds (UTC); NaN when the input gives no usable time. */
  readonly time: number;
  /** True when the date part of `time` is known (not only a time of day). */
  readonly dated: boolean;
  readonly name: string;
  /** Severity digit as logged (0-7), or -1 when the form carries none. */
  readonly logged: number;
  readonly device: string;
  readonly ip: string;
  readonly protocol: string;
  /** NaN when absent or not a number. */
  readonly deviceType: number;
  readonly reason: number;
  readonly lastSignal: string;
  readonly node: string;
  /** The line was cut before the parameter list ended. */
  readonly truncated: boolean;
}

export type Message = AlarmMessage;

export interface RelatedInfo {
  readonly loc: SourceLocation;
  readonly message: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly loc: SourceLocation;
  /** Epoch ms, NaN when unknown. */
  readonly time: number;
  readonly dated: boolean;
  readonly device?: string;
  readonly related: readonly RelatedInfo[];
  /** The numbers the message is built from, for JSON consumers and tests. */
  readonly evidence: Readonly<Record<string, number | string | boolean | null>>;
}

/** Everything one analysis run produced. */
export interface AnalysisResult {
  readonly sources: SourceInfo[];
  readonly messages: Message[];
  readonly findings: Finding[];
}
