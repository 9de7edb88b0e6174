// Link, network and transport decoding of one captured frame: Ethernet (802.1Q / QinQ), Linux cooked SLL and SLL2,
// raw IPv4/IPv6, BSD loopback; IPv4 (options skipped, header checksum ignored, fragments reassembled), IPv6 (extension
// headers, fragments reassembled), IP-in-IP; TCP (with MSS / window scale / SACK-permitted / timestamp options), UDP
// and ARP.
//
// Built for the hot path: `NetDecoder.decode` fills a caller-owned `DecodedFrame` that is reused for every frame, keeps
// addresses as numbers (IPv4 as uint32, MACs as 48-bit numbers, IPv6 as an interned id plus the 16 bytes) and builds
// strings only when asked (`ipv4String`, `macString`, `NetDecoder.addrString`). The payload is described by a buffer,
// an offset and lengths; `DecodedFrame.payload()` makes the subarray view on demand.
//
// Never throws on bad bytes: the result says `Ok`, `Fragment` (held for reassembly), `NotDecoded` (a link type,
// ethertype or protocol this decoder does not handle) or `Malformed` (truncated or contradictory headers), with a
// stable `reason`. The decoder counts reasons, link types and ethertypes so that the caller can write one aggregated
// problem per kind (`capture.unsupported-link`, ...) instead of one per frame.
import type { RawFrame } from '../sources/frames';
import { FragmentResult, IpReassembler, type ReassemblyOptions } from './ip-reassembly';

/** What `NetDecoder.decode` made of a frame. */
export const NetStatus = {
  /** Decoded as far as this decoder goes (TCP/UDP/ARP, or IP with another protocol: then `l4` is 0). */
  Ok: 0,
  /** An IP fragment kept for reassembly; the datagram is reported on the frame that completes it. */
  Fragment: 1,
  /** A link type, ethertype or address family this decoder does not handle (`reason` says which). */
  NotDecoded: 2,
  /** Truncated or contradictory headers (`reason` says where). */
  Malformed: 3,
} as const;
export type NetStatusValue = (typeof NetStatus)[keyof typeof NetStatus];

/** Network layer found. */
export const L3 = { None: 0, Arp: 1, IPv4: 4, IPv6: 6 } as const;

export const IpProto = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPv6: 41, ICMPv6: 58 } as const;

/** Stable reason strings (`DecodedFrame.reason`, keys of `NetDecoder.reasons`). */
export const NetReason = {
  /** NotDecoded: the capture's link type (see `NetDecoder.linkTypes`). Suggested problem: capture.unsupported-link. */
  LinkType: 'link-type',
  /** NotDecoded: an ethertype other than IPv4/IPv6/ARP/VLAN (LLDP, ...; see `NetDecoder.etherTypes`). */
  EtherType: 'ethertype',
  /** NotDecoded: an IEEE 802.3 length field with LLC (CDP, STP, ...). Normal on switch ports: not a problem. */
  Llc: 'llc',
  /** NotDecoded: a BSD loopback address family other than IPv4/IPv6. */
  LoopbackFamily: 'loopback-family',
  /** NotDecoded: raw IP whose version nibble is neither 4 nor 6. */
  IpVersion: 'ip-version',
  /** NotDecoded: ARP for something other than Ethernet/IPv4. */
  ArpType: 'arp-type',
  /** NotDecoded: more nested IP-in-IP than `maxTunnelDepth`. */
  TunnelDepth: 'tunnel-depth',
  /** Malformed: the frame ends inside the link-layer header. */
  TruncatedLink: 'truncated-link',
  /** Malformed: the frame ends inside an IP header or IPv6 extension header. */
  TruncatedIp: 'truncated-ip',
  /** Malformed: IPv4 IHL below 5, total length below the header, IPv6 extension past the payload, wrong version. */
  BadIp: 'bad-ip-header',
  /** Malformed: the frame ends inside the TCP header (see `DecodedFrame.snapCut` for a snap-length cut). */
  TruncatedTcp: 'truncated-tcp',
  /** Malformed: TCP data offset below 5 or beyond the segment. */
  BadTcp: 'bad-tcp-header',
  TruncatedUdp: 'truncated-udp',
  /** Malformed: UDP length field below 8. */
  BadUdp: 'bad-udp-length',
  TruncatedArp: 'truncated-arp',
  /** Fragment: only part of a fragment was captured (snap length), it cannot be reassembled. */
  FragmentTruncated: 'fragment-truncated',
  /** Malformed: a fragment would make the datagram bigger than 64 KiB. */
  FragmentTooBig: 'fragment-too-big',
  /** Malformed: fragments disagree about where the datagram ends. */
  FragmentInconsistent: 'fragment-inconsistent',
} as const;

