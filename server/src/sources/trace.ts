// CUCM call-processing traces as network messages: SDL trace files of the Cisco CallManager service (CUCM 5.x - 15,
// `SDL001_100_000123.txt`: records `seq.sub |HH:MM:SS.mmm |Type |text`, columns padded or collapsed) and legacy SDI ccm
// traces (`HH:MM:SS.mmm CCM|Component - text` of CallManager 3.x, `MM/DD/YYYY HH:MM:SS.mmm CCM|...` of 4.x). What the
// keepalive rules need is made into NetMessages, seen from the CUCM node that wrote the trace (`node`):
//   - SIP messages SIPTcp / SIPUdp traced on the wire: "Incoming SIP TCP message from IP on port P index N with B bytes:",
//     "Outgoing SIP TCP message to IP on port P index N", "Incoming SIP UDP message size B from IP:[P]:", "Outgoing SIP
//     UDP message to IP:[P]:" (with the `SIPTcp - ` or `//SIP/SIPTcp/` prefix), the message on the following lines after
//     its `[N,NET]` marker up to the next record; `[N,INT]` copies (normalisation stages) are skipped;
//   - SCCP KeepAlive / KeepAliveAck, Register / RegisterAck / RegisterReject, Unregister / UnregisterAck and Reset as
//     StationInit / StationD (and the SDI device controllers) write them: `InboundStim - KeepAliveMessage`,
//     `stationOutputKeepAliveAck`, a message name right after the station instance (`StationInit: (0000109) KeepAlive`),
//     `Processing StationReg`; and as SdlSig signals (`StationKeepAlive`, `StationOutputKeepAliveAck`) whose tag
//     `...^IP^SEPNAME` names the phone. The phone's IP comes from the line (IPAddr=), the signal tag, or what earlier or
//     later lines told about the same StationD instance (SDL) or TCP handle (SDI);
//   - "Ignoring large message ... Resetting connection": CUCM resets the phone's SIP TCP connection (a TCP RST).
// Lines carry a time of day only (4.x SDI lines excepted): records are timed from day 0 with midnight roll-over and,
// at the end, dated from a date in a header line above the first record (the day of the first record) when there is
// one, else from the file's modification time taken as the time of the last record. Assumed, as no public sample shows
// a trace file with a header: the date is written 2026-11-20, 2026/11/20 or 11/20/2026 (month first) on one of the
// first 50 lines before the first record.
// Per line the work is a few character tests; only records of the components above are looked at further.

import type { NetMessage, SccpInfo, Severity, SipInfo, TcpInfo } from '../model';
import { headerMayBeRead, parseSipBytes, sipLabel, MAX_SIP_HEADER } from '../decode/sip';
import { ByteInterner } from '../decode/intern';
import { sccpLabel } from '../decode/sccp';
import { SCCP } from '../knowledge/sccpMessages';
import { DayClock, dayOffsetBefore } from './time';
import type { ProblemSink } from './text';
import { LineIssues } from './text';

export interface TraceReaderOptions {
  /** Index of the source (goes into every loc). */
  readonly source: number;
  /** File modification time: dates time-of-day lines (unless a header above the first record gives the date). */
  readonly referenceDate: Date | null;
  /** Name for the CUCM this trace comes from, e.g. 'CUCM node 001' (default 'CUCM'). */
  readonly node?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A line that starts like a record header but is not one. */
const BROKEN = -2;

const T_OTHER = 0, T_APPINFO = 1, T_SDLSIG = 2, T_SDI = 3;

// SIP message states
const S_NONE = 0, S_MARKER = 1, S_HEADERS = 2, S_BODY = 3, S_SKIP = 4;

/** SCCP messages the keepalive rules use; `toPhone` when CUCM sends it. Indexed by the N_ constants. */
const SCCP_LIST: readonly { readonly name: string; readonly id: number; readonly toPhone: boolean; readonly label: string }[] = [
  ['KeepAlive', SCCP.KeepAlive, false], ['Register', SCCP.Register, false], ['Unregister', SCCP.Unregister, false],
  ['KeepAliveAck', SCCP.KeepAliveAck, true], ['RegisterAck', SCCP.RegisterAck, true], ['RegisterReject', SCCP.RegisterReject, true],
  ['UnregisterAck', SCCP.UnregisterAck, true], ['Reset', SCCP.Reset, true],
].map(([name, id, toPhone]) => ({ name: name as string, id: id as number, toPhone: toPhone as boolean, label: sccpLabel({ id: id as number, name: name as string }) }));
const N_REGISTER = 1, N_REGISTER_ACK = 4;

/** How traces spell those names: StationKeepAlive, stationOutputKeepAliveAck, KeepAliveMessage, RegisterReq ... */
const SCCP_SPELLINGS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  SCCP_LIST.forEach(({ name, toPhone }, n) => {
    const bases = toPhone ? [name] : [name, name + 'Req'];
    for (const pre of ['', 'Station', 'StationOutput', 'stationOutput']) {
      for (const base of bases) for (const suf of ['', 'Message', 'MessageID', 'Msg']) m.set(pre + base + suf, n);
    }
  });
  return m;
})();

