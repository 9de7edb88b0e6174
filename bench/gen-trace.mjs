// A CUCM SDL trace set for the bench: SDL001_100_<index>.txt files of `fileBytes` each, `totalBytes` in all.
// 2,000 SIP phones over TCP refresh 115 s after each 200 OK (Expires 120): per refresh an incoming REGISTER and an
// outgoing 200 OK in the CUCM 12 form (`SIPTcp - wait_SdlReadRsp ... [N,NET]`), with the SdlSig and AppInfo records
// around them that real traces are full of (SIPStationD, Digit Analysis, SIPHandler timers).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './rng.mjs';

const pad = (n, w) => String(n).padStart(w, '0');
function clock(ms) {
  const d = new Date(ms);
  return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function generateTraceSet(dir, totalBytes, fileBytes = 20e6, seed = 3) {
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const phones = [];
  for (let i = 0; i < 2000; i++) {
    const name = `SEP0024${pad((0x142000 + i).toString(16).toUpperCase(), 6)}`;
    phones.push({ ip: `10.106.${120 + (i >> 8)}.${i & 0xff}`, port: 50000 + i, name, dn: 20000 + i, cseq: 100, next: rand() * 115e3, callId: `0024${i.toString(16)}-reg@10.106.${120 + (i >> 8)}.${i & 0xff}` });
  }
  let seq = 2760000;
  let net = 101000;
  let now = Date.UTC(2026, 2, 2, 8, 0, 0);
  let index = 1;
  let fd = -1;
  let fileLen = 0;
  let total = 0;
  let registers = 0;
  let files = 0;
  const out = [];
  let outLen = 0;
  const flush = () => {
    if (!out.length) return;
    const b = Buffer.from(out.join(''), 'latin1');
    writeSync(fd, b);
    out.length = 0;
    outLen = 0;
  };
  const open = () => {
    if (fd >= 0) {
      flush();
      closeSync(fd);
    }
    fd = openSync(join(dir, `SDL001_100_${pad(index++, 6)}.txt`), 'w');
    files++;
    fileLen = 0;
  };
  const put = (s) => {
    out.push(s);
    outLen += s.length;
    fileLen += s.length;
    total += s.length;
    if (outLen > 1 << 20) flush();
  };
  const rec = (type, text) => put(`${pad(seq, 8)}.${pad(1 + Math.floor(rand() * 9), 3)} |${clock(now)} |${type.padEnd(9)}|${text}\n`);
  open();
  while (total < totalBytes) {
    if (fileLen >= fileBytes) open();
    let p = phones[0];
    for (const q of phones) if (q.next < p.next) p = q;
    now = Math.max(now + 1, Date.UTC(2026, 2, 2, 8, 0, 0) + p.next);
    seq++;
    const reg = [
      `REGISTER sip:10.106.114.161 SIP/2.0`, `Via: SIP/2.0/TCP ${p.ip}:${p.port};branch=z9hG4bK${pad(p.cseq, 8)}`,
      `From: <sip:${p.dn}@10.106.114.161>;tag=${p.name.toLowerCase()}-1`, `To: <sip:${p.dn}@10.106.114.161>`, `Call-ID: ${p.callId}`,
      `Max-Forwards: 70`, `CSeq: ${p.cseq} REGISTER`, `User-Agent: Cisco-CP8961/9.4.2`,
      `Contact: <sip:${p.name}@${p.ip}:${p.port};transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${p.name.slice(3).toLowerCase()}>";+u.sip!devicename.ccm.cisco.com="${p.name}";+u.sip!model.ccm.cisco.com="540"`,
      `Supported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,X-cisco-callinfo,X-cisco-serviceuri`, `Expires: 3600`, `Content-Length: 0`, ``,
    ];
    rec('AppInfo', `SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from ${p.ip} on port ${p.port} index ${1000 + p.dn} with ${reg.join('\r\n').length} bytes:`);
    put(`[${net++},NET]\n${reg.join('\n')}\n`);
    registers++;
    seq++;
    rec('SdlSig', `SIPRegisterInd                        |wait                           |SIPStationD(1,100,76,${p.dn})        |SIPHandler(1,100,224,1)          |1,100,14,${1000 + p.dn}.${p.cseq}^${p.ip}^${p.name}  |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0]  Expires=3600`);
    rec('AppInfo', `SIPStationD(${p.dn}) - processRegister: device ${p.name} refreshing, expires 120`);
    rec('AppInfo', `Digit Analysis: star_DaReq: matchedPattern=, DigitString=${p.dn}, PartitionSearchSpace=`);
    now += 2 + Math.floor(rand() * 5);
    seq++;
    const ok = [
      `SIP/2.0 200 OK`, `Via: SIP/2.0/TCP ${p.ip}:${p.port};branch=z9hG4bK${pad(p.cseq, 8)}`, `From: <sip:${p.dn}@10.106.114.161>;tag=${p.name.toLowerCase()}-1`,
      `To: <sip:${p.dn}@10.106.114.161>;tag=1168208381`, `Call-ID: ${p.callId}`, `Server: Cisco-CUCM12.5`, `CSeq: ${p.cseq} REGISTER`, `Expires: 120`,
      `Contact: <sip:${p.name}@${p.ip}:${p.port};transport=tcp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${p.name.slice(3).toLowerCase()}>";+u.sip!devicename.ccm.cisco.com="${p.name}";+u.sip!model.ccm.cisco.com="540";x-cisco-newreg`,
      `Content-Length: 0`, ``,
    ];
    rec('AppInfo', `SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to ${p.ip} on port ${p.port} index ${1000 + p.dn}`);
    put(`[${net++},NET]\n${ok.join('\n')}\n`);
    rec('AppInfo', `SIPHandler - startTimer: registration timer for ${p.name} set to 130000 ms`);
    p.cseq++;
    p.next = now - Date.UTC(2026, 2, 2, 8, 0, 0) + 115e3 + rand() * 100;
  }
  flush();
  closeSync(fd);
  return { files, bytes: total, registers };
}
