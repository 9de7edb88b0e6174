// pcapng reader (our own; pcap-parser reads classic pcap only). Streaming: at most one block is buffered, and only
// when it straddles chunks; a block inside one chunk is read in place and its packet handed over as a view.
//
// Blocks read: Section Header (byte order from its magic; a file may hold several sections, each with its own byte
// order and interfaces), Interface Description (link type, snap length, if_tsresol, if_tsoffset), Enhanced Packet,
// Simple Packet (no timestamp: tsUs NaN, interface 0), the obsolete Packet Block (type 2). Every other block
// (name resolution, interface statistics, decryption secrets, custom, ...) is skipped by its length. The trailing
// copy of the block length must equal the leading one.
//
// Bad input stops reading at the bad block (frames before it are kept) with a problem naming the frame or offset:
// capture.bad-magic (no SHB first, unknown byte-order magic, unsupported version), capture.bad-length (length < 12,
// not a multiple of 4, larger than PCAPNG_MAX_BLOCK, too small for the block type, trailing length differs, captured
// length larger than the block), capture.bad-block (packet for an interface the section did not describe),
// capture.truncated (file ends inside a block).
//
// Format: IETF draft-ietf-opsawg-pcapng (see ../shared/reference/pcap_pcapng_format_facts.json).

import type { FrameHandler } from './frames';
import type { ProblemSink } from './text';
import { framesKept } from './pcap';

/** Largest block accepted (Wireshark refuses blocks above 16 MiB too). */
export const PCAPNG_MAX_BLOCK = 16 * 1024 * 1024;

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OPB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const JOURNAL = 0x00000009; // systemd Journal Export Block
const CB_COPY = 0x00000bad;
const CB_NOCOPY = 0x40000bad;
const HEADER = 12; // type, length, and (SHB) the byte-order magic: every valid block has at least these 12 bytes

/** One interface of the current section. */
interface Iface {
  readonly linkType: number;
  readonly snapLen: number;
  /** How a 64-bit timestamp in this interface's units becomes microseconds. */
  readonly mode: TsMode;
  /** For mode Div and Float: the divisor 10^(n-6); for Mul: the multiplier 10^(6-n); for Bin: the exponent n of 2^-n. */
  readonly k: number;
  readonly offsetUs: number;
}

