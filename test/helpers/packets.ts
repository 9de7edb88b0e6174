// Builds captured frames byte by byte for the decoder tests (Ethernet, 802.1Q/QinQ, Linux cooked SLL/SLL2, raw IP,
// BSD loopback, IPv4 with options and fragments, IPv6 with extension headers, TCP with options, UDP, ARP), and a tiny
// classic pcap writer so the same frames can be opened in Wireshark/tshark when checking expectations by hand.
import * as fs from 'node:fs';

export type Bytes = Uint8Array;

export function concat(...parts: (Bytes | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function u32le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** `n` bytes of a recognisable pattern. */
export function filler(n: number, start = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (start + i) & 0xff;
  return b;
}

export function mac(text: string): number[] {
  const parts = text.split(':');
  if (parts.length !== 6) throw new Error(`bad MAC ${text}`);
  return parts.map((p) => parseInt(p, 16));
}

export function ip4(text: string): number[] {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4) throw new Error(`bad IPv4 ${text}`);
  return parts;
}

/** IPv6 text (with one optional ::) to 16 bytes. */
export function ip6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${text}`);
  const out: number[] = [];
  for (const g of groups) out.push(...u16(parseInt(g, 16)));
  return out;
}

/** One's-complement sum over 16-bit words (RFC 1071). */
export function checksum(b: Bytes, start = 0, end = b.length, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

// ---- link layers -------------------------------------------------------------------------------------------------

export interface VlanTag {
  tpid?: number; // 0x8100 (default) or 0x88a8
  vid: number;
  pcp?: number;
}

export function ether(
  o: { dst?: string; src?: string; type: number; vlans?: VlanTag[]; trailer?: number[] },
  payload: Bytes,
): Uint8Array {
  const tags: number[] = [];
  for (const v of o.vlans ?? []) tags.push(...u16(v.tpid ?? 0x8100), ...u16(((v.pcp ?? 0) << 13) | (v.vid & 0xfff)));
  return concat(
    mac(o.dst ?? '00:11:22:33:44:55'),
    mac(o.src ?? '66:77:88:99:aa:bb'),
    tags,
    u16(o.type),
    payload,
    o.trailer ?? [],
  );
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 16-byte header). */
export function sll(
  o: { pktType?: number; haType?: number; addr?: number[]; protocol: number },
  payload: Bytes,
): Uint8Array {
  const addr = o.addr ?? mac('00:1b:54:aa:bb:cc');
  const a8 = [...addr, ...new Array(8 - addr.length).fill(0)].slice(0, 8);
  return concat(u16(o.pktType ?? 0), u16(o.haType ?? 1), u16(addr.length), a8, u16(o.protocol), payload);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 20-byte header). */
export function sll2(
  o: { pktType?: number; haType?: number; ifIndex?: number; addr?: number[]; protocol: number },
  payload: Bytes,
): Uint8Array {
  const addr = o.addr ?? mac('00:1b:54:aa:bb:cc');
  const a8 = [...addr, ...new Array(8 - addr.length).fill(0)].slice(0, 8);
  return concat(
    u16(o.protocol),
    [0, 0],
    u32(o.ifIndex ?? 2),
    u16(o.haType ?? 1),
    [o.pktType ?? 4],
    [addr.length],
    a8,
    payload,
  );
}

/** BSD loopback (LINKTYPE_NULL): a 4-byte address family in the capturing host's byte order. */
export function loopback(af: number, littleEndian: boolean, payload: Bytes): Uint8Array {
  return concat(littleEndian ? u32le(af) : u32(af), payload);
}

// ---- network layer -----------------------------------------------------------------------------------------------

export interface Ip4Opts {
  src: string;
  dst: string;
  proto: number;
  id?: number;
  ttl?: number;
  tos?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset?: number;
  /** Option bytes (padded to a multiple of 4 here). */
  options?: number[];
  /** Overrides the total length field (for malformed packets). */
  totalLength?: number;
  /** Overrides the IHL nibble (for malformed packets). */
  ihl?: number;
  version?: number;
}

export function ipv4(o: Ip4Opts, payload: Bytes): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4) opts.push(0);
  const hl = 20 + opts.length;
  const total = o.totalLength ?? hl + payload.length;
  const fo = ((o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >>> 3)) & 0xffff;
  const h = new Uint8Array([
    ((o.version ?? 4) << 4) | (o.ihl ?? hl / 4),
    o.tos ?? 0,
    ...u16(total),
    ...u16(o.id ?? 0x1234),
    ...u16(fo),
    o.ttl ?? 64,
    o.proto,
    0,
    0,
    ...ip4(o.src),
    ...ip4(o.dst),
    ...opts,
  ]);
  const c = checksum(h);
  h[10] = c >>> 8;
  h[11] = c & 0xff;
  return concat(h, payload);
}

/** IPv4 fragments of one datagram: `payload` (the transport bytes) cut in pieces of `sizes` bytes (multiples of 8
 * except the last). Returned in datagram order. */
export function ipv4Fragments(o: Ip4Opts, payload: Bytes, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; i < sizes.length; i++) {
    const last = i === sizes.length - 1;
    const n = last ? payload.length - off : sizes[i];
    out.push(ipv4({ ...o, mf: !last, fragOffset: off }, payload.subarray(off, off + n)));
    off += n;
  }
  return out;
}

export interface Ip6Ext {
  /** 0 hop-by-hop, 43 routing, 60 destination options, 44 fragment, 51 AH. */
  type: number;
  /** Body bytes after the next-header/length pair (for 44: ignored, use frag). */
  body?: number[];
  frag?: { offset: number; more: boolean; id: number };
}

export function ipv6(
  o: { src: string; dst: string; next: number; hop?: number; ext?: Ip6Ext[]; payloadLength?: number; flow?: number },
  payload: Bytes,
): Uint8Array {
  const exts = o.ext ?? [];
  const chain: number[] = [];
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i];
    const nh = i + 1 < exts.length ? exts[i + 1].type : o.next;
    if (e.type === 44) {
      const f = e.frag ?? { offset: 0, more: false, id: 1 };
      chain.push(nh, 0, ...u16((f.offset & 0xfff8) | (f.more ? 1 : 0)), ...u32(f.id));
    } else if (e.type === 51) {
      const body = [...(e.body ?? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])];
      while ((body.length + 2) % 4) body.push(0);
      chain.push(nh, (body.length + 2) / 4 - 2, ...body);
    } else {
      const body = [...(e.body ?? [1, 4, 0, 0, 0, 0])]; // PadN
      while ((body.length + 2) % 8) body.push(0);
      chain.push(nh, (body.length + 2) / 8 - 1, ...body);
    }
  }
  const first = exts.length ? exts[0].type : o.next;
  const plen = o.payloadLength ?? chain.length + payload.length;
  const flow = o.flow ?? 0;
  return concat(
    [0x60 | ((flow >>> 16) & 0x0f), 0, 0, 0].map((b, i) => (i === 1 ? (flow >>> 8) & 0xff : i === 2 ? flow & 0xff : b)),
    u16(plen),
    [first, o.hop ?? 64],
    ip6(o.src),
    ip6(o.dst),
    chain,
    payload,
  );
}

// ---- transport ---------------------------------------------------------------------------------------------------

export const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128;

export function optMss(v: number): number[] {
  return [2, 4, ...u16(v)];
}
export function optWscale(v: number): number[] {
  return [3, 3, v];
}
export function optSackPerm(): number[] {
  return [4, 2];
}
export function optTimestamp(val: number, ecr: number): number[] {
  return [8, 10, ...u32(val), ...u32(ecr)];
}
export function optNop(): number[] {
  return [1];
}

export interface TcpOpts {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  win?: number;
  urg?: number;
  options?: number[];
  /** Overrides the data offset nibble (for malformed headers). */
  dataOffset?: number;
}

export function tcp(o: TcpOpts, payload: Bytes = new Uint8Array(0)): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4) opts.push(0); // EOL padding
  const hl = 20 + opts.length;
  return concat(
    u16(o.sport),
    u16(o.dport),
    u32(o.seq >>> 0),
    u32((o.ack ?? 0) >>> 0),
    [((o.dataOffset ?? hl / 4) << 4) & 0xf0, o.flags & 0xff],
    u16(o.win ?? 65535),
    [0, 0],
    u16(o.urg ?? 0),
    opts,
    payload,
  );
}

export function udp(o: { sport: number; dport: number; length?: number }, payload: Bytes): Uint8Array {
  return concat(u16(o.sport), u16(o.dport), u16(o.length ?? 8 + payload.length), [0, 0], payload);
}

export function arp(o: {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}): Uint8Array {
  return concat(
    u16(1),
    u16(0x0800),
    [6, 4],
    u16(o.op),
    mac(o.senderMac),
    ip4(o.senderIp),
    mac(o.targetMac),
    ip4(o.targetIp),
  );
}

// ---- classic pcap ------------------------------------------------------------------------------------------------

export interface PcapRecord {
  tsUs: number;
  data: Bytes;
  origLen?: number;
}

/** A classic (microsecond, little-endian) pcap file with one link type. */
export function pcapFile(linkType: number, records: PcapRecord[], snapLen = 262144): Buffer {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeInt32LE(0, 8);
  gh.writeUInt32LE(0, 12);
  gh.writeUInt32LE(snapLen, 16);
  gh.writeUInt32LE(linkType, 20);
  parts.push(gh);
  for (const r of records) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(r.tsUs / 1e6), 0);
    h.writeUInt32LE(r.tsUs % 1e6, 4);
    h.writeUInt32LE(r.data.length, 8);
    h.writeUInt32LE(r.origLen ?? r.data.length, 12);
    parts.push(h, Buffer.from(r.data));
  }
  return Buffer.concat(parts);
}

export function writePcap(file: string, linkType: number, records: PcapRecord[]): void {
  fs.writeFileSync(file, pcapFile(linkType, records));
}

// ---- TCP conversation scenarios ----------------------------------------------------------------------------------

/** One segment of a scenario between a client (c) and a server (s). Numbers are relative to each side's ISN. */
export interface TcpStep {
  /** Sender: client or server. */
  d: 'c' | 's';
  /** Milliseconds from the start of the scenario. */
  t: number;
  /** 'S', 'SA', 'A', 'PA', 'FA', 'R', 'RA', ... (S SYN, A ACK, P PSH, F FIN, R RST, U URG). */
  fl: string;
  /** Relative seq; default: the sender's next sequence number. */
  seq?: number;
  /** Relative ack; default: the peer's next sequence number. */
  ack?: number;
  len?: number;
  win?: number;
  /** Window scale option (SYN). */
  ws?: number;
  /** Not captured: only moves the scenario's state on. */
  lost?: boolean;
  /** Override the client's source port (port reuse scenarios keep it). */
  isn?: number;
}

export interface TcpScenario {
  client?: { ip: string; port: number; isn: number };
  server?: { ip: string; port: number; isn: number };
  steps: TcpStep[];
}

function flagBits(fl: string): number {
  let f = 0;
  for (const ch of fl) {
    f |= ch === 'S' ? SYN : ch === 'A' ? ACK : ch === 'P' ? PSH : ch === 'F' ? FIN : ch === 'R' ? RST : ch === 'U' ? URG : 0;
  }
  return f;
}

/** Ethernet frames of a scenario (lost steps left out), with their times (µs from 2024-01-01T00:00:00Z). */
export function scenarioFrames(sc: TcpScenario, startUs = 1_704_067_200_000_000): PcapRecord[] {
  const c = sc.client ?? { ip: '10.1.1.10', port: 51000, isn: 1000 };
  const s = sc.server ?? { ip: '10.1.1.1', port: 2000, isn: 700000 };
  const isn = { c: c.isn, s: s.isn };
  const next = { c: 0, s: 0 };
  const out: PcapRecord[] = [];
  for (const st of sc.steps) {
    const flags = flagBits(st.fl);
    if (st.isn !== undefined) {
      // a new connection from the same port: new ISN for the sender, sequence numbers restart
      isn[st.d] = st.isn;
      next[st.d] = 0;
    }
    const peer = st.d === 'c' ? 's' : 'c';
    const len = st.len ?? 0;
    const rseq = st.seq ?? next[st.d];
    const rack = st.ack ?? next[peer];
    const seq = (isn[st.d] + rseq) >>> 0;
    const ack = flags & ACK ? (isn[peer] + rack) >>> 0 : 0;
    const end = rseq + len + (flags & (SYN | FIN) ? 1 : 0);
    if (end > next[st.d]) next[st.d] = end;
    if (st.lost) continue;
    const from = st.d === 'c' ? c : s;
    const to = st.d === 'c' ? s : c;
    const options = st.ws !== undefined ? [...optMss(1460), ...optNop(), ...optWscale(st.ws)] : flags & SYN ? optMss(1460) : [];
    const seg = tcp(
      { sport: from.port, dport: to.port, seq, ack, flags, win: st.win ?? 8192, options },
      filler(len, rseq),
    );
    const ip = ipv4({ src: from.ip, dst: to.ip, proto: 6, id: out.length + 1 }, seg);
    const frame = ether(
      {
        src: st.d === 'c' ? '00:1b:54:00:00:0a' : '00:50:56:00:00:01',
        dst: st.d === 'c' ? '00:50:56:00:00:01' : '00:1b:54:00:00:0a',
        type: 0x0800,
      },
      ip,
    );
    out.push({ tsUs: startUs + Math.round(st.t * 1000), data: frame });
  }
  return out;
}
