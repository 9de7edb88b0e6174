// SIP messages out of bytes: recognising them (by content, whatever the port), framing them on a TCP stream
// (headers end at CRLFCRLF, Content-Length / l: gives the body), and reading the headers registration analysis needs.

import type { SipInfo } from '../model';
import { ByteInterner, latin1 } from './intern';

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

/** countContacts over bytes. */
function countContactBytes(buf: Uint8Array, off: number, end: number): number {
  let n = 1;
  let quoted = false;
  let angle = 0;
  for (let i = off; i < end; i++) {
    const c = buf[i]!;
    if (c > 62) continue;
    if (c === 34) quoted = !quoted;
    else if (quoted) continue;
    else if (c === 60) angle++;
    else if (c === 62 && angle > 0) angle--;
    else if (angle === 0 && c === 44) n++;
  }
  return n;
}

export interface ParsedSip {
  readonly info: SipInfo;
  /** The Info column as Wireshark writes it. */
  readonly label: string;
}

/** The Info column as Wireshark writes it for a parsed message. */
export function sipLabel(info: SipInfo): string {
  const { method, status, cseqMethod, bindings } = info;
  const b = bindings !== undefined ? `  (${bindings} binding${bindings === 1 ? '' : 's'})` : '';
  return method
    ? `Request: ${method} ${info.requestUri}${b}`
    : `Status: ${status} ${info.reasonPhrase}${status! >= 200 && cseqMethod ? ` (${cseqMethod})` : ''}${b}`;
}

const METHOD_NAMES = METHODS.map((m) => Buffer.from(m, 'latin1'));
const NAME_CALL_ID = Buffer.from('call-id');
const NAME_CSEQ = Buffer.from('cseq');
const NAME_CONTACT = Buffer.from('contact');
const NAME_CONTENT_LENGTH = Buffer.from('content-length');
const NAME_EXPIRES = Buffer.from('expires');
const NAME_USER_AGENT = Buffer.from('user-agent');
const NAME_TO = Buffer.from('to');
const H_CALL_ID = 1, H_CSEQ = 2, H_CONTACT = 3, H_CONTENT_LENGTH = 4, H_EXPIRES = 5, H_USER_AGENT = 6, H_TO = 7;

/** A method name out of the fixed list (no string made), else the interned bytes. */
function methodName(buf: Uint8Array, off: number, end: number, intern: ByteInterner): string {
  for (let k = 0; k < METHOD_NAMES.length; k++) {
    const m = METHOD_NAMES[k]!;
    if (m.length !== end - off) continue;
    let i = 0;
    while (i < m.length && buf[off + i] === m[i]) i++;
    if (i === m.length) return METHODS[k]!;
  }
  return intern.get(buf, off, end);
}

