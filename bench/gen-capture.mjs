// Generates a classic pcap of SIP-over-TCP registration traffic of a given size: a few thousand phones refreshing
// their registration with one CUCM (REGISTER, 200 OK, ACKs), about 1 % of REGISTERs lost once and retransmitted
// 200 ms later, as a realistic signalling capture (the design's reference capture: ~310 bytes a frame, a quarter of
// them REGISTERs). Deterministic. Checksums are left at zero (capture offload does the same).
import { openSync, writeSync, closeSync } from 'node:fs';
import { captureHeader, captureRecord } from './capture-format.mjs';
import { rng } from './rng.mjs';


const CUCM = [10, 106, 114, 161];
const CUCM_MAC = [0x00, 0x50, 0x56, 0xaa, 0x00, 0x01];

function frame(src, dst, srcMac, dstMac, sport, dport, seq, ack, flags, payload) {
  const len = 14 + 20 + 20 + payload.length;
  const b = Buffer.alloc(len);
  Buffer.from(dstMac).copy(b, 0);
  Buffer.from(srcMac).copy(b, 6);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(20 + 20 + payload.length, 16);
  b[22] = 64;
  b[23] = 6;
  Buffer.from(src).copy(b, 26);
  Buffer.from(dst).copy(b, 30);
  b.writeUInt16BE(sport, 34);
  b.writeUInt16BE(dport, 36);
  b.writeUInt32BE(seq >>> 0, 38);
  b.writeUInt32BE(ack >>> 0, 42);
  b[46] = 0x50;
  b[47] = flags;
  b.writeUInt16BE(8192, 48);
  payload.copy(b, 54);
  return b;
}

/** Writes about `bytes` bytes to `file`; returns { frames, registers, retransmissions, bytes }. */
/** `format`: 'pcap' (classic, microseconds) or 'pcapng' (one Ethernet interface, enhanced packet blocks). */
export function generateCapture(file, bytes, seed = 1, format = 'pcap') {
  const rand = rng(seed);
  const phones = [];
  for (let i = 0; i < 3000; i++) {
    const mac = [0x00, 0x24, 0x14, (i >> 8) & 0xff, i & 0xff, 0x24];
    const name = 'SEP' + mac.map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
    phones.push({
      ip: [10, 106, 100 + (i >> 8), i & 0xff], mac, name, dn: 10000 + i, port: 49152 + i, seq: (i * 2654435761) >>> 0, cseq: 100 + i,
      cucmSeq: (i * 40503 + 7) >>> 0, next: rand() * 115e6,
    });
  }
  const fd = openSync(file, 'w');
  const gh = captureHeader(format, 65535);
  writeSync(fd, gh);
  let written = gh.length, frames = 0, registers = 0, retransmissions = 0;
  const t0 = Date.UTC(2026, 2, 1) * 1000;
  const out = [];
  let outLen = 0;
  const put = (tsUs, data) => {
    const r = captureRecord(format, tsUs, data);
    out.push(r);
    outLen += r.length;
    frames++;
    if (outLen > 1 << 20) {
      const chunk = Buffer.concat(out);
      writeSync(fd, chunk);
      written += chunk.length;
      out.length = 0;
      outLen = 0;
    }
  };
  let now = 0;
  while (written + outLen < bytes) {
    // the phone due next; each refreshes 115 s (+ up to 0.1 s) after its 200 OK, as a Cisco phone does with
    // Expires 120 and Timer Register Delta 5
    let p = phones[0];
    for (const q of phones) if (q.next < p.next) p = q;
    now = Math.max(now + 50, p.next);
    const ts = t0 + now;
    const ipStr = p.ip.join('.');
    const reg = Buffer.from(`REGISTER sip:10.106.114.161 SIP/2.0\r\nVia: SIP/2.0/TCP ${ipStr}:${p.port};branch=z9hG4bK${p.cseq.toString(16)}\r\nFrom: <sip:${p.dn}@10.106.114.161>;tag=${p.name.toLowerCase()}\r\nTo: <sip:${p.dn}@10.106.114.161>\r\nCall-ID: ${p.name.toLowerCase()}-reg@${ipStr}\r\nMax-Forwards: 70\r\nCSeq: ${p.cseq} REGISTER\r\nUser-Agent: Cisco-CP8961/9.4.2\r\nContact: <sip:${p.name}@${ipStr}:${p.port};transport=tcp>;+u.sip!devicename.ccm.cisco.com="${p.name}";+u.sip!model.ccm.cisco.com="540"\r\nSupported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer\r\nContent-Length: 0\r\nExpires: 3600\r\n\r\n`, 'latin1');
    const ok = Buffer.from(`SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP ${ipStr}:${p.port};branch=z9hG4bK${p.cseq.toString(16)}\r\nFrom: <sip:${p.dn}@10.106.114.161>;tag=${p.name.toLowerCase()}\r\nTo: <sip:${p.dn}@10.106.114.161>;tag=170829\r\nCall-ID: ${p.name.toLowerCase()}-reg@${ipStr}\r\nCSeq: ${p.cseq} REGISTER\r\nExpires: 120\r\nContact: <sip:${p.name}@${ipStr}:${p.port};transport=tcp>;expires=120\r\nContent-Length: 0\r\n\r\n`, 'latin1');
    p.cseq++;
    const lost = rand() < 0.01;
    put(ts, frame(p.ip, CUCM, p.mac, CUCM_MAC, p.port, 5060, p.seq, p.cucmSeq, 0x18, reg));
    registers++;
    let t = ts;
    if (lost) {
      // the capture sits at the phone: the first copy went out, no ACK came, the phone resends
      t += 200_000;
      put(t, frame(p.ip, CUCM, p.mac, CUCM_MAC, p.port, 5060, p.seq, p.cucmSeq, 0x18, reg));
      retransmissions++;
    }
    p.seq = (p.seq + reg.length) >>> 0;
    put(t + 300, frame(CUCM, p.ip, CUCM_MAC, p.mac, 5060, p.port, p.cucmSeq, p.seq, 0x10, Buffer.alloc(0)));
    put(t + 900, frame(CUCM, p.ip, CUCM_MAC, p.mac, 5060, p.port, p.cucmSeq, p.seq, 0x18, ok));
    p.cucmSeq = (p.cucmSeq + ok.length) >>> 0;
    put(t + 1200, frame(p.ip, CUCM, p.mac, CUCM_MAC, p.port, 5060, p.seq, p.cucmSeq, 0x10, Buffer.alloc(0)));
    p.next = t + 900 - t0 + 115e6 + rand() * 1e5;
    now = t + 1200 - t0; // keep capture time monotonic
  }
  const chunk = Buffer.concat(out);
  writeSync(fd, chunk);
  written += chunk.length;
  closeSync(fd);
  return { frames, registers, retransmissions, bytes: written };
}
