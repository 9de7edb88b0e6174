// Classic pcap (libpcap) reader: the npm package `pcap-parser` does the framing (the project's rule), behind a guard
// of our own that makes it safe on untrusted files.
//
// pcap-parser trusts every record length (a record claiming 4 GB would make it buffer forever), knows only the
// microsecond magic, and reports nothing about truncation. So the guard sees every byte first:
//   - it reads and validates the 24-byte file header itself (magic in both byte orders, microsecond and nanosecond
//     variants, version 2.x, snap length), and hands pcap-parser a copy of it with the nanosecond magic rewritten to
//     the microsecond one (the fraction is then scaled here, ns -> us, rounded down);
//   - it walks the 16-byte record headers (it only skips over packet data, it does not copy it) and stops feeding
//     pcap-parser at the first record whose captured length is larger than the snap length or PCAP_MAX_RECORD;
//   - at the end of input it says which frame, at which offset, the file was cut in.
// pcap-parser is driven synchronously through a minimal stream stand-in: `push` returns after every complete record
// in the chunk has been handed to `onFrame`. Frames are numbered from 1 in file order.
//
// Format: IETF draft-ietf-opsawg-pcap (see ../shared/reference/pcap_pcapng_format_facts.json).

import { EventEmitter } from 'node:events';
import type { FrameHandler } from './frames';
import type { ProblemSink } from './text';

/** Largest captured length accepted for one record (Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD, tcpdump's default snap length). */
export const PCAP_MAX_RECORD = 256 * 1024;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/** What pcap-parser 0.2.1 emits (lib/pcap-parser.js); it ships no type declarations. */
interface PcapParserPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface PcapParserEmitter extends EventEmitter {
  on(event: 'packet', fn: (p: PcapParserPacket) => void): this;
  on(event: 'error', fn: (e: Error) => void): this;
  on(event: string, fn: (...args: unknown[]) => void): this;
}
const pcapParser: { parse(input: EventEmitter): PcapParserEmitter } = require('pcap-parser');

/** The stream pcap-parser listens to: we emit 'data' ourselves, synchronously. */
class Feed extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

/** What the 24-byte file header says. */
export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly nanoseconds: boolean;
  readonly major: number;
  readonly minor: number;
  readonly snapLen: number;
  /** Low 16 bits of the LinkType field (the upper bits carry FCS information). */
  readonly linkType: number;
  /** The upper 16 bits of the LinkType field (FCS length and flags), usually 0. */
  readonly linkTypeExtra: number;
}

/** Reads the magic of a classic pcap file; null when it is not one. */
export function pcapMagic(b: Uint8Array): { littleEndian: boolean; nanoseconds: boolean } | null {
  if (b.length < 4) return null;
  const a0 = b[0]!, a1 = b[1]!, a2 = b[2]!, a3 = b[3]!;
  if (a2 === 0xb2 && a3 === 0xa1) {
    if (a0 === 0xd4 && a1 === 0xc3) return { littleEndian: true, nanoseconds: false };
    if (a0 === 0x4d && a1 === 0x3c) return { littleEndian: true, nanoseconds: true };
  }
  if (a0 === 0xa1 && a1 === 0xb2) {
    if (a2 === 0xc3 && a3 === 0xd4) return { littleEndian: false, nanoseconds: false };
    if (a2 === 0x3c && a3 === 0x4d) return { littleEndian: false, nanoseconds: true };
  }
  return null;
}

