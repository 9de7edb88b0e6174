import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DecodedFrame,
  IPV6_ID_BASE,
  IpProto,
  L3,
  NetDecoder,
  NetReason,
  NetStatus,
  ipv4String,
  ipv6String,
  macString,
} from '../../server/src/decode/net';
import { FragmentResult, IpReassembler } from '../../server/src/decode/ip-reassembly';
import type { RawFrame } from '../../server/src/sources/frames';
import {
  ACK,
  PSH,
  SYN,
  arp,
  bytesOf,
  concat,
  ether,
  filler,
  ip4,
  ip6,
  ipv4,
  ipv4Fragments,
  ipv6,
  loopback,
  optMss,
  optNop,
  optSackPerm,
  optTimestamp,
  optWscale,
  sll,
  sll2,
  tcp,
  u32,
  udp,
} from '../helpers/packets';

const T0 = 1_704_067_200_000_000;
const PHONE_MAC = '00:1b:54:aa:bb:cc';
const GW_MAC = '00:50:56:01:02:03';

function raw(data: Uint8Array, linkType = 1, frame = 1, origLen = data.length, tsUs = T0 + frame): RawFrame {
  return { frame, tsUs, linkType, data, origLen, iface: 0 };
}

function decodeOne(data: Uint8Array, linkType = 1, dec = new NetDecoder()): DecodedFrame {
  const out = new DecodedFrame();
  dec.decode(raw(data, linkType), out);
  return out;
}

