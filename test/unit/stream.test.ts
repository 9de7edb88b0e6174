import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpDirection } from '../../server/src/decode/stream';
import type { AppProtocol } from '../../server/src/decode/stream';
import { parseSip, sipMessageLength } from '../../server/src/decode/sip';
import { ByteInterner } from '../../server/src/decode/intern';
import { parseSccp, sccpLabel, sccpPduLength } from '../../server/src/decode/sccp';

const REGISTER = [
  'REGISTER sip:10.106.114.161 SIP/2.0',
  'Via: SIP/2.0/TCP 10.106.114.185:53006;branch=z9hG4bKd451a4fa',
  'From: <sip:5678@10.106.114.161>;tag=0024142ddf24',
  'To: <sip:5678@10.106.114.161>',
  'Call-ID: 0024142d-df24000a-44da4e09@10.106.114.185',
  'CSeq: 11435 REGISTER',
  'User-Agent: Cisco-CP7975G/9.3.1',
  'Contact: <sip:9e9e@10.106.114.185:53006;transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-0024142ddf24>";+u.sip!devicename.ccm.cisco.com="SEP0024142DDF24";+u.sip!model.ccm.cisco.com="437"',
  'Content-Length: 0',
  'Expires: 3600',
  '', '',
].join('\r\n');
const OK = [
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/TCP 10.106.114.185:53006;branch=z9hG4bKd451a4fa',
  'Call-ID: 0024142d-df24000a-44da4e09@10.106.114.185',
  'CSeq: 11435 REGISTER',
  'Expires: 120',
  'Contact: <sip:9e9e@10.106.114.185:53006;transport=tcp>;expires=120',
  'Content-Type: text/plain',
  'l: 5',
  '',
  'hello',
].join('\r\n');
const BACKUP = 'REGISTER sip:10.60.1.12:5060;transport=tcp SIP/2.0\r\nCall-ID: x1\r\nCSeq: 18800 REGISTER\r\nExpires: 0\r\nContact: <sip:e2b0@10.60.63.21:5060;transport=TCP>;+u.sip!devicename.ccm.cisco.com="SEPE0D1730AC1B1";expires=0;cisco-keep-alive\r\nContent-Length: 0\r\n\r\n';

test('SIP: requests and responses read; label as Wireshark writes it', () => {
  const r = parseSip(REGISTER)!;
  assert.equal(r.label, 'Request: REGISTER sip:10.106.114.161  (1 binding)');
  assert.deepEqual(JSON.parse(JSON.stringify(r.info)), {
    method: 'REGISTER', requestUri: 'sip:10.106.114.161', callId: '0024142d-df24000a-44da4e09@10.106.114.185', cseq: 11435,
    cseqMethod: 'REGISTER', expires: 3600, device: 'SEP0024142DDF24', userAgent: 'Cisco-CP7975G/9.3.1', bodyLength: 0, bindings: 1, aor: 'sip:5678@10.106.114.161',
  });
  const ok = parseSip(OK)!;
  assert.equal(ok.label, 'Status: 200 OK (REGISTER)  (1 binding)');
  assert.equal(ok.info.status, 200);
  assert.equal(ok.info.expires, 120);
  assert.equal(ok.info.contactExpires, 120);
  const b = parseSip(BACKUP)!;
  assert.equal(b.info.expires, 0);
  assert.equal(b.info.ciscoKeepAlive, true);
  assert.equal(b.info.device, 'SEPE0D1730AC1B1');
  assert.equal(parseSip('GET / HTTP/1.1\r\n\r\n'), null);
  assert.equal(parseSip('SIP/2.0 999 Nope\r\n\r\n'), null);
});

test('SIP framing honours Content-Length (and compact l:); partial and foreign bytes', () => {
  const bytes = Buffer.from(REGISTER + OK, 'latin1');
  assert.equal(sipMessageLength(bytes, 0, bytes.length), REGISTER.length);
  assert.equal(sipMessageLength(bytes, REGISTER.length, bytes.length), OK.length);
  assert.equal(sipMessageLength(bytes, REGISTER.length, bytes.length - 1), 0, 'body not complete yet');
  assert.equal(sipMessageLength(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), 0, 19), -1);
  assert.equal(sipMessageLength(Buffer.from('REG'), 0, 3), 0, 'too short to tell');
});

function sccpPdu(id: number, payload: number[] = []): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b.writeUInt32LE(4 + payload.length, 0);
  b.writeUInt32LE(0, 4);
  b.writeUInt32LE(id, 8);
  Buffer.from(payload).copy(b, 12);
  return b;
}