/** The SCCP name (index into SCCP_LIST) of the word at `i`, or -1 when it is not one we track. */
function sccpWord(s: string, i: number): number {
  const c = s.charCodeAt(i);
  // KeepAlive, Register, Reset, Unregister, Station..., station...
  if (c !== 75 && c !== 82 && c !== 85 && c !== 83 && c !== 115) return -1;
  let e = i;
  while (e - i < 48 && isLetter(s.charCodeAt(e))) e++;
  if (e - i < 5 || e - i >= 48) return -1;
  return SCCP_SPELLINGS.get(s.slice(i, e)) ?? -1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** "HH:MM:SS.mmm" at `i` as ms since midnight, -1 when not that. */
function timeOfDay(s: string, i: number): number {
  if (s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58 || s.charCodeAt(i + 8) !== 46) return -1;
  const h0 = s.charCodeAt(i) - 48, h1 = s.charCodeAt(i + 1) - 48, m0 = s.charCodeAt(i + 3) - 48, m1 = s.charCodeAt(i + 4) - 48;
  const s0 = s.charCodeAt(i + 6) - 48, s1 = s.charCodeAt(i + 7) - 48;
  const f0 = s.charCodeAt(i + 9) - 48, f1 = s.charCodeAt(i + 10) - 48, f2 = s.charCodeAt(i + 11) - 48;
  // every value a digit (past the end of the line charCodeAt gives NaN, which fails too)
  if (!(h0 >= 0 && h0 <= 9 && h1 >= 0 && h1 <= 9 && m0 >= 0 && m0 <= 9 && m1 >= 0 && m1 <= 9 && s0 >= 0 && s0 <= 9
    && s1 >= 0 && s1 <= 9 && f0 >= 0 && f0 <= 9 && f1 >= 0 && f1 <= 9 && f2 >= 0 && f2 <= 9)) return -1;
  const h = h0 * 10 + h1, m = m0 * 10 + m1, sec = s0 * 10 + s1;
  if (h > 23 || m > 59 || sec > 60) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000 + f0 * 100 + f1 * 10 + f2;
}

/** timeOfDay over bytes (the caller made sure 12 bytes are there). */
function timeOfDayBytes(b: Uint8Array, i: number): number {
  if (b[i + 2] !== 58 || b[i + 5] !== 58 || b[i + 8] !== 46) return -1;
  const h0 = b[i]! - 48, h1 = b[i + 1]! - 48, m0 = b[i + 3]! - 48, m1 = b[i + 4]! - 48;
  const s0 = b[i + 6]! - 48, s1 = b[i + 7]! - 48;
  const f0 = b[i + 9]! - 48, f1 = b[i + 10]! - 48, f2 = b[i + 11]! - 48;
  if (!(h0 >= 0 && h0 <= 9 && h1 >= 0 && h1 <= 9 && m0 >= 0 && m0 <= 9 && m1 >= 0 && m1 <= 9 && s0 >= 0 && s0 <= 9
    && s1 >= 0 && s1 <= 9 && f0 >= 0 && f0 <= 9 && f1 >= 0 && f1 <= 9 && f2 >= 0 && f2 <= 9)) return -1;
  const h = h0 * 10 + h1, m = m0 * 10 + m1, sec = s0 * 10 + s1;
  if (h > 23 || m > 59 || sec > 60) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000 + f0 * 100 + f1 * 10 + f2;
}

function startsWithBytes(b: Uint8Array, i: number, end: number, what: string): boolean {
  if (end - i < what.length) return false;
  for (let k = 0; k < what.length; k++) if (b[i + k] !== what.charCodeAt(k)) return false;
  return true;
}

/** Digits at `i` (up to `max` of them) as a number; -1 when none. Sets `digitsEnd`. */
let digitsEnd = 0;
function digitsAt(s: string, i: number, max = 9): number {
  let n = 0;
  let k = i;
  while (k - i < max && isDigit(s.charCodeAt(k))) n = n * 10 + s.charCodeAt(k++) - 48;
  digitsEnd = k;
  return k === i ? -1 : n;
}

/** An IPv4 or IPv6 address written in s[from, to) (loosely: hex digits, dots and colons, the right shape). */
function isAddress(s: string, from: number, to: number): boolean {
  if (to - from < 2 || to - from > 45) return false;
  let dots = 0, colons = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (!(isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  if (colons === 0) {
    if (dots !== 3) return false;
    for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i)) && s.charCodeAt(i) !== 46) return false;
    return true;
  }
  return colons >= 2;
}

/** Index just past an address token at `i` (hex digits, dots, colons). */
function addressEnd(s: string, i: number): number {
  const n = Math.min(s.length, i + 48);
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isDigit(c) || c === 46 || c === 58 || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) i++;
    else break;
  }
  return i;
}

/** A phone as the trace knows it: its StationD instance or TCP handle, and what lines told about it. */
class Station {
  ip = '';
  port = NaN;
  device = '';
  /** Indexes (into `messages`) of messages made before the address was known. */
  waiting: number[] | null = null;
  /** Time and line of the last message of each SCCP name: a message traced twice is kept once. */
  readonly times = new Float64Array(SCCP_LIST.length).fill(-Infinity);
  readonly lines = new Int32Array(SCCP_LIST.length);
  constructor(readonly name: string) {}
}

/** Reads CUCM SDL/SDI trace lines into NetMessages (SIP, SCCP, the TCP resets CUCM logs). Never throws. */
/** A SIP message of a trace. Its Info column text is made on first use (most messages of a large trace set are judged
 * by the rules and never displayed); as JSON it is the plain object it stands for, fields in the same order. */
class TraceSipMessage implements Mutable<NetMessage> {
  readonly kind = 'sip';
  private text: string | undefined = undefined;
  sccp: undefined = undefined;
  tcp: undefined = undefined;
  constructor(
    public loc: NetMessage['loc'],
    public time: number,
    public dated: boolean,
    public src: string,
    public dst: string,
    public srcPort: number,
    public dstPort: number,
    public transport: 'tcp' | 'udp',
    public sip: SipInfo,
  ) {}

  get label(): string {
    return (this.text ??= sipLabel(this.sip));
  }

  /** The label when it was set or already made, else undefined (it is made from the SIP fields alone). */
  labelIfMade(): string | undefined {
    return this.text;
  }

  set label(v: string) {
    this.text = v;
  }

  toJSON(): object {
    return {
      kind: this.kind, loc: this.loc, time: this.time, dated: this.dated, src: this.src, dst: this.dst, srcPort: this.srcPort,
      dstPort: this.dstPort, transport: this.transport, label: this.label, sip: this.sip, sccp: undefined, tcp: undefined,
    };
  }
}

export class TraceReader {
  /** In line order. Final once finish() has run (dates, addresses learnt later). */
  readonly messages: NetMessage[] = [];
  private readonly node: string;
  private readonly intern = new ByteInterner(12);
  private readonly strings = new Map<string, string>();
  private readonly clock = new DayClock(0);
  private readonly issues = new LineIssues();

  // counters
  private records = 0;
  private nonEmpty = 0;
  /** UTC midnight (ms) of the date a header line above the first record gives, NaN when none. */
  private headerDay = NaN;
  private todMessages = 0;
  private lastTodTime = -Infinity;
  private firstNonRecordLine = 0;

  // the record being read
  private recType = T_OTHER;
  private recTime = NaN;
  private recDated = false;