function num4(text: string): number {
  const [a, b, c, d] = ip4(text);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function text(d: DecodedFrame): string {
  return Buffer.from(d.payload()).toString('latin1');
}

const SIP = 'REGISTER sip:10.1.1.1 SIP/2.0\r\nVia: SIP/2.0/TCP 10.1.1.10:51000\r\nExpires: 3600\r\n\r\n';

function synSegment(): Uint8Array {
  return tcp({
    sport: 51000,
    dport: 5060,
    seq: 0xfffffff0,
    ack: 0,
    flags: SYN,
    win: 29200,
    options: [...optMss(1460), ...optSackPerm(), ...optTimestamp(123456, 0), ...optNop(), ...optWscale(7)],
  });
}

test('Ethernet / IPv4 / TCP SYN: every field, options included', () => {
  const frame = ether(
    { dst: GW_MAC, src: PHONE_MAC, type: 0x0800 },
    ipv4({ src: '10.1.1.10', dst: '10.1.1.1', proto: 6, id: 0xbeef, ttl: 63, df: true }, synSegment()),
  );
  const d = decodeOne(frame);
  assert.equal(d.status, NetStatus.Ok);
  assert.equal(d.reason, '');
  assert.equal(d.frame, 1);
  assert.equal(d.linkType, 1);
  assert.equal(macString(d.srcMac), PHONE_MAC);
  assert.equal(macString(d.dstMac), GW_MAC);
  assert.equal(d.vlan, -1);
  assert.equal(d.etherType, 0x0800);
  assert.equal(d.l3, L3.IPv4);
  assert.equal(d.src4, num4('10.1.1.10'));
  assert.equal(d.dst4, num4('10.1.1.1'));
  assert.equal(d.srcAddr, d.src4);
  assert.equal(ipv4String(d.src4), '10.1.1.10');
  assert.equal(ipv4String(d.dst4), '10.1.1.1');
  assert.equal(d.ipProto, IpProto.TCP);
  assert.equal(d.ipTtl, 63);
  assert.equal(d.ipId, 0xbeef);
  assert.equal(d.ipDf, true);
  assert.equal(d.l4, IpProto.TCP);
  assert.equal(d.srcPort, 51000);
  assert.equal(d.dstPort, 5060);
  assert.equal(d.tcpSeq, 0xfffffff0);
  assert.equal(d.tcpAck, 0);
  assert.equal(d.tcpFlags, SYN);
  assert.equal(d.isSyn, true);
  assert.equal(d.tcpWin, 29200);
  assert.equal(d.tcpHdrLen, 40);
  assert.equal(d.tcpMss, 1460);
  assert.equal(d.tcpWscale, 7);
  assert.equal(d.tcpSackPerm, true);
  assert.equal(d.tcpTsVal, 123456);
  assert.equal(d.tcpTsEcr, 0);
  assert.equal(d.tcpOptBad, false);
  assert.equal(d.payloadLen, 0);
  assert.equal(d.payloadCapLen, 0);
  assert.equal(d.reassembled, false);
  assert.equal(d.snapCut, false);
});

test('Ethernet trailer padding is not payload: lengths come from the IP total length', () => {
  const ackOnly = ipv4(
    { src: '10.1.1.1', dst: '10.1.1.10', proto: 6 },
    tcp({ sport: 2000, dport: 51000, seq: 5, ack: 7, flags: ACK, win: 100 }),
  );
  const frame = ether({ type: 0x0800, trailer: [0, 0, 0, 0, 0, 0xaa] }, ackOnly); // padded to 60 bytes
  assert.equal(frame.length, 60);
  const d = decodeOne(frame);
  assert.equal(d.status, NetStatus.Ok);
  assert.equal(d.payloadLen, 0);
  assert.equal(d.payloadCapLen, 0);
  // UDP too: the UDP length decides
  const u = decodeOne(
    ether({ type: 0x0800, trailer: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, ipv4({ src: '1.2.3.4', dst: '5.6.7.8', proto: 17 }, udp({ sport: 1, dport: 2 }, bytesOf('hi')))),
  );
  assert.equal(u.l4, IpProto.UDP);
  assert.equal(u.payloadLen, 2);
  assert.equal(text(u), 'hi');
});

test('802.1Q and QinQ (0x88a8 outer, 0x8100 inner) tags', () => {
  const ip = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp({ sport: 5060, dport: 5060 }, bytesOf(SIP)));
  const one = decodeOne(ether({ type: 0x0800, vlans: [{ vid: 100, pcp: 5 }] }, ip));
  assert.equal(one.status, NetStatus.Ok);
  assert.equal(one.vlan, 100);
  assert.equal(one.vlanInner, -1);
  assert.equal(one.vlanCount, 1);
  assert.equal(text(one), SIP);
  const two = decodeOne(ether({ type: 0x0800, vlans: [{ tpid: 0x88a8, vid: 7 }, { vid: 4094 }] }, ip));
  assert.equal(two.status, NetStatus.Ok);
  assert.equal(two.vlan, 7);
  assert.equal(two.vlanInner, 4094);
  assert.equal(two.vlanCount, 2);
  assert.equal(two.etherType, 0x0800);
  assert.equal(two.srcPort, 5060);
  assert.equal(text(two), SIP);
  // a tag cut short
  const cut = decodeOne(concat(ether({ type: 0x8100 }, new Uint8Array(0)), [0x00, 0x64]));
  assert.equal(cut.status, NetStatus.Malformed);
  assert.equal(cut.reason, NetReason.TruncatedLink);
});

test('Linux cooked capture v1 (SLL) and v2 (SLL2)', () => {
  const ip = ipv4({ src: '10.1.1.10', dst: '10.1.1.1', proto: 17 }, udp({ sport: 5060, dport: 5060 }, bytesOf(SIP)));
  const v1 = decodeOne(sll({ pktType: 4, protocol: 0x0800 }, ip), 113);
  assert.equal(v1.status, NetStatus.Ok);
  assert.equal(v1.sllPktType, 4);
  assert.equal(macString(v1.srcMac), PHONE_MAC);
  assert.equal(v1.dstMac, -1);
  assert.equal(v1.l4, IpProto.UDP);
  assert.equal(v1.udpLen, 8 + SIP.length);
  assert.equal(text(v1), SIP);
  // VLAN inside SLL, and an address that is not a MAC
  const v1vlan = decodeOne(sll({ protocol: 0x8100, addr: [1, 2, 3, 4] }, concat([0, 42, 0x08, 0x00], ip)), 113);
  assert.equal(v1vlan.status, NetStatus.Ok);
  assert.equal(v1vlan.vlan, 42);
  assert.equal(v1vlan.srcMac, -1);

  const seg = tcp({ sport: 443, dport: 50000, seq: 1, ack: 2, flags: ACK | PSH, win: 501 }, bytesOf('abc'));
  const v6 = ipv6({ src: '2001:db8::10', dst: '2001:db8::1', next: 6 }, seg);
  const v2 = decodeOne(sll2({ pktType: 0, protocol: 0x86dd, ifIndex: 3 }, v6), 276);
  assert.equal(v2.status, NetStatus.Ok);
  assert.equal(v2.sllPktType, 0);
  assert.equal(macString(v2.srcMac), PHONE_MAC);
  assert.equal(v2.l3, L3.IPv6);
  assert.equal(ipv6String(v2.src6), '2001:db8::10');
  assert.equal(ipv6String(v2.dst6), '2001:db8::1');
  assert.equal(v2.l4, IpProto.TCP);
  assert.equal(v2.tcpFlags, ACK | PSH);
  assert.equal(text(v2), 'abc');
  // too short for the cooked headers
  assert.equal(decodeOne(new Uint8Array(15), 113).reason, NetReason.TruncatedLink);
  assert.equal(decodeOne(new Uint8Array(19), 276).reason, NetReason.TruncatedLink);
});

test('raw IP link types 101, 228, 229 and 12/14 (raw IP by version nibble)', () => {
  const v4 = ipv4({ src: '192.168.0.1', dst: '192.168.0.2', proto: 17 }, udp({ sport: 1000, dport: 2000 }, bytesOf('x')));
  const v6 = ipv6({ src: 'fe80::1', dst: 'ff02::1', next: 17 }, udp({ sport: 1000, dport: 2000 }, bytesOf('y')));
  for (const lt of [101, 12, 14]) {
    assert.equal(decodeOne(v4, lt).l3, L3.IPv4, `linktype ${lt} v4`);
    assert.equal(decodeOne(v6, lt).l3, L3.IPv6, `linktype ${lt} v6`);
    assert.equal(text(decodeOne(v6, lt)), 'y');
  }
  assert.equal(text(decodeOne(v4, 228)), 'x');
  assert.equal(text(decodeOne(v6, 229)), 'y');
  const bad = decodeOne(concat([0x50], new Uint8Array(30)), 101);
  assert.equal(bad.status, NetStatus.NotDecoded);
  assert.equal(bad.reason, NetReason.IpVersion);
  // IPv6 bytes under the IPv4-only link type are malformed
  assert.equal(decodeOne(v6, 228).reason, NetReason.BadIp);
});

test('BSD loopback: address family in either byte order; 24/28/30 are IPv6; LINKTYPE_LOOP', () => {
  const v4 = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', proto: 17 }, udp({ sport: 5060, dport: 5061 }, bytesOf('lo')));
  const v6 = ipv6({ src: '::1', dst: '::1', next: 17 }, udp({ sport: 5060, dport: 5061 }, bytesOf('lo6')));
  assert.equal(text(decodeOne(loopback(2, true, v4), 0)), 'lo');
  assert.equal(text(decodeOne(loopback(2, false, v4), 0)), 'lo'); // written by a big-endian host
  for (const af of [24, 28, 30]) {
    for (const le of [true, false]) {
      const d = decodeOne(loopback(af, le, v6), 0);
      assert.equal(d.l3, L3.IPv6, `AF ${af} ${le ? 'LE' : 'BE'}`);
      assert.equal(text(d), 'lo6');
    }
  }
  assert.equal(text(decodeOne(loopback(2, false, v4), 108)), 'lo');
  const other = decodeOne(loopback(7, true, v4), 0);
  assert.equal(other.status, NetStatus.NotDecoded);
  assert.equal(other.reason, NetReason.LoopbackFamily);
  assert.equal(decodeOne(new Uint8Array(3), 0).reason, NetReason.TruncatedLink);
});

test('IPv4 options are skipped; total length 0 (segmentation offload) uses the frame', () => {
  const opts = [0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00]; // router alert, NOP, NOP, NOP, EOL
  const withOpts = decodeOne(
    ether({ type: 0x0800 }, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, options: opts }, tcp({ sport: 1, dport: 2, seq: 9, flags: ACK }, bytesOf('data')))),
  );
  assert.equal(withOpts.status, NetStatus.Ok);
  assert.equal(withOpts.tcpSeq, 9);
  assert.equal(text(withOpts), 'data');
  const tso = decodeOne(
    ether({ type: 0x0800 }, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, totalLength: 0 }, tcp({ sport: 1, dport: 2, seq: 9, flags: ACK }, filler(3000)))),
  );
  assert.equal(tso.status, NetStatus.Ok);
  assert.equal(tso.payloadLen, 3000);
});

