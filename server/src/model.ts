// The shared vocabulary of the engine. Editor-free: nothing here imports vscode or the LSP libraries.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A place in an input: a line of a text source (1-based) or a frame of a capture (1-based). */
export interface SourceLocation {
  /** Index into the analysed sources list. */
  readonly source: number;
  readonly line: number | null;
  readonly frame: number | null;
  /** 0-based columns within the line, when known. */
  readonly col?: number;
  readonly endCol?: number;
}

/** Something wrong with the input itself (not with the network it describes). */
export interface Problem {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly line: number | null;
  readonly frame: number | null;
  /** Byte or character offset where known. */
  readonly offset: number | null;
}

export type SourceFormat =
  | 'cucm-syslog'
  | 'cucm-sdl-trace'
  | 'cucm-sdi-trace'
  | 'pcap'
  | 'pcapng'
  | 'capture-export'
  | 'binary'
  | 'empty'
  | 'unknown';

export interface SourceInfo {
  readonly file: string;
  format: SourceFormat;
  messages: number;
  problems: Problem[];
  /** Captures: frames read (messages keep only the ones that matter). */
  frames?: number;
}

/** A CUCM alarm, from syslog, an Event Viewer export or an SDL AlarmErr record. Compact on purpose: hovers
 * re-read the line for the full parameter list. Strings are interned by the reader. */
export interface AlarmMessage {
  readonly kind: 'alarm';
  readonly loc: SourceLocation;
  /** Epoch milliseconds (UTC); NaN when the input gives no usable time. */
  readonly time: number;
  /** True when the date part of `time` is known (not only a time of day). */
  readonly dated: boolean;
  readonly name: string;
  /** Severity digit as logged (0-7), or -1 when the form carries none. */
  readonly logged: number;
  readonly device: string;
  readonly ip: string;
  readonly protocol: string;
  /** NaN when absent or not a number. */
  readonly deviceType: number;
  readonly reason: number;
  readonly lastSignal: string;
  readonly node: string;
  /** The line was cut before the parameter list ended. */
  readonly truncated: boolean;
}

/** A network-level message out of a capture or a Wireshark/tshark export: SIP, SCCP, a TCP segment worth keeping
 * (handshake, reset, analysis flags), ARP, or TLS timing. Addresses are strings as Wireshark prints them. */
export interface NetMessage {
  readonly kind: 'sip' | 'sccp' | 'tcp' | 'arp' | 'tls';
  readonly loc: SourceLocation;
  /** Epoch milliseconds (fractional: microsecond precision), NaN when unknown. */
  readonly time: number;
  readonly dated: boolean;
  readonly src: string;
  readonly dst: string;
  /** NaN when the transport has no ports (ARP) or the export does not say. */
  readonly srcPort: number;
  readonly dstPort: number;
  readonly transport: 'tcp' | 'udp' | null;
  /** The Info column as Wireshark would write it. */
  readonly label: string;
  readonly srcMac?: string;
  readonly dstMac?: string;
  readonly sip?: SipInfo;
  readonly sccp?: SccpInfo;
  readonly tcp?: TcpInfo;
  readonly arp?: ArpInfo;
}

export interface SipInfo {
  readonly method?: string;
  readonly status?: number;
  readonly reasonPhrase?: string;
  readonly requestUri?: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly cseqMethod?: string;
  /** Expires header, or the Contact's ;expires= when the header is absent. */
  readonly expires?: number;
  readonly contactExpires?: number;
  /** Cisco device name from Contact (+u.sip!devicename...) or the SEP name in the From/To user part. */
  readonly device?: string;
  /** Contact carries ;cisco-keep-alive (a keepalive REGISTER to a backup CUCM). */
  readonly ciscoKeepAlive?: boolean;
  readonly userAgent?: string;
  readonly bodyLength?: number;
  /** REGISTER and its 2xx: the number of Contact bindings (Wireshark's "(n bindings)"). */
  readonly bindings?: number;
  /** The To URI (for a REGISTER, the address of record being registered). */
  readonly aor?: string;
}

export interface SccpInfo {
  readonly id: number;
  readonly name: string;
  /** RegisterAck: keepalive intervals the CUCM asked for (seconds). */
  readonly keepAliveInterval?: number;
  readonly secondaryKeepAliveInterval?: number;
  /** Register: the station's device name. */
  readonly device?: string;
}

/** TCP analysis flags, as Wireshark's tcp.analysis.* (bit set). */
export const TcpFlag = {
  Retransmission: 1,
  FastRetransmission: 2,
  SpuriousRetransmission: 4,
  LostSegment: 8, // previous segment not captured
  DuplicateAck: 16,
  AckedUnseen: 32,
  ZeroWindow: 64,
  KeepAlive: 128,
  OutOfOrder: 256,
  WindowUpdate: 512,
  ZeroWindowProbe: 1024,
  WindowFull: 2048,
  ReusedPorts: 4096,
  KeepAliveAck: 8192,
} as const;

export interface TcpInfo {
  /** Raw (absolute) sequence and acknowledgement numbers. */
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
  /** TCP header flags byte (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128). */
  readonly flags: number;
  readonly win: number;
  /** TcpFlag bits. */
  readonly analysis: number;
  /** For a duplicate ACK: the frame it duplicates; for a retransmission: the frame first carrying the data. */
  readonly refFrame?: number;
}