  // the SIP message being read
  private sipState = S_NONE;
  /** The last header line of the current SIP message was copied (its continuation lines follow it). */
  private sipKeep = true;
  private sipLine = 0;
  private sipTime = NaN;
  private sipDated = false;
  private sipIncoming = false;
  private sipIp = '';
  private sipPort = NaN;
  private sipTransport: 'tcp' | 'udp' = 'tcp';
  /** The message's header lines the SIP reader reads, as the bytes on the wire (CRLF ends): `sipLen` bytes of
   * `sipBuf`, `sipCount` lines, the last from `sipLast`. */
  private sipBuf = Buffer.allocUnsafe(16384);
  private sipLen = 0;
  private sipCount = 0;
  private sipLast = 0;
  private sipChars = 0;
  private sipBody = 0;

  // SCCP stations (phones): by StationD instance (SDL), by TCP handle (SDI), by address (lines naming no station)
  private readonly instances = new Map<number, Station>();
  private readonly handles = new Map<string, Station>();
  private readonly addresses = new Map<string, Station>();
  /** Messages waiting for their phone's address. */
  private waiting = 0;
  private finished = false;

  constructor(private readonly opts: TraceReaderOptions, private readonly problems: ProblemSink) {
    this.node = opts.node || 'CUCM';
  }