test('snap length: a cut payload keeps its wire length; a cut TCP header is reported as truncated', () => {
  const full = ether(
    { type: 0x0800 },
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 1, dport: 2, seq: 1, flags: ACK | PSH }, filler(1000))),
  );
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  dec.decode(raw(full.subarray(0, 96), 1, 1, full.length), out);
  assert.equal(out.status, NetStatus.Ok);
  assert.equal(out.snapCut, true);
  assert.equal(out.payloadLen, 1000);
  assert.equal(out.payloadCapLen, 96 - 54);
  dec.decode(raw(full.subarray(0, 14 + 20 + 10), 1, 2, full.length), out);
  assert.equal(out.status, NetStatus.Malformed);
  assert.equal(out.reason, NetReason.TruncatedTcp);
  assert.equal(out.snapCut, true);
  assert.equal(out.srcPort, 1); // ports were there
  assert.equal(out.dstPort, 2);
  assert.equal(out.l4, 0);
});

test('malformed headers are reported with a reason and never throw', () => {
  const good = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 1, dport: 2, seq: 1, flags: ACK }));
  const cases: [string, Uint8Array, string][] = [
    ['short Ethernet', new Uint8Array(13), NetReason.TruncatedLink],
    ['short IPv4', ether({ type: 0x0800 }, good.subarray(0, 19)), NetReason.TruncatedIp],
    ['IHL 4', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, ihl: 4 }, new Uint8Array(20))), NetReason.BadIp],
    ['IHL past the frame', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, ihl: 15 }, new Uint8Array(4))), NetReason.TruncatedIp],
    ['total length below IHL', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, totalLength: 12 }, new Uint8Array(20))), NetReason.BadIp],
    ['version 5 under 0x0800', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6, version: 5 }, new Uint8Array(20))), NetReason.BadIp],
    ['TCP data offset 4', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, tcp({ sport: 1, dport: 2, seq: 0, flags: ACK, dataOffset: 4 }))), NetReason.BadTcp],
    ['TCP data offset past the segment', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, tcp({ sport: 1, dport: 2, seq: 0, flags: ACK, dataOffset: 15 }))), NetReason.BadTcp],
    ['short TCP', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, new Uint8Array(12))), NetReason.TruncatedTcp],
    ['short UDP', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 17 }, new Uint8Array(6))), NetReason.TruncatedUdp],
    ['UDP length 4', ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 17 }, udp({ sport: 1, dport: 2, length: 4 }, new Uint8Array(4)))), NetReason.BadUdp],
    ['short IPv6', ether({ type: 0x86dd }, new Uint8Array(39).fill(0x60)), NetReason.TruncatedIp],
    ['IPv6 extension past the payload', ((): Uint8Array => {
      const b = ether({ type: 0x86dd }, ipv6({ src: '::1', dst: '::2', next: 6, ext: [{ type: 0 }] }, new Uint8Array(0)));
      b[14 + 40 + 1] = 5; // claims 48 bytes in an 8-byte payload
      return b;
    })(), NetReason.BadIp],
    ['short ARP', ether({ type: 0x0806 }, arp({ op: 1, senderMac: PHONE_MAC, senderIp: '1.1.1.1', targetMac: '00:00:00:00:00:00', targetIp: '2.2.2.2' }).subarray(0, 20)), NetReason.TruncatedArp],
  ];
  for (const [name, bytes, reason] of cases) {
    const d = decodeOne(bytes);
    assert.equal(d.status, NetStatus.Malformed, name);
    assert.equal(d.reason, reason, name);
  }
  // the snap length cut inside an IPv6 extension header
  const v6 = ether({ type: 0x86dd }, ipv6({ src: '::1', dst: '::2', next: 6, ext: [{ type: 60 }] }, synSegment()));
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  assert.equal(dec.decode(raw(v6.subarray(0, 14 + 40 + 1), 1, 1, v6.length), out), NetStatus.Malformed);
  assert.equal(out.reason, NetReason.TruncatedIp);
  assert.equal(out.snapCut, true);
  // A bad TCP options area stops option parsing but keeps the segment.
  const badOpt = decodeOne(
    ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, tcp({ sport: 1, dport: 2, seq: 0, flags: SYN, options: [...optMss(536), 3, 9, 1, 1] }))),
  );
  assert.equal(badOpt.status, NetStatus.Ok);
  assert.equal(badOpt.tcpMss, 536);
  assert.equal(badOpt.tcpWscale, -1);
  assert.equal(badOpt.tcpOptBad, true);
});