test('SCCP: framing, names, RegisterAck intervals and Register device name', () => {
  const ka = sccpPdu(0x0000);
  assert.equal(sccpPduLength(ka, 0, ka.length), 12);
  assert.equal(sccpLabel(parseSccp(ka, 0, 12)), 'KeepAliveReq');
  const ackPayload = Buffer.alloc(20);
  ackPayload.writeUInt32LE(30, 0);
  ackPayload.write('M/D/YA', 4, 'latin1');
  ackPayload.writeUInt32LE(60, 12);
  const ack = sccpPdu(0x0081, [...ackPayload]);
  assert.deepEqual(parseSccp(ack, 0, ack.length), { id: 0x81, name: 'RegisterAck', keepAliveInterval: 30, secondaryKeepAliveInterval: 60 });
  const reg = Buffer.alloc(28);
  reg.write('SEP001122334455', 0, 'latin1');
  const r = sccpPdu(0x0001, [...reg]);
  assert.equal(parseSccp(r, 0, r.length).device, 'SEP001122334455');
  assert.equal(sccpPduLength(Buffer.from('GET / HTTP/1.1\r\n'), 0, 16), -1);
});

function collect(): { got: { p: AppProtocol; text: string; frame: number }[]; dir: TcpDirection } {
  const got: { p: AppProtocol; text: string; frame: number }[] = [];
  const dir = new TcpDirection((p, bytes, frame) => got.push({ p, text: Buffer.from(bytes).toString('latin1'), frame }), null);
  return { got, dir };
}

test('TCP reassembly: any segmentation gives the same SIP messages, each on the frame of its last byte', () => {
  const stream = Buffer.from(REGISTER + OK + BACKUP, 'latin1');
  for (let size = 1; size <= stream.length; size += size < 40 ? 1 : 37) {
    const { got, dir } = collect();
    let frame = 0;
    for (let off = 0; off < stream.length; off += size) dir.segment((1000 + off) >>> 0, stream.subarray(off, off + size), ++frame, 0);
    assert.deepEqual(got.map((g) => g.text), [REGISTER, OK, BACKUP], `segments of ${size}`);
    assert.equal(got[0]!.frame, Math.ceil(REGISTER.length / size));
  }
});

test('TCP reassembly: out-of-order segments wait for the gap; retransmitted data is not framed twice', () => {
  const stream = Buffer.from(REGISTER + OK, 'latin1');
  const a = stream.subarray(0, 100), b = stream.subarray(100, 300), c = stream.subarray(300);
  const { got, dir } = collect();
  dir.segment(5000, a, 1, 0);
  dir.segment(5300, c, 2, 0); // out of order
  assert.equal(got.length, 0);
  dir.segment(5100, b, 3, 0);
  assert.deepEqual(got.map((g) => [g.text === REGISTER || g.text === OK, g.frame]), [[true, 3], [true, 3]]);
  // a whole REGISTER sent again
  const { got: g2, dir: d2 } = collect();
  const reg = Buffer.from(REGISTER, 'latin1');
  d2.segment(0xfffffff0, reg, 1, 0); // sequence numbers wrap around
  d2.segment(0xfffffff0, reg, 2, 0);
  assert.deepEqual(g2.map((g) => g.frame), [1]);
});

test('TCP reassembly: a segment never captured is given up on and framing resumes at the next message', () => {
  const stream = Buffer.from(REGISTER + OK + BACKUP, 'latin1');
  const { got, dir } = collect();
  dir.segment(1, stream.subarray(0, 50), 1, 0);
  // bytes 50..REGISTER.length+10 are lost; the rest arrives in small pieces
  let frame = 1;
  for (let off = REGISTER.length + 10; off < stream.length; off += 4) dir.segment(1 + off, stream.subarray(off, off + 4), ++frame, 0);
  assert.equal(got.length, 1, 'held until the pending limit');
  assert.equal(got[0]!.text, BACKUP);
  assert.ok(dir.gaps >= 1);
});

test('SIP header forms: compact names, LF-only lines, folded Contact, odd spacing and case; start-line rejects', () => {
  const compact = 'SIP/2.0 200 OK\ni:abc@h\nCSeq:   7   REGISTER\nm: <sip:a@h>;Expires=60,\r\n <sip:b@h>;+U.SIP!DeviceName.CCM.Cisco.com="SEPAABBCCDDEEFF"\nl: 0\n\n';
  const r = parseSip(compact)!;
  assert.equal(r.info.callId, 'abc@h');
  assert.equal(r.info.cseq, 7);
  assert.equal(r.info.cseqMethod, 'REGISTER');
  assert.equal(r.info.contactExpires, 60);
  assert.equal(r.info.expires, 60);
  assert.equal(r.info.device, 'SEPAABBCCDDEEFF');
  assert.equal(r.info.bindings, 2);
  assert.equal(r.label, 'Status: 200 OK (REGISTER)  (2 bindings)');
  // a header that merely starts like one we read is not read
  const other = parseSip('OPTIONS sip:x SIP/2.0\r\nCall-Info: <x>\r\nExpiresX: 5\r\nCSeq: 1 OPTIONS\r\n\r\n')!;
  assert.equal(other.info.callId, undefined);
  assert.equal(other.info.expires, undefined);
  assert.equal(other.label, 'Request: OPTIONS sip:x');
  for (const bad of ['SIP/2.0 99 Low\r\n\r\n', 'SIP/2.0 abc OK\r\n\r\n', 'REGISTER sip:x SIP/3.0\r\n\r\n', 'REGISTER\r\n\r\n']) assert.equal(parseSip(bad), null, bad);
});