  /** Feed every line in order (1-based number, no line end). */
  line(text: string, no: number): void {
    try {
      this.read(text, no);
    } catch (e) {
      this.issue('trace.internal', 'warning', 'A line could not be read because of an internal error', no, `it was skipped (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  private read(s: string, no: number): void {
    const c = s.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      const at = this.header(s);
      if (at >= 0) {
        this.record(s, no, at);
        return;
      }
      if (at === BROKEN) {
        // a garbled or cut record header: it ends the message before it, and is not read
        if (this.sipState !== S_NONE) this.endSip(false);
        this.issue('trace.bad-line', 'warning', 'Garbled or cut record headers', no, 'those lines were skipped.');
        return;
      }
    }
    if (this.sipState !== S_NONE) this.sipText(s, no);
    else if (this.records === 0 && s.length > 0) {
      this.nonEmpty++;
      if (!this.firstNonRecordLine) this.firstNonRecordLine = no;
      // a header above the first record may give the date the trace starts on
      if (Number.isNaN(this.headerDay) && this.nonEmpty <= 50) this.headerDay = headerDate(s);
    }
  }

  // ---- record headers ----------------------------------------------------------------------------------------------

  /** Where the text of a record header line starts (after the type column); -1 for other lines, BROKEN for a
   * line that starts like a record header but is not one. Sets recType, recTime, recDated. */
  private header(s: string): number {
    let i = 0;
    while (i < 10 && isDigit(s.charCodeAt(i))) i++;
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ && i >= 6) return i >= 7 && i <= 8 ? this.sdlHeader(s, i) : BROKEN;
    if (i === 2 && c === 58 /* : */) return this.sdiHeader(s, 0, -1);
    if (i === 2 && c === 47 /* / */) {
      // 4.x SDI: MM/DD/YYYY HH:MM:SS.mmm CCM|
      const mo = digitsAt(s, 0, 2), da = digitsAt(s, 3, 2), yr = digitsAt(s, 6, 4);
      if (s.charCodeAt(5) !== 47 || s.charCodeAt(10) !== 32 || mo < 1 || mo > 12 || da < 1 || da > 31 || yr < 1990) return -1;
      return this.sdiHeader(s, 11, Date.UTC(yr, mo - 1, da));
    }
    return -1;
  }

  private sdlHeader(s: string, dot: number): number {
    let i = dot + 1;
    if (!isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1)) || !isDigit(s.charCodeAt(i + 2))) return BROKEN;
    i += 3;
    while (s.charCodeAt(i) === 32) i++;
    if (s.charCodeAt(i) !== 124 /* | */) return BROKEN;
    i++;
    while (s.charCodeAt(i) === 32) i++;
    const tod = timeOfDay(s, i);
    if (tod < 0) return BROKEN;
    i += 12;
    while (s.charCodeAt(i) === 32) i++;
    if (s.charCodeAt(i) !== 124) return BROKEN;
    i++;
    const bar = s.indexOf('|', i);
    if (bar < 0 || bar - i > 32) return BROKEN;
    let type = T_OTHER;
    const c0 = s.charCodeAt(i);
    if (c0 === 65 /* A */ && s.startsWith('AppInfo', i)) type = T_APPINFO;
    else if (c0 === 83 /* S */ && s.startsWith('SdlSig', i)) type = T_SDLSIG;
    else if (!isLetter(c0)) return BROKEN;
    this.recType = type;
    this.timed(tod, -1);
    return bar + 1;
  }

  /** `HH:MM:SS.mmm CCM|` at `i`; `day` is the epoch ms of the line's date (4.x), -1 when it has none. */
  private sdiHeader(s: string, i: number, day: number): number {
    const tod = timeOfDay(s, i);
    if (tod < 0 || s.charCodeAt(i + 12) !== 32) return -1;
    let k = i + 13;
    const end = k + 12;
    while (k < end && isLetter(s.charCodeAt(k))) k++;
    if (k === i + 13 || s.charCodeAt(k) !== 124) return -1;
    this.recType = T_SDI;
    this.timed(tod, day);
    return k + 1;
  }

  private timed(tod: number, day: number): void {
    if (day >= 0) {
      this.recTime = day + tod;
      this.recDated = true;
      return;
    }
    const t = this.clock.at(tod);
    if (t > this.lastTodTime) this.lastTodTime = t;
    this.recTime = t;
    this.recDated = false;
  }

  private record(s: string, no: number, at: number): void {
    this.records++;
    if (this.sipState !== S_NONE) this.endSip(false);
    switch (this.recType) {
      case T_APPINFO:
        this.appInfo(s, at, no, false);
        break;
      case T_SDI:
        this.appInfo(s, at, no, true);
        break;
      case T_SDLSIG:
        this.sdlSig(s, at, no);
        break;
    }
  }

  /** The text of an AppInfo record (or an SDI line). */
  private appInfo(s: string, p: number, no: number, sdi: boolean): void {
    while (s.charCodeAt(p) === 32) p++;
    const c = s.charCodeAt(p);
    if (c === 83 /* S */) {
      const c1 = s.charCodeAt(p + 1);
      if (c1 === 73 /* I */) {
        if (s.startsWith('SIPTcp', p)) this.sipHeader(s, p + 6, 'tcp', no);
        else if (s.startsWith('SIPUdp', p)) this.sipHeader(s, p + 6, 'udp', no);
        return;
      }
      if (c1 === 116 /* t */ && s.startsWith('Station', p)) {
        this.station(s, p, no, sdi);
        return;
      }
    } else if (c === 47 /* / */) {
      if (s.startsWith('//SIP/SIPTcp/', p)) this.sipHeader(s, p + 13, 'tcp', no);
      else if (s.startsWith('//SIP/SIPUdp/', p)) this.sipHeader(s, p + 13, 'udp', no);
      return;
    }
    // SDI: other device controllers answer their stations too (MediaTerminationPointControl - stationOutputKeepAliveAck)
    if (sdi && isLetter(c) && s.indexOf('tationOutput', p) >= 0) this.station(s, p, no, sdi);
  }

  // ---- SIP ---------------------------------------------------------------------------------------------------------

  /** After `SIPTcp` / `SIPUdp` (or their `//SIP/...` form): a traced message, a reset, or something else. */
  private sipHeader(s: string, p: number, transport: 'tcp' | 'udp', no: number): void {
    let dir = s.indexOf('Incoming SIP ', p);
    const incoming = dir >= 0;
    if (!incoming) dir = s.indexOf('Outgoing SIP ', p);
    if (dir < 0) {
      const big = s.indexOf('Ignoring large message', p);
      if (big >= 0) this.largeMessage(s, big + 22, no);
      return;
    }
    const word = s.charCodeAt(dir + 13);
    if (word === 85 /* UDP */) transport = 'udp';
    else if (word === 84 /* TCP, TLS */) transport = 'tcp';
    const sep = incoming ? ' from ' : ' to ';
    const k = s.indexOf(sep, dir + 13);
    const a = k + sep.length;
    let e = k < 0 ? -1 : addressEnd(s, a);
    let port = NaN;
    if (e > a) {
      if (s.charCodeAt(e) === 91 /* [ */ && s.charCodeAt(e - 1) === 58 /* : */) {
        // IP:[port]
        port = digitsAt(s, e + 1, 5);
        if (s.charCodeAt(digitsEnd) !== 93) port = -1;
        e--;
      } else if (s.startsWith(' on port ', e)) port = digitsAt(s, e + 9, 5);
      else port = -1;
    }
    if (k < 0 || !isAddress(s, a, e) || port < 0 || port > 65535) {
      this.issue('trace.bad-sip-header', 'warning', 'SIP trace headers without a readable address and port', no, 'the messages under them were skipped.');
      this.sipState = S_SKIP;
      return;
    }
    const ip = this.str(s, a, e);
    this.sipState = S_MARKER;
    this.sipLine = no;
    this.sipTime = this.recTime;
    this.sipDated = this.recDated;
    this.sipIncoming = incoming;
    this.sipIp = ip;
    this.sipPort = port;
    this.sipTransport = transport;
    this.sipLen = 0;
    this.sipCount = 0;
    this.sipChars = 0;
    this.sipBody = 0;
  }

  /** Room for `n` more bytes of header lines (bounded: the lines are MAX_SIP_HEADER characters at most). */
  private sipRoom(n: number): Buffer {
    if (this.sipLen + n + 2 > this.sipBuf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.sipLen + n + 2, this.sipBuf.length * 2));
      this.sipBuf.copy(bigger, 0, 0, this.sipLen);
      this.sipBuf = bigger;
    }
    return this.sipBuf;
  }

  /** A header line given as text (one byte per character, as on the wire). */
  private sipAdd(line: string): void {
    const buf = this.sipRoom(line.length);
    this.sipLast = this.sipLen;
    this.sipLen += buf.write(line, this.sipLen, 'latin1');
    buf[this.sipLen++] = 13;
    buf[this.sipLen++] = 10;
    this.sipCount++;
  }

  /**
   * A line given as ASCII bytes (`buf` from `start` to `end`, no line end), read without making a string of it when
   * it is one of a SIP message's lines; false when it must be given to `line` as text instead (a record header, a
   * marker, or any line outside a SIP message). The result is the same as `line`'s.
   */
  asciiLine(buf: Uint8Array, start: number, end: number, no: number): boolean {
    try {
      return this.asciiSipLine(buf, start, end);
    } catch (e) {
      this.issue('trace.internal', 'warning', 'A line could not be read because of an internal error', no, `it was skipped (${e instanceof Error ? e.message : String(e)}).`);
      return true;
    }
  }

  private asciiSipLine(buf: Uint8Array, start: number, end: number): boolean {
    const c = end > start ? buf[start]! : -1;
    if (c >= 48 && c <= 57) return this.asciiRecord(buf, start, end);
    const state = this.sipState;
    if (state !== S_HEADERS && state !== S_BODY && state !== S_SKIP) return false;
    if (state === S_SKIP) return true;
    const len = end - start;
    if (state === S_BODY) {
      this.sipBody += len + 2;
      return true;
    }
    let blank = true;
    for (let i = start; i < end; i++) {
      if (buf[i]! > 32) {
        blank = false;
        break;
      }
    }
    if (blank) {
      if (this.sipCount) this.sipState = S_BODY;
      return true;
    }
    if (c === 91) return false; // '[': maybe another message's marker
    if (this.sipChars + len > MAX_SIP_HEADER) {
      this.sipState = S_BODY;
      return true;
    }
    this.sipChars += len + 2;
    if (this.sipCount === 0) this.sipKeep = true;
    else if (c !== 32 && c !== 9) this.sipKeep = headerMayBeRead(c);
    if (this.sipKeep) {
      const out = this.sipRoom(len);
      this.sipLast = this.sipLen;
      // short lines by a loop (a view and a native copy cost ~70 ns), long ones (Contact) natively
      let k = this.sipLen;
      if (len > 48) {
        out.set(buf.subarray(start, end), k);
        k += len;
      } else for (let i = start; i < end; i++) out[k++] = buf[i]!;
      this.sipLen = k;
      out[this.sipLen++] = 13;
      out[this.sipLen++] = 10;
      this.sipCount++;
    }
    return true;
  }

  /**
   * An SDL record header line as bytes: taken (true) only when it is a record whose text nothing is read from — an
   * AppInfo record that is not a SIPTcp/SIPUdp/Station line, an SdlSig whose destination is not a station, another
   * type — with exactly what `line` would do for it: the record counted, the SIP message before it ended, the clock
   * moved. Every other line (alarm records, SDI lines, broken headers, records read further) is left to `line`, and
   * nothing is changed before it is.
   */
  private asciiRecord(buf: Uint8Array, start: number, end: number): boolean {
    let i = start;
    while (i < start + 10 && i < end && isDigit(buf[i]!)) i++;
    const dot = i - start;
    if (buf[i] !== 46 || dot < 7 || dot > 8) return false;
    i++;
    if (end - i < 3 || !isDigit(buf[i]!) || !isDigit(buf[i + 1]!) || !isDigit(buf[i + 2]!)) return false;
    i += 3;
    while (i < end && buf[i] === 32) i++;
    if (buf[i] !== 124 || i >= end) return false;
    i++;
    while (i < end && buf[i] === 32) i++;
    if (end - i < 12) return false;
    const tod = timeOfDayBytes(buf, i);
    if (tod < 0) return false;
    i += 12;
    while (i < end && buf[i] === 32) i++;
    if (buf[i] !== 124 || i >= end) return false;
    i++;
    let bar = i;
    while (bar < end && buf[bar] !== 124) bar++;
    if (bar >= end || bar - i > 32) return false;
    // an alarm record (the alarm reader's), as isAlarmRecord tells it: '|Alarm' within the first 40 characters
    for (let k = start + 12; k < start + 40 && k + 6 <= end; k++) {
      if (buf[k] === 124 && buf[k + 1] === 65 && buf[k + 2] === 108 && buf[k + 3] === 97 && buf[k + 4] === 114 && buf[k + 5] === 109) return false;
    }
    const c0 = buf[i]!;
    let type = T_OTHER;
    if (c0 === 65 && startsWithBytes(buf, i, end, 'AppInfo')) type = T_APPINFO;
    else if (c0 === 83 && startsWithBytes(buf, i, end, 'SdlSig')) type = T_SDLSIG;
    else if (!isLetter(c0)) return false;
    let p = bar + 1;
    if (type === T_APPINFO) {
      while (p < end && buf[p] === 32) p++;
      const t0 = buf[p], t1 = buf[p + 1];
      if (p < end && (t0 === 47 /* / */ || (t0 === 83 /* S */ && (t1 === 116 /* t */ ||
        (t1 === 73 /* I */ && (startsWithBytes(buf, p, end, 'SIPTcp') || startsWithBytes(buf, p, end, 'SIPUdp'))))))) return false;
    } else if (type === T_SDLSIG) {
      // the destination column (after two more bars) naming a station is read further
      let b = p, bars = 0;
      while (b < end && bars < 2) if (buf[b++] === 124) bars++;
      if (bars < 2) return false;
      while (b < end && buf[b] === 32) b++;
      if (startsWithBytes(buf, b, end, 'Station')) return false;
    }
    this.recType = type;
    this.timed(tod, -1);
    this.records++;
    if (this.sipState !== S_NONE) this.endSip(false);
    return true;
  }

  /** A line after a SIP header line (not a record header). */
  private sipText(s: string, no: number): void {
    switch (this.sipState) {
      case S_MARKER: {
        const marker = s.charCodeAt(0) === 91 ? markerKind(s) : 0;
        if (marker === 1) {
          this.sipState = S_HEADERS;
          return;
        }
        if (marker === 2) {
          // [N,INT]: a copy at a normalisation stage, not what went on the wire
          this.sipState = S_SKIP;
          return;
        }
        if (isBlank(s)) return;
        // no marker: the message itself, when it starts like one
        if (startsLikeSip(s)) {
          this.sipState = S_HEADERS;
          this.sipAdd(s);
          this.sipChars = s.length;
          return;
        }
        this.issue('trace.bad-sip', 'warning', 'SIP trace headers not followed by a SIP message', this.sipLine, 'nothing was read from them.');
        this.sipState = S_SKIP;
        return;
      }
      case S_HEADERS:
        if (isBlank(s)) {
          if (this.sipCount) this.sipState = S_BODY;
          return;
        }
        if (s.charCodeAt(0) === 91 && markerKind(s) !== 0) {
          // another message's marker: its header line is missing
          this.endSip(false);
          this.sipState = S_SKIP;
          this.issue('trace.bad-sip', 'warning', 'SIP messages without their trace header line', no, 'they were skipped.');
          return;
        }
        if (this.sipChars + s.length > MAX_SIP_HEADER) {
          this.sipState = S_BODY;
          return;
        }
        this.sipChars += s.length + 2;
        {
          // only the headers the SIP reader reads (and their folded continuation lines) are copied for it
          const c = s.charCodeAt(0);
          if (this.sipCount === 0) this.sipKeep = true; // the start line
          else if (c !== 32 && c !== 9) this.sipKeep = headerMayBeRead(c);
          if (this.sipKeep) this.sipAdd(s);
        }
        return;
      case S_BODY:
        this.sipBody += s.length + 2;
        return;
      default:
        return;
    }
  }

  /** The SIP message being read ends (next record, or the end of the file). */
  private endSip(eof: boolean): void {
    const state = this.sipState;
    this.sipState = S_NONE;
    if (state === S_SKIP || state === S_NONE) return;
    const count = this.sipCount;
    this.sipCount = 0;
    if (state === S_MARKER || count === 0) {
      if (eof) this.cut(false);
      else this.issue('trace.bad-sip', 'warning', 'SIP trace headers not followed by a SIP message', this.sipLine, 'nothing was read from them.');
      return;
    }
    // the header lines as the bytes on the wire (CRLF ends, gathered as they came), then the blank line
    const buf = this.sipRoom(2);
    let n = this.sipLen;
    buf[n++] = 13;
    buf[n++] = 10;
    const info = parseSipBytes(buf, 0, n, this.intern);
    if (!info) {
      if (eof) this.cut(false);
      else this.issue('trace.bad-sip', 'warning', 'SIP messages whose first line is not a SIP request or status line', this.sipLine, 'they were skipped.');
      return;
    }
    if (eof) {
      // At the end of the file the header block must be complete (its blank line seen, or Content-Length last, as
      // CUCM and phones write it), else the headers we need may be missing: the message is dropped.
      const last = buf.toString('latin1', this.sipLast, this.sipLen - 2);
      const complete = state === S_BODY || /^(?:content-length|l)\s*:/i.test(last);
      if (!complete) {
        this.cut(false);
        return;
      }
      // Body lines are counted with CRLF ends: a shorter body was cut (the message is kept, its headers are whole).
      if ((info.bodyLength ?? 0) > this.sipBody) this.cut(true);
    }
    const node = this.node;
    this.push(new TraceSipMessage({ source: this.opts.source, line: this.sipLine, frame: null }, this.sipTime, this.sipDated,
      this.sipIncoming ? this.sipIp : node, this.sipIncoming ? node : this.sipIp,
      this.sipIncoming ? this.sipPort : NaN, this.sipIncoming ? NaN : this.sipPort, this.sipTransport, info as SipInfo));
  }

  private cut(bodyOnly: boolean): void {
    this.problems.add('trace.cut-message', 'warning', bodyOnly
      ? `The SIP message under line ${this.sipLine} is cut by the end of the file: its body is incomplete; its headers were read.`
      : `The SIP message under line ${this.sipLine} is cut by the end of the file before its headers end; it was not read.`, this.sipLine);
  }

  /** "Ignoring large message[ from IP:[P]]. Only allow up to N bytes. Resetting connection." (`p` after the phrase). */
  private largeMessage(s: string, p: number, no: number): void {
    let ip = '';
    let port = NaN;
    if (s.startsWith(' from ', p)) {
      const a = p + 6;
      let e = addressEnd(s, a);
      if (s.charCodeAt(e) === 91 && s.charCodeAt(e - 1) === 58) {
        const n = digitsAt(s, e + 1, 5);
        if (n >= 0 && n <= 65535) port = n;
        e--;
      }
      if (isAddress(s, a, e)) ip = this.str(s, a, e);
    }
    const up = s.indexOf('up to ', p);
    const limit = up >= 0 ? digitsAt(s, up + 6, 9) : -1;
    const tcp: TcpInfo = { seq: 0, ack: 0, len: 0, flags: 4, win: 0, analysis: 0 };
    const m: Mutable<NetMessage> = {
      kind: 'tcp', loc: { source: this.opts.source, line: no, frame: null }, time: this.recTime, dated: this.recDated,
      src: this.node, dst: ip, srcPort: NaN, dstPort: port, transport: 'tcp',
      label: `[RST] ${this.node} reset the SIP TCP connection${ip ? ` of ${ip}` : ''}: a SIP message over ${limit > 0 ? limit : 5000} bytes was ignored (SIP Max Incoming Message Size)`,
      sip: undefined, sccp: undefined, tcp,
    };
    this.push(m);
  }

  // ---- SCCP --------------------------------------------------------------------------------------------------------

  /** StationInit / StationD text (`p` at the component name): an SCCP message we track, when it names one. */
  private station(s: string, p: number, no: number, sdi: boolean): void {
    let q = p;
    while (isLetter(s.charCodeAt(q))) q++;
    let inst = -1;
    if (s.charCodeAt(q) === 58 /* : */) {
      q++;
      while (s.charCodeAt(q) === 32) q++;
      if (s.charCodeAt(q) === 40 /* ( */) {
        inst = digitsAt(s, q + 1, 10);
        if (s.charCodeAt(digitsEnd) !== 41) inst = -1;
        q = digitsEnd + 1;
        while (s.charCodeAt(q) === 32) q++;
      }
    } else {
      while (s.charCodeAt(q) === 32) q++;
      if (s.charCodeAt(q) === 45 /* - */) q++;
      while (s.charCodeAt(q) === 32) q++;
    }
    // the message name: first word, after "InboundStim - ", or "stationOutput..."
    let name = sccpWord(s, q);
    if (name < 0) {
      const stim = s.indexOf('InboundStim - ', q);
      if (stim >= 0) name = sccpWord(s, stim + 14);
      else {
        const out = s.indexOf('tationOutput', q);
        if (out > 0) name = sccpWord(s, out - 1);
        else if (sdi && s.indexOf('Processing StationReg', q) >= 0) name = N_REGISTER;
      }
    }
    // SDI lines tell the TCP handle of a phone on other lines too (New connection accepted)
    if (name < 0 && !sdi) return;
    // the phone: its station (StationD instance, SDI TCP handle), and IPAddr= / Port= / DeviceName= on the line
    let st: Station | undefined;
    if (inst >= 0) st = this.byInstance(inst);
    else if (sdi) {
      let h = s.indexOf('TCPHandle=', q);
      if (h < 0) h = s.indexOf('tcpHandle=', q);
      if (h >= 0) {
        let a = h + 10;
        if (s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) | 32) === 120) a += 2;
        let e = a;
        while (e - a < 16 && isHex(s.charCodeAt(e))) e++;
        if (e > a) st = this.byHandle(s.slice(a, e).toLowerCase());
      }
    }
    const ipAt = s.indexOf('IPAddr=', q);
    if (ipAt >= 0) {
      const a = ipAt + 7;
      const e = addressEnd(s, a);
      // SDL: the phone is its address alone (no line gives the port of every message); SDI: address and port
      let port = NaN;
      const portAt = sdi ? s.indexOf('Port=', e) : -1;
      if (portAt >= 0) {
        const n = digitsAt(s, portAt + 5, 5);
        if (n >= 0 && n <= 65535) port = n;
      }
      // what the station already knows is not read again (the common case: every keepalive line repeats it)
      const same = st !== undefined && st.ip.length === e - a && s.startsWith(st.ip, a) && Object.is(st.port, port);
      if (!same && isAddress(s, a, e)) {
        const ip = this.str(s, a, e);
        st ??= this.byAddress(ip);
        this.learn(st, ip, port, '');
      }
    }
    if (!st) {
      if (name >= 0) this.issue('trace.sccp-no-address', 'information', 'SCCP messages naming neither the phone\'s address nor its station', no, 'they were skipped.');
      return;
    }
    const devAt = s.indexOf('DeviceName=', q);
    if (devAt >= 0) {
      const a = devAt + 11;
      let e = a;
      while (e < s.length && e - a < 64 && s.charCodeAt(e) > 32 && s.charCodeAt(e) !== 44) e++;
      if (e > a && !(st.device.length === e - a && s.startsWith(st.device, a))) {
        st.device = this.str(s, a, e);
        if (st.waiting && st.ip) this.learn(st, st.ip, st.port, st.device);
      }
    }
    if (name < 0) return;
    const [interval, secondary] = name === N_REGISTER_ACK ? registerAckIntervals(s) : [NaN, NaN];
    this.sccp(name, no, st, interval, secondary);
  }

  /** An SdlSig record: phone stations learnt from StationInit <-> StationD signals, and the SCCP ones we track. */
  private sdlSig(s: string, p: number, no: number): void {
    const b1 = s.indexOf('|', p);
    if (b1 < 0) return;
    const b2 = s.indexOf('|', b1 + 1);
    if (b2 < 0) return;
    const b3 = s.indexOf('|', b2 + 1);
    if (b3 < 0) return;
    // destination [b2+1, b3), source [b3+1, b4): StationInit and StationD, one each way
    let d = b2 + 1;
    while (s.charCodeAt(d) === 32) d++;
    const destD = s.startsWith('StationD(', d);
    if (!destD && !s.startsWith('StationInit(', d)) return;
    const b4 = s.indexOf('|', b3 + 1);
    if (b4 < 0) return;
    let r = b3 + 1;
    while (s.charCodeAt(r) === 32) r++;
    if (!(destD ? s.startsWith('StationInit(', r) : s.startsWith('StationD(', r))) return;
    // the StationD instance: the last number of StationD(node,app,type,instance)
    const at = destD ? d : r;
    const close = s.indexOf(')', at);
    const comma = close > 0 ? s.lastIndexOf(',', close) : -1;
    const inst = comma > at ? digitsAt(s, comma + 1, 10) : -1;
    if (inst < 0) return;
    const b5 = s.indexOf('|', b4 + 1);
    if (b5 < 0) return;
    const st = this.byInstance(inst);
    // tag: node,app,n,conn.count^IP^device
    const c1 = s.indexOf('^', b4 + 1);
    const c2 = c1 > 0 && c1 < b5 ? s.indexOf('^', c1 + 1) : -1;
    if (c2 > 0 && c2 < b5 && isAddress(s, c1 + 1, c2)) {
      let de = b5;
      while (de > c2 + 1 && s.charCodeAt(de - 1) === 32) de--;
      const device = de - c2 - 1 === 1 && s.charCodeAt(c2 + 1) === 42 /* * */ ? '' : this.str(s, c2 + 1, de);
      this.learn(st, this.str(s, c1 + 1, c2), NaN, device);
    }
    let e = b1;
    while (e > p && s.charCodeAt(e - 1) === 32) e--;
    let q = p;
    while (s.charCodeAt(q) === 32) q++;
    if (s.charCodeAt(q) !== 83 /* S */ || e - q > 48) return;
    const name = SCCP_SPELLINGS.get(s.slice(q, e));
    if (name === undefined) return;
    const [interval, secondary] = name === N_REGISTER_ACK ? registerAckIntervals(s) : [NaN, NaN];
    this.sccp(name, no, st, interval, secondary);
  }

  private byInstance(inst: number): Station {
    let st = this.instances.get(inst);
    if (!st) this.instances.set(inst, (st = new Station(`StationD(${inst})`)));
    return st;
  }

  private byHandle(handle: string): Station {
    let st = this.handles.get(handle);
    if (!st) this.handles.set(handle, (st = new Station(`tcpHandle 0x${handle}`)));
    return st;
  }

  private byAddress(ip: string): Station {
    let st = this.addresses.get(ip);
    if (!st) this.addresses.set(ip, (st = new Station(ip)));
    return st;
  }

  /** A station's phone; messages that waited for it get it. */
  private learn(st: Station, ip: string, port: number, device: string): void {
    st.ip = ip;
    st.port = port;
    if (device) st.device = device;
    const waiting = st.waiting;
    if (!waiting) return;
    st.waiting = null;
    this.waiting -= waiting.length;
    for (const i of waiting) {
      const m = this.messages[i] as Mutable<NetMessage>;
      if (m.src === this.node) {
        m.dst = ip;
        m.dstPort = port;
      } else {
        m.src = ip;
        m.srcPort = port;
      }
      if (st.device && m.sccp && !m.sccp.device) m.sccp = { ...m.sccp, device: st.device };
    }
  }

  private sccp(name: number, no: number, st: Station, interval: number, secondary: number): void {
    // the same message traced twice (StationInit's AppInfo and the StationKeepAlive signal, say) within a second: once
    const t = this.recTime;
    const last = st.times[name]!;
    if (st.lines[name] !== no && Math.abs(t - last) <= 1000) return;
    st.times[name] = t;
    st.lines[name] = no;
    const def = SCCP_LIST[name]!;
    const info: Mutable<SccpInfo> = { id: def.id, name: def.name };
    if (st.device) info.device = st.device;
    if (Number.isFinite(interval)) info.keepAliveInterval = interval;
    if (Number.isFinite(secondary)) info.secondaryKeepAliveInterval = secondary;
    // a phone not known yet is named by its station for now (see learn and finish)
    const phone = st.ip || st.name;
    const m: Mutable<NetMessage> = {
      kind: 'sccp', loc: { source: this.opts.source, line: no, frame: null }, time: t, dated: this.recDated,
      src: def.toPhone ? this.node : phone, dst: def.toPhone ? phone : this.node,
      srcPort: def.toPhone ? NaN : st.port, dstPort: def.toPhone ? st.port : NaN, transport: 'tcp',
      label: def.label, sip: undefined, sccp: info, tcp: undefined,
    };
    if (!st.ip) {
      (st.waiting ??= []).push(this.messages.length);
      this.waiting++;
    }
    this.push(m);
  }

  // ---- common ------------------------------------------------------------------------------------------------------

  private push(m: Mutable<NetMessage>): void {
    if (!m.dated) this.todMessages++;
    this.messages.push(m);
  }

  /** An interned copy of s[from, to) (a copy: a slice would pin the whole line). */
  private str(s: string, from: number, to: number): string {
    const v = s.slice(from, to);
    const got = this.strings.get(v);
    if (got !== undefined) return got;
    const own = v.length > 12 ? Buffer.from(v, 'utf8').toString('utf8') : v;
    if (this.strings.size < 100_000) this.strings.set(own, own);
    return own;
  }

  private issue(code: string, severity: Severity, what: string, line: number, after: string): void {
    this.issues.add(code, severity, what, line, after);
  }

  /** Closes the source: a message cut by the end of the file, addresses learnt late, dates, aggregated problems. */
  /** `continuation`: the lines at the top of the next file of the trace set, before its first record: the end of
   * a SIP message this file was cut in (RTMT rolls files in the middle of records). */
  finish(continuation?: readonly string[]): void {
    if (this.finished) return;
    this.finished = true;
    try {
      if (continuation && continuation.length && this.sipState !== S_NONE && this.sipState !== S_SKIP) {
        for (const l of continuation) this.sipText(l, this.sipLine);
        // the next file's first record ends it, as a record would here
        this.endSip(false);
      }
      this.close();
    } catch (e) {
      this.problems.add('trace.internal', 'warning', `The end of the trace could not be read because of an internal error (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  /** The moment of the last record when a header above the first record gave the date the trace starts on (it then
   * dates the file, ahead of its modification time); null otherwise. Records are timed from the first one's day. */
  headerReference(): Date | null {
    if (Number.isNaN(this.headerDay) || !Number.isFinite(this.lastTodTime)) return null;
    return new Date(this.headerDay + this.lastTodTime);
  }

  private close(): void {
    if (this.sipState !== S_NONE) this.endSip(true);
    const P = this.problems;
    if (this.waiting) {
      const stations = [...this.instances.values(), ...this.handles.values()].filter((st) => st.waiting);
      const first = stations.reduce((lo, st) => Math.min(lo, this.messages[st.waiting![0]!]!.loc.line ?? Infinity), Infinity);
      const names = stations.slice(0, 5).map((st) => st.name).join(', ') + (stations.length > 5 ? ', ...' : '');
      P.add('trace.sccp-no-address', 'information', `${count(this.waiting, 'SCCP message')} of ${count(stations.length, 'station')} (${names}) never showed the phone's IP address in this trace; they are listed under the station instead (first on line ${first}).`, Number.isFinite(first) ? first : null);
      for (const st of stations) st.waiting = null;
      this.waiting = 0;
    }
    const fromHeader = this.headerReference();
    const ref = fromHeader ?? this.opts.referenceDate;
    if (ref && this.todMessages && Number.isFinite(this.lastTodTime)) {
      const off = dayOffsetBefore(ref, this.lastTodTime);
      for (const m of this.messages as Mutable<NetMessage>[]) {
        if (m.dated) continue;
        m.time += off;
        m.dated = true;
      }
    }
    if (this.todMessages) {
      P.add('trace.no-date', 'information', fromHeader
        ? `${count(this.todMessages, 'trace message')} ${this.todMessages === 1 ? 'carries' : 'carry'} only a time of day; they were dated from the file's header (${new Date(this.headerDay).toISOString().slice(0, 10)}), taken as the day of the first record.`
        : ref
        ? `${count(this.todMessages, 'trace message')} ${this.todMessages === 1 ? 'carries' : 'carry'} only a time of day; dates were counted back from ${ref.toISOString().slice(0, 19)}Z (the file's modification time; in a trace set, the start of the next file), taken as the time of the last record.`
        : `${count(this.todMessages, 'trace message')} ${this.todMessages === 1 ? 'carries' : 'carry'} only a time of day and the file's date is unknown; times are shown without a date.`);
    }
    if (this.records === 0 && this.nonEmpty > 0) {
      P.add('trace.no-records', 'information', 'No CUCM SDL or SDI trace records were recognised in this file (lines like "00012345.001 |10:11:12.123 |AppInfo |..." or "10:11:12.123 CCM|..."); nothing was read from it.', this.firstNonRecordLine || null);
    }
    this.issues.report(P, (code) => this.records === 0 && code === 'trace.bad-line');
    this.instances.clear();
    this.handles.clear();
    this.addresses.clear();
    this.strings.clear();
  }
}