const enum TsMode {
  Micro,
  Div,
  Mul,
  Bin,
  Float,
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
function u32be(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

const TWO32 = 4294967296;

/** floor((hi * 2^32 + lo) / d) exactly, for integer d < 2^37 (no BigInt, no allocation). */
function div64(hi: number, lo: number, d: number): number {
  const q1 = Math.floor(hi / d);
  const r1 = hi - q1 * d;
  const a = r1 * 65536 + (lo >>> 16);
  const q2 = Math.floor(a / d);
  const b = (a - q2 * d) * 65536 + (lo & 0xffff);
  const q3 = Math.floor(b / d);
  return q1 * TWO32 + q2 * 65536 + q3;
}

/** floor((hi * 2^32 + lo) * 1e6 / 2^n): whole seconds and the fraction apart, exact for n <= 32. */
function binToMicros(hi: number, lo: number, n: number): number {
  const pow = Math.pow(2, n);
  let sec: number;
  let frac: number;
  if (n <= 32) {
    frac = lo % pow;
    sec = hi * (TWO32 / pow) + (lo - frac) / pow;
  } else {
    const p2 = Math.pow(2, n - 32);
    const fracHi = hi % p2;
    sec = (hi - fracHi) / p2;
    frac = fracHi * TWO32 + lo;
  }
  return sec * 1e6 + Math.floor((frac * 1e6) / pow);
}

/** Describes an if_tsresol byte: MSB 0 -> 10^-n seconds, MSB 1 -> 2^-n seconds. */
function tsResolution(resol: number): { mode: TsMode; k: number } {
  const n = resol & 0x7f;
  if (resol & 0x80) return { mode: TsMode.Bin, k: n };
  if (n === 6) return { mode: TsMode.Micro, k: 1 };
  if (n < 6) return { mode: TsMode.Mul, k: Math.pow(10, 6 - n) };
  if (n <= 17) return { mode: TsMode.Div, k: Math.pow(10, n - 6) };
  return { mode: TsMode.Float, k: Math.pow(10, n - 6) };
}

function toMicros(i: Iface, hi: number, lo: number): number {
  switch (i.mode) {
    case TsMode.Micro:
      return hi * TWO32 + lo + i.offsetUs;
    case TsMode.Div:
      return div64(hi, lo, i.k) + i.offsetUs;
    case TsMode.Mul:
      return (hi * TWO32 + lo) * i.k + i.offsetUs;
    case TsMode.Bin:
      return binToMicros(hi, lo, i.k) + i.offsetUs;
    default:
      return Math.floor((hi * TWO32 + lo) / i.k) + i.offsetUs;
  }
}

function blockName(type: number): string {
  switch (type) {
    case SHB: return 'Section Header Block';
    case IDB: return 'Interface Description Block';
    case OPB: return 'Packet Block';
    case SPB: return 'Simple Packet Block';
    case 4: return 'Name Resolution Block';
    case 5: return 'Interface Statistics Block';
    case EPB: return 'Enhanced Packet Block';
    case 0x0a: return 'Decryption Secrets Block';
    case JOURNAL: return 'systemd Journal Export Block';
    case CB_COPY: case CB_NOCOPY: return 'Custom Block';
    default: return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}

function isPacketBlock(type: number): boolean {
  return type === EPB || type === SPB || type === OPB;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Streaming pcapng reader (synchronous core). Feed chunks with `push` (any sizes), then call `end` once.
 * Never throws on bad input. `data` handed to the callback is a view, valid only during the callback.
 */
export class PcapngReader {
  /** Frames handed to the callback. */
  frames = 0;
  /** The last frame number given. Numbers follow Wireshark's: custom and systemd journal blocks take a number
   * (Wireshark lists them as records) but are not handed over, so numbers can skip. */
  numbered = 0;
  /** Bytes pushed so far. */
  bytes = 0;
  /** Sections seen (Section Header Blocks). */
  sections = 0;

  private done = false;
  private le = true;
  private ifaces: Iface[] = [];
  /** The block being assembled across chunks. */
  private carry = new Uint8Array(4096);
  private carryLen = 0;
  /** Length of the carried block once its header is known; 0 while the header is incomplete. */
  private need = 0;
  private carryType = 0;
  /** Absolute offset of the carried block. */
  private carryAt = 0;

  constructor(private readonly onFrame: FrameHandler, private readonly problems: ProblemSink) {}

  /** True once the reader wants no more input. */
  get stopped(): boolean {
    return this.done;
  }

  /** Interfaces of the current section (link type, snap length). */
  get interfaces(): readonly { linkType: number; snapLen: number }[] {
    return this.ifaces;
  }

  /** Reads one chunk. Returns false when no more input is wanted. */
  push(chunk: Uint8Array): boolean {
    if (this.done) return false;
    const base = this.bytes;
    const n = chunk.length;
    this.bytes += n;
    let pos = 0;
    if (this.carryLen > 0) {
      if (this.need === 0) {
        // Complete the header first.
        const take = Math.min(HEADER - this.carryLen, n);
        this.carry.set(chunk.subarray(0, take), this.carryLen);
        this.carryLen += take;
        pos = take;
        if (this.carryLen < HEADER) return true;
        const len = this.header(this.carry, 0, this.carryAt);
        if (len < 0) return false;
        this.need = len;
        this.carryType = this.le ? u32le(this.carry, 0) : u32be(this.carry, 0);
      }
      const take = Math.min(this.need - this.carryLen, n - pos);
      this.grow(this.carryLen + take);
      this.carry.set(chunk.subarray(pos, pos + take), this.carryLen);
      this.carryLen += take;
      pos += take;
      if (this.carryLen < this.need) return true;
      const ok = this.block(this.carry, 0, this.need, this.carryAt);
      this.carryLen = 0;
      this.need = 0;
      if (!ok) return false;
    }
    while (pos < n) {
      const avail = n - pos;
      if (avail < HEADER) {
        this.startCarry(chunk, pos, avail, base + pos, 0);
        return true;
      }
      const len = this.header(chunk, pos, base + pos);
      if (len < 0) return false;
      if (len <= avail) {
        if (!this.block(chunk, pos, len, base + pos)) return false;
        pos += len;
      } else {
        this.startCarry(chunk, pos, avail, base + pos, len);
        return true;
      }
    }
    return true;
  }

  /** Input is over: reports a file cut inside a block. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.bytes === 0) {
      this.problems.add('capture.truncated', 'error', 'The capture is empty: there is no Section Header Block.', null, 0, null);
      return;
    }
    if (this.carryLen === 0) return;
    const at = this.carryAt;
    const kept = framesKept(this.frames);
    const severity = this.frames === 0 ? 'error' : 'warning';
    if (this.need === 0) {
      // The header is incomplete: the block's type is known when 4 bytes are there.
      const type = this.carryLen >= 4 ? (this.le ? u32le(this.carry, 0) : u32be(this.carry, 0)) : -1;
      const frame = type >= 0 && isPacketBlock(type) ? this.numbered + 1 : null;
      const present = `${this.carryLen} of its first 12 bytes present`;
      const where = frame !== null ? `the block header of frame ${frame} (${blockName(type)} at offset ${at}, ${present})`
        : type >= 0 ? `the header of the ${blockName(type)} at offset ${at} (${present})` : `a block header at offset ${at} (${present})`;
      this.problems.add('capture.truncated', severity, `The file ends inside ${where}; ${kept}.`, null, at, frame);
      return;
    }
    const type = this.carryType;
    const frame = isPacketBlock(type) ? this.numbered + 1 : null;
    const what = frame !== null ? `frame ${frame} (${blockName(type)} at offset ${at})` : `the ${blockName(type)} at offset ${at}`;
    const packetEnd = this.packetEnd(this.carry, this.carryLen);
    if (packetEnd > 0 && packetEnd <= this.carryLen) {
      this.problems.add('capture.bad-length', 'error',
        `The length of ${what} is ${this.need} bytes, which points past the end of the file (only ${this.carryLen} bytes from its start to the end). Its packet data is complete, so the length field is probably wrong; the frame is not read and ${kept}.`,
        null, at, frame);
    } else {
      this.problems.add('capture.truncated', severity,
        `The file ends inside ${what}: the block is ${this.need} bytes long, only ${this.carryLen} are present; ${kept}.`,
        null, at, frame);
    }
  }

  /** Where the packet data of a carried packet block ends (its fixed part included), or 0 when that is not known. */
  private packetEnd(b: Uint8Array, have: number): number {
    const r = this.le ? u32le : u32be;
    if ((this.carryType === EPB || this.carryType === OPB) && have >= 28) return 28 + pad4(r(b, 20));
    return 0;
  }

  private startCarry(chunk: Uint8Array, pos: number, avail: number, at: number, len: number): void {
    this.carryAt = at;
    this.need = len;
    this.carryType = len > 0 ? (this.le ? u32le(chunk, pos) : u32be(chunk, pos)) : 0;
    this.grow(avail);
    this.carry.set(chunk.subarray(pos, pos + avail), 0);
    this.carryLen = avail;
  }

  /** Grows the carry buffer to hold `size` bytes: by what actually arrived, never by a length read from the file. */
  private grow(size: number): void {
    if (size <= this.carry.length) return;
    let cap = this.carry.length;
    while (cap < size) cap *= 2;
    const next = new Uint8Array(Math.min(cap, PCAPNG_MAX_BLOCK));
    next.set(this.carry.subarray(0, this.carryLen));
    this.carry = next;
  }

  private stop(code: string, message: string, at: number, frame: number | null): -1 {
    this.problems.add(code, 'error', message, null, at, frame);
    this.done = true;
    this.carryLen = 0;
    return -1;
  }

  /**
   * Reads a block's type and length (12 bytes available at p), switching byte order at a Section Header Block.
   * Returns the block length, or -1 after reporting why reading stops.
   */
  private header(b: Uint8Array, p: number, at: number): number {
    // The SHB type is a palindrome: the same in both byte orders.
    const isShb = b[p] === 0x0a && b[p + 1] === 0x0d && b[p + 2] === 0x0d && b[p + 3] === 0x0a;
    if (isShb) {
      const m0 = b[p + 8]!, m1 = b[p + 9]!, m2 = b[p + 10]!, m3 = b[p + 11]!;
      if (m0 === 0x4d && m1 === 0x3c && m2 === 0x2b && m3 === 0x1a) this.le = true;
      else if (m0 === 0x1a && m1 === 0x2b && m2 === 0x3c && m3 === 0x4d) this.le = false;
      else {
        const hex = [m0, m1, m2, m3].map((x) => x.toString(16).padStart(2, '0')).join(' ');
        return this.stop('capture.bad-magic', `The Section Header Block at offset ${at} has the byte-order magic ${hex} (expected 4d 3c 2b 1a or 1a 2b 3c 4d). Reading stopped; ${framesKept(this.frames)}.`, at, null);
      }
    } else if (this.sections === 0) {
      const hex = Array.from(b.subarray(p, p + 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
      return this.stop('capture.bad-magic', `Not a pcapng file: it starts with ${hex}, not a Section Header Block (0a 0d 0d 0a).`, at, null);
    }
    const r = this.le ? u32le : u32be;
    const type = isShb ? SHB : r(b, p);
    const len = r(b, p + 4);
    if (len < 12 || len % 4 !== 0) {
      return this.badBlock(type, at, `its block length is ${len}, ${len < 12 ? 'less than the minimum of 12' : 'not a multiple of 4'}: the file is damaged here`);
    }
    if (len > PCAPNG_MAX_BLOCK) {
      return this.badBlock(type, at, `its block length is ${len} bytes, more than the ${PCAPNG_MAX_BLOCK} bytes this reader accepts for one block: the file is damaged here`);
    }
    const min = type === SHB ? 28 : type === IDB ? 20 : type === EPB || type === OPB ? 32 : type === SPB ? 16 : 12;
    if (len < min) {
      return this.badBlock(type, at, `its block length is ${len}, less than the ${min} bytes such a block needs: the file is damaged here`);
    }
    return len;
  }

  /** Reads one complete block of `len` bytes at p. Returns false when reading stops. */
  private block(b: Uint8Array, p: number, len: number, at: number): boolean {
    const le = this.le;
    const r = le ? u32le : u32be;
    const type = r(b, p);
    const trailing = r(b, p + len - 4);
    if (trailing !== len) {
      this.badBlock(type, at, `its block length is ${len} at its start but ${trailing} at its end: the file is damaged here`);
      return false;
    }
    switch (type) {
      case EPB:
        return this.packetBlock(b, p, len, at, type, r(b, p + 8), r);
      case SPB: {
        const i = this.ifaces[0];
        if (!i) return this.noIface(type, 0, at);
        const orig = r(b, p + 8);
        let cap = Math.min(orig, len - 16);
        if (i.snapLen > 0 && cap > i.snapLen) cap = i.snapLen;
        this.frames++;
        this.onFrame({ frame: ++this.numbered, tsUs: NaN, linkType: i.linkType, data: b.subarray(p + 12, p + 12 + cap), origLen: orig, iface: 0 });
        return true;
      }
      case OPB:
        return this.packetBlock(b, p, len, at, type, le ? b[p + 8]! | (b[p + 9]! << 8) : (b[p + 8]! << 8) | b[p + 9]!, r);
      case IDB:
        this.ifaces.push(this.idb(b, p, len, at));
        return true;
      case SHB: {
        const major = le ? b[p + 12]! | (b[p + 13]! << 8) : (b[p + 12]! << 8) | b[p + 13]!;
        const minor = le ? b[p + 14]! | (b[p + 15]! << 8) : (b[p + 14]! << 8) | b[p + 15]!;
        if (major !== 1) {
          this.badBlock(type, at, `it has version ${major}.${minor}; only pcapng 1.x is read`, 'capture.bad-magic');
          return false;
        }
        this.sections++;
        this.ifaces = [];
        return true;
      }
      case CB_COPY:
      case CB_NOCOPY:
      case JOURNAL:
        // Wireshark lists these as records with a frame number of their own; keep our numbers equal to its "No.".
        this.numbered++;
        return true;
      default:
        return true; // NRB, ISB, DSB and unknown blocks: skipped by their length
    }
  }

  /** Enhanced (and obsolete) packet blocks share their layout from offset 12: timestamp high/low, captured and
   * original length, then the packet. */
  private packetBlock(b: Uint8Array, p: number, len: number, at: number, type: number, id: number, r: (b: Uint8Array, o: number) => number): boolean {
    const cap = r(b, p + 20);
    if (cap > len - 32) {
      this.badBlock(type, at, `it claims ${cap} captured bytes, more than its block of ${len} bytes holds`);
      return false;
    }
    const i = this.ifaces[id];
    if (!i) return this.noIface(type, id, at);
    this.frames++;
    this.onFrame({
      frame: ++this.numbered, tsUs: toMicros(i, r(b, p + 12), r(b, p + 16)), linkType: i.linkType,
      data: b.subarray(p + 28, p + 28 + cap), origLen: r(b, p + 24), iface: id,
    });
    return true;
  }

  private noIface(type: number, id: number, at: number): false {
    const n = this.ifaces.length;
    this.badBlock(type, at, `it names interface ${id}, but its section describes ${n} interface${n === 1 ? '' : 's'}`, 'capture.bad-block');
    return false;
  }

  /** Reports a block that stops reading: "Frame N (EPB at offset X): why. Reading stopped; ..." */
  private badBlock(type: number, at: number, why: string, code = 'capture.bad-length'): -1 {
    const frame = isPacketBlock(type) ? this.numbered + 1 : null;
    const what = frame !== null ? `Frame ${frame} (${blockName(type)} at offset ${at})` : `The ${blockName(type)} at offset ${at}`;
    return this.stop(code, `${what}: ${why}. Reading stopped; ${framesKept(this.frames)}.`, at, frame);
  }

  /** Interface Description Block: link type, snap length, and the options that change timestamps. */
  private idb(b: Uint8Array, p: number, len: number, at: number): Iface {
    const le = this.le;
    const r16 = (q: number): number => (le ? b[q]! | (b[q + 1]! << 8) : (b[q]! << 8) | b[q + 1]!);
    const linkType = r16(p + 8);
    const snapLen = (le ? u32le : u32be)(b, p + 12);
    let resol = 6;
    let offsetUs = 0;
    const end = p + len - 4;
    let q = p + 16;
    while (q + 4 <= end) {
      const code = r16(q);
      const olen = r16(q + 2);
      if (code === 0) break;
      const v = q + 4;
      if (v + olen > end) {
        this.problems.add('capture.bad-block', 'warning', `An option (code ${code}, ${olen} bytes) of the Interface Description Block at offset ${at} runs past the block; the options after it are ignored.`, null, at + (q - p), null);
        break;
      }
      if (code === 9 && olen >= 1) resol = b[v]!;
      else if (code === 14 && olen >= 8) {
        const view = new DataView(b.buffer, b.byteOffset + v, 8);
        offsetUs = Number(view.getBigInt64(0, le)) * 1e6;
      }
      q = v + pad4(olen);
    }
    const { mode, k } = tsResolution(resol);
    return { linkType, snapLen, mode, k, offsetUs };
  }
}
