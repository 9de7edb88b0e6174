// Frames as capture readers hand them to the decoders (shared by the pcap and pcapng readers and decode/net.ts).

/** One captured frame. `data` may be a view into a buffer the reader reuses: valid only during the callback. */
export interface RawFrame {
  /** 1-based frame number in file order, across all interfaces (as Wireshark numbers them). */
  readonly frame: number;
  /** Microseconds since the Unix epoch (other resolutions scaled; nanoseconds rounded down). */
  readonly tsUs: number;
  /** LINKTYPE_* of the frame's interface (1 Ethernet, 101 raw IP, 113 SLL, 276 SLL2, 0 BSD loopback, ...). */
  readonly linkType: number;
  readonly data: Uint8Array;
  /** Length of the packet on the wire (>= data.length when the snap length cut it). */
  readonly origLen: number;
  /** Interface index (pcapng); 0 for classic pcap. */
  readonly iface: number;
}

export type FrameHandler = (f: RawFrame) => void;