/** keepAliveInterval / secondaryKeepAliveInterval named on a RegisterAck line (NaN when absent). */
function registerAckIntervals(s: string): [number, number] {
  const k = /(?<![A-Za-z])keepAliveInterval\s*[=:]\s*(\d+)/i.exec(s);
  const k2 = /secondaryKeepAliveInterval\s*[=:]\s*(\d+)/i.exec(s);
  return [k ? Number(k[1]) : NaN, k2 ? Number(k2[1]) : NaN];
}

/** `[N,NET]` 1, `[N,INT]` 2 (or another stage), else 0. */
function markerKind(s: string): number {
  let i = 1;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === 1 || s.charCodeAt(i) !== 44 /* , */) return 0;
  const close = s.indexOf(']', i);
  if (close < 0 || close - i > 8) return 0;
  for (let k = close + 1; k < s.length; k++) if (s.charCodeAt(k) > 32) return 0;
  return s.startsWith('NET', i + 1) && close === i + 4 ? 1 : 2;
}

/** A date in a trace file's header line: 2026-11-23, 2026/11/23 or 11/23/2026 (month first, as CallManager writes
 * it); UTC midnight in ms, NaN when the line has none. */
export function headerDate(s: string): number {
  let m = /(?:^|[^\d])(\d{4})[-/](\d{2})[-/](\d{2})(?:[^\d]|$)/.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  } else {
    m = /(?:^|[^\d])(\d{2})\/(\d{2})\/(\d{4})(?:[^\d]|$)/.exec(s);
    if (!m) return NaN;
    mo = Number(m[1]);
    d = Number(m[2]);
    y = Number(m[3]);
  }
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  const t = Date.UTC(y, mo - 1, d);
  return new Date(t).getUTCDate() === d ? t : NaN;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 32) return false;
  return true;
}

const SIP_START = /^(?:SIP\/2\.0 \d{3}|[A-Z]+ \S+ SIP\/2\.0\s*$)/;

function startsLikeSip(s: string): boolean {
  return SIP_START.test(s.length > 2048 ? s.slice(0, 2048) : s);
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