test('random bytes and every truncation of valid frames never throw, for every link type', () => {
  const dec = new NetDecoder({ maxPendingBytes: 64 * 1024 });
  const out = new DecodedFrame();
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const valid = [
    ether({ type: 0x0800, vlans: [{ vid: 1 }] }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, synSegment())),
    ether({ type: 0x86dd }, ipv6({ src: '::1', dst: '::2', next: 6, ext: [{ type: 0 }, { type: 44, frag: { offset: 0, more: true, id: 5 } }] }, synSegment())),
    ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 4 }, ipv4({ src: '3.3.3.3', dst: '4.4.4.4', proto: 17 }, udp({ sport: 1, dport: 2 }, filler(50))))),
    ether({ type: 0x0806 }, arp({ op: 2, senderMac: PHONE_MAC, senderIp: '1.1.1.1', targetMac: GW_MAC, targetIp: '2.2.2.2' })),
  ];
  let n = 0;
  for (const lt of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9999]) {
    for (const v of valid) {
      for (let cut = 0; cut <= v.length; cut++) dec.decode(raw(v.subarray(0, cut), lt, ++n, v.length), out);
    }
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(Math.floor(rnd() * 120));
      for (let j = 0; j < b.length; j++) b[j] = rnd() * 256;
      if (lt === 1 && b.length > 14 && rnd() < 0.7) {
        b[12] = rnd() < 0.5 ? 0x08 : 0x86;
        b[13] = b[12] === 0x08 ? 0 : 0xdd;
        b[14] = b[12] === 0x08 ? 0x40 | (b[14] & 0x0f) : 0x60;
      }
      dec.decode(raw(b, lt, ++n, b.length + (rnd() < 0.2 ? 100 : 0)), out);
    }
  }
  assert.equal(dec.counts.frames, n);
  assert.equal(
    dec.counts.ok + dec.counts.fragments + dec.counts.notDecoded + dec.counts.malformed,
    n,
    'every frame counted under one outcome',
  );
  assert.ok(dec.reassembler.pendingByteCount <= 64 * 1024);
});