const TH_SYN = 0x02;

/** IPv6 address ids start here; IPv4 addresses are their own id (uint32). */
export const IPV6_ID_BASE = 0x1_0000_0000;

/**
 * One decoded frame. Reused: every field is rewritten by each `decode`. Numbers are -1 where a field is absent unless
 * said otherwise. `bytes` is the frame's own buffer or the reassembly scratch buffer: valid until the next `decode`
 * (and, for the frame's buffer, only as long as the capture reader keeps it).
 */
export class DecodedFrame {
  status: NetStatusValue = NetStatus.Ok;
  /** '' when Ok; one of `NetReason` otherwise. */
  reason: string = '';
  frame = 0;
  tsUs = 0;
  linkType = 0;
  /** Bytes captured / on the wire. */
  capLen = 0;
  origLen = 0;
  /** The snap length cut the frame (capLen < origLen). */
  snapCut = false;

  // ---- link layer
  /** 48-bit MACs as numbers (`macString`); -1 when the link layer has none (raw IP, loopback; SLL has no dst). */
  srcMac = -1;
  dstMac = -1;
  /** Outer and inner VLAN ids (802.1Q / 802.1ad), -1 when untagged. */
  vlan = -1;
  vlanInner = -1;
  vlanCount = 0;
  /** Linux cooked capture packet type (0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us), -1. */
  sllPktType = -1;
  /** The ethertype that selected the network layer (0 when the link layer has none). */
  etherType = 0;

  // ---- network layer (the innermost IP header when tunnelled)
  l3: number = L3.None;
  /** IPv4 addresses as uint32 (valid when l3 = IPv4). */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses (valid when l3 = IPv6). Owned by this object: copy to keep. */
  readonly src6 = new Uint8Array(16);
  readonly dst6 = new Uint8Array(16);
  /** Address ids: the uint32 for IPv4, IPV6_ID_BASE + an interned index for IPv6. Stable for one `NetDecoder`. */
  srcAddr = -1;
  dstAddr = -1;
  /** Protocol (IPv4) or final next header after extension headers (IPv6). */
  ipProto = -1;
  ipTtl = -1;
  /** IPv4 identification, or the IPv6 fragment header's identification; -1 otherwise. */
  ipId = -1;
  ipDf = false;
  /** IP-in-IP headers removed (the addresses above are the innermost). */
  tunnels = 0;
  /** This frame completed a fragmented datagram; the transport fields describe the whole datagram. */
  reassembled = false;
  /** Fragments of the reassembled datagram and the frame of the first one to arrive. */
  fragments = 0;
  firstFragmentFrame = 0;
  /** For a held fragment: its offset in the datagram (bytes) and the more-fragments flag. */
  fragOffset = -1;
  fragMore = false;

  // ---- transport
  /** IpProto.TCP or IpProto.UDP when that header was decoded, else 0. */
  l4 = 0;
  srcPort = -1;
  dstPort = -1;
  /** uint32 */
  tcpSeq = 0;
  tcpAck = 0;
  /** TCP flags byte: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128. */
  tcpFlags = 0;
  /** Raw (unscaled) window field. */
  tcpWin = 0;
  tcpHdrLen = 0;
  tcpUrg = 0;
  /** Options (any segment; RFC-wise MSS and window scale belong on SYNs). -1 when absent. */
  tcpMss = -1;
  tcpWscale = -1;
  tcpSackPerm = false;
  tcpTsVal = -1;
  tcpTsEcr = -1;
  /** The options area was cut or had a bad length (parsing stopped there). */
  tcpOptBad = false;
  udpLen = -1;

  // ---- payload: bytes [payloadOffset, payloadOffset + payloadCapLen) of `bytes`
  bytes: Uint8Array = EMPTY;
  payloadOffset = 0;
  /** Payload length on the wire, from the IP/TCP/UDP lengths (ignores Ethernet padding). */
  payloadLen = 0;
  /** Payload bytes actually captured (< payloadLen when the snap length cut the frame). */
  payloadCapLen = 0;

