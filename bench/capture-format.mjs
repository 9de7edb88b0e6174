// Classic pcap and pcapng file pieces for the bench generators (little-endian, one Ethernet interface).

/** The file header: pcap global header (microseconds), or pcapng section header + interface description block
 * (`nanoseconds`: if_tsresol 9, as Wireshark's own captures; else the default microseconds). */
export function captureHeader(format, snap, nanoseconds = false) {
  if (format === 'pcap') {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(snap, 16);
    h.writeUInt32LE(1, 20);
    return h;
  }
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeInt32LE(-1, 16);
  shb.writeInt32LE(-1, 20);
  shb.writeUInt32LE(28, 24);
  const idbLen = nanoseconds ? 32 : 20;
  const idb = Buffer.alloc(idbLen);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(idbLen, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(snap, 12);
  if (nanoseconds) {
    idb.writeUInt16LE(9, 16); // if_tsresol
    idb.writeUInt16LE(1, 18);
    idb[20] = 9;
  }
  idb.writeUInt32LE(idbLen, idbLen - 4);
  return Buffer.concat([shb, idb]);
}

/** One packet record for `frame` at `tsUs` (integer microseconds). */
export function captureRecord(format, tsUs, frame, nanoseconds = false) {
  tsUs = Math.floor(tsUs);
  if (format === 'pcap') {
    const r = Buffer.alloc(16 + frame.length);
    r.writeUInt32LE(Math.floor(tsUs / 1e6), 0);
    r.writeUInt32LE(tsUs % 1e6, 4);
    r.writeUInt32LE(frame.length, 8);
    r.writeUInt32LE(frame.length, 12);
    frame.copy(r, 16);
    return r;
  }
  const len = 32 + ((frame.length + 3) & ~3);
  const b = Buffer.alloc(len);
  const ts = nanoseconds ? BigInt(tsUs) * 1000n : BigInt(tsUs);
  b.writeUInt32LE(6, 0);
  b.writeUInt32LE(len, 4);
  b.writeUInt32LE(Number(ts >> 32n), 12);
  b.writeUInt32LE(Number(ts & 0xffffffffn), 16);
  b.writeUInt32LE(frame.length, 20);
  b.writeUInt32LE(frame.length, 24);
  frame.copy(b, 28);
  b.writeUInt32LE(len, len - 4);
  return b;
}
