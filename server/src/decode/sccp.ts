// SCCP (Skinny) PDUs: a 12-byte little-endian header (data length = bytes after the first 8, header version,
// message id), then the payload. Recognised by structure as well as by port 2000/2443.

import type { SccpInfo } from '../model';
import { SCCP, SCCP_MESSAGES, sccpName } from '../knowledge/sccpMessages';

const HEADER_VERSIONS = new Set([0x00, 0x0a, 0x0b, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16]);
export const MAX_SCCP_PDU = 64 * 1024;

function u32(buf: Uint8Array, off: number): number {
  return (buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16) | (buf[off + 3]! << 24)) >>> 0;
}

/** Length of the SCCP PDU at `off`: > 0 complete, 0 need more bytes, -1 not SCCP. */
export function sccpPduLength(buf: Uint8Array, off: number, end: number): number {
  if (end - off < 12) {
    // a header that could still become valid
    if (end - off >= 8 && !HEADER_VERSIONS.has(u32(buf, off + 4))) return -1;
    return 0;
  }
  const dataLength = u32(buf, off);
  const version = u32(buf, off + 4);
  const id = u32(buf, off + 8);
  if (dataLength < 4 || dataLength + 8 > MAX_SCCP_PDU || !HEADER_VERSIONS.has(version)) return -1;
  if (!SCCP_MESSAGES.has(id)) return -1;
  const total = dataLength + 8;
  return end - off >= total ? total : 0;
}

/** Reads a complete PDU. */
export function parseSccp(buf: Uint8Array, off: number, len: number): SccpInfo {
  const id = u32(buf, off + 8);
  const name = sccpName(id);
  const p = off + 12;
  const end = off + len;
  if (id === SCCP.RegisterAck && end - p >= 16) {
    return { id, name, keepAliveInterval: u32(buf, p), secondaryKeepAliveInterval: u32(buf, p + 12) };
  }
  if (id === SCCP.Register && end - p >= 16) {
    let n = 0;
    while (n < 16 && buf[p + n] !== 0) n++;
    const device = Buffer.from(buf.buffer, buf.byteOffset + p, n).toString('latin1');
    return /^[\x21-\x7e]+$/.test(device) ? { id, name, device } : { id, name };
  }
  return { id, name };
}

/** The Info column label as tshark 4.0 writes it. */
export function sccpLabel(info: SccpInfo): string {
  return SCCP_MESSAGES.get(info.id)?.tshark ?? info.name;
}