  // ---- ARP (l3 = Arp)
  arpOp = -1;
  arpSenderMac = -1;
  arpSenderIp = 0;
  arpTargetMac = -1;
  arpTargetIp = 0;

  /** The captured payload as a view (allocates a view object: call only where needed). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.payloadOffset, this.payloadOffset + this.payloadCapLen);
  }

  get isSyn(): boolean {
    return this.l4 === IpProto.TCP && (this.tcpFlags & TH_SYN) !== 0;
  }

  reset(f: RawFrame): void {
    this.status = NetStatus.Ok;
    this.reason = '';
    this.frame = f.frame;
    this.tsUs = f.tsUs;
    this.linkType = f.linkType;
    this.capLen = f.data.length;
    this.origLen = f.origLen;
    this.snapCut = f.data.length < f.origLen;
    this.srcMac = -1;
    this.dstMac = -1;
    this.vlan = -1;
    this.vlanInner = -1;
    this.vlanCount = 0;
    this.sllPktType = -1;
    this.etherType = 0;
    this.l3 = L3.None;
    this.src4 = 0;
    this.dst4 = 0;
    this.srcAddr = -1;
    this.dstAddr = -1;
    this.ipProto = -1;
    this.ipTtl = -1;
    this.ipId = -1;
    this.ipDf = false;
    this.tunnels = 0;
    this.reassembled = false;
    this.fragments = 0;
    this.firstFragmentFrame = 0;
    this.fragOffset = -1;
    this.fragMore = false;
    this.l4 = 0;
    this.srcPort = -1;
    this.dstPort = -1;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpFlags = 0;
    this.tcpWin = 0;
    this.tcpHdrLen = 0;
    this.tcpUrg = 0;
    this.tcpMss = -1;
    this.tcpWscale = -1;
    this.tcpSackPerm = false;
    this.tcpTsVal = -1;
    this.tcpTsEcr = -1;
    this.tcpOptBad = false;
    this.udpLen = -1;
    this.bytes = f.data;
    this.payloadOffset = 0;
    this.payloadLen = 0;
    this.payloadCapLen = 0;
    this.arpOp = -1;
    this.arpSenderMac = -1;
    this.arpSenderIp = 0;
    this.arpTargetMac = -1;
    this.arpTargetIp = 0;
  }
}

const EMPTY = new Uint8Array(0);

// ---- formatting (only when a string is needed) ---------------------------------------------------------------------

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 00:1b:54:aa:bb:cc (lower case, as Wireshark prints it). */
export function macString(mac: number): string {
  if (mac < 0) return '';
  const hi = Math.floor(mac / 0x100000000);
  const lo = mac >>> 0;
  return `${HEX[(hi >>> 8) & 0xff]}:${HEX[hi & 0xff]}:${HEX[lo >>> 24]}:${HEX[(lo >>> 16) & 0xff]}:${HEX[(lo >>> 8) & 0xff]}:${HEX[lo & 0xff]}`;
}

const ipv4Cache = new Map<number, string>();
const IPV4_CACHE_MAX = 65536;

/** Dotted quad of a uint32 (cached: repeated addresses cost a Map lookup). */
export function ipv4String(addr: number): string {
  let s = ipv4Cache.get(addr);
  if (s === undefined) {
    s = `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
    if (ipv4Cache.size >= IPV4_CACHE_MAX) ipv4Cache.clear();
    ipv4Cache.set(addr, s);
  }
  return s;
}

/** RFC 5952 text of 16 bytes at `off` (longest run of two or more zero groups as ::, lower case), as Wireshark. */
export function ipv6String(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped (::ffff:a.b.c.d) as Wireshark prints it.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += g[i].toString(16);
  }
  return s;
}

// ---- IPv6 address interning (ids for conversation and fragment keys without building strings) ------------------

class Ipv6Interner {
  private words = new Uint32Array(64 * 4);
  private table = new Int32Array(128);
  private count = 0;
  private readonly strings: (string | undefined)[] = [];

  get size(): number {
    return this.count;
  }

  /** Index of the 16 bytes at `off` (added when new). */
  intern(b: Uint8Array, off: number): number {
    const w0 = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
    const w1 = ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0;
    const w2 = ((b[off + 8] << 24) | (b[off + 9] << 16) | (b[off + 10] << 8) | b[off + 11]) >>> 0;
    const w3 = ((b[off + 12] << 24) | (b[off + 13] << 16) | (b[off + 14] << 8) | b[off + 15]) >>> 0;
    const mask = this.table.length - 1;
    let i = hash4(w0, w1, w2, w3) & mask;
    const words = this.words;
    for (;;) {
      const slot = this.table[i];
      if (slot === 0) break;
      const id = slot - 1;
      const k = id * 4;
      if (words[k] === w0 && words[k + 1] === w1 && words[k + 2] === w2 && words[k + 3] === w3) return id;
      i = (i + 1) & mask;
    }
    const id = this.count++;
    if (id * 4 + 4 > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const k = id * 4;
    this.words[k] = w0;
    this.words[k + 1] = w1;
    this.words[k + 2] = w2;
    this.words[k + 3] = w3;
    this.table[i] = id + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return id;
  }

  string(id: number): string {
    let s = this.strings[id];
    if (s === undefined) {
      const b = new Uint8Array(16);
      for (let j = 0; j < 4; j++) {
        const w = this.words[id * 4 + j];
        b[j * 4] = w >>> 24;
        b[j * 4 + 1] = (w >>> 16) & 0xff;
        b[j * 4 + 2] = (w >>> 8) & 0xff;
        b[j * 4 + 3] = w & 0xff;
      }
      s = ipv6String(b, 0);
      this.strings[id] = s;
    }
    return s;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    const w = this.words;
    for (let id = 0; id < this.count; id++) {
      let i = hash4(w[id * 4], w[id * 4 + 1], w[id * 4 + 2], w[id * 4 + 3]) & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = id + 1;
    }
    this.table = table;
  }
}

function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---- the decoder ----------------------------------------------------------------------------------------------------

export interface NetDecoderOptions extends ReassemblyOptions {
  /** IP-in-IP layers followed (default 4). */
  maxTunnelDepth?: number;
  /** Reassemble IP fragments (default true). When false, fragments are reported as `Fragment` and not kept. */
  reassemble?: boolean;
}

/** Counts by outcome; `reasons`, `linkTypes` and `etherTypes` detail the frames not decoded or malformed. */
export interface NetCounts {
  frames: number;
  ok: number;
  fragments: number;
  notDecoded: number;
  malformed: number;
  reassembled: number;
}

export class NetDecoder {
  readonly counts: NetCounts = { frames: 0, ok: 0, fragments: 0, notDecoded: 0, malformed: 0, reassembled: 0 };
  /** Frames per non-Ok reason. */
  readonly reasons = new Map<string, number>();
  /** Frames per unsupported link type. */
  readonly linkTypes = new Map<number, number>();
  /** Frames per unhandled ethertype (LLC frames are counted under reason 'llc' only). */
  readonly etherTypes = new Map<number, number>();
  readonly reassembler: IpReassembler;
  private readonly v6 = new Ipv6Interner();
  private readonly maxTunnelDepth: number;
  private readonly reassemble: boolean;
  private wireEnd = 0;

  constructor(opts: NetDecoderOptions = {}) {
    this.reassembler = new IpReassembler(opts);
    this.maxTunnelDepth = opts.maxTunnelDepth ?? 4;
    this.reassemble = opts.reassemble ?? true;
  }

  /** Text of an address id (`DecodedFrame.srcAddr` / `dstAddr`). */
  addrString(id: number): string {
    if (id < 0) return '';
    if (id >= IPV6_ID_BASE) return this.v6.string(id - IPV6_ID_BASE);
    // one string per address (a capture names the same few thousand addresses again and again): fewer strings to
    // collect, and the rules' lookups compare and hash the same string objects
    let s = this.v4Strings.get(id);
    if (s === undefined) {
      if (this.v4Strings.size >= 65536) this.v4Strings.clear();
      this.v4Strings.set(id, (s = ipv4String(id)));
    }
    return s;
  }
  private readonly v4Strings = new Map<number, string>();

  /** Distinct IPv6 addresses seen. */
  get ipv6Addresses(): number {
    return this.v6.size;
  }

  /** Decodes `f` into `out` and returns `out.status`. Never throws on bad bytes. */
  decode(f: RawFrame, out: DecodedFrame): NetStatusValue {
    out.reset(f);
    this.counts.frames++;
    const b = f.data;
    const end = b.length;
    // Where the frame ends on the wire, in `b` coordinates (may lie past `end` when the snap length cut it).
    this.wireEnd = f.origLen > end ? f.origLen : end;
    let st: NetStatusValue;
    switch (f.linkType) {
      case 1: // Ethernet
        if (end < 14) {
          st = this.fail(out, NetStatus.Malformed, NetReason.TruncatedLink);
          break;
        }
        out.dstMac = readMac(b, 0);
        out.srcMac = readMac(b, 6);
        st = this.ethertype(b, 12, end, out);
        break;
      case 113: // Linux cooked v1: pkttype, hatype, halen, addr[8], protocol
        if (end < 16) {
          st = this.fail(out, NetStatus.Malformed, NetReason.TruncatedLink);
          break;
        }
        out.sllPktType = (b[0] << 8) | b[1];
        if (((b[4] << 8) | b[5]) === 6) out.srcMac = readMac(b, 6);
        st = this.ethertype(b, 14, end, out);
        break;
      case 276: // Linux cooked v2: protocol, reserved, ifindex, hatype, pkttype, halen, addr[8]
        if (end < 20) {
          st = this.fail(out, NetStatus.Malformed, NetReason.TruncatedLink);
          break;
        }
        out.sllPktType = b[10];
        if (b[11] === 6) out.srcMac = readMac(b, 12);
        st = this.ethertypeAt((b[0] << 8) | b[1], b, 20, end, out);
        break;
      case 101: // LINKTYPE_RAW
      case 12: // DLT_RAW as some systems numbered it
      case 14:
        st = this.rawIp(b, 0, end, out);
        break;
      case 228:
        st = this.ipv4(b, 0, end, this.wireEnd, out, 0);
        break;
      case 229:
        st = this.ipv6(b, 0, end, this.wireEnd, out, 0);
        break;
      case 0: // BSD loopback: address family in the capturing host's byte order
      case 108: {
        // LINKTYPE_LOOP: the same in network byte order
        if (end < 4) {
          st = this.fail(out, NetStatus.Malformed, NetReason.TruncatedLink);
          break;
        }
        let af =
          f.linkType === 108
            ? ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0
            : ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
        if (af & 0xffff0000) af = ((af & 0xff) << 24) | ((af & 0xff00) << 8) | ((af >>> 8) & 0xff00) | (af >>> 24);
        if (af === 2) st = this.ipv4(b, 4, end, this.wireEnd, out, 0);
        else if (af === 24 || af === 28 || af === 30) st = this.ipv6(b, 4, end, this.wireEnd, out, 0);
        else st = this.fail(out, NetStatus.NotDecoded, NetReason.LoopbackFamily);
        break;
      }
      default:
        this.linkTypes.set(f.linkType, (this.linkTypes.get(f.linkType) ?? 0) + 1);
        st = this.fail(out, NetStatus.NotDecoded, NetReason.LinkType);
    }
    if (st === NetStatus.Ok) this.counts.ok++;
    else if (st === NetStatus.Fragment) this.counts.fragments++;
    if (out.reassembled) this.counts.reassembled++;
    return st;
  }

  private fail(out: DecodedFrame, status: NetStatusValue, reason: string): NetStatusValue {
    out.status = status;
    out.reason = reason;
    if (status === NetStatus.NotDecoded) this.counts.notDecoded++;
    else if (status === NetStatus.Malformed) this.counts.malformed++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    return status;
  }

  /** The ethertype at `off` (after any VLAN tags) selects the network layer. */
  private ethertype(b: Uint8Array, off: number, end: number, out: DecodedFrame): NetStatusValue {
    return this.ethertypeAt((b[off] << 8) | b[off + 1], b, off + 2, end, out);
  }

  private ethertypeAt(type: number, b: Uint8Array, off: number, end: number, out: DecodedFrame): NetStatusValue {
    while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
      if (off + 4 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedLink);
      const vid = ((b[off] << 8) | b[off + 1]) & 0x0fff;
      if (out.vlanCount === 0) out.vlan = vid;
      else if (out.vlanCount === 1) out.vlanInner = vid;
      out.vlanCount++;
      type = (b[off + 2] << 8) | b[off + 3];
      off += 4;
    }
    out.etherType = type;
    if (type === 0x0800) return this.ipv4(b, off, end, this.wireEnd, out, 0);
    if (type === 0x86dd) return this.ipv6(b, off, end, this.wireEnd, out, 0);
    if (type === 0x0806) return this.arp(b, off, end, out);
    if (type <= 1500) return this.fail(out, NetStatus.NotDecoded, NetReason.Llc);
    this.etherTypes.set(type, (this.etherTypes.get(type) ?? 0) + 1);
    return this.fail(out, NetStatus.NotDecoded, NetReason.EtherType);
  }

  private rawIp(b: Uint8Array, off: number, end: number, out: DecodedFrame): NetStatusValue {
    if (off >= end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
    const v = b[off] >>> 4;
    if (v === 4) return this.ipv4(b, off, end, this.wireEnd, out, 0);
    if (v === 6) return this.ipv6(b, off, end, this.wireEnd, out, 0);
    return this.fail(out, NetStatus.NotDecoded, NetReason.IpVersion);
  }

  private arp(b: Uint8Array, off: number, end: number, out: DecodedFrame): NetStatusValue {
    out.l3 = L3.Arp;
    if (off + 8 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedArp);
    const htype = (b[off] << 8) | b[off + 1];
    const ptype = (b[off + 2] << 8) | b[off + 3];
    out.arpOp = (b[off + 6] << 8) | b[off + 7];
    if (htype !== 1 || ptype !== 0x0800 || b[off + 4] !== 6 || b[off + 5] !== 4) {
      return this.fail(out, NetStatus.NotDecoded, NetReason.ArpType);
    }
    if (off + 28 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedArp);
    out.arpSenderMac = readMac(b, off + 8);
    out.arpSenderIp = readU32(b, off + 14);
    out.arpTargetMac = readMac(b, off + 18);
    out.arpTargetIp = readU32(b, off + 24);
    return NetStatus.Ok;
  }

  /**
   * IPv4 at `off`. `end`: captured bytes end; `wireEnd`: where this layer's bytes end on the wire (>= end when the
   * snap length cut the frame).
   */
  private ipv4(b: Uint8Array, off: number, end: number, wireEnd: number, out: DecodedFrame, depth: number): NetStatusValue {
    out.l3 = L3.IPv4;
    if (off + 20 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
    const vihl = b[off];
    if (vihl >>> 4 !== 4) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
    const hl = (vihl & 0x0f) * 4;
    if (hl < 20) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
    if (off + hl > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
    let total = (b[off + 2] << 8) | b[off + 3];
    const onWire = wireEnd - off;
    // Total length 0: segmentation offload captured before the NIC split the packet; use what the frame holds.
    if (total === 0) total = onWire;
    else if (total < hl) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
    else if (total > onWire) total = onWire; // the frame is shorter than the IP length says: use the frame
    const id = (b[off + 4] << 8) | b[off + 5];
    const fo = (b[off + 6] << 8) | b[off + 7];
    const proto = b[off + 9];
    out.ipId = id;
    out.ipDf = (fo & 0x4000) !== 0;
    out.ipTtl = b[off + 8];
    out.ipProto = proto;
    const src = readU32(b, off + 12);
    const dst = readU32(b, off + 16);
    out.src4 = src;
    out.dst4 = dst;
    out.srcAddr = src;
    out.dstAddr = dst;
    let p = off + hl;
    let pEnd = off + total; // wire end of the IP payload
    let capEnd = pEnd < end ? pEnd : end;
    let buf = b;
    const more = (fo & 0x2000) !== 0;
    const fragOff = (fo & 0x1fff) * 8;
    if (more || fragOff !== 0) {
      out.fragOffset = fragOff;
      out.fragMore = more;
      if (!this.reassemble) return this.fragment(out, '');
      if (capEnd < pEnd) return this.fragment(out, NetReason.FragmentTruncated);
      const key = `4:${src}:${dst}:${id}:${proto}`;
      const r = this.reassembler.add(key, out.frame, out.tsUs, fragOff, more, b.subarray(p, pEnd), proto);
      if (r === FragmentResult.Pending) return this.fragment(out, '');
      if (r === FragmentResult.TooBig) return this.fail(out, NetStatus.Malformed, NetReason.FragmentTooBig);
      if (r === FragmentResult.Inconsistent) return this.fail(out, NetStatus.Malformed, NetReason.FragmentInconsistent);
      const done = this.reassembler.result;
      buf = done.data;
      p = 0;
      pEnd = done.length;
      capEnd = done.length;
      out.reassembled = true;
      out.fragments = done.fragments;
      out.firstFragmentFrame = done.firstFrame;
      out.bytes = buf;
    }
    return this.transport(proto, buf, p, capEnd, pEnd, out, depth);
  }

  private fragment(out: DecodedFrame, reason: string): NetStatusValue {
    out.status = NetStatus.Fragment;
    out.reason = reason;
    if (reason) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    return NetStatus.Fragment;
  }

  private ipv6(b: Uint8Array, off: number, end: number, wireEnd: number, out: DecodedFrame, depth: number): NetStatusValue {
    out.l3 = L3.IPv6;
    if (off + 40 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
    if (b[off] >>> 4 !== 6) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
    let plen = (b[off + 4] << 8) | b[off + 5];
    const onWire = wireEnd - off - 40;
    if (plen === 0 || plen > onWire) plen = onWire < 0 ? 0 : onWire; // jumbogram / offload / cut: use the frame
    let nh = b[off + 6];
    out.ipTtl = b[off + 7];
    out.src6.set(b.subarray(off + 8, off + 24));
    out.dst6.set(b.subarray(off + 24, off + 40));
    const srcId = IPV6_ID_BASE + this.v6.intern(b, off + 8);
    const dstId = IPV6_ID_BASE + this.v6.intern(b, off + 24);
    out.srcAddr = srcId;
    out.dstAddr = dstId;
    let p = off + 40;
    const pEnd = p + plen;
    const capEnd = pEnd < end ? pEnd : end;
    for (;;) {
      if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140 || nh === 51) {
        if (p + 2 > capEnd) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
        const len = nh === 51 ? (b[p + 1] + 2) * 4 : (b[p + 1] + 1) * 8;
        if (p + len > pEnd) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
        nh = b[p];
        p += len;
        continue;
      }
      if (nh === 44) {
        if (p + 8 > capEnd) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
        const next = b[p];
        const fo = (b[p + 2] << 8) | b[p + 3];
        const fragOff = fo & 0xfff8;
        const more = (fo & 1) !== 0;
        const id = readU32(b, p + 4);
        out.ipId = id;
        p += 8;
        nh = next;
        if (!more && fragOff === 0) continue; // atomic fragment (RFC 6946)
        out.ipProto = next;
        out.fragOffset = fragOff;
        out.fragMore = more;
        if (!this.reassemble) return this.fragment(out, '');
        if (capEnd < pEnd) return this.fragment(out, NetReason.FragmentTruncated);
        const key = `6:${srcId}:${dstId}:${id}`;
        const r = this.reassembler.add(key, out.frame, out.tsUs, fragOff, more, b.subarray(p, pEnd), next);
        if (r === FragmentResult.Pending) return this.fragment(out, '');
        if (r === FragmentResult.TooBig) return this.fail(out, NetStatus.Malformed, NetReason.FragmentTooBig);
        if (r === FragmentResult.Inconsistent) return this.fail(out, NetStatus.Malformed, NetReason.FragmentInconsistent);
        const done = this.reassembler.result;
        out.reassembled = true;
        out.fragments = done.fragments;
        out.firstFragmentFrame = done.firstFrame;
        out.bytes = done.data;
        // Extension headers after the fragment header belong to the fragmentable part: continue in the datagram.
        return this.ipv6Rest(done.proto, done.data, 0, done.length, out, depth);
      }
      break;
    }
    out.ipProto = nh;
    return this.transport(nh, b, p, capEnd, pEnd, out, depth);
  }

  /** Extension headers and transport of a reassembled IPv6 datagram. */
  private ipv6Rest(nh: number, b: Uint8Array, p: number, end: number, out: DecodedFrame, depth: number): NetStatusValue {
    while (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140 || nh === 51) {
      if (p + 2 > end) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedIp);
      const len = nh === 51 ? (b[p + 1] + 2) * 4 : (b[p + 1] + 1) * 8;
      if (p + len > end) return this.fail(out, NetStatus.Malformed, NetReason.BadIp);
      nh = b[p];
      p += len;
    }
    out.ipProto = nh;
    return this.transport(nh, b, p, end, end, out, depth);
  }

  /** Payload of an IP packet: bytes [p, capEnd) captured of [p, wireEnd) on the wire. */
  private transport(
    proto: number,
    b: Uint8Array,
    p: number,
    capEnd: number,
    wireEnd: number,
    out: DecodedFrame,
    depth: number,
  ): NetStatusValue {
    if (proto === IpProto.TCP) return this.tcp(b, p, capEnd, wireEnd, out);
    if (proto === IpProto.UDP) return this.udp(b, p, capEnd, wireEnd, out);
    if (proto === IpProto.IPIP || proto === IpProto.IPv6) {
      if (depth + 1 > this.maxTunnelDepth) return this.fail(out, NetStatus.NotDecoded, NetReason.TunnelDepth);
      out.tunnels = depth + 1;
      return proto === IpProto.IPIP
        ? this.ipv4(b, p, capEnd, wireEnd, out, depth + 1)
        : this.ipv6(b, p, capEnd, wireEnd, out, depth + 1);
    }
    out.bytes = b;
    out.payloadOffset = p;
    out.payloadLen = wireEnd - p;
    out.payloadCapLen = capEnd > p ? capEnd - p : 0;
    return NetStatus.Ok;
  }

  private tcp(b: Uint8Array, p: number, capEnd: number, wireEnd: number, out: DecodedFrame): NetStatusValue {
    if (p + 4 <= capEnd) {
      out.srcPort = (b[p] << 8) | b[p + 1];
      out.dstPort = (b[p + 2] << 8) | b[p + 3];
    }
    if (p + 20 > capEnd) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedTcp);
    const hl = (b[p + 12] >>> 4) * 4;
    out.tcpSeq = readU32(b, p + 4);
    out.tcpAck = readU32(b, p + 8);
    out.tcpFlags = b[p + 13];
    out.tcpWin = (b[p + 14] << 8) | b[p + 15];
    out.tcpUrg = (b[p + 18] << 8) | b[p + 19];
    out.tcpHdrLen = hl;
    if (hl < 20 || p + hl > wireEnd) return this.fail(out, NetStatus.Malformed, NetReason.BadTcp);
    if (p + hl > capEnd) return this.fail(out, NetStatus.Malformed, NetReason.TruncatedTcp);
    if (hl > 20) parseTcpOptions(b, p + 20, p + hl, out);
    out.l4 = IpProto.TCP;
    out.bytes = b;
    out.payloadOffset = p + hl;
    out.payloadLen = wireEnd - p - hl;
    out.payloadCapLen = capEnd - p - hl;
    return NetStatus.Ok;
  }

  private udp(b: Uint8Array, p: number, capEnd: number, wireEnd: number, out: DecodedFrame): NetStatusValue {
    if (p + 8 > capEnd) {
      if (p + 4 <= capEnd) {
        out.srcPort = (b[p] << 8) | b[p + 1];
        out.dstPort = (b[p + 2] << 8) | b[p + 3];
      }
      return this.fail(out, NetStatus.Malformed, NetReason.TruncatedUdp);
    }
    out.srcPort = (b[p] << 8) | b[p + 1];
    out.dstPort = (b[p + 2] << 8) | b[p + 3];
    let len = (b[p + 4] << 8) | b[p + 5];
    out.udpLen = len;
    const onWire = wireEnd - p;
    if (len === 0 && onWire > 0xffff) len = onWire; // IPv6 jumbogram (RFC 2675)
    if (len < 8) return this.fail(out, NetStatus.Malformed, NetReason.BadUdp);
    if (len > onWire) len = onWire; // longer than the IP payload: use what IP carries
    const end = p + len;
    out.l4 = IpProto.UDP;
    out.bytes = b;
    out.payloadOffset = p + 8;
    out.payloadLen = len - 8;
    out.payloadCapLen = (end < capEnd ? end : capEnd) - p - 8;
    return NetStatus.Ok;
  }
}

function parseTcpOptions(b: Uint8Array, p: number, end: number, out: DecodedFrame): void {
  while (p < end) {
    const kind = b[p];
    if (kind === 0) return; // end of option list
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 2 > end) {
      out.tcpOptBad = true;
      return;
    }
    const len = b[p + 1];
    if (len < 2 || p + len > end) {
      out.tcpOptBad = true;
      return;
    }
    if (kind === 2 && len === 4) out.tcpMss = (b[p + 2] << 8) | b[p + 3];
    else if (kind === 3 && len === 3) out.tcpWscale = b[p + 2];
    else if (kind === 4 && len === 2) out.tcpSackPerm = true;
    else if (kind === 8 && len === 10) {
      out.tcpTsVal = readU32(b, p + 2);
      out.tcpTsEcr = readU32(b, p + 6);
    }
    p += len;
  }
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function readMac(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 0x100000000 + readU32(b, o + 2);
}