test('byte interner: equal bytes give the one string; collisions and misses give the right text; bounded table', () => {
  const t = new ByteInterner(4);
  const a = Buffer.from('xx0024142d-df24000a@10.0.0.1yy');
  const first = t.get(a, 2, a.length - 2);
  assert.equal(first, '0024142d-df24000a@10.0.0.1');
  assert.equal(t.get(Buffer.from('0024142d-df24000a@10.0.0.1'), 0, 26), first);
  assert.equal(t.hits, 1);
  // far more distinct values than slots: every answer is still right
  for (let i = 0; i < 200; i++) {
    const s = `value-${i}-\u00e9`;
    const b = Buffer.from(s, 'latin1');
    assert.equal(t.get(b, 0, b.length), s);
  }
  assert.equal(t.string('SEP001122334455'), 'SEP001122334455');
  assert.equal(t.get(Buffer.from(''), 0, 0), '');
});

test('SIP Contact device names: the features form Jabber and CIPC use', () => {
  const r = parseSip('REGISTER sip:x SIP/2.0\r\nContact: <sip:f5@192.168.0.105:57378;transport=tcp>;+u.sip!devicename.ccm.features.cisco.com="test_secure";+u.sip!model.ccm.cisco.com="30016"\r\n\r\n')!;
  assert.equal(r.info.device, 'test_secure');
});

test('SIP Contact: the one-pass byte scan finds what the regular expressions find (random values, any case)', () => {
  // the reference: the value as text, the regular expressions the reader used before it scanned bytes
  const DEVICE_RE = /devicename\.ccm(?:\.features)?\.cisco\.com\s*=\s*"?([A-Za-z0-9_.-]+)"?/i;
  const EXPIRES_RE = /;\s*expires\s*=\s*(\d+)/i;
  const refContacts = (v: string): number => {
    let n = 1, quoted = false, angle = 0;
    for (const ch of v) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === '<') angle++;
      else if (!quoted && ch === '>' && angle > 0) angle--;
      else if (!quoted && angle === 0 && ch === ',') n++;
    }
    return n;
  };
  const pieces = ['<sip:SEP001@10.0.0.1:5060;transport=tcp>', ';expires=120', '; Expires = 7', ';EXPIRES=', ';expires=x1', ',', '"a,b"', '<sip:x@y,z>',
    ';+u.sip!devicename.ccm.cisco.com="SEP00AA"', ';+U.SIP!DeviceName.CCM.Cisco.Com=SEP_b-1.2', ';+u.sip!devicename.ccm.features.cisco.com="csf_x"',
    ';devicename.ccm.cisco.com = ""', ';devicename.ccm.cisco.org="no"', ';devicename.ccm.features.cisco.org="no"', ';cisco-keep-alive', ';CISCO-Keep-Alive',
    ';cisco-keep', '"quoted ; expires=9"', ' ', '\t', 'devicename.ccm', '=', '"', ';+sip.instance="<urn:uuid:0000>"', '*'];
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let k = 0; k < 3000; k++) {
    let v = '';
    const parts = 1 + rnd(6);
    for (let i = 0; i < parts; i++) v += pieces[rnd(pieces.length)]!;
    v = v.trim();
    if (!v) continue;
    const r = parseSip(`REGISTER sip:x SIP/2.0\r\nContact: ${v}\r\nCSeq: 1 REGISTER\r\n\r\n`)!;
    const lower = v.toLowerCase();
    const e = EXPIRES_RE.exec(v);
    const at = lower.indexOf('devicename.ccm');
    const d = at >= 0 ? DEVICE_RE.exec(v.slice(at)) : null;
    assert.equal(r.info.bindings, v === '*' ? 0 : refContacts(v), v);
    assert.equal(r.info.contactExpires, e ? Number(e[1]) : undefined, v);
    assert.equal(r.info.device, d ? d[1] : undefined, v);
    assert.equal(r.info.ciscoKeepAlive, lower.includes('cisco-keep-alive') ? true : undefined, v);
  }
});
