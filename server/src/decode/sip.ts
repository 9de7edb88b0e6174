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
  // native search (Buffer's indexOf works on any Uint8Array)
  let hdrEnd = indexOf.call(buf, CRLFCRLF, off) as number;
  if (hdrEnd >= 0 && hdrEnd + 4 > limit) hdrEnd = -1;
  if (hdrEnd < 0) return end - off >= MAX_SIP_HEADER ? -1 : 0;
  hdrEnd += 4;
  const clen = contentLength(buf, off, hdrEnd);
  if (clen < 0 || clen > MAX_SIP_BODY) return -1;
  const total = hdrEnd - off + clen;
  return end - off >= total ? total : 0;
}

const indexOf = Buffer.prototype.indexOf;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = Buffer.from('\r\nContent-Length:', 'latin1');

/** Content-Length (or compact `l:`) in the header block; 0 when absent (as on UDP, where the datagram ends it). */
function contentLength(buf: Uint8Array, off: number, hdrEnd: number): number {
  // the usual spelling first, natively; other spellings and the compact form by the line scan below
  const at = indexOf.call(buf, CONTENT_LENGTH, off) as number;
  if (at >= 0 && at < hdrEnd) {
    let i = at + CONTENT_LENGTH.length;
    while (buf[i] === 32 || buf[i] === 9) i++;
    let n = 0;
    let digits = 0;
    for (; buf[i]! >= 48 && buf[i]! <= 57; i++, digits++) n = n * 10 + buf[i]! - 48;
    if (digits > 0 && digits < 10) return n;
  }
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
const WANTED = new Set(['call-id', 'cseq', 'expires', 'contact', 'user-agent', 'content-length']);

/** Keeps one copy of repeated strings (a capture repeats the same URIs, Call-IDs and labels thousands of times). */
export type Intern = (s: string) => string;
const same: Intern = (s) => s;

/** Reads a complete SIP message (text of its header block, body ignored). One pass over the lines, no regex on
 * headers we do not use. */
export function parseSip(text: string, intern: Intern = same): ParsedSip | null {
  let eol = text.indexOf('\r\n');
  if (eol < 0) eol = text.length;
  let method: string | undefined;
  let status: number | undefined;
  let reasonPhrase: string | undefined;
  let requestUri: string | undefined;
  if (text.startsWith('SIP/2.0 ')) {
    status = Number(text.slice(8, 11));
    if (!(status >= 100 && status < 700)) return null;
    reasonPhrase = intern(text.slice(12, eol).trim());
  } else {
    const sp = text.indexOf(' ');
    const sp2 = text.lastIndexOf(' ', eol);
    if (sp < 0 || sp2 <= sp || text.slice(sp2 + 1, eol) !== 'SIP/2.0') return null;
    method = intern(text.slice(0, sp));
    requestUri = intern(text.slice(sp + 1, sp2));
  }
  let hdrEnd = text.indexOf('\r\n\r\n');
  if (hdrEnd < 0) hdrEnd = text.length;
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
  let pos = eol + 2;
  while (pos < hdrEnd) {
    let end = text.indexOf('\r\n', pos);
    if (end < 0 || end > hdrEnd) end = hdrEnd;
    // folded continuation lines belong to this header
    while (end < hdrEnd && (text.charCodeAt(end + 2) === 32 || text.charCodeAt(end + 2) === 9)) {
      const next = text.indexOf('\r\n', end + 2);
      end = next < 0 || next > hdrEnd ? hdrEnd : next;
    }
    // only Call-ID, CSeq, Contact, Content-Length, Expires, User-Agent (and compact i, m, l) are read
    const c0 = text.charCodeAt(pos) | 0x20;
    const colon = c0 === 99 || c0 === 101 || c0 === 117 || c0 === 105 || c0 === 109 || c0 === 108 ? text.indexOf(':', pos) : -1;
    if (colon > pos && colon < end) {
      let name = text.slice(pos, colon).trim().toLowerCase();
      if (name.length === 1) name = COMPACT[name] ?? name;
      if (WANTED.has(name)) {
        const value = text.slice(colon + 1, end).replace(/\r\n[ \t]+/g, ' ').trim();
        switch (name) {
          case 'call-id':
            callId = intern(value);
            break;
          case 'cseq': {
            const sp = value.indexOf(' ');
            const n = Number(sp < 0 ? value : value.slice(0, sp));
            if (Number.isInteger(n) && sp > 0) {
              cseq = n;
              cseqMethod = intern(value.slice(sp + 1).trim());
            }
            break;
          }
          case 'expires':
            if (/^\d+$/.test(value)) expires = Number(value);
            break;
          case 'contact': {
            if (value !== '*') contacts += countContacts(value);
            const lower = value.toLowerCase();
            const e = lower.indexOf(';expires=');
            if (e >= 0 && contactExpires === undefined) {
              const n = parseInt(lower.slice(e + 9), 10);
              if (Number.isFinite(n)) contactExpires = n;
            }
            const d = /devicename\.ccm\.cisco\.com\s*=\s*"?([A-Za-z0-9_.-]+)"?/i.exec(value);
            if (d) device = intern(d[1]!);
            if (lower.includes('cisco-keep-alive')) ciscoKeepAlive = true;
            break;
          }
          case 'user-agent':
            userAgent = intern(value);
            break;
          case 'content-length':
            if (/^\d+$/.test(value)) bodyLength = Number(value);
            break;
        }
      }
    }
    pos = end + 2;
  }
  const info: SipInfo = {
    method, requestUri, status, reasonPhrase, callId, cseq, cseqMethod,
    expires: expires ?? contactExpires, contactExpires, device, ciscoKeepAlive: ciscoKeepAlive || undefined, userAgent, bodyLength,
  };
  const registerish = method === 'REGISTER' || (status !== undefined && cseqMethod === 'REGISTER');
  const bindings = registerish && (method === 'REGISTER' || (status! >= 200 && status! < 300)) ? `  (${contacts} binding${contacts === 1 ? '' : 's'})` : '';
  const label = intern(method
    ? `Request: ${method} ${requestUri}${bindings}`
    : `Status: ${status} ${reasonPhrase}${status! >= 200 && cseqMethod ? ` (${cseqMethod})` : ''}${bindings}`);
  return { info, label };
}