test('ARP request and reply', () => {
  const dec = new NetDecoder();
  const req = decodeOne(
    ether(
      { dst: 'ff:ff:ff:ff:ff:ff', src: PHONE_MAC, type: 0x0806, trailer: new Array(18).fill(0) },
      arp({ op: 1, senderMac: PHONE_MAC, senderIp: '10.1.1.10', targetMac: '00:00:00:00:00:00', targetIp: '10.1.1.1' }),
    ),
    1,
    dec,
  );
  assert.equal(req.status, NetStatus.Ok);
  assert.equal(req.l3, L3.Arp);
  assert.equal(req.etherType, 0x0806);
  assert.equal(req.arpOp, 1);
  assert.equal(macString(req.arpSenderMac), PHONE_MAC);
  assert.equal(ipv4String(req.arpSenderIp), '10.1.1.10');
  assert.equal(macString(req.arpTargetMac), '00:00:00:00:00:00');
  assert.equal(ipv4String(req.arpTargetIp), '10.1.1.1');
  assert.equal(macString(req.dstMac), 'ff:ff:ff:ff:ff:ff');
  assert.equal(req.l4, 0);
  assert.equal(req.srcPort, -1);
  const rep = decodeOne(
    ether({ dst: PHONE_MAC, src: GW_MAC, type: 0x0806 }, arp({ op: 2, senderMac: GW_MAC, senderIp: '10.1.1.1', targetMac: PHONE_MAC, targetIp: '10.1.1.10' })),
    1,
    dec,
  );
  assert.equal(rep.arpOp, 2);
  assert.equal(macString(rep.arpSenderMac), GW_MAC);
  assert.equal(ipv4String(rep.arpSenderIp), '10.1.1.1');
  assert.equal(macString(rep.arpTargetMac), PHONE_MAC);
  // ARP for another hardware type is not decoded
  const other = decodeOne(ether({ type: 0x0806 }, concat([0, 6, 0x08, 0x00, 6, 4, 0, 1], new Uint8Array(20))));
  assert.equal(other.status, NetStatus.NotDecoded);
  assert.equal(other.reason, NetReason.ArpType);
});

test('not decoded: unknown link types, other ethertypes and LLC are counted for one aggregated problem each', () => {
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  for (let i = 0; i < 3; i++) dec.decode(raw(new Uint8Array(40), 147, i + 1), out);
  assert.equal(out.status, NetStatus.NotDecoded);
  assert.equal(out.reason, NetReason.LinkType);
  dec.decode(raw(ether({ type: 0x88cc }, new Uint8Array(30))), out); // LLDP
  assert.equal(out.reason, NetReason.EtherType);
  assert.equal(out.etherType, 0x88cc);
  dec.decode(raw(ether({ type: 0x88cc }, new Uint8Array(30))), out);
  dec.decode(raw(ether({ dst: '01:00:0c:cc:cc:cc', type: 60 }, new Uint8Array(60))), out); // CDP over 802.3/LLC
  assert.equal(out.reason, NetReason.Llc);
  assert.deepEqual([...dec.linkTypes], [[147, 3]]);
  assert.deepEqual([...dec.etherTypes], [[0x88cc, 2]]);
  assert.equal(dec.reasons.get(NetReason.LinkType), 3);
  assert.equal(dec.reasons.get(NetReason.EtherType), 2);
  assert.equal(dec.reasons.get(NetReason.Llc), 1);
  assert.equal(dec.counts.notDecoded, 6);
  assert.equal(dec.counts.ok, 0);
});