export interface ArpInfo {
  /** 1 request, 2 reply. */
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

export type Message = AlarmMessage | NetMessage;

export interface RelatedInfo {
  readonly loc: SourceLocation;
  readonly message: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly loc: SourceLocation;
  /** Epoch ms, NaN when unknown. */
  readonly time: number;
  readonly dated: boolean;
  readonly device?: string;
  readonly related: readonly RelatedInfo[];
  /** The numbers the message is built from, for JSON consumers and tests. */
  readonly evidence: Readonly<Record<string, number | string | boolean | null>>;
}

/** One keepalive of a flow: a SIP REGISTER transaction or an SCCP KeepAlive, from its first transmission. */
export interface KeepaliveRecord {
  readonly loc: SourceLocation;
  /** Epoch ms of the first transmission. */
  readonly time: number;
  /** Since the previous keepalive of the flow (ms), NaN for the first. */
  readonly sinceMs: number;
  /** From the first transmission to the answer (200 OK, KeepAliveAck ...), NaN when none came. */
  readonly responseMs: number;
  /** '200 OK', '401 Unauthorized', 'KeepAliveAck', '' when none. */
  readonly response: string;
  readonly responseLoc: SourceLocation | null;
  /** Times the request was sent again (TCP retransmissions or SIP resends). */
  readonly resends: number;
  /** From the first transmission to the last resend (ms): how long it took to get through; 0 when not resent. */
  readonly deliveryMs: number;
  /** A SIP keepalive to a backup CUCM (Expires: 0, cisco-keep-alive). */
  readonly backup: boolean;
}

/** A phone's registration followed over time: SIP REGISTERs to one registrar, or one SCCP connection. */
export interface FlowSummary {
  readonly id: number;
  readonly protocol: 'sip' | 'sccp';
  /** The timeline it was followed on: the source index, or for a trace set the index of its first file. Records
   * carry their own source. */
  readonly source: number;
  /** Device name (SEP...) when a message carried it, else ''. */
  readonly device: string;
  /** Phone and server endpoints as text ("10.1.1.5", or "10.1.1.5:51234" for an SCCP connection). */
  readonly phone: string;
  readonly server: string;
  readonly transport: 'tcp' | 'udp' | null;
  /** "SEP0024142DDF24 → 10.106.114.161" */
  readonly title: string;
  /** Negotiated Expires (SIP, s) or keepalive interval (SCCP, s); NaN when unknown. */
  readonly expires: number;
  /** The interval the next keepalive is expected after (ms), NaN when unknown. */
  readonly expectedIntervalMs: number;
  /** SCCP: primary (answers KeepAliveAck) or backup; SIP: '' */
  readonly role: 'primary' | 'backup' | '';
  readonly keepalives: readonly KeepaliveRecord[];
  /** Counts over the whole flow (the record list may be cut on very large inputs). */
  readonly count: number;
  readonly late: number;
  readonly expired: number;
  readonly unanswered: number;
  readonly resent: number;
}

/** How one source's clock is put on the case clock (several sources analysed together). */
export interface SourceClock {
  readonly source: number;
  /** Add to this source's times to get the case clock (ms); 0 for the reference. */
  readonly offsetMs: number;
  /** reference: the clock the others are put on; segments: TCP segments / SIP-over-UDP messages matched with another
   * capture; sip: SIP messages matched by Call-ID and CSeq (a trace against a capture or an export); alarms: the
   * same alarms in two sources (syslog against an SDL trace); manual: set by the user; none: nothing to align it by
   * (taken as already on the case clock). */
  readonly basis: 'reference' | 'segments' | 'sip' | 'alarms' | 'manual' | 'none';
  /** The source it was aligned against, -1 for reference / manual / none. */
  readonly via: number;
  /** How many matches the estimate rests on. */
  readonly matches: number;
  /** For people: "median of 412 matched segments with cucm.pcap". */
  readonly detail: string;
}

/** The copies two captures both saw, pair by pair (frames of capture a and of capture b). */
export interface CopyMatches {
  readonly a: number;
  readonly b: number;
  readonly aFrames: Int32Array;
  readonly bFrames: Int32Array;
  /** 1 when a's copy is the sent one (a is near the sender), else 0. */
  readonly aSent: Uint8Array;
  /** One-way transit from the sender's copy to the receiver's (ms), clock offset removed. */
  readonly transitMs: Float64Array;
  /** Add to a time of capture a to get capture b's clock (ms). */
  readonly offsetMs: number;
}

/** Everything one analysis run produced. */
export interface AnalysisResult {
  readonly sources: SourceInfo[];
  readonly messages: Message[];
  readonly findings: Finding[];
  /** Registration / keepalive flows (without their records when the messages were not kept). */
  readonly flows: FlowSummary[];
  /** Several sources analysed together: each source's clock on the case clock (index = source). */
  readonly clock?: SourceClock[];
  /** Several captures analysed together: the copies each pair both saw. */
  readonly matches?: CopyMatches[];
}
