// SIP messages out of bytes: recognising them (by content, whatever the port), framing them on a TCP stream
// (headers end at CRLFCRLF, Content-Length / l: gives the body), and reading the headers registration analysis needs.

import type { SipInfo } from '../model';

const METHODS = ['REGISTER', 'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'NOTIFY', 'SUBSCRIBE', 'REFER', 'INFO', 'UPDATE', 'PRACK', 'MESSAGE', 'PUBLISH'];
const METHOD_BYTES = METHODS.map((m) => Buffer.from(m + ' ', 'latin1'));
const SIP_VERSION = Buffer.from('SIP/2.0 ', 'latin1');
/** Largest header block we look for the end of; beyond it the bytes are not SIP as far as we are concerned. */
export const MAX_SIP_HEADER = 64 * 1024;
export const MAX_SIP_BODY = 1 << 20;

function startsWith(buf: Uint8Array, off: number, end: number, what: Uint8Array): boolean {
  if (end - off < what.length) return false;
  for (let i = 0; i < what.length; i++) if (buf[off + i] !== what[i]) return false;
  return true;
}

/** True when the bytes start like a SIP request or response (or could, when fewer bytes than a method are there). */
export function looksLikeSip(buf: Uint8Array, off: number, end: number): boolean {
  const c = buf[off];
  if (c === undefined || off >= end) return false;
  // quick reject: every start line begins with an upper-case letter
  if (c < 65 || c > 90) return false;
  if (startsWith(buf, off, end, SIP_VERSION)) return true;
  for (const m of METHOD_BYTES) if (m[0] === c && startsWith(buf, off, end, m)) return true;
  return false;
}

/** Length of the SIP message starting at `off`: > 0 complete, 0 need more bytes, -1 not SIP / unusable. */
export function sipMessageLength(buf: Uint8Array, off: number, end: number): number {
  if (!looksLikeSip(buf, off, end)) return end - off < 8 ? 0 : -1;
  const limit = Math.min(end, off + MAX_SIP_HEADER);
  let hdrEnd = -1;
  for (let i = off; i + 3 < limit; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
      hdrEnd = i + 4;
      break;
    }
  }
  if (hdrEnd < 0) return end - off >= MAX_SIP_HEADER ? -1 : 0;
  const clen = contentLength(buf, off, hdrEnd);
  if (clen < 0 || clen > MAX_SIP_BODY) return -1;
  const total = hdrEnd - off + clen;
  return end - off >= total ? total : 0;
}

/** Content-Length (or compact `l:`) in the header block; 0 when absent (as on UDP, where the datagram ends it). */
function contentLength(buf: Uint8Array, off: number, hdrEnd: number): number {
  let line = off;
  for (let i = off; i < hdrEnd - 1; i++) {
    if (buf[i] !== 13 || buf[i + 1] !== 10) continue;
    const c = buf[line]! | 0x20; // lower-case
    if (c === 99 /* c */ || c === 108 /* l */) {
      const text = Buffer.from(buf.buffer, buf.byteOffset + line, i - line).toString('latin1');
      const m = /^(?:content-length|l)\s*:\s*(\d+)\s*$/i.exec(text);
      if (m) return Number(m[1]);
    }
    line = i + 2;
  }
  return 0;
}

/** Contacts in one header value: commas outside quotes and <...> separate them. */
function countContacts(value: string): number {
  let n = 1;
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (!quoted && c === 60 /* < */) angle++;
    else if (!quoted && c === 62 /* > */ && angle > 0) angle--;
    else if (!quoted && angle === 0 && c === 44 /* , */) n++;
  }
  return n;
}

export interface ParsedSip {
  readonly info: SipInfo;
  /** The Info column as Wireshark writes it. */
  readonly label: string;
}

const COMPACT: Record<string, string> = { i: 'call-id', m: 'contact', l: 'content-length', f: 'from', t: 'to', v: 'via' };

/** Reads a complete SIP message (text of its header block, body ignored). */
export function parseSip(text: string): ParsedSip | null {
  const eol = text.indexOf('\r\n');
  const start = eol < 0 ? text : text.slice(0, eol);
  let method: string | undefined;
  let status: number | undefined;
  let reasonPhrase: string | undefined;
  let requestUri: string | undefined;
  if (start.startsWith('SIP/2.0 ')) {
    status = Number(start.slice(8, 11));
    if (!(status >= 100 && status < 700)) return null;
    reasonPhrase = start.slice(12).trim();
  } else {
    const sp = start.indexOf(' ');
    const sp2 = start.lastIndexOf(' ');
    if (sp < 0 || sp2 <= sp || !start.endsWith('SIP/2.0')) return null;
    method = start.slice(0, sp);
    requestUri = start.slice(sp + 1, sp2);
  }
  const hdrEnd = text.indexOf('\r\n\r\n');
  const block = text.slice(eol < 0 ? text.length : eol + 2, hdrEnd < 0 ? text.length : hdrEnd);
  let callId: string | undefined;
  let cseq: number | undefined;
  let cseqMethod: string | undefined;
  let expires: number | undefined;
  let contactExpires: number | undefined;
  let device: string | undefined;
  let ciscoKeepAlive = false;
  let userAgent: string | undefined;
  let bodyLength: number | undefined;
  let contacts = 0;
  // unfold continuation lines, then one header per line
  for (const raw of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    let name = raw.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const value = raw.slice(colon + 1).trim();
    switch (name) {
      case 'call-id':
        callId = value;
        break;
      case 'cseq': {
        const m = /^(\d+)\s+(\S+)/.exec(value);
        if (m) {
          cseq = Number(m[1]);
          cseqMethod = m[2];
        }
        break;
      }
      case 'expires':
        if (/^\d+$/.test(value)) expires = Number(value);
        break;
      case 'contact': {
        if (value !== '*') contacts += countContacts(value);
        const e = /;\s*expires\s*=\s*(\d+)/i.exec(value);
        if (e && contactExpires === undefined) contactExpires = Number(e[1]);
        const d = /devicename\.ccm\.cisco\.com\s*=\s*"?([A-Za-z0-9_.-]+)"?/i.exec(value);
        if (d) device = d[1];
        if (/;\s*cisco-keep-alive/i.test(value)) ciscoKeepAlive = true;
        break;
      }
      case 'user-agent':
        userAgent = value;
        break;
      case 'content-length':
        if (/^\d+$/.test(value)) bodyLength = Number(value);
        break;
    }
  }
  const info: SipInfo = {
    ...(method ? { method, requestUri } : { status, reasonPhrase }),
    ...(callId !== undefined ? { callId } : {}),
    ...(cseq !== undefined ? { cseq, cseqMethod } : {}),
    ...(expires !== undefined ? { expires } : contactExpires !== undefined ? { expires: contactExpires } : {}),
    ...(contactExpires !== undefined ? { contactExpires } : {}),
    ...(device ? { device } : {}),
    ...(ciscoKeepAlive ? { ciscoKeepAlive } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(bodyLength !== undefined ? { bodyLength } : {}),
  };
  const registerish = method === 'REGISTER' || (status !== undefined && cseqMethod === 'REGISTER');
  const bindings = registerish && (method === 'REGISTER' || (status! >= 200 && status! < 300)) ? `  (${contacts} binding${contacts === 1 ? '' : 's'})` : '';
  const label = method
    ? `Request: ${method} ${requestUri}${bindings}`
    : `Status: ${status} ${reasonPhrase}${status! >= 200 && cseqMethod ? ` (${cseqMethod})` : ''}${bindings}`;
  return { info, label };
}