test('IPv4 fragments in order: reassembled on the last one, transport decoded from the whole datagram', () => {
  const body = bytesOf(SIP + 'x'.repeat(3000));
  const datagram = udp({ sport: 5060, dport: 5060 }, body);
  const frags = ipv4Fragments({ src: '10.1.1.10', dst: '10.1.1.1', proto: 17, id: 77 }, datagram, [1480, 1480, 0]);
  assert.equal(frags.length, 3);
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  const st = frags.map((f, i) => dec.decode(raw(ether({ type: 0x0800 }, f), 1, i + 1), out));
  assert.deepEqual(st, [NetStatus.Fragment, NetStatus.Fragment, NetStatus.Ok]);
  assert.equal(out.reassembled, true);
  assert.equal(out.fragments, 3);
  assert.equal(out.firstFragmentFrame, 1);
  assert.equal(out.frame, 3);
  assert.equal(out.l4, IpProto.UDP);
  assert.equal(out.srcPort, 5060);
  assert.equal(out.payloadLen, body.length);
  assert.equal(Buffer.from(out.payload()).equals(Buffer.from(body)), true);
  assert.equal(dec.counts.reassembled, 1);
  assert.equal(dec.counts.fragments, 2);
  assert.equal(dec.reassembler.pendingCount, 0);
  assert.equal(dec.reassembler.pendingByteCount, 0);
});

test('IPv4 fragments out of order, duplicated and overlapping: first bytes win, reported on the completing frame', () => {
  const body = filler(4000, 3);
  const datagram = tcp({ sport: 51000, dport: 2000, seq: 1000, ack: 1, flags: ACK | PSH, win: 512 }, body);
  const [a, b, c] = ipv4Fragments({ src: '10.1.1.10', dst: '10.1.1.1', proto: 6, id: 9 }, datagram, [1480, 1480, 0]);
  // an overlapping piece with conflicting bytes at offset 1480 (arrives after b: must lose)
  const conflicting = ipv4({ src: '10.1.1.10', dst: '10.1.1.1', proto: 6, id: 9, mf: true, fragOffset: 1480 }, new Uint8Array(16).fill(0xee));
  const order = [c, b, b, conflicting, a];
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  const st = order.map((f, i) => dec.decode(raw(ether({ type: 0x0800 }, f), 1, 10 + i), out));
  assert.deepEqual(st, [1, 1, 1, 1, 0]);
  assert.equal(out.frame, 14);
  assert.equal(out.firstFragmentFrame, 10);
  assert.equal(out.fragments, 5);
  assert.equal(out.tcpSeq, 1000);
  assert.equal(out.payloadLen, 4000);
  assert.equal(Buffer.from(out.payload()).equals(Buffer.from(body)), true);
  // other datagrams (another id, another protocol) do not mix in
  const other = ipv4Fragments({ src: '10.1.1.10', dst: '10.1.1.1', proto: 17, id: 9 }, udp({ sport: 1, dport: 2 }, filler(100)), [48, 0]);
  assert.equal(dec.decode(raw(ether({ type: 0x0800 }, other[0]), 1, 20), out), NetStatus.Fragment);
  assert.equal(out.fragOffset, 0);
  assert.equal(out.fragMore, true);
  assert.equal(out.ipProto, 17);
  assert.equal(dec.decode(raw(ether({ type: 0x0800 }, other[1]), 1, 21), out), NetStatus.Ok);
  assert.equal(out.l4, IpProto.UDP);
  assert.equal(out.payloadLen, 100);
});