/** Case-insensitive: the header name at `off` (ending at `colon`, trailing blanks allowed) is `name`. */
function nameIs(buf: Uint8Array, off: number, colon: number, name: Uint8Array): boolean {
  let e = colon;
  while (e > off && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
  if (e - off !== name.length) return false;
  for (let i = 0; i < name.length; i++) if ((buf[off + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** Whether a header line starting with this character can be one `parseSipBytes` reads (headerKind's cases): the
 * trace reader copies only those (and their folded continuations) to the bytes it parses. */
export function headerMayBeRead(c: number): boolean {
  switch (c | 0x20) {
    case 99: case 101: case 117: case 105: case 109: case 108: case 116: // c e u i m l t
      return true;
    default:
      return false;
  }
}

/** Which header we read the line at `off` is (0 for the others); `colon` is its colon. */
function headerKind(buf: Uint8Array, off: number, colon: number): number {
  const c0 = buf[off]! | 0x20;
  const short = colon - off === 1 || (colon - off > 1 && (buf[off + 1] === 32 || buf[off + 1] === 9));
  switch (c0) {
    case 99: // c
      return nameIs(buf, off, colon, NAME_CALL_ID) ? H_CALL_ID : nameIs(buf, off, colon, NAME_CSEQ) ? H_CSEQ
        : nameIs(buf, off, colon, NAME_CONTACT) ? H_CONTACT : nameIs(buf, off, colon, NAME_CONTENT_LENGTH) ? H_CONTENT_LENGTH : 0;
    case 101: // e
      return nameIs(buf, off, colon, NAME_EXPIRES) ? H_EXPIRES : 0;
    case 117: // u
      return nameIs(buf, off, colon, NAME_USER_AGENT) ? H_USER_AGENT : 0;
    case 105: // compact i: Call-ID
      return short ? H_CALL_ID : 0;
    case 109: // compact m: Contact
      return short ? H_CONTACT : 0;
    case 108: // compact l: Content-Length
      return short ? H_CONTENT_LENGTH : 0;
    case 116: // To, compact t
      return short ? H_TO : nameIs(buf, off, colon, NAME_TO) ? H_TO : 0;
    default:
      return 0;
  }
}

/** Digits only (blanks around allowed): the number, else -1. */
function digits(buf: Uint8Array, off: number, end: number): number {
  while (off < end && (buf[off] === 32 || buf[off] === 9)) off++;
  while (end > off && (buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  if (off >= end || end - off > 10) return -1;
  let n = 0;
  for (let i = off; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return -1;
    n = n * 10 + c - 48;
  }
  return n;
}

// `+u.sip!devicename.ccm.cisco.com="SEP..."`; Jabber / CIPC write `devicename.ccm.features.cisco.com`
const DEVICE_RE = /devicename\.ccm(?:\.features)?\.cisco\.com\s*=\s*"?([A-Za-z0-9_.-]+)"?/i;
const EXPIRES_PARAM_RE = /;\s*expires\s*=\s*(\d+)/i;
const shared = new ByteInterner(12);

/** Whether `parseSipBytes` reads these bytes (it returns null exactly when this is false): a status line with a code
 * 100-699, or a request line `METHOD URI SIP/2.0`. */
export function isSipStartLine(buf: Uint8Array, off: number, end: number): boolean {
  let eol = off;
  while (eol < end && buf[eol] !== 13 && buf[eol] !== 10) eol++;
  if (startsWith(buf, off, end, SIP_VERSION)) {
    const code = digits(buf, off + 8, Math.min(off + 11, eol));
    return code >= 100 && code < 700;
  }
  let sp = off;
  while (sp < eol && buf[sp] !== 32) sp++;
  let sp2 = eol - 1;
  while (sp2 > sp && buf[sp2] !== 32) sp2--;
  return !(sp >= eol || sp2 <= sp || eol - sp2 - 1 !== 7 || !startsWith(buf, sp2 + 1, eol, SIP_VERSION_NOSP));
}

/** Reads a complete SIP message out of bytes (its header block; the body is not read). One pass over the header
 * lines; only Call-ID, CSeq, Contact, Content-Length, Expires and User-Agent (and the compact i, m, l) are made into
 * values, and repeated values come from `intern` instead of new strings. Null when the start line is not SIP. */
export function parseSipBytes(buf: Uint8Array, off: number, end: number, intern: ByteInterner = shared): SipInfo | null {
  // start line
  let eol = off;
  while (eol < end && buf[eol] !== 13 && buf[eol] !== 10) eol++;
  let method: string | undefined;
  let status: number | undefined;
  let reasonPhrase: string | undefined;
  let requestUri: string | undefined;
  if (startsWith(buf, off, end, SIP_VERSION)) {
    const code = digits(buf, off + 8, Math.min(off + 11, eol));
    if (!(code >= 100 && code < 700)) return null;
    status = code;
    let r = off + 11, re = eol;
    while (r < re && (buf[r] === 32 || buf[r] === 9)) r++;
    while (re > r && (buf[re - 1] === 32 || buf[re - 1] === 9)) re--;
    reasonPhrase = intern.get(buf, r, re);
  } else {
    let sp = off;
    while (sp < eol && buf[sp] !== 32) sp++;
    let sp2 = eol - 1;
    while (sp2 > sp && buf[sp2] !== 32) sp2--;
    if (sp >= eol || sp2 <= sp || eol - sp2 - 1 !== 7 || !startsWith(buf, sp2 + 1, eol, SIP_VERSION_NOSP)) return null;
    method = methodName(buf, off, sp, intern);
    requestUri = intern.get(buf, sp + 1, sp2);
  }
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
  let aor: string | undefined;
  let pos = eol;
  if (buf[pos] === 13) pos++;
  if (buf[pos] === 10) pos++;
  while (pos < end) {
    // one header line (with its folded continuation lines)
    let le = pos;
    let folded = false;
    for (;;) {
      le = indexOf.call(buf, 10, le) as number;
      if (le < 0 || le > end) le = end;
      // `le` at LF or end; continuation when the next line starts with a blank
      if (le + 1 < end && (buf[le + 1] === 32 || buf[le + 1] === 9)) {
        folded = true;
        le++;
        continue;
      }
      break;
    }
    let ve = le;
    if (ve > pos && buf[ve - 1] === 13) ve--;
    if (ve === pos) break; // the empty line: end of the header block
    const next = le + 1;
    // only lines that can be a header we read are looked at further
    const c0 = buf[pos]! | 0x20;
    let kind = 0;
    let colon = -1;
    if (c0 === 99 || c0 === 101 || c0 === 117 || c0 === 105 || c0 === 109 || c0 === 108 || c0 === 116) {
      colon = pos + 1;
      while (colon < ve && buf[colon] !== 58) colon++;
      if (colon < ve) kind = headerKind(buf, pos, colon);
    }
    if (kind !== 0) {
      let vs = colon + 1;
      while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
      let vend = ve;
      while (vend > vs && (buf[vend - 1] === 32 || buf[vend - 1] === 9)) vend--;
      switch (kind) {
        case H_CALL_ID:
          callId = folded ? intern.string(unfold(latin1(buf, vs, vend))) : intern.get(buf, vs, vend);
          break;
        case H_CSEQ: {
          let sp = vs;
          while (sp < vend && buf[sp] !== 32 && buf[sp] !== 9) sp++;
          const n = digits(buf, vs, sp);
          let ms = sp;
          while (ms < vend && (buf[ms] <= 32)) ms++;
          if (n >= 0 && sp < vend && ms < vend) {
            cseq = n;
            cseqMethod = methodName(buf, ms, vend, intern);
          }
          break;
        }
        case H_EXPIRES: {
          const n = digits(buf, vs, vend);
          if (n >= 0) expires = n;
          break;
        }
        case H_CONTACT: {
          // the value as text (native searches beat a loop over its bytes); its commas counted only when it has any
          const value = folded ? unfold(latin1(buf, vs, vend)) : latin1(buf, vs, vend);
          if (value !== '*') contacts += value.indexOf(',') < 0 ? 1 : folded ? countContacts(value) : countContactBytes(buf, vs, vend);
          const lower = value.toLowerCase();
          if (contactExpires === undefined && lower.indexOf('expires') >= 0) {
            const m = EXPIRES_PARAM_RE.exec(value);
            if (m) contactExpires = Number(m[1]);
          }
          const at = lower.indexOf('devicename.ccm');
          if (at >= 0) {
            const m = DEVICE_RE.exec(value.slice(at));
            if (m) {
              const from = at + m.index + m[0].indexOf(m[1]!);
              device = folded ? m[1]! : intern.get(buf, vs + from, vs + from + m[1]!.length);
            }
          }
          if (!ciscoKeepAlive && lower.includes('cisco-keep-alive')) ciscoKeepAlive = true;
          break;
        }
        case H_USER_AGENT:
          userAgent = folded ? intern.string(unfold(latin1(buf, vs, vend))) : intern.get(buf, vs, vend);
          break;
        case H_TO: {
          // the address of record: the URI inside <...>, else up to the first ';'
          let a = vs, b = vend;
          let lt = vs;
          while (lt < vend && buf[lt] !== 60) lt++;
          if (lt < vend) {
            a = lt + 1;
            b = a;
            while (b < vend && buf[b] !== 62) b++;
          } else {
            b = a;
            while (b < vend && buf[b] !== 59) b++;
          }
          if (b > a && !folded) aor = intern.get(buf, a, b);
          break;
        }
        case H_CONTENT_LENGTH: {
          const n = digits(buf, vs, vend);
          if (n >= 0) bodyLength = n;
          break;
        }
      }
    }
    pos = next;
  }
  const registerish = method === 'REGISTER' || (status !== undefined && cseqMethod === 'REGISTER');
  const bindings = registerish && (method === 'REGISTER' || (status! >= 200 && status! < 300)) ? contacts : undefined;
  return {
    method, requestUri, status, reasonPhrase, callId, cseq, cseqMethod,
    expires: expires ?? contactExpires, contactExpires, device, ciscoKeepAlive: ciscoKeepAlive || undefined, userAgent, bodyLength, bindings, aor,
  };
}

function unfold(s: string): string {
  return s.replace(/\r?\n[ \t]+/g, ' ').trim();
}

const SIP_VERSION_NOSP = Buffer.from('SIP/2.0', 'latin1');

/** Reads a complete SIP message given as text (one character per byte). */
export function parseSip(text: string, intern?: ByteInterner): ParsedSip | null {
  const buf = Buffer.from(text, 'latin1');
  const info = parseSipBytes(buf, 0, buf.length, intern);
  return info ? { info, label: sipLabel(info) } : null;
}