function u32(b: Uint8Array, p: number, le: boolean): number {
  return le
    ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
    : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function u16(b: Uint8Array, p: number, le: boolean): number {
  return le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** "the 3 frames before it are kept" / "the 1 frame before it is kept" / "no frame comes before it". */
export function framesKept(n: number): string {
  return n === 0 ? 'no frame comes before it' : n === 1 ? 'the 1 frame before it is kept' : `the ${n} frames before it are kept`;
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

const enum State {
  Global,
  RecordHeader,
  RecordData,
  Done,
}

/**
 * Streaming classic pcap reader (synchronous core). Feed chunks with `push` (any sizes), then call `end` once.
 * Never throws on bad input: problems go to the sink with the frame number and byte offset.
 */
export class PcapReader {
  /** Complete frames handed to the callback. */
  frames = 0;
  /** Bytes pushed so far. */
  bytes = 0;
  header: PcapHeader | null = null;

  private state = State.Global;
  private readonly head = new Uint8Array(GLOBAL_HEADER);
  private headFill = 0;
  private readonly rec = new Uint8Array(RECORD_HEADER);
  private recFill = 0;
  /** Record headers validated so far (the number of the record being read). */
  private records = 0;
  private recStart = 0;
  private recLen = 0;
  private remaining = 0;
  private limit = PCAP_MAX_RECORD;
  private feed: Feed | null = null;
  private linkType = 0;
  private nano = false;

  constructor(private readonly onFrame: FrameHandler, private readonly problems: ProblemSink) {}

  /** True once the reader wants no more input (bad header, bad record length, or `end` was called). */
  get stopped(): boolean {
    return this.state === State.Done;
  }

  /** Reads one chunk. Returns false when no more input is wanted. */
  push(chunk: Uint8Array): boolean {
    if (this.state === State.Done) return false;
    const base = this.bytes;
    const n = chunk.length;
    this.bytes += n;
    let pos = 0;
    if (this.state === State.Global) {
      const take = Math.min(GLOBAL_HEADER - this.headFill, n);
      this.head.set(chunk.subarray(0, take), this.headFill);
      this.headFill += take;
      pos = take;
      if (this.headFill < GLOBAL_HEADER) return true;
      if (!this.start()) return false;
    }
    const from = pos;
    const le = this.header!.littleEndian;
    while (pos < n) {
      if (this.state === State.RecordData) {
        const k = Math.min(this.remaining, n - pos);
        pos += k;
        this.remaining -= k;
        if (this.remaining === 0) this.state = State.RecordHeader;
        continue;
      }
      // State.RecordHeader
      let incl: number;
      let orig: number;
      let headerAt: number;
      if (this.recFill === 0 && n - pos >= RECORD_HEADER) {
        headerAt = pos;
        incl = u32(chunk, pos + 8, le);
        orig = u32(chunk, pos + 12, le);
        this.recStart = base + pos;
        pos += RECORD_HEADER;
      } else {
        if (this.recFill === 0) this.recStart = base + pos;
        const take = Math.min(RECORD_HEADER - this.recFill, n - pos);
        this.rec.set(chunk.subarray(pos, pos + take), this.recFill);
        this.recFill += take;
        headerAt = pos - (this.recFill - take);
        pos += take;
        if (this.recFill < RECORD_HEADER) break;
        this.recFill = 0;
        incl = u32(this.rec, 8, le);
        orig = u32(this.rec, 12, le);
      }
      this.records++;
      if (incl > this.limit) {
        this.forward(chunk, from, Math.max(from, headerAt));
        this.badLength(incl, orig);
        this.state = State.Done;
        return false;
      }
      this.recLen = incl;
      if (incl > 0) {
        this.remaining = incl;
        this.state = State.RecordData;
      }
    }
    this.forward(chunk, from, n);
    return true;
  }

  /** Input is over: reports a file cut inside a header or a packet. */
  end(): void {
    const state = this.state;
    this.state = State.Done;
    const kept = framesKept(this.frames);
    const severity = this.frames === 0 ? 'error' : 'warning';
    if (state === State.Global) {
      if (this.headFill === 0) this.problems.add('capture.truncated', 'error', 'The capture is empty: there is no pcap file header.', null, 0, null);
      else this.problems.add('capture.truncated', 'error', `The file ends after ${this.headFill} bytes, inside the 24-byte pcap file header: no frames.`, null, this.headFill, null);
    } else if (state === State.RecordHeader && this.recFill > 0) {
      const frame = this.records + 1;
      this.problems.add('capture.truncated', severity,
        `The file ends inside the record header of frame ${frame} at offset ${this.recStart} (${this.recFill} of 16 bytes); ${kept}.`,
        null, this.recStart, frame);
    } else if (state === State.RecordData) {
      const frame = this.records;
      this.problems.add('capture.truncated', severity,
        `The file ends inside frame ${frame} (record at offset ${this.recStart}): its header says ${this.recLen} captured bytes, only ${this.recLen - this.remaining} are present; ${kept}.`,
        null, this.recStart, frame);
    }
    this.feed?.emit('end');
    this.feed = null;
  }

  /** Validates the file header and starts pcap-parser on it. */
  private start(): boolean {
    const h = this.head;
    const magic = pcapMagic(h);
    if (!magic) {
      this.problems.add('capture.bad-magic', 'error', `Not a pcap file: the magic number is ${hex(h.subarray(0, 4))} (expected d4 c3 b2 a1, 4d 3c b2 a1 or the big-endian a1 b2 c3 d4, a1 b2 3c 4d).`, null, 0, null);
      this.state = State.Done;
      return false;
    }
    const le = magic.littleEndian;
    const major = u16(h, 4, le);
    const minor = u16(h, 6, le);
    const snapLen = u32(h, 16, le);
    const lt = u32(h, 20, le);
    this.header = { littleEndian: le, nanoseconds: magic.nanoseconds, major, minor, snapLen, linkType: lt & 0xffff, linkTypeExtra: lt >>> 16 };
    if (major !== 2) {
      this.problems.add('capture.bad-magic', 'error', `Unsupported pcap version ${major}.${minor} (only 2.x is read).`, null, 4, null);
      this.state = State.Done;
      return false;
    }
    if (snapLen > PCAP_MAX_RECORD) {
      this.problems.add('capture.snaplen', 'warning',
        `The file header gives a snap length of ${snapLen} bytes; records longer than ${PCAP_MAX_RECORD} bytes are not read.`, null, 16, null);
    }
    // A snap length of 0 is written by some tools for "no limit".
    this.limit = snapLen === 0 ? PCAP_MAX_RECORD : Math.min(snapLen, PCAP_MAX_RECORD);
    this.linkType = lt & 0xffff;
    this.nano = magic.nanoseconds;

    const feed = new Feed();
    const parser = pcapParser.parse(feed);
    parser.on('packet', (p: PcapParserPacket) => this.packet(p));
    parser.on('error', (e: Error) => {
      // Not expected: the guard validated what pcap-parser checks.
      this.problems.add('capture.bad-magic', 'error', `pcap-parser refused the file: ${e.message}`, null, 0, null);
      this.state = State.Done;
    });
    this.feed = feed;
    const copy = Buffer.from(h);
    if (magic.nanoseconds) {
      // pcap-parser knows only the microsecond magic; the fraction is scaled in packet().
      if (le) copy.set([0xd4, 0xc3, 0xb2, 0xa1], 0);
      else copy.set([0xa1, 0xb2, 0xc3, 0xd4], 0);
    }
    feed.emit('data', copy);
    this.state = State.RecordHeader;
    return true;
  }

  private packet(p: PcapParserPacket): void {
    const h = p.header;
    const frac = this.nano ? Math.floor(h.timestampMicroseconds / 1000) : h.timestampMicroseconds;
    this.frames++;
    this.onFrame({ frame: this.frames, tsUs: h.timestampSeconds * 1e6 + frac, linkType: this.linkType, data: p.data, origLen: h.originalLength, iface: 0 });
  }

  private forward(chunk: Uint8Array, from: number, to: number): void {
    if (to > from && this.feed) this.feed.emit('data', asBuffer(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to)));
  }

  private badLength(incl: number, orig: number): void {
    const frame = this.records;
    const why = incl > PCAP_MAX_RECORD
      ? `more than the ${PCAP_MAX_RECORD} bytes this reader accepts for one record`
      : `more than the snap length of ${this.header!.snapLen} bytes in the file header`;
    this.problems.add('capture.bad-length', 'error',
      `Frame ${frame} (record at offset ${this.recStart}) claims ${incl} captured bytes (original length ${orig}), ${why}: the file is damaged here. Reading stopped; ${framesKept(this.frames)}.`,
      null, this.recStart, frame);
  }
}