test('reassembly memory is bounded: oldest evicted, old datagrams expire, oversized dropped', () => {
  const r = new IpReassembler({ maxPendingBytes: 10_000, maxAgeUs: 1_000_000 });
  const chunk = filler(2000);
  for (let i = 0; i < 10; i++) assert.equal(r.add(`k${i}`, i + 1, T0, 0, true, chunk, 17), FragmentResult.Pending);
  assert.ok(r.pendingByteCount <= 10_000);
  assert.ok(r.stats.evicted >= 5);
  assert.equal(r.pendingCount, 4);
  // the newest survived and can complete
  assert.equal(r.add('k9', 11, T0, 2000, false, filler(10), 17), FragmentResult.Complete);
  assert.equal(r.result.length, 2010);
  assert.equal(r.result.firstFrame, 10);
  // expiry by capture time
  r.add('late', 12, T0 + 5_000_000, 0, true, chunk, 17);
  assert.equal(r.pendingCount, 1);
  assert.ok(r.stats.expired >= 3);
  // past 64 KiB
  assert.equal(r.add('big', 13, T0 + 5_000_000, 65528, false, filler(100), 17), FragmentResult.TooBig);
  // two different ends
  r.add('two', 14, T0 + 5_000_000, 100, false, filler(8), 17);
  assert.equal(r.add('two', 15, T0 + 5_000_000, 200, false, filler(8), 17), FragmentResult.Inconsistent);

  const dec = new NetDecoder();
  const out = new DecodedFrame();
  const huge = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 17, id: 1, fragOffset: 65528, mf: false }, filler(64));
  assert.equal(dec.decode(raw(ether({ type: 0x0800 }, huge)), out), NetStatus.Malformed);
  assert.equal(out.reason, NetReason.FragmentTooBig);
  // a fragment cut by the snap length cannot be reassembled
  const frag = ether({ type: 0x0800 }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 17, id: 2, mf: true }, filler(800)));
  assert.equal(dec.decode(raw(frag.subarray(0, 200), 1, 2, frag.length), out), NetStatus.Fragment);
  assert.equal(out.reason, NetReason.FragmentTruncated);
  assert.equal(dec.reassembler.pendingCount, 0);
  // without reassembly, fragments are only reported
  const noReasm = new NetDecoder({ reassemble: false });
  assert.equal(noReasm.decode(raw(frag), out), NetStatus.Fragment);
  assert.equal(noReasm.reassembler.pendingCount, 0);
});

test('IPv6 extension headers (hop-by-hop, routing, destination options, AH) before TCP', () => {
  const seg = tcp({ sport: 5061, dport: 50123, seq: 42, ack: 43, flags: ACK, win: 1000 }, bytesOf('tls'));
  const pkt = ipv6(
    {
      src: '2001:db8:0:1::a',
      dst: '2001:db8:0:1::1',
      next: 6,
      hop: 17,
      ext: [{ type: 0 }, { type: 43, body: [0, 0, 0, 0, 0, 0, ...ip6('2001:db8::99')] }, { type: 60 }, { type: 51 }],
    },
    seg,
  );
  const dec = new NetDecoder();
  const d = decodeOne(ether({ type: 0x86dd }, pkt), 1, dec);
  assert.equal(d.status, NetStatus.Ok);
  assert.equal(d.l3, L3.IPv6);
  assert.equal(d.ipProto, 6);
  assert.equal(d.ipTtl, 17);
  assert.equal(d.tcpSeq, 42);
  assert.equal(d.tcpAck, 43);
  assert.equal(text(d), 'tls');
  assert.ok(d.srcAddr >= IPV6_ID_BASE && d.dstAddr >= IPV6_ID_BASE && d.srcAddr !== d.dstAddr);
  assert.equal(dec.addrString(d.srcAddr), '2001:db8:0:1::a');
  assert.equal(dec.addrString(d.dstAddr), '2001:db8:0:1::1');
  // the same address gets the same id again
  const again = decodeOne(ether({ type: 0x86dd }, ipv6({ src: '2001:db8:0:1::1', dst: '2001:db8:0:1::a', next: 59 }, new Uint8Array(0))), 1, dec);
  assert.equal(again.srcAddr, d.dstAddr);
  assert.equal(again.dstAddr, d.srcAddr);
  assert.equal(again.status, NetStatus.Ok); // no next header
  assert.equal(again.l4, 0);
  assert.equal(dec.ipv6Addresses, 2);
});

test('IPv6 fragment header: out-of-order reassembly, atomic fragments', () => {
  const body = filler(3000, 7);
  const datagram = udp({ sport: 5060, dport: 5060 }, body); // 3008 bytes
  const src = 'fd00::10';
  const dst = 'fd00::1';
  const piece = (offset: number, len: number, more: boolean): Uint8Array =>
    ether({ type: 0x86dd }, ipv6({ src, dst, next: 17, ext: [{ type: 0 }, { type: 44, frag: { offset, more, id: 0xabcdef01 } }] }, datagram.subarray(offset, offset + len)));
  const frames = [piece(1448, 1448, true), piece(2896, 112, false), piece(0, 1448, true)];
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  const st = frames.map((f, i) => dec.decode(raw(f, 1, i + 1), out));
  assert.deepEqual(st, [NetStatus.Fragment, NetStatus.Fragment, NetStatus.Ok]);
  assert.equal(out.reassembled, true);
  assert.equal(out.fragments, 3);
  assert.equal(out.firstFragmentFrame, 1);
  assert.equal(out.ipId, 0xabcdef01);
  assert.equal(out.ipProto, 17);
  assert.equal(out.l4, IpProto.UDP);
  assert.equal(out.payloadLen, 3000);
  assert.equal(Buffer.from(out.payload()).equals(Buffer.from(body)), true);
  // atomic fragment (offset 0, M clear): just a header to skip
  const atomic = decodeOne(
    ether({ type: 0x86dd }, ipv6({ src, dst, next: 6, ext: [{ type: 44, frag: { offset: 0, more: false, id: 3 } }] }, tcp({ sport: 1, dport: 2, seq: 5, flags: SYN }))),
  );
  assert.equal(atomic.status, NetStatus.Ok);
  assert.equal(atomic.reassembled, false);
  assert.equal(atomic.tcpSeq, 5);
});

test('IP-in-IP (protocol 4) and IPv6-in-IPv4 (41): the innermost header gives addresses and transport', () => {
  const inner = ipv4({ src: '10.60.98.210', dst: '10.60.1.10', proto: 6 }, tcp({ sport: 51000, dport: 2000, seq: 77, flags: ACK | PSH }, bytesOf('sccp')));
  const d = decodeOne(ether({ type: 0x0800 }, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 4 }, inner)));
  assert.equal(d.status, NetStatus.Ok);
  assert.equal(d.tunnels, 1);
  assert.equal(ipv4String(d.src4), '10.60.98.210');
  assert.equal(ipv4String(d.dst4), '10.60.1.10');
  assert.equal(d.tcpSeq, 77);
  assert.equal(text(d), 'sccp');
  const six = decodeOne(
    ether({ type: 0x0800 }, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 41 }, ipv6({ src: '2001:db8::5', dst: '2001:db8::6', next: 17 }, udp({ sport: 9, dport: 9 }, bytesOf('v6'))))),
  );
  assert.equal(six.l3, L3.IPv6);
  assert.equal(six.tunnels, 1);
  assert.equal(text(six), 'v6');
  // nesting past the limit
  let nested = inner;
  for (let i = 0; i < 6; i++) nested = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 4 }, nested);
  const deep = decodeOne(ether({ type: 0x0800 }, nested));
  assert.equal(deep.status, NetStatus.NotDecoded);
  assert.equal(deep.reason, NetReason.TunnelDepth);
});

test('a reused DecodedFrame keeps nothing from the previous frame', () => {
  const dec = new NetDecoder();
  const out = new DecodedFrame();
  dec.decode(raw(ether({ type: 0x0800, vlans: [{ vid: 5 }] }, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, synSegment()))), out);
  assert.equal(out.tcpMss, 1460);
  dec.decode(raw(ether({ type: 0x0806 }, arp({ op: 1, senderMac: PHONE_MAC, senderIp: '1.1.1.1', targetMac: GW_MAC, targetIp: '2.2.2.2' })), 1, 2), out);
  assert.equal(out.l3, L3.Arp);
  assert.equal(out.l4, 0);
  assert.equal(out.vlan, -1);
  assert.equal(out.srcPort, -1);
  assert.equal(out.tcpMss, -1);
  assert.equal(out.tcpWscale, -1);
  assert.equal(out.ipProto, -1);
  assert.equal(out.payloadLen, 0);
  assert.equal(out.frame, 2);
});

test('address formatting: MACs, IPv4, IPv6 as Wireshark prints them', () => {
  assert.equal(macString(0), '00:00:00:00:00:00');
  assert.equal(macString(0xffffffffffff), 'ff:ff:ff:ff:ff:ff');
  assert.equal(macString(0x001b54aabbcc), PHONE_MAC);
  assert.equal(macString(-1), '');
  assert.equal(ipv4String(0), '0.0.0.0');
  assert.equal(ipv4String(0xffffffff), '255.255.255.255');
  const v6 = (t: string): string => ipv6String(new Uint8Array(ip6(t)));
  assert.equal(v6('::'), '::');
  assert.equal(v6('::1'), '::1');
  assert.equal(v6('2001:db8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(v6('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // the first of two equal runs
  assert.equal(v6('2001:db8:1:1:1:1:0:1'), '2001:db8:1:1:1:1:0:1'); // a single zero group stays
  assert.equal(v6('fe80::21b:54ff:feaa:bbcc'), 'fe80::21b:54ff:feaa:bbcc');
  assert.equal(ipv6String(new Uint8Array([...new Array(10).fill(0), 0xff, 0xff, ...u32(0x0a3c62d2)])), '::ffff:10.60.98.210');
});
