// Wireshark and tshark text exports, as engineers paste them into tickets, read line by line into NetMessages.
//
// Dialects (told apart by the heading line, or by the shape of the first rows when there is none):
//   plain-text      File > Export Packet Dissections > As Plain Text: a fixed-width heading
//                   `No.     Time           Source ...  Info` (column positions taken from the heading, custom columns
//                   by title), summary rows, and optionally the packet details after each summary (heading repeated).
//   csv             File > Export Packet Dissections > As CSV: `"No.","Time",...` all values quoted, `"` doubled,
//                   C escapes, the arrow written `→` or ` > `.
//   tab-separated   a packet list copied as tab-separated text, often with extra columns such as
//                   `Sequence Number` / `Acknowledgement number` (the seed document's tables).
//   tshark          tshark's default one-line summary `    9 160.584210 172.29.38.91 → 10.239.156.235 SIP 482 Request: ...`
//                   (relative, `-t ad` absolute or `-t e` epoch times), with or without -V details after each (-P -V);
//                   also a plain-text export saved without its heading line.
//   tshark-tabs     `tshark -T tabs` (an extra `→` column between Source and Destination).
//   tshark-fields   `tshark -T fields -E header=y` (tab, comma, semicolon or space separated, quoted or not).
//   tshark-verbose  `tshark -V` without summary lines: one message per `Frame N:` details block.
// Details blocks (when present) complete what the summary says: SIP headers (Call-ID, CSeq, Expires, Contact with its
// expires, Cisco device name and ;cisco-keep-alive), raw TCP sequence numbers, flags and [SEQ/ACK analysis], MAC
// addresses, SCCP message ids and RegisterAck intervals, ARP fields, and the absolute arrival time.
//
// Never throws on bad input; problems are aggregated per kind (first lines listed) and reported by finish().

import type { NetMessage, SccpInfo, Severity, SipInfo, SourceLocation, TcpInfo } from '../model';
import { TcpFlag } from '../model';
import { SCCP_MESSAGES } from '../knowledge/sccpMessages';
import { DayClock, monthIndex, zoneOffset } from './time';
import type { ProblemSink } from './text';
import { LineIssues } from './text';

export interface ExportReaderOptions {
  /** Index of the source in the analysis. */
  readonly source: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Column roles

const R_OTHER = 0;
const R_NO = 1;
const R_TIME = 2; // format told by the value
const R_EPOCH = 3;
const R_ABSTIME = 4;
const R_RELTIME = 5;
const R_SRC = 6;
const R_DST = 7;
const R_PROTO = 8;
const R_LENGTH = 9;
const R_INFO = 10;
const R_SRCPORT = 11;
const R_DSTPORT = 12;
const R_SEQ = 13;
const R_ACK = 14;
const R_SEQRAW = 15;
const R_ACKRAW = 16;
const R_TCPLEN = 17;
const R_WIN = 18;
const R_FLAGS = 19;
const R_FLAGSSTR = 20;
const R_ETHSRC = 21;
const R_ETHDST = 22;
const R_ARROW = 23;
const R_PROTOCOLS = 24;
const R_TCP_ANALYSIS = 25; // aux: TcpFlag bit
const R_DUPFRAME = 26;
const R_RTOFRAME = 27;
const R_SIP_METHOD = 30;
const R_SIP_STATUS = 31;
const R_SIP_STATUSLINE = 32;
const R_SIP_REQLINE = 33;
const R_SIP_RURI = 34;
const R_SIP_CALLID = 35;
const R_SIP_CSEQ = 36;
const R_SIP_CSEQSEQ = 37;
const R_SIP_CSEQMETHOD = 38;
const R_SIP_EXPIRES = 39;
const R_SIP_CONTACT = 40;
const R_SIP_UA = 41;
const R_SIP_CLEN = 42;
const R_SIP_FROM = 43;
const R_SIP_TO = 44;
const R_SCCP_ID = 50;
const R_SCCP_KA = 51;
const R_SCCP_KA2 = 52;
const R_SCCP_DEVICE = 53;
const R_ARP_OP = 60;
const R_ARP_SMAC = 61;
const R_ARP_SIP = 62;
const R_ARP_TMAC = 63;
const R_ARP_TIP = 64;
const R_UDPSRCPORT = 70;
const R_UDPDSTPORT = 71;
const R_TCPSRCPORT = 72;
const R_TCPDSTPORT = 73;

interface Column {
  readonly title: string;
  readonly role: number;
  readonly aux: number;
  /** Fixed-width layouts: where the column starts in the heading. */
  readonly start: number;
}

/** Heading titles (GUI column titles and tshark field names, lower case, single spaces) and what they hold. */
const ROLES: ReadonlyMap<string, number> = new Map<string, number>([
  ['no.', R_NO], ['no', R_NO], ['number', R_NO], ['frame', R_NO], ['frame.number', R_NO], ['_ws.col.no.', R_NO], ['_ws.col.number', R_NO],
  ['time', R_TIME], ['_ws.col.time', R_TIME], ['absolute time', R_TIME], ['date and time', R_TIME], ['arrival time', R_TIME],
  ['utc time', R_TIME], ['time of day', R_TIME],
  ['frame.time_epoch', R_EPOCH], ['epoch time', R_EPOCH], ['frame.time', R_ABSTIME], ['frame.time_utc', R_ABSTIME],
  ['frame.time_relative', R_RELTIME], ['relative time', R_RELTIME],
  ['source', R_SRC], ['src', R_SRC], ['ip.src', R_SRC], ['ipv6.src', R_SRC], ['_ws.col.source', R_SRC], ['_ws.col.def_src', R_SRC],
  ['source address', R_SRC], ['src addr (unresolved)', R_SRC], ['net src addr (unresolved)', R_SRC],
  ['destination', R_DST], ['dst', R_DST], ['ip.dst', R_DST], ['ipv6.dst', R_DST], ['_ws.col.destination', R_DST], ['_ws.col.def_dst', R_DST],
  ['destination address', R_DST], ['dest addr (unresolved)', R_DST], ['net dest addr (unresolved)', R_DST],
  ['protocol', R_PROTO], ['proto', R_PROTO], ['_ws.col.protocol', R_PROTO],
  ['length', R_LENGTH], ['frame.len', R_LENGTH], ['_ws.col.length', R_LENGTH],
  ['info', R_INFO], ['information', R_INFO], ['_ws.col.info', R_INFO],
  ['source port', R_SRCPORT], ['src port', R_SRCPORT], ['srcport', R_SRCPORT], ['tcp.srcport', R_TCPSRCPORT], ['src port (unresolved)', R_SRCPORT],
  ['destination port', R_DSTPORT], ['dst port', R_DSTPORT], ['dest port', R_DSTPORT], ['dstport', R_DSTPORT], ['tcp.dstport', R_TCPDSTPORT],
  ['dest port (unresolved)', R_DSTPORT],
  ['udp.srcport', R_UDPSRCPORT], ['udp.dstport', R_UDPDSTPORT],
  ['sequence number', R_SEQ], ['sequence', R_SEQ], ['seq', R_SEQ], ['seq number', R_SEQ], ['tcp.seq', R_SEQ],
  ['acknowledgement number', R_ACK], ['acknowledgment number', R_ACK], ['acknowledgement', R_ACK], ['acknowledgment', R_ACK],
  ['ack', R_ACK], ['ack number', R_ACK], ['tcp.ack', R_ACK],
  ['tcp.seq_raw', R_SEQRAW], ['sequence number (raw)', R_SEQRAW], ['raw sequence number', R_SEQRAW],
  ['tcp.ack_raw', R_ACKRAW], ['acknowledgment number (raw)', R_ACKRAW], ['acknowledgement number (raw)', R_ACKRAW],
  ['tcp.len', R_TCPLEN], ['tcp segment len', R_TCPLEN], ['segment length', R_TCPLEN],
  ['win size', R_WIN], ['window size', R_WIN], ['window', R_WIN], ['calculated window size', R_WIN],
  ['tcp.window_size', R_WIN], ['tcp.window_size_value', R_WIN],
  ['tcp.flags', R_FLAGS], ['tcp flags', R_FLAGS], ['flags', R_FLAGS], ['tcp.flags.str', R_FLAGSSTR],
  ['eth.src', R_ETHSRC], ['eth.dst', R_ETHDST], ['hw src addr (unresolved)', R_ETHSRC], ['hw dest addr (unresolved)', R_ETHDST],
  ['frame.protocols', R_PROTOCOLS], ['protocols in frame', R_PROTOCOLS],
  ['tcp.analysis.duplicate_ack_frame', R_DUPFRAME], ['tcp.analysis.rto_frame', R_RTOFRAME],
  ['sip.method', R_SIP_METHOD], ['method', R_SIP_METHOD], ['sip.status-code', R_SIP_STATUS], ['status-code', R_SIP_STATUS],
  ['status code', R_SIP_STATUS], ['sip.status-line', R_SIP_STATUSLINE], ['sip.request-line', R_SIP_REQLINE], ['sip.r-uri', R_SIP_RURI],
  ['sip.call-id', R_SIP_CALLID], ['call-id', R_SIP_CALLID], ['sip.cseq', R_SIP_CSEQ], ['cseq', R_SIP_CSEQ],
  ['sip.cseq.seq', R_SIP_CSEQSEQ], ['sip.cseq.method', R_SIP_CSEQMETHOD], ['sip.expires', R_SIP_EXPIRES], ['expires', R_SIP_EXPIRES],
  ['sip.contact', R_SIP_CONTACT], ['sip.contact.param', R_SIP_CONTACT], ['contact', R_SIP_CONTACT], ['sip.user-agent', R_SIP_UA],
  ['user-agent', R_SIP_UA], ['sip.content-length', R_SIP_CLEN], ['sip.from', R_SIP_FROM], ['sip.to', R_SIP_TO],
  ['skinny.messageid', R_SCCP_ID], ['skinny.keepaliveinterval', R_SCCP_KA], ['skinny.secondarykeepaliveinterval', R_SCCP_KA2],
  ['skinny.devicename', R_SCCP_DEVICE],
  ['arp.opcode', R_ARP_OP], ['arp.src.hw_mac', R_ARP_SMAC], ['arp.src.proto_ipv4', R_ARP_SIP], ['arp.dst.hw_mac', R_ARP_TMAC],
  ['arp.dst.proto_ipv4', R_ARP_TIP],
]);

const ANALYSIS_FIELDS: ReadonlyMap<string, number> = new Map<string, number>([
  ['tcp.analysis.retransmission', TcpFlag.Retransmission],
  ['tcp.analysis.fast_retransmission', TcpFlag.FastRetransmission],
  ['tcp.analysis.spurious_retransmission', TcpFlag.SpuriousRetransmission],
  ['tcp.analysis.lost_segment', TcpFlag.LostSegment],
  ['tcp.analysis.duplicate_ack', TcpFlag.DuplicateAck],
  ['tcp.analysis.duplicate_ack_num', TcpFlag.DuplicateAck],
  ['tcp.analysis.ack_lost_segment', TcpFlag.AckedUnseen],
  ['tcp.analysis.zero_window', TcpFlag.ZeroWindow],
  ['tcp.analysis.keep_alive', TcpFlag.KeepAlive],
  ['tcp.analysis.keep_alive_ack', TcpFlag.KeepAliveAck],
  ['tcp.analysis.out_of_order', TcpFlag.OutOfOrder],
  ['tcp.analysis.window_update', TcpFlag.WindowUpdate],
  ['tcp.analysis.zero_window_probe', TcpFlag.ZeroWindowProbe],
  ['tcp.analysis.window_full', TcpFlag.WindowFull],
  ['tcp.analysis.reused_ports', TcpFlag.ReusedPorts],
]);

/** Multi-word titles a fixed-width heading may hold (so their words are not taken for separate columns). */
const MULTI_WORD_TITLES: readonly string[] = [...ROLES.keys()].filter((t) => t.indexOf(' ') > 0).sort((a, b) => b.length - a.length);

/** Info-column analysis labels, as Wireshark writes them between brackets (lower case). */
const INFO_LABELS: ReadonlyMap<string, number> = new Map<string, number>([
  ['tcp retransmission', TcpFlag.Retransmission],
  ['tcp fast retransmission', TcpFlag.FastRetransmission],
  ['tcp spurious retransmission', TcpFlag.SpuriousRetransmission],
  ['tcp previous segment not captured', TcpFlag.LostSegment],
  ['tcp previous segment lost', TcpFlag.LostSegment],
  ['tcp acked unseen segment', TcpFlag.AckedUnseen],
  ['tcp acked lost segment', TcpFlag.AckedUnseen],
  ['tcp zerowindow', TcpFlag.ZeroWindow],
  ['tcp zero window', TcpFlag.ZeroWindow],
  ['tcp keep-alive', TcpFlag.KeepAlive],
  ['tcp keep-alive ack', TcpFlag.KeepAliveAck],
  ['tcp out-of-order', TcpFlag.OutOfOrder],
  ['tcp window update', TcpFlag.WindowUpdate],
  ['tcp zerowindowprobe', TcpFlag.ZeroWindowProbe],
  ['tcp window full', TcpFlag.WindowFull],
  ['tcp port numbers reused', TcpFlag.ReusedPorts],
]);

/** The same, as Wireshark capitalises them (looked up first: no lower-casing per row). */
const INFO_LABELS_EXACT: ReadonlyMap<string, number> = new Map<string, number>([
  ['TCP Retransmission', TcpFlag.Retransmission], ['TCP Fast Retransmission', TcpFlag.FastRetransmission],
  ['TCP Spurious Retransmission', TcpFlag.SpuriousRetransmission], ['TCP Previous segment not captured', TcpFlag.LostSegment],
  ['TCP ACKed unseen segment', TcpFlag.AckedUnseen], ['TCP ZeroWindow', TcpFlag.ZeroWindow], ['TCP Keep-Alive', TcpFlag.KeepAlive],
  ['TCP Keep-Alive ACK', TcpFlag.KeepAliveAck], ['TCP Out-Of-Order', TcpFlag.OutOfOrder], ['TCP Window Update', TcpFlag.WindowUpdate],
  ['TCP ZeroWindowProbe', TcpFlag.ZeroWindowProbe], ['TCP Window Full', TcpFlag.WindowFull],
]);

/** Port names Wireshark prints with transport name resolution on (its services file), lower case. */
const PORT_NAMES: ReadonlyMap<string, number> = new Map<string, number>([
  ['sip', 5060], ['sip-tls', 5061], ['sips', 5061], ['cisco-sccp', 2000], ['skinny', 2000], ['sccp', 2000],
  ['cisco-sccp-tls', 2443], ['cisco-sccps', 2443], ['powerclientcsf', 2443], ['https', 443], ['http', 80], ['www', 80],
  ['http-alt', 8080], ['pcsync-https', 8443], ['ldap', 389], ['ldaps', 636], ['tftp', 69], ['domain', 53], ['ntp', 123],
  ['snmp', 161], ['snmptrap', 162], ['syslog', 514], ['ssh', 22], ['telnet', 23], ['ftp', 21], ['smtp', 25],
  ['bootps', 67], ['bootpc', 68], ['h323hostcall', 1720], ['h323gatestat', 1719], ['mgcp-gateway', 2427],
  ['mgcp-callagent', 2727], ['ctiqbe', 2748], ['rtsp', 554], ['microsoft-ds', 445], ['netbios-ssn', 139],
  ['kerberos', 88], ['ms-wbt-server', 3389], ['xmpp-client', 5222], ['imap', 143], ['pop3', 110],
]);

/** SCCP message names as Info columns print them (tshark 4 names, the older names, with or without "Message"). */
const SCCP_BY_NAME: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [id, v] of SCCP_MESSAGES) if (v.tshark) m.set(v.tshark.toLowerCase(), id);
  for (const [id, v] of SCCP_MESSAGES) if (v.name && !m.has(v.name.toLowerCase())) m.set(v.name.toLowerCase(), id);
  return m;
})();

/** The SCCP messages rules care about: a row that carries one of them after its first message is reported. */
const SCCP_KEY_IDS: ReadonlySet<number> = new Set([0x0000, 0x0001, 0x0027, 0x0081, 0x009d, 0x009f, 0x0100, 0x0118]);

function sccpCanonical(id: number): string {
  const v = SCCP_MESSAGES.get(id);
  return (v && (v.name || v.tshark)) || `Unknown(0x${id.toString(16).padStart(4, '0')})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Dialects and reading state

const M_NONE = 0;
const M_FIXED = 1;
const M_CSV = 2;
const M_TAB = 3;
const M_TSHARK = 4;
const M_TSHARK_TABS = 5;
const M_FIELDS = 6;
const M_VERBOSE = 7;
const DIALECT_NAMES = ['unknown', 'plain-text', 'csv', 'tab-separated', 'tshark', 'tshark-tabs', 'tshark-fields', 'tshark-verbose'];

// Kinds of packet
const K_SKIP = 0;
const K_SIP = 1;
const K_SCCP = 2;
const K_TCP = 3;
const K_ARP = 4;
const K_TLS = 5;
const K_OTHER = 6;

// Time kinds
const T_NONE = 0;
const T_REL = 1;
const T_TOD = 2;
const T_ABS = 3;
const T_BAD = 4;

// Details sections
const S_NONE = 0;
const S_FRAME = 1;
const S_ETH = 2;
const S_IP = 3;
const S_TCP = 4;
const S_UDP = 5;
const S_SIP = 6;
const S_SCCP = 7;
const S_ARP = 8;
const S_TLS = 9;
const S_OTHER = 10;

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128;
const FLAG_NAMES: ReadonlyMap<string, number> = new Map([
  ['FIN', FIN], ['SYN', SYN], ['RST', RST], ['PSH', PSH], ['ACK', ACK], ['URG', URG], ['ECE', ECE], ['CWR', CWR],
  ['NS', 0], ['AE', 0], ['RESERVED', 0], ['<NONE>', 0],
]);

interface SipScratch {
  method: string;
  status: number;
  reason: string;
  requestUri: string;
  callId: string;
  cseq: number;
  cseqMethod: string;
  expires: number;
  contactExpires: number;
  device: string;
  fromDevice: string;
  keepAlive: boolean;
  userAgent: string;
  bodyLength: number;
}

function newSip(): SipScratch {
  return {
    method: '', status: NaN, reason: '', requestUri: '', callId: '', cseq: NaN, cseqMethod: '', expires: NaN,
    contactExpires: NaN, device: '', fromDevice: '', keepAlive: false, userAgent: '', bodyLength: NaN,
  };
}

/** Everything known about one packet while its row and details are read. One instance per reader, reset for
 * each packet (nothing keeps it once its message is built). */
class Packet {
  line!: number;
  frame!: number;
  summary!: boolean;
  detail!: boolean;
  orphan!: boolean;
  section!: number;
  infoStart!: number;
  infoEnd!: number;
  timeText!: string;
  epochText!: string;
  absText!: string;
  relText!: string;
  detEpoch!: number;
  detArrival!: string;
  src!: string;
  dst!: string;
  proto!: string;
  info!: string;
  protocols!: string;
  ipSrc!: string;
  ipDst!: string;
  srcPort!: number;
  dstPort!: number;
  udp!: boolean;
  tcp!: boolean;
  colSeq!: number;
  colAck!: number;
  seqRaw!: number;
  ackRaw!: number;
  detSeq!: number;
  detAck!: number;
  len!: number;
  win!: number;
  flags!: number;
  analysis!: number;
  refFrame!: number;
  relativeSeq!: boolean;
  srcMac!: string;
  dstMac!: string;
  sip!: SipScratch | null;
  sipCount!: number;
  sccpId!: number;
  sccpIds!: string;
  sccpKa!: number;
  sccpKa2!: number;
  sccpDevice!: string;
  sccpCount!: number;
  arpOp!: number;
  arpSMac!: string;
  arpSIp!: string;
  arpTMac!: string;
  arpTIp!: string;
  tls!: boolean;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.line = 0;
    this.frame = NaN;
    this.summary = false;
    this.detail = false;
    this.orphan = false;
    this.section = S_NONE;
    this.infoStart = -1;
    this.infoEnd = -1;
    this.timeText = '';
    this.epochText = '';
    this.absText = '';
    this.relText = '';
    this.detEpoch = NaN;
    this.detArrival = '';
    this.src = '';
    this.dst = '';
    this.proto = '';
    this.info = '';
    this.protocols = '';
    this.ipSrc = '';
    this.ipDst = '';
    this.srcPort = NaN;
    this.dstPort = NaN;
    this.udp = false;
    this.tcp = false;
    this.colSeq = NaN;
    this.colAck = NaN;
    this.seqRaw = NaN;
    this.ackRaw = NaN;
    this.detSeq = NaN;
    this.detAck = NaN;
    this.len = NaN;
    this.win = NaN;
    this.flags = NaN;
    this.analysis = 0;
    this.refFrame = NaN;
    this.relativeSeq = false;
    this.srcMac = '';
    this.dstMac = '';
    this.sip = null;
    this.sipCount = 0;
    this.sccpId = NaN;
    this.sccpIds = '';
    this.sccpKa = NaN;
    this.sccpKa2 = NaN;
    this.sccpDevice = '';
    this.sccpCount = 0;
    this.arpOp = NaN;
    this.arpSMac = '';
    this.arpSIp = '';
    this.arpTMac = '';
    this.arpTIp = '';
    this.tls = false;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads Wireshark/tshark exports line by line into NetMessages (see the file comment for the dialects). */
export class ExportReader {
  readonly messages: NetMessage[] = [];
  private mode = M_NONE;
  private firstMode = M_NONE;
  private cols: Column[] = [];
  private headingText = '';
  private sep = 9;
  private infoCol = -1;
  private pending: Packet | null = null;
  private readonly scratch = new Packet();
  private readonly intern = new Map<string, string>();
  private readonly issues = new LineIssues();
  private clock = new DayClock(0);
  private rows = 0;
  private firstLine = 0;
  private headless = 0;
  private headlessLine = 0;
  // table segments (a file may hold several tables): messages from segStart on belong to the current one
  private segStart = 0;
  private segRows = 0;
  private segBase = NaN;
  private segBaseFrame = NaN;
  private segBaseMismatch = 0;
  private frameIndex: Map<number, number> | null = null;
  private tables = 0;
  private readonly headingLines: number[] = [];
  // aggregates
  private readonly skipped = new Map<string, { count: number; line: number }>();
  private readonly unknownPorts = new Map<string, { count: number; line: number }>();
  private readonly unknownZones = new Map<string, { count: number; line: number }>();
  private noZone = 0;
  private noZoneLine = 0;
  private relativeTimes = 0;
  private todTimes = 0;
  private datedFromDetails = 0;
  private relativeSeqLine = 0;
  private readonly fields: string[] = [];
  private readonly offsets: number[] = [];
  // time scratch
  private tKind = T_NONE;
  private tMs = NaN;

  constructor(private readonly opts: ExportReaderOptions, private readonly problems: ProblemSink) {}

  /** The dialect of the first table or list recognised ('unknown' until then). */
  get dialect(): string {
    return DIALECT_NAMES[this.firstMode]!;
  }

  /** Feed one line (without its line end). */
  line(text: string, lineNo: number): void {
    let n = text.length;
    if (n === 0) return;
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      n--;
      if (n === 0) return;
    }
    let i = 0;
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i === n) return;
    if (this.firstLine === 0) this.firstLine = lineNo;
    const c = text.charCodeAt(i);
    // headings
    if ((c === 78 || c === 110 || c === 34) && this.isHeading(text, i)) {
      this.heading(text, i, lineNo);
      return;
    }
    if (i === 0 && c === 70 && text.startsWith('Frame ') && this.frameTitle(text, lineNo)) return;
    if (i === 0 && this.mode !== M_FIELDS && ((c >= 97 && c <= 122) || c === 95) && this.isFieldsHeading(text)) {
      this.fieldsHeading(text, lineNo);
      return;
    }
    const digit = c >= 48 && c <= 57;
    switch (this.mode) {
      case M_FIXED:
        if (digit && this.fixedRow(text, i, lineNo)) return;
        break;
      case M_CSV:
        if (c === 34 || digit) {
          this.delimitedRow(text, lineNo, 44, true);
          return;
        }
        break;
      case M_TAB:
        if (text.indexOf('\t') >= 0) {
          this.delimitedRow(text, lineNo, 9, false);
          return;
        }
        break;
      case M_FIELDS:
        if (c !== 35 /* # */) {
          this.delimitedRow(text, lineNo, this.sep, false);
          return;
        }
        break;
      default:
        if ((digit || c === 34) && this.headlessRow(text, i, lineNo)) return;
    }
    const p = this.pending;
    if (p && p.detail) this.detailLine(p, text, i);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Headings

  private isHeading(text: string, i: number): boolean {
    if (text.charCodeAt(i) === 34) i++;
    if (!(text.startsWith('No.', i) || text.startsWith('no.', i) || text.startsWith('NO.', i))) return false;
    const rest = text.slice(i + 3, i + 400).toLowerCase();
    return rest.indexOf('time') >= 0 || rest.indexOf('source') >= 0 || rest.indexOf('info') >= 0 || rest.indexOf('protocol') >= 0;
  }

  private heading(text: string, i: number, lineNo: number): void {
    // plain-text exports with details repeat the heading before each packet; a table pasted again is a new one
    if (text === this.headingText && (this.mode === M_FIXED || this.segRows === 0)) return;
    this.flush();
    let mode: number;
    let cols: Column[];
    if (text.charCodeAt(i) === 34) {
      mode = M_CSV;
      splitDelimited(text, 44, this.fields, this.offsets);
      cols = this.fields.map((t) => column(t, 0));
    } else if (text.indexOf('\t') >= 0) {
      mode = M_TAB;
      cols = text.split('\t').map((t) => column(t, 0));
    } else {
      mode = M_FIXED;
      cols = fixedColumns(text);
    }
    if (!cols.some((c) => c.role === R_INFO || c.role === R_PROTO)) {
      // a line that starts like a heading but is not one (prose); leave it
      return;
    }
    this.newSegment(lineNo);
    this.headingText = text;
    this.cols = cols;
    this.setMode(mode);
  }

  private isFieldsHeading(text: string): boolean {
    // `frame.number<sep>frame.time_epoch<sep>ip.src ...`: the first token is a field name with a dot
    let j = 0;
    const n = Math.min(text.length, 200);
    let dot = false;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 46) dot = true;
      else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45)) break;
    }
    if (!dot || j === 0) return false;
    const lower = text.slice(0, 2000).toLowerCase();
    return lower.startsWith('frame.') || lower.indexOf('ip.src') >= 0 || lower.indexOf('_ws.col.') >= 0 || lower.indexOf('frame.number') >= 0;
  }

  private fieldsHeading(text: string, lineNo: number): void {
    this.flush();
    let j = 0;
    while (j < text.length && text.charCodeAt(j) !== 9 && text.charCodeAt(j) !== 44 && text.charCodeAt(j) !== 59 && text.charCodeAt(j) !== 124 && text.charCodeAt(j) !== 32) j++;
    this.sep = j < text.length ? text.charCodeAt(j) : 9;
    splitDelimited(text, this.sep, this.fields, this.offsets);
    this.newSegment(lineNo);
    this.headingText = text;
    this.cols = this.fields.map((t) => column(t, 0));
    this.setMode(M_FIELDS);
  }

  private setMode(mode: number): void {
    this.mode = mode;
    this.infoCol = this.cols.findIndex((c) => c.role === R_INFO);
    if (this.firstMode === M_NONE || (this.firstMode === M_VERBOSE && this.rows === 0)) this.firstMode = mode;
  }

  /** A new table starts: close the previous one (dating its rows from its details if they allowed it). */
  private newSegment(lineNo: number): void {
    this.closeSegment();
    if (this.segRows > 0 || this.tables === 0) this.tables++;
    this.headingLines.push(lineNo);
    this.segRows = 0;
    this.clock = new DayClock(0);
  }

  private closeSegment(): void {
    const base = this.segBase;
    if (Number.isFinite(base)) {
      for (let k = this.segStart; k < this.messages.length; k++) {
        const m = this.messages[k]!;
        if (!m.dated && Number.isFinite(m.time)) {
          this.messages[k] = { ...m, time: m.time + base, dated: true };
          this.datedFromDetails++;
        }
      }
      if (this.segBaseMismatch) {
        this.issue('export.time', 'warning', 'Packet details whose arrival time does not match the summary time by the same offset as the others', this.segBaseFrame, `the offset found first (from frame ${this.segBaseFrame}) was used for the whole table.`, this.segBaseMismatch);
      }
    }
    for (let k = this.segStart; k < this.messages.length; k++) {
      const m = this.messages[k]!;
      if (m.dated || !Number.isFinite(m.time)) continue;
      if (this.isTod(k)) this.todTimes++;
      else this.relativeTimes++;
    }
    this.todSet = null;
    this.segStart = this.messages.length;
    this.segBase = NaN;
    this.segBaseFrame = NaN;
    this.segBaseMismatch = 0;
    this.frameIndex = null;
  }

  private todSet: Set<number> | null = null;
  private isTod(k: number): boolean {
    return this.todSet !== null && this.todSet.has(k);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rows

  /** A row of a fixed-width plain-text table whose heading gave the column positions. */
  private fixedRow(text: string, i: number, lineNo: number): boolean {
    const cols = this.cols;
    const n = cols.length;
    // shape: right-aligned number, then the time
    let j = i;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    if (j === i || j >= text.length || text.charCodeAt(j) !== 32) return false;
    const ts = skipSpaces(text, j);
    if (timeShape(text.slice(ts, tokenEnd(text, ts))) === T_NONE) return false;
    const p = this.startPacket(lineNo);
    let drift = 0;
    let prevEnd = 0;
    let cut = false;
    for (let k = 0; k < n; k++) {
      const col = cols[k]!;
      let start = col.start + drift;
      if (start < prevEnd) start = prevEnd;
      let value: string;
      if (k === n - 1) {
        let s = prevEnd;
        while (s < text.length && text.charCodeAt(s) === 32) s++;
        let e = text.length;
        while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
        value = text.slice(s, e);
        if (col.role === R_INFO) {
          p.infoStart = s;
          p.infoEnd = e;
        }
        if (s >= text.length && col.role === R_INFO) cut = true;
      } else {
        const stop = cols[k + 1]!.start + drift - 1;
        if (start >= text.length) {
          value = '';
          cut = true;
          prevEnd = text.length;
        } else {
          let e = stop > text.length ? text.length : stop;
          if (e <= start) e = start + 1;
          if (e < text.length && text.charCodeAt(e) !== 32 && text.charCodeAt(e - 1) !== 32) {
            while (e < text.length && text.charCodeAt(e) !== 32) e++;
            if (e > stop) drift += e - stop;
          }
          let s = start;
          while (s < e && text.charCodeAt(s) === 32) s++;
          let ve = e;
          while (ve > s && text.charCodeAt(ve - 1) === 32) ve--;
          value = text.slice(s, ve);
          prevEnd = e;
          if (col.role === R_INFO) {
            p.infoStart = s;
            p.infoEnd = ve;
          }
        }
      }
      if (value.length) this.assign(p, col, value);
    }
    if (!p.proto || !(p.src || p.dst)) {
      this.issue('export.row', 'warning', 'Rows cut off before the Protocol column', lineNo, 'they were skipped.');
      this.pending = null;
      return true;
    }
    if (!this.checkRow(p, lineNo, cut)) return true;
    this.rowDone(p);
    return true;
  }

  /** CSV, tab-separated and -T fields rows. */
  private delimitedRow(text: string, lineNo: number, sep: number, csv: boolean): void {
    const fields = this.fields;
    const offs = this.offsets;
    const unterminated = splitDelimited(text, sep, fields, offs);
    const cols = this.cols;
    const nCols = cols.length;
    let nf = fields.length;
    // trailing empty fields (a tab or comma at the end) are not columns
    while (nf > nCols && fields[nf - 1]!.trim() === '') nf--;
    const first = fields[0]!.trim();
    if (this.mode !== M_FIELDS && !isAllDigits(first)) {
      // prose with a tab in it, or a heading we did not recognise
      if (first.length && nf >= 4 && nf >= nCols - 1) this.issue('export.row', 'warning', 'Rows whose No. column is not a number', lineNo, 'they were skipped.');
      return;
    }
    const p = this.startPacket(lineNo);
    const infoCol = this.infoCol;
    const infoLast = infoCol === nCols - 1;
    if (nf === nCols || (nf > nCols && !infoLast) || infoCol < 0) {
      for (let k = 0; k < nCols && k < nf; k++) this.assignField(p, cols[k]!, fields[k]!, offs[k]!, csv);
      if (nf > nCols) this.issue('export.row', 'warning', 'Rows with more columns than the heading', lineNo, 'the extra columns were ignored.');
      else if (nf < nCols) this.issue('export.row', 'warning', 'Rows with fewer columns than the heading', lineNo, 'the missing columns were left empty.');
    } else if (nf > nCols) {
      // more fields than columns with Info last: a tab or separator inside Info
      for (let k = 0; k < nCols - 1; k++) this.assignField(p, cols[k]!, fields[k]!, offs[k]!, csv);
      const start = offs[nCols - 1]!;
      const sepChar = String.fromCharCode(sep);
      this.assignField(p, cols[nCols - 1]!, fields.slice(nCols - 1, nf).join(sepChar), start, csv);
      this.issue('export.row', 'information', 'Rows with more columns than the heading', lineNo, 'the extra columns were read as part of Info.');
    } else {
      // fewer fields than columns, Info last: the leading columns in order, the last field is Info
      const last = nf - 1;
      for (let k = 0; k < last; k++) this.assignField(p, cols[k]!, fields[k]!, offs[k]!, csv);
      let info = fields[last]!;
      let infoOff = offs[last]!;
      // a tab lost when copying: the number before Info belongs to the missing column just before Info
      const missing = cols[nCols - 2];
      const m = /^(\d{1,10}) +(?![→>-])(\S)/.exec(info);
      if (nf === nCols - 1 && missing && m && (missing.role === R_ACK || missing.role === R_SEQ || missing.role === R_ACKRAW || missing.role === R_SEQRAW || missing.role === R_LENGTH)) {
        this.assignField(p, missing, m[1]!, infoOff, csv);
        const cut = m[0].length - 1;
        info = info.slice(cut);
        infoOff += cut;
        this.issue('export.row', 'warning', 'Rows with a column run into Info (a tab lost when copying?)', lineNo, `the number at the start of Info was read as the ${missing.title} column.`);
      } else {
        this.issue('export.row', 'warning', 'Rows with fewer columns than the heading', lineNo, 'the columns present were read in order, the last one as Info.');
      }
      this.assignField(p, cols[nCols - 1]!, info, infoOff, csv);
    }
    if (unterminated) this.issue('export.row', 'warning', 'Rows cut off inside a quoted value', lineNo, 'they were read as far as they go.');
    if (!this.checkRow(p, lineNo, false)) return;
    this.rowDone(p);
  }

  /** Rows without a heading: tshark's summary (space separated, `→` between the addresses), tshark -T tabs, a
   * plain-text export saved without its heading, a CSV without its heading. */
  private headlessRow(text: string, i: number, lineNo: number): boolean {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // CSV rows without the heading: the default columns
      splitDelimited(text, 44, this.fields, this.offsets);
      if (this.fields.length < 6 || !isAllDigits(this.fields[0]!) || timeShape(this.fields[1]!) === T_NONE) return false;
      this.cols = defaultColumns(this.fields.length);
      this.headingText = '';
      this.setMode(M_CSV);
      this.delimitedRow(text, lineNo, 44, true);
      return true;
    }
    if (text.indexOf('\t') >= 0) {
      const f = text.split('\t');
      if (!isAllDigits(f[0]!.trim())) return false;
      if (f.length >= 8 && f[3]!.trim() === '→') {
        this.setMode(M_TSHARK_TABS);
        const p = this.startPacket(lineNo);
        p.frame = toInt(f[0]!);
        p.timeText = f[1]!.trim();
        p.src = f[2]!.trim();
        p.dst = f[4]!.trim();
        p.proto = f[5]!.trim();
        const last = f.length - 1;
        p.info = f[last]!.trim();
        p.infoStart = text.length - f[last]!.length;
        p.infoEnd = p.infoStart + f[last]!.trimEnd().length;
        if (this.checkRow(p, lineNo, false)) this.rowDone(p);
        return true;
      }
      // a copied packet list without its heading: the default columns, if the row looks like one
      if (f.length >= 6 && timeShape(f[1]!.trim()) !== T_NONE && !isAllDigits(f[3]!.trim()) && /[A-Za-z]/.test(f[4]!)) {
        this.cols = defaultColumns(f.length);
        this.headingText = '';
        this.setMode(M_TAB);
        this.delimitedRow(text, lineNo, 9, false);
        return true;
      }
      this.headless++;
      if (!this.headlessLine) this.headlessLine = lineNo;
      return false;
    }
    return this.spaceRow(text, i, lineNo);
  }

  /** tshark's default summary line (and a plain-text export without heading): whitespace separated. */
  private spaceRow(text: string, i: number, lineNo: number): boolean {
    const n = text.length;
    let j = i;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    if (j === i || j >= n || text.charCodeAt(j) !== 32) return false;
    const noEnd = j;
    // time
    j = skipSpaces(text, j);
    let te = tokenEnd(text, j);
    const t1 = text.slice(j, te);
    const shape = timeShape(t1);
    if (shape === T_NONE) return false;
    let timeText = t1;
    if (isDateToken(t1)) {
      const k = skipSpaces(text, te);
      const e2 = tokenEnd(text, k);
      timeText = text.slice(j, e2);
      te = e2;
    }
    // source, arrow, destination, protocol, length, info
    let k = skipSpaces(text, te);
    let e = tokenEnd(text, k);
    const src = text.slice(k, e);
    k = skipSpaces(text, e);
    e = tokenEnd(text, k);
    let dst = text.slice(k, e);
    if (dst === '→' || dst === '->' || dst === '<-' || dst === '←') {
      k = skipSpaces(text, e);
      e = tokenEnd(text, k);
      dst = text.slice(k, e);
    }
    k = skipSpaces(text, e);
    e = tokenEnd(text, k);
    const proto = text.slice(k, e);
    if (!src || !dst || !proto) {
      this.issue('export.row', 'warning', 'Rows cut off before the Protocol column', lineNo, 'they were skipped.');
      return true;
    }
    // Length, then any numeric custom columns (tshark -o gui.column.format), up to the Info text; a number followed
    // by an arrow is the source port that starts a TCP Info
    let infoStart = skipSpaces(text, e);
    for (;;) {
      const le = tokenEnd(text, infoStart);
      if (le === infoStart || !isAllDigits(text.slice(infoStart, le))) break;
      const nx = skipSpaces(text, le);
      const c2 = text.charCodeAt(nx);
      if (c2 === 0x2192 || (c2 === 62 && text.charCodeAt(nx + 1) === 32) || (c2 === 45 && text.charCodeAt(nx + 1) === 62)) break;
      infoStart = nx;
    }
    let infoEnd = n;
    while (infoEnd > infoStart && isSpace(text.charCodeAt(infoEnd - 1))) infoEnd--;
    if (this.mode !== M_TSHARK) this.setMode(M_TSHARK);
    const p = this.startPacket(lineNo);
    p.frame = toInt(text.slice(i, noEnd));
    p.timeText = timeText;
    p.src = src;
    p.dst = dst;
    p.proto = proto;
    p.info = text.slice(infoStart, infoEnd);
    p.infoStart = infoStart;
    p.infoEnd = infoEnd;
    if (this.checkRow(p, lineNo, false)) this.rowDone(p);
    return true;
  }

  private checkRow(p: Packet, lineNo: number, cut: boolean): boolean {
    if (!Number.isFinite(p.frame) && this.mode !== M_FIELDS) {
      this.issue('export.row', 'warning', 'Rows without a frame number', lineNo, 'they were skipped.');
      this.pending = null;
      return false;
    }
    if (cut) this.issue('export.row', 'warning', 'Rows cut off before the end of their columns', lineNo, 'they were read as far as they go.');
    return true;
  }

  private rowDone(p: Packet): void {
    p.summary = true;
    this.rows++;
    this.segRows++;
  }

  private startPacket(lineNo: number): Packet {
    this.flush();
    const p = this.scratch;
    p.reset();
    p.line = lineNo;
    this.pending = p;
    return p;
  }

  /** A value of a delimited row (CSV values unescaped). */
  private assignField(p: Packet, col: Column, raw: string, off: number, csv: boolean): void {
    let s = 0;
    let e = raw.length;
    while (s < e && isSpace(raw.charCodeAt(s))) s++;
    while (e > s && isSpace(raw.charCodeAt(e - 1))) e--;
    if (s === e) return;
    let v = s === 0 && e === raw.length ? raw : raw.slice(s, e);
    if (csv && v.indexOf('\\') >= 0) v = unescapeC(v);
    if (col.role === R_INFO) {
      p.infoStart = off + s;
      p.infoEnd = off + e;
    }
    this.assign(p, col, v);
  }

  /** Stores one column value by its role. */
  private assign(p: Packet, col: Column, v: string): void {
    switch (col.role) {
      case R_NO: if (!Number.isFinite(p.frame)) p.frame = toInt(v); break;
      case R_TIME: if (!p.timeText) p.timeText = v; break;
      case R_EPOCH: if (!p.epochText) p.epochText = v; break;
      case R_ABSTIME: if (!p.absText) p.absText = v; break;
      case R_RELTIME: if (!p.relText) p.relText = v; break;
      case R_SRC: if (!p.src) p.src = lastOf(v); break;
      case R_DST: if (!p.dst) p.dst = lastOf(v); break;
      case R_PROTO: if (!p.proto) p.proto = v; break;
      case R_INFO: if (!p.info) p.info = v; break;
      case R_SRCPORT: if (Number.isNaN(p.srcPort)) p.srcPort = this.port(v, p.line); break;
      case R_DSTPORT: if (Number.isNaN(p.dstPort)) p.dstPort = this.port(v, p.line); break;
      case R_TCPSRCPORT: if (Number.isNaN(p.srcPort)) { p.srcPort = this.port(v, p.line); p.tcp = true; } break;
      case R_TCPDSTPORT: if (Number.isNaN(p.dstPort)) { p.dstPort = this.port(v, p.line); p.tcp = true; } break;
      case R_UDPSRCPORT: if (Number.isNaN(p.srcPort)) { p.srcPort = this.port(v, p.line); p.udp = true; } break;
      case R_UDPDSTPORT: if (Number.isNaN(p.dstPort)) { p.dstPort = this.port(v, p.line); p.udp = true; } break;
      case R_SEQ: p.colSeq = toUint(v); break;
      case R_ACK: p.colAck = toUint(v); break;
      case R_SEQRAW: p.seqRaw = toUint(v); break;
      case R_ACKRAW: p.ackRaw = toUint(v); break;
      case R_TCPLEN: p.len = toUint(v); p.tcp = true; break;
      case R_WIN: p.win = toUint(v); break;
      case R_FLAGS: p.flags = parseFlagsValue(v); break;
      case R_FLAGSSTR: if (Number.isNaN(p.flags)) p.flags = parseFlagsStr(v); break;
      case R_ETHSRC: p.srcMac = lastOf(v); break;
      case R_ETHDST: p.dstMac = lastOf(v); break;
      case R_PROTOCOLS: p.protocols = v; break;
      case R_TCP_ANALYSIS: if (v !== '0' && v.toLowerCase() !== 'false') p.analysis |= col.aux; break;
      case R_DUPFRAME: p.refFrame = toUint(v); p.analysis |= TcpFlag.DuplicateAck; break;
      case R_RTOFRAME: if (Number.isNaN(p.refFrame)) p.refFrame = toUint(v); break;
      case R_SIP_METHOD: sipOf(p).method = firstOf(v); break;
      case R_SIP_STATUS: sipOf(p).status = toUint(firstOf(v)); break;
      case R_SIP_STATUSLINE: statusLine(sipOf(p), v); break;
      case R_SIP_REQLINE: requestLine(sipOf(p), v); break;
      case R_SIP_RURI: sipOf(p).requestUri = firstOf(v); break;
      case R_SIP_CALLID: sipOf(p).callId = firstOf(v); break;
      case R_SIP_CSEQ: cseqValue(sipOf(p), firstOf(v)); break;
      case R_SIP_CSEQSEQ: sipOf(p).cseq = toUint(firstOf(v)); break;
      case R_SIP_CSEQMETHOD: sipOf(p).cseqMethod = firstOf(v); break;
      case R_SIP_EXPIRES: sipOf(p).expires = toUint(firstOf(v)); break;
      case R_SIP_CONTACT: contactValue(sipOf(p), v); break;
      case R_SIP_UA: sipOf(p).userAgent = v; break;
      case R_SIP_CLEN: sipOf(p).bodyLength = toUint(firstOf(v)); break;
      case R_SIP_FROM: case R_SIP_TO: { const s = sipOf(p); if (!s.fromDevice) s.fromDevice = sepUser(v); break; }
      case R_SCCP_ID: p.sccpIds = v; break;
      case R_SCCP_KA: p.sccpKa = toUint(firstOf(v)); break;
      case R_SCCP_KA2: p.sccpKa2 = toUint(firstOf(v)); break;
      case R_SCCP_DEVICE: p.sccpDevice = firstOf(v); break;
      case R_ARP_OP: p.arpOp = toUint(firstOf(v)); break;
      case R_ARP_SMAC: p.arpSMac = v; break;
      case R_ARP_SIP: p.arpSIp = v; break;
      case R_ARP_TMAC: p.arpTMac = v; break;
      case R_ARP_TIP: p.arpTIp = v; break;
      default: break;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Details blocks

  /** `Frame 12: 482 bytes on wire ...`: details of the pending row's packet, or of a packet without a row. */
  private frameTitle(text: string, lineNo: number): boolean {
    let j = 6;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    if (j === 6 || text.charCodeAt(j) !== 58) return false;
    const frame = Number(text.slice(6, j));
    const p = this.pending;
    if (p && p.summary && !p.detail && p.frame === frame) {
      p.detail = true;
      p.section = S_FRAME;
      return true;
    }
    this.flush();
    const q = this.scratch;
    q.reset();
    q.line = lineNo;
    q.frame = frame;
    q.detail = true;
    q.section = S_FRAME;
    if (this.segRows > 0) q.orphan = true;
    else if (this.mode === M_NONE || this.mode === M_VERBOSE) {
      this.setMode(M_VERBOSE);
      this.rows++;
    }
    this.pending = q;
    return true;
  }

  private detailLine(p: Packet, text: string, i: number): void {
    const c = text.charCodeAt(i);
    if (i === 0 && c !== 91 /* [ */ && c !== 45 /* - */ && c !== 46 /* . */) {
      const sec = sectionOf(text);
      if (sec >= 0) {
        p.section = sec;
        this.sectionTitle(p, sec, text);
        return;
      }
    }
    switch (p.section) {
      case S_FRAME: this.frameDetail(p, text, i); break;
      case S_TCP: this.tcpDetail(p, text, i); break;
      case S_SIP: if (p.sipCount === 1) sipDetail(p.sip!, text, i); break;
      case S_SCCP: if (p.sccpCount === 1) this.sccpDetail(p, text, i); break;
      case S_ARP: arpDetail(p, text, i); break;
      default: break;
    }
  }

  private sectionTitle(p: Packet, sec: number, text: string): void {
    switch (sec) {
      case S_ETH: {
        const s = titleValue(text, 'Src: ');
        const d = titleValue(text, 'Dst: ');
        if (s) p.srcMac = s;
        if (d) p.dstMac = d;
        break;
      }
      case S_IP: {
        const s = titleValue(text, 'Src: ');
        const d = titleValue(text, 'Dst: ');
        if (s) p.ipSrc = s;
        if (d) p.ipDst = d;
        break;
      }
      case S_TCP:
      case S_UDP: {
        if (sec === S_TCP) p.tcp = true;
        else p.udp = true;
        const sp = titleValue(text, 'Src Port: ') || titleValue(text, 'Source port: ');
        const dp = titleValue(text, 'Dst Port: ') || titleValue(text, 'Destination port: ');
        if (sp) p.srcPort = this.port(sp, p.line);
        if (dp) p.dstPort = this.port(dp, p.line);
        if (sec === S_TCP) {
          const seq = titleValue(text, 'Seq: ');
          const ack = titleValue(text, 'Ack: ');
          const len = titleValue(text, 'Len: ');
          if (seq) p.detSeq = toUint(seq);
          if (ack) p.detAck = toUint(ack);
          if (len && Number.isNaN(p.len)) p.len = toUint(len);
        }
        break;
      }
      case S_SIP:
        p.sipCount++;
        if (p.sipCount === 1 && !p.sip) p.sip = newSip();
        break;
      case S_SCCP:
        p.sccpCount++;
        break;
      case S_TLS:
        p.tls = true;
        break;
      default:
        break;
    }
  }

  private frameDetail(p: Packet, text: string, i: number): void {
    if (text.startsWith('[Protocols in frame: ', i)) {
      p.protocols = ':' + text.slice(i + 21, text.length - 1);
    } else if (text.startsWith('Epoch Time: ', i) || text.startsWith('Epoch Arrival Time: ', i)) {
      const v = text.slice(text.indexOf(': ', i) + 2);
      const sp = v.indexOf(' ');
      const t = parseEpochMs(sp < 0 ? v : v.slice(0, sp));
      if (Number.isFinite(t)) p.detEpoch = t;
    } else if (text.startsWith('Arrival Time: ', i)) {
      p.detArrival = text.slice(i + 14).trim();
    }
  }

  private tcpDetail(p: Packet, text: string, i: number): void {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) {
      tcpAnalysisLine(p, text, i);
      return;
    }
    if ((c === 83 && text.startsWith('Sequence', i)) || (c === 65 && text.startsWith('Acknowledg', i))) {
      // Sequence Number / Acknowledgment Number, raw or relative
      const colon = text.indexOf(': ', i);
      if (colon < 0) return;
      const key = text.slice(i, colon).toLowerCase();
      if (key.indexOf('next') >= 0) return;
      const v = toUintPrefix(text, colon + 2);
      if (Number.isNaN(v)) return;
      const relative = text.indexOf('(relative', colon) >= 0;
      const raw = key.endsWith('(raw)');
      if (key.startsWith('sequence')) {
        if (raw || !relative) p.seqRaw = v;
        else p.relativeSeq = true;
      } else if (key.startsWith('acknowledg')) {
        if (raw || !relative) p.ackRaw = v;
      }
      return;
    }
    if (text.startsWith('Flags: 0x', i)) {
      p.flags = parseInt(text.slice(i + 9, i + 13), 16) & 0xff;
    } else if (text.startsWith('Window: ', i) || text.startsWith('Window size value: ', i)) {
      if (Number.isNaN(p.win)) p.win = toUintPrefix(text, text.indexOf(': ', i) + 2);
    }
  }

  private sccpDetail(p: Packet, text: string, i: number): void {
    const colon = text.indexOf(': ', i);
    if (colon < 0 || colon - i > 40) return;
    const key = text.slice(i, colon).replace(/ /g, '').toLowerCase();
    const v = text.slice(colon + 2).trim();
    switch (key) {
      case 'messageid': {
        const o = v.lastIndexOf('(');
        let id = NaN;
        if (o >= 0) {
          const inner = v.slice(o + 1, v.indexOf(')', o) >= 0 ? v.indexOf(')', o) : v.length);
          id = inner.startsWith('0x') ? parseInt(inner.slice(2), 16) : toUint(inner);
        }
        if (Number.isNaN(id)) id = SCCP_BY_NAME.get(stripMessage((o >= 0 ? v.slice(0, o) : v).trim().toLowerCase())) ?? NaN;
        if (Number.isNaN(p.sccpId)) p.sccpId = id;
        break;
      }
      case 'keepaliveinterval': p.sccpKa = toUintPrefix(v, 0); break;
      case 'secondarykeepaliveinterval': p.sccpKa2 = toUintPrefix(v, 0); break;
      case 'devicename': if (!p.sccpDevice) p.sccpDevice = v; break;
      default: break;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Building messages

  /** Closes the pending packet: builds its message (or merges late details into the message of its row). */
  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (p.orphan) {
      const k = this.findFrame(p.frame);
      if (k >= 0) {
        this.mergeDetails(k, p);
        return;
      }
      this.rows++;
    }
    this.build(p);
  }

  private findFrame(frame: number): number {
    if (!this.frameIndex) {
      this.frameIndex = new Map();
      for (let k = this.segStart; k < this.messages.length; k++) {
        const f = this.messages[k]!.loc.frame;
        if (f !== null && !this.frameIndex.has(f)) this.frameIndex.set(f, k);
      }
    }
    return this.frameIndex.get(frame) ?? -1;
  }

  /** A details block printed apart from its row (the seed pastes one below its table): fill what the row lacked. */
  private mergeDetails(k: number, p: Packet): void {
    const m = this.messages[k]!;
    const out: Mutable<NetMessage> = { ...m };
    if (p.srcMac && !m.srcMac) out.srcMac = this.str(p.srcMac);
    if (p.dstMac && !m.dstMac) out.dstMac = this.str(p.dstMac);
    if (Number.isNaN(m.srcPort) && Number.isFinite(p.srcPort)) out.srcPort = p.srcPort;
    if (Number.isNaN(m.dstPort) && Number.isFinite(p.dstPort)) out.dstPort = p.dstPort;
    if (!m.transport && (p.tcp || p.udp)) out.transport = p.tcp ? 'tcp' : 'udp';
    if (p.tcp) {
      const t = m.tcp;
      const seq = pick(p.seqRaw, t?.seq ?? NaN, p.detSeq);
      const ack = pick(p.ackRaw, t?.ack ?? NaN, p.detAck);
      out.tcp = {
        seq, ack, len: pick(t?.len ?? NaN, p.len), flags: pick(t?.flags ?? NaN, p.flags), win: pick(t?.win ?? NaN, p.win),
        analysis: normaliseAnalysis((t?.analysis ?? 0) | p.analysis),
        refFrame: t?.refFrame ?? (Number.isFinite(p.refFrame) ? p.refFrame : undefined),
      };
    }
    if (p.sip && m.sip) out.sip = this.sipInfo(mergeSip(p.sip, m.sip));
    if (p.sccpCount && m.sccp) {
      const o: Mutable<SccpInfo> = { ...m.sccp };
      if (o.keepAliveInterval === undefined && Number.isFinite(p.sccpKa)) o.keepAliveInterval = p.sccpKa;
      if (o.secondaryKeepAliveInterval === undefined && Number.isFinite(p.sccpKa2)) o.secondaryKeepAliveInterval = p.sccpKa2;
      if (o.device === undefined && p.sccpDevice) o.device = this.str(p.sccpDevice);
      out.sccp = o;
    }
    this.messages[k] = out;
    if (this.frameIndex) this.frameIndex.set(p.frame, k);
  }

  private build(p: Packet): void {
    const line = p.line;
    // time of the row, then what the details say
    this.rowTime(p);
    const time = this.rTime;
    const dated = this.rDated;
    // Info: leading analysis labels
    const info = p.info;
    let body = 0;
    let analysis = p.analysis;
    let refFrame = p.refFrame;
    while (body < info.length && info.charCodeAt(body) === 91) {
      const close = info.indexOf(']', body);
      if (close < 0) break;
      const label = info.slice(body + 1, close);
      const f = INFO_LABELS_EXACT.get(label) ?? INFO_LABELS.get(label.toLowerCase());
      if (f) analysis |= f;
      else if (label.startsWith('TCP Dup ACK ') || label.startsWith('TCP Dup Ack ')) {
        analysis |= TcpFlag.DuplicateAck;
        const r = toUintPrefix(label, 12);
        if (Number.isFinite(r)) refFrame = r;
      }
      body = skipSpaces(info, close + 1);
    }
    const kind = this.kindOf(p, analysis);
    if (kind === K_SKIP) return;

    // addresses as the Source/Destination columns print them; the details' numeric IP addresses win over resolved
    // names; a -T fields export without ip.src (ARP) falls back to the MAC addresses, as Wireshark's columns do
    const src = this.str(p.ipSrc && kind !== K_ARP ? p.ipSrc : p.src || p.ipSrc || p.srcMac);
    const dst = this.str(p.ipDst && kind !== K_ARP ? p.ipDst : p.dst || p.ipDst || p.dstMac);
    // TCP numbers from the Info text (TCP rows)
    let iSeq = NaN, iAck = NaN, iWin = NaN, iLen = NaN, iFlags = NaN;
    if (kind === K_TCP && body < info.length) {
      if (findArrow(info, body) >= 0) {
        if (Number.isNaN(p.srcPort)) p.srcPort = this.port(arrowLeft, line);
        if (Number.isNaN(p.dstPort)) p.dstPort = this.port(arrowRight, line);
        let k = skipSpaces(info, arrowEnd);
        if (info.charCodeAt(k) === 91) {
          const close = info.indexOf(']', k);
          if (close > k) {
            iFlags = parseFlagNames(info.slice(k + 1, close));
            k = close + 1;
          }
        }
        // Seq= Ack= Win= Len= (any case)
        while (k < info.length) {
          k = skipSpaces(info, k);
          const e = tokenEnd(info, k);
          if (e - k > 4 && info.charCodeAt(k + 3) === 61) {
            const a = info.charCodeAt(k) | 0x20, b = info.charCodeAt(k + 1) | 0x20, c = info.charCodeAt(k + 2) | 0x20;
            if (a === 115 && b === 101 && c === 113) iSeq = toUintPrefix(info, k + 4);
            else if (a === 97 && b === 99 && c === 107) iAck = toUintPrefix(info, k + 4);
            else if (a === 119 && b === 105 && c === 110) iWin = toUintPrefix(info, k + 4);
            else if (a === 108 && b === 101 && c === 110) iLen = toUintPrefix(info, k + 4);
          } else if (info.charCodeAt(k) === 91) break;
          k = e;
        }
      }
      p.tcp = true;
    }
    const flags = pick(iFlags, p.flags);
    const hasTcp = p.tcp || kind === K_TCP || Number.isFinite(p.colSeq) || Number.isFinite(p.colAck) || Number.isFinite(p.seqRaw) ||
      Number.isFinite(p.ackRaw) || analysis !== 0 || Number.isFinite(flags);
    let tcp: TcpInfo | undefined;
    if (hasTcp && kind !== K_ARP) {
      const seq = pick(p.seqRaw, p.colSeq, iSeq, p.detSeq);
      const ack = pick(p.ackRaw, p.colAck, iAck, p.detAck);
      if (Number.isNaN(p.seqRaw) && (p.relativeSeq || (seq === 0 && (flags & SYN) !== 0))) {
        if (!this.relativeSeqLine) this.relativeSeqLine = line;
      }
      tcp = {
        seq, ack, len: pick(iLen, p.len), flags, win: pick(iWin, p.win), analysis: normaliseAnalysis(analysis),
        refFrame: Number.isFinite(refFrame) ? refFrame : undefined,
      };
    }
    const transport: 'tcp' | 'udp' | null = p.udp && !p.tcp && !tcp ? 'udp'
      : tcp || kind === K_SCCP || (kind === K_TLS && !p.proto.toUpperCase().startsWith('DTLS')) ? 'tcp'
      : p.udp ? 'udp' : null;
    // every message and location has the same shape (absent parts undefined): monomorphic for the rules that read them
    const hasCol = p.infoStart >= 0 && p.infoEnd >= p.infoStart && !p.orphan;
    const loc: SourceLocation = {
      source: this.opts.source, line, frame: Number.isFinite(p.frame) ? p.frame : null,
      col: hasCol ? p.infoStart : undefined, endCol: hasCol ? p.infoEnd : undefined,
    };
    let label = info;
    // tshark ends every SIP message of a row with " | "
    let le = label.length;
    while (le > 0 && isSpace(label.charCodeAt(le - 1))) le--;
    if (le > 0 && label.charCodeAt(le - 1) === 124) le--;
    while (le > 0 && isSpace(label.charCodeAt(le - 1))) le--;
    if (le !== label.length) {
      label = label.slice(0, le);
      if (loc.endCol !== undefined) (loc as Mutable<SourceLocation>).endCol = loc.col! + le;
    }
    const srcMac = p.srcMac || (kind === K_ARP && isMac(p.src) ? p.src : '');
    const dstMac = p.dstMac || (kind === K_ARP && isMac(p.dst) ? p.dst : '');
    const m: Mutable<NetMessage> = {
      kind: kind === K_SIP ? 'sip' : kind === K_SCCP ? 'sccp' : kind === K_ARP ? 'arp' : kind === K_TLS ? 'tls' : 'tcp',
      loc, time, dated, src, dst, srcPort: p.srcPort, dstPort: p.dstPort, transport, label: own(label),
      srcMac: srcMac ? this.str(srcMac) : undefined, dstMac: dstMac ? this.str(dstMac) : undefined,
      sip: undefined, sccp: undefined, tcp, arp: undefined,
    };
    let keep = true;
    switch (kind) {
      case K_SIP: keep = this.sipMessage(p, m, info, body); break;
      case K_SCCP: keep = this.sccpMessage(p, m, info, body); break;
      case K_ARP: this.arpMessage(p, m, info, body); break;
      default: break;
    }
    if (!keep) {
      this.countSkipped(`${p.proto || m.kind.toUpperCase()} without a message`, line);
      return;
    }
    if (!m.label) m.label = own(synthLabel(m));
    if (!dated && Number.isFinite(time) && this.tKind === T_TOD) {
      if (!this.todSet) this.todSet = new Set();
      this.todSet.add(this.messages.length);
    }
    if (this.frameIndex && Number.isFinite(p.frame)) this.frameIndex.set(p.frame, this.messages.length);
    this.messages.push(m);
  }

  /** What the packet is, from the Protocol column (or the fields a -T fields export gives). */
  private kindOf(p: Packet, analysis: number): number {
    let proto = p.proto;
    if (!proto) proto = protoFromFields(p);
    const k = protoKind(proto);
    if (k === K_SIP || k === K_SCCP || k === K_TCP || k === K_ARP || k === K_TLS) return k;
    if (p.sipCount > 0) return K_SIP;
    if (p.sccpCount > 0) return K_SCCP;
    if (analysis !== 0 || (proto === '' && p.tcp)) return K_TCP;
    // details-only packets (tshark -V) are named by their last protocol ("eth:ethertype:ip:udp:dns" → DNS)
    const last = p.protocols ? p.protocols.slice(p.protocols.lastIndexOf(':') + 1).toUpperCase() : '';
    this.countSkipped(proto || last || '(no protocol)', p.line);
    return K_SKIP;
  }

  private countSkipped(name: string, line: number): void {
    const s = this.skipped.get(name);
    if (s) s.count++;
    else if (this.skipped.size < 1000) this.skipped.set(name, { count: 1, line });
  }

  /** False when the row holds no SIP message and no TCP numbers worth keeping. */
  private sipMessage(p: Packet, m: Mutable<NetMessage>, info: string, body: number): boolean {
    const s = newSip();
    let found = false;
    let extra = 0;
    let k = info.indexOf('Request: ', body);
    let st = info.indexOf('Status: ', body);
    // hand-copied tables (the seed's own) sometimes write "status: 200 OK"
    if (st < 0 && k < 0) st = statusLower(info, body);
    if (k < 0 || (st >= 0 && st < k)) k = st;
    if (k >= 0) {
      found = true;
      parseSipInfo(s, info, k);
      const bar = info.indexOf(' | ', k);
      if (bar >= 0 && (info.indexOf('Request: ', bar) >= 0 || info.indexOf('Status: ', bar) >= 0)) extra++;
    }
    const d = p.sip;
    if (d) {
      found = true;
      mergeSip(s, d);
    }
    if (p.sipCount > 1) extra = Math.max(extra, p.sipCount - 1);
    if (extra) this.issue('export.several-messages', 'information', 'Rows carrying more than one SIP message', p.line, 'only the first message of each row is analysed.');
    if (!found) {
      // SIP in the Protocol column without a request or status line (a continuation): a TCP segment if it is one
      m.kind = 'tcp';
      return m.tcp !== undefined;
    }
    m.sip = this.sipInfo(s);
    return true;
  }

  private sipInfo(s: SipScratch): SipInfo {
    const o: Mutable<SipInfo> = {};
    if (s.method) o.method = this.str(s.method);
    if (Number.isFinite(s.status)) o.status = s.status;
    if (s.reason) o.reasonPhrase = this.str(s.reason);
    if (s.requestUri) o.requestUri = this.str(s.requestUri);
    if (s.callId) o.callId = own(s.callId);
    if (Number.isFinite(s.cseq)) o.cseq = s.cseq;
    if (s.cseqMethod) o.cseqMethod = this.str(s.cseqMethod);
    const expires = Number.isFinite(s.expires) ? s.expires : s.contactExpires;
    if (Number.isFinite(expires)) o.expires = expires;
    if (Number.isFinite(s.contactExpires)) o.contactExpires = s.contactExpires;
    const device = s.device || s.fromDevice;
    if (device) o.device = this.str(device);
    if (s.keepAlive) o.ciscoKeepAlive = true;
    if (s.userAgent) o.userAgent = this.str(s.userAgent);
    if (Number.isFinite(s.bodyLength)) o.bodyLength = s.bodyLength;
    return o;
  }

  private sccpMessage(p: Packet, m: Mutable<NetMessage>, info: string, body: number): boolean {
    let id = NaN;
    let first = '';
    let later = false;
    if (p.sccpIds) {
      // -T fields: skinny.messageId, all occurrences comma-joined
      const parts = p.sccpIds.split(',');
      for (let k = 0; k < parts.length; k++) {
        const t = parts[k]!.trim();
        const v = t.startsWith('0x') ? parseInt(t.slice(2), 16) : toUint(t);
        if (Number.isNaN(v)) continue;
        if (Number.isNaN(id)) id = v;
        else if (SCCP_KEY_IDS.has(v)) later = true;
      }
    }
    // Info: message names separated by spaces
    let k = body;
    while (k < info.length) {
      k = skipSpaces(info, k);
      const e = tokenEnd(info, k);
      if (e === k) break;
      const tok = info.slice(k, e);
      const v = SCCP_BY_NAME.get(stripMessage(tok.toLowerCase()));
      if (v !== undefined) {
        if (!first) {
          first = tok;
          if (Number.isNaN(id)) id = v;
        } else if (SCCP_KEY_IDS.has(v)) later = true;
      } else if (!first && !Number.isFinite(id) && /^[A-Z][A-Za-z0-9]+$/.test(tok) && !p.sccpCount) {
        first = tok;
      }
      k = e;
    }
    if (Number.isNaN(id) && Number.isFinite(p.sccpId)) id = p.sccpId;
    if (p.sccpCount > 1 && Number.isFinite(p.sccpId) && p.sccpId !== id) later = true;
    if (later) this.issue('export.several-messages', 'information', 'Rows carrying a KeepAlive, Register, Unregister or Reset after another SCCP message', p.line, 'only the first message of each row is analysed.');
    if (Number.isNaN(id) && !first) {
      m.kind = 'tcp';
      return m.tcp !== undefined;
    }
    const o: Mutable<SccpInfo> = { id, name: this.str(Number.isFinite(id) ? sccpCanonical(id) : first) };
    if (Number.isFinite(p.sccpKa)) o.keepAliveInterval = p.sccpKa;
    if (Number.isFinite(p.sccpKa2)) o.secondaryKeepAliveInterval = p.sccpKa2;
    if (p.sccpDevice) o.device = this.str(p.sccpDevice);
    m.sccp = o;
    return true;
  }

  private arpMessage(p: Packet, m: Mutable<NetMessage>, info: string, body: number): void {
    let op = p.arpOp;
    let sMac = p.arpSMac;
    let sIp = p.arpSIp;
    let tMac = p.arpTMac;
    let tIp = p.arpTIp;
    const rest = body ? info.slice(body) : info;
    const lower = rest.toLowerCase();
    let k: number;
    if ((k = lower.indexOf('who has ')) >= 0) {
      if (Number.isNaN(op)) op = 1;
      const q = rest.indexOf('?', k + 8);
      const ip = rest.slice(k + 8, q < 0 ? tokenEnd(rest, k + 8) : q).trim();
      if (!tIp) tIp = ip;
      const t = lower.indexOf('tell ', k);
      if (!sIp) sIp = t >= 0 ? rest.slice(t + 5, tokenEnd(rest, t + 5)) : lower.indexOf('probe') >= 0 ? '0.0.0.0' : '';
    } else if ((k = lower.indexOf(' is at ')) >= 0) {
      if (Number.isNaN(op)) op = 2;
      let s = k;
      while (s > 0 && rest.charCodeAt(s - 1) !== 32) s--;
      if (!sIp) sIp = rest.slice(s, k);
      if (!sMac) sMac = rest.slice(k + 7, tokenEnd(rest, k + 7));
    } else if ((k = lower.indexOf('gratuitous arp for ')) >= 0 || (k = lower.indexOf('arp announcement for ')) >= 0) {
      const start = lower.indexOf(' for ', k) + 5;
      const ip = rest.slice(start, tokenEnd(rest, start));
      if (Number.isNaN(op)) op = lower.indexOf('(reply)') >= 0 ? 2 : 1;
      if (!sIp) sIp = ip;
      if (!tIp) tIp = ip;
    }
    if (!sMac) sMac = m.srcMac ?? '';
    if (!tMac && op === 2) tMac = m.dstMac ?? '';
    m.arp = { op: Number.isFinite(op) ? op : 0, senderMac: this.str(sMac), senderIp: this.str(sIp), targetMac: this.str(tMac), targetIp: this.str(tIp) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Times

  /** The row's time; records the offset to absolute time when the details carry the arrival time. */
  private rTime = NaN;
  private rDated = false;

  /** Sets rTime / rDated (and tKind to the kind of the time used). */
  private rowTime(p: Packet): void {
    let kind = T_NONE;
    let ms = NaN;
    for (let k = 0; k < 4 && kind === T_NONE; k++) {
      const t = k === 0 ? p.epochText : k === 1 ? p.absText : k === 2 ? p.timeText : p.relText;
      if (!t) continue;
      this.parseTime(t, p.line);
      kind = this.tKind;
      ms = this.tMs;
      if (kind === T_BAD) kind = T_NONE;
    }
    if (kind === T_TOD) ms = this.clock.at(ms);
    let dated = kind === T_ABS;
    let det = p.detEpoch;
    if (Number.isNaN(det) && p.detArrival) {
      this.parseTime(p.detArrival, p.line);
      if (this.tKind === T_ABS) det = this.tMs;
    }
    this.tKind = kind;
    if (Number.isFinite(det)) {
      if (!dated && Number.isFinite(ms)) {
        const base = det - ms;
        if (Number.isNaN(this.segBase)) {
          this.segBase = base;
          this.segBaseFrame = p.frame;
        } else if (Math.abs(base - this.segBase) > 1000) this.segBaseMismatch++;
      }
      if (!dated) {
        ms = det;
        dated = true;
        this.tKind = T_ABS;
      }
    }
    if (Number.isNaN(ms) && (p.timeText || p.epochText || p.absText || p.relText)) {
      this.issue('export.time', 'warning', 'Rows whose time could not be read', p.line, 'they are listed but not placed on the timeline.');
    }
    this.rTime = ms;
    this.rDated = dated;
  }

  /** Sets tKind / tMs. */
  private parseTime(s: string, line: number): void {
    this.tKind = T_BAD;
    this.tMs = NaN;
    // fast path: seconds ("160.584210", "1645515995.292160000") and times of day ("18:14:40.051014")
    let a = 0;
    let b = s.length;
    while (a < b && isSpace(s.charCodeAt(a))) a++;
    while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
    if (a === b) {
      this.tKind = T_NONE;
      return;
    }
    const c0 = s.charCodeAt(a);
    if (isDigit(c0)) {
      let i = a;
      let whole = 0;
      while (i < b && isDigit(s.charCodeAt(i)) && i - a < 15) whole = whole * 10 + s.charCodeAt(i++) - 48;
      const c = s.charCodeAt(i);
      if (i === b || c === 46) {
        let frac = 0;
        if (c === 46) {
          const fs = ++i;
          while (i < b && isDigit(s.charCodeAt(i))) i++;
          frac = fractionMs(s, fs, i);
        }
        if (i === b) {
          this.tMs = whole * 1000 + frac;
          this.tKind = whole >= 1e8 ? T_ABS : T_REL;
          return;
        }
      } else if (c === 58 && i - a <= 2) {
        const ms = todMs(s, a, b);
        if (Number.isFinite(ms)) {
          this.tKind = T_TOD;
          this.tMs = ms;
          return;
        }
      }
    }
    if (a !== 0 || b !== s.length) s = s.slice(a, b);
    const n = s.length;
    const shape = timeShape(s);
    if (shape === T_REL) {
      // seconds: relative to the capture start, or since the epoch when that large
      const v = Number(s);
      if (!Number.isFinite(v)) return;
      if (v >= 1e8) {
        this.tKind = T_ABS;
        this.tMs = parseEpochMs(s);
      } else {
        this.tKind = T_REL;
        this.tMs = s.charCodeAt(0) === 45 ? -parseEpochMs(s.slice(1)) : parseEpochMs(s);
      }
      return;
    }
    if (shape === T_TOD) {
      const ms = todMs(s, 0, n);
      if (Number.isFinite(ms)) {
        this.tKind = T_TOD;
        this.tMs = ms;
      }
      return;
    }
    // absolute: 2019-05-06 21:35:11.664958[Z|+02:00| zone], 2019/126 21:35:11.664958, Feb 22, 2022 07:46:35.292160000 UTC
    let day = NaN;
    let k = 0;
    if (isDigit(s.charCodeAt(0))) {
      const y = Number(s.slice(0, 4));
      if (s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
        day = Date.UTC(y, Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
        k = 10;
      } else if (s.charCodeAt(4) === 47) {
        let e = 5;
        while (e < n && isDigit(s.charCodeAt(e))) e++;
        day = Date.UTC(y, 0, 1) + (Number(s.slice(5, e)) - 1) * 86400000;
        k = e;
      }
    } else {
      const m = /^([A-Z][a-z]{2})\s+(\d{1,2}),?\s+(\d{4})/.exec(s);
      const mon = m ? monthIndex(m[1]!) : undefined;
      if (m && mon !== undefined) {
        day = Date.UTC(Number(m[3]), mon, Number(m[2]));
        k = m[0].length;
      }
    }
    if (Number.isNaN(day)) return;
    const c = s.charCodeAt(k);
    if (c === 84 || c === 32) k++;
    while (s.charCodeAt(k) === 32) k++;
    let e = k;
    while (e < n && (isDigit(s.charCodeAt(e)) || s.charCodeAt(e) === 58 || s.charCodeAt(e) === 46 || s.charCodeAt(e) === 44)) e++;
    const tod = todMs(s, k, e);
    if (Number.isNaN(tod)) return;
    let ms = day + tod;
    let zone = s.slice(e).trim();
    if (zone === '') {
      this.noZone++;
      if (!this.noZoneLine) this.noZoneLine = line;
    } else {
      if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'Coordinated Universal Time') zone = 'UTC';
      const off = zone === 'UTC' ? 0 : zoneOffset(zone);
      if (off === undefined) {
        const u = this.unknownZones.get(zone);
        if (u) u.count++;
        else if (this.unknownZones.size < 50) this.unknownZones.set(zone, { count: 1, line });
      } else ms -= off * 60000;
    }
    this.tKind = T_ABS;
    this.tMs = ms;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Helpers with state

  private port(text: string, line: number): number {
    const fast = toUint(text);
    if (fast === fast) return fast <= 65535 ? fast : NaN;
    let t = text.trim();
    if (t === '') return NaN;
    // "cisco-sccp (2000)", "35601 (35601)"
    const o = t.indexOf('(');
    if (o > 0) {
      const inner = toUint(t.slice(o + 1, t.indexOf(')', o) > o ? t.indexOf(')', o) : t.length));
      if (Number.isFinite(inner)) return inner;
      t = t.slice(0, o).trim();
    }
    const n = toUint(firstOf(t));
    if (Number.isFinite(n)) return n <= 65535 ? n : NaN;
    const named = PORT_NAMES.get(t.toLowerCase());
    if (named !== undefined) return named;
    const u = this.unknownPorts.get(t);
    if (u) u.count++;
    else if (this.unknownPorts.size < 100) this.unknownPorts.set(t, { count: 1, line });
    return NaN;
  }

  /** An interned copy of a short value (addresses, names). */
  private str(s: string): string {
    if (s.length === 0) return '';
    const got = this.intern.get(s);
    if (got !== undefined) return got;
    const mine = own(s);
    if (this.intern.size < 200_000) this.intern.set(mine, mine);
    return mine;
  }

  private issue(code: string, severity: Severity, what: string, line: number, after: string, count = 1): void {
    this.issues.add(code, severity, what, line, after, count);
  }

  /** Closes the source: the last packet, the last table's dating, and the aggregated problems. */
  finish(): void {
    this.flush();
    this.closeSegment();
    const P = this.problems;
    if (this.rows === 0 && this.messages.length === 0) {
      const hint = this.headless
        ? ' Tab-separated rows without a heading were seen: tshark -T fields output needs -E header=y so that its columns can be named.'
        : '';
      if (this.headingLines.length) {
        P.add('export.unknown-dialect', 'warning', `A packet-list heading was found (line ${this.headingLines[0]}) but no packet rows below it.`, this.headingLines[0]!);
      } else if (this.firstLine) {
        P.add('export.unknown-dialect', 'warning', `No packet rows were recognised. Expected a Wireshark export (Export Packet Dissections as Plain Text or CSV, or a copied packet list with a No./Time/Source/Destination/Protocol/Info heading) or tshark output (the default summary, -T fields with -E header=y, or -V details).${hint}`, this.headlessLine || this.firstLine);
      }
    }
    this.issues.report(P);
    if (this.skipped.size) {
      let total = 0;
      let first = Infinity;
      const list = [...this.skipped.entries()].sort((a, b) => b[1].count - a[1].count);
      for (const [, v] of list) {
        total += v.count;
        first = Math.min(first, v.line);
      }
      const names = list.slice(0, 8).map(([k, v]) => `${k} ×${v.count}`).join(', ') + (list.length > 8 ? ', ...' : '');
      P.add('export.skipped-protocol', 'information', `${count(total, 'row')} of protocols CUCM Lens does not analyse were skipped (${names}).`, first);
    }
    if (this.unknownPorts.size) {
      const list = [...this.unknownPorts.entries()];
      P.add('export.port-name', 'information', `Port names not known to CUCM Lens: ${list.slice(0, 8).map(([k, v]) => `${k} ×${v.count}`).join(', ')}${list.length > 8 ? ', ...' : ''}; those ports are left unknown (turn off transport name resolution when exporting).`, list[0]![1].line);
    }
    if (this.noZone) {
      P.add('export.time-zone', 'information', `${count(this.noZone, 'time')} carry a date but no time zone (Wireshark prints the local time of the machine that exported); they were taken as UTC.`, this.noZoneLine);
    }
    for (const [zone, u] of this.unknownZones) {
      P.add('export.time-zone', 'warning', `Time zone "${zone}" is not known (${count(u.count, 'time')}, first on line ${u.line}); those times were taken as UTC.`, u.line);
    }
    if (this.datedFromDetails) {
      P.add('export.time', 'information', `${count(this.datedFromDetails, 'row')} without a date were dated from the arrival time in the packet details.`);
    }
    if (this.relativeTimes) {
      P.add('export.relative-time', 'information', `${count(this.relativeTimes, 'row')} give seconds since the start of the capture, not a date; they cannot be lined up with other files by time. Export with View > Time Display Format > Date and Time of Day (tshark -t ad) to place them.`);
    }
    if (this.todTimes) {
      P.add('export.no-date', 'information', `${count(this.todTimes, 'row')} ${this.todTimes === 1 ? 'carries' : 'carry'} only a time of day; times are shown without a date.`);
    }
    if (this.relativeSeqLine) {
      P.add('export.relative-seq', 'information', 'TCP sequence numbers in this export are relative (a SYN has Seq=0): they cannot be matched against another capture of the same connection. Turn off Protocols > TCP > Relative sequence numbers, or export tcp.seq_raw.', this.relativeSeqLine);
    }
    if (this.tables > 1) {
      P.add('export.tables', 'information', `This file holds ${this.tables} packet tables (headings on lines ${this.headingLines.slice(0, 8).join(', ')}${this.headingLines.length > 8 ? ', ...' : ''}); they are read as one list and frame numbers may repeat.`, this.headingLines[1] ?? null);
    }
    this.skipped.clear();
    this.unknownPorts.clear();
    this.unknownZones.clear();
    this.intern.clear();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

function tokenEnd(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) !== 32 && s.charCodeAt(i) !== 9) i++;
  return i;
}

function isAllDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** A non-negative integer (the whole text, spaces around allowed, at most 15 digits), else NaN. */
function toUint(s: string): number {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a === b || b - a > 15) return NaN;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

function toInt(s: string): number {
  return toUint(s);
}

/** The digits at s[i...] (at most 15), else NaN. */
function toUintPrefix(s: string, i: number): number {
  let e = i;
  while (e < s.length && e - i < 15 && isDigit(s.charCodeAt(e))) e++;
  return e === i ? NaN : Number(s.slice(i, e));
}

/** The first of several comma-joined values (tshark -E occurrence=a). */
function firstOf(v: string): string {
  const k = v.indexOf(',');
  return k < 0 ? v : v.slice(0, k);
}

/** The last of several comma-joined values: for addresses, the inner header of a tunnel. */
function lastOf(v: string): string {
  const k = v.lastIndexOf(',');
  return k < 0 ? v : v.slice(k + 1).trim();
}

/** The first of several numbers that is known (fixed arities: no array per call). */
function pick(a: number, b: number, c = NaN, d = NaN): number {
  return a === a ? a : b === b ? b : c === c ? c : d;
}

/** A copy of a value that does not keep the chunk it was cut from alive (V8 slices point into their parent). */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function isMac(s: string): boolean {
  return s.length === 17 && s.charCodeAt(2) === 58 && s.charCodeAt(5) === 58 && s.charCodeAt(14) === 58;
}

function isDateToken(t: string): boolean {
  return t.length >= 8 && isDigit(t.charCodeAt(0)) && (t.charCodeAt(4) === 45 || t.charCodeAt(4) === 47) && t.indexOf(':') < 0;
}

/** What a time value looks like: T_REL (a number of seconds), T_TOD (HH:MM:SS.f), T_ABS (has a date), T_NONE. */
function timeShape(s: string): number {
  const n = s.length;
  if (n === 0) return T_NONE;
  let c = s.charCodeAt(0);
  if (isDigit(c) || c === 45) {
    let dots = 0, colons = 0, dashes = 0, slashes = 0, other = 0;
    for (let i = 0; i < n; i++) {
      c = s.charCodeAt(i);
      if (isDigit(c)) continue;
      if (c === 46) dots++;
      else if (c === 58) colons++;
      else if (c === 45) dashes++;
      else if (c === 47) slashes++;
      else other++;
    }
    if (dashes >= 2 || slashes === 1) return T_ABS;
    if (other) return T_NONE;
    if (colons === 2 && dots <= 1 && dashes === 0) return T_TOD;
    if (colons === 0 && dots === 1 && (dashes === 0 || (dashes === 1 && s.charCodeAt(0) === 45))) return T_REL;
    return T_NONE;
  }
  if (c >= 65 && c <= 90 && monthIndex(s.slice(0, 3)) !== undefined) return T_ABS;
  return T_NONE;
}

/** "H:MM:SS(.fraction)" in s[from, to) to milliseconds; NaN if it is not that. */
function todMs(s: string, from: number, to: number): number {
  let i = from;
  let h = 0;
  const hs = i;
  while (i < to && isDigit(s.charCodeAt(i))) h = h * 10 + s.charCodeAt(i++) - 48;
  if (i - hs < 1 || i - hs > 2 || s.charCodeAt(i) !== 58) return NaN;
  i++;
  if (!isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1)) || s.charCodeAt(i + 2) !== 58) return NaN;
  const mi = (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  i += 3;
  if (!isDigit(s.charCodeAt(i)) || !isDigit(s.charCodeAt(i + 1))) return NaN;
  const se = (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;
  i += 2;
  if (h > 23 || mi > 59 || se > 60) return NaN;
  let frac = 0;
  if (i < to && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    const fs = i + 1;
    i = fs;
    while (i < to && isDigit(s.charCodeAt(i))) i++;
    frac = fractionMs(s, fs, i);
  }
  if (i !== to) return NaN;
  return ((h * 60 + mi) * 60 + se) * 1000 + frac;
}

/** "1645515995.292160000" to epoch milliseconds (microseconds kept as the fraction). */
function parseEpochMs(s: string): number {
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  if (!isAllDigits(whole)) return NaN;
  let ms = Number(whole) * 1000;
  if (dot >= 0) {
    for (let i = dot + 1; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return NaN;
    ms += fractionMs(s, dot + 1, s.length);
  }
  return ms;
}

/** The digits s[from, to) after a decimal point, as milliseconds (at most nanoseconds kept; one rounding only). */
function fractionMs(s: string, from: number, to: number): number {
  if (to - from > 9) to = from + 9;
  if (to <= from) return 0;
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - 48;
  const d = to - from;
  return d <= 3 ? v * POW10[3 - d]! : v / POW10[d - 3]!;
}

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

const flagCache = new Map<string, number>();

/** "[SYN, ACK]" contents to the header flags byte (few distinct texts: cached). */
function parseFlagNames(s: string): number {
  const got = flagCache.get(s);
  if (got !== undefined) return got;
  const f = parseFlagNamesUncached(s);
  if (flagCache.size < 256) flagCache.set(s, f);
  return f;
}

function parseFlagNamesUncached(s: string): number {
  let f = 0;
  for (const part of s.split(',')) {
    const v = FLAG_NAMES.get(part.trim().toUpperCase());
    if (v === undefined) return NaN;
    f |= v;
  }
  return f;
}

/** tcp.flags: "0x0018", "0x018" or a decimal number. */
function parseFlagsValue(v: string): number {
  const t = v.trim();
  if (t.startsWith('0x') || t.startsWith('0X')) {
    const n = parseInt(t.slice(2), 16);
    return Number.isFinite(n) ? n & 0xff : NaN;
  }
  const n = toUint(t);
  return Number.isFinite(n) ? n & 0xff : NaN;
}

/** tcp.flags.str "·······AP···": one position per flag, FIN rightmost. */
function parseFlagsStr(v: string): number {
  const t = v.trim();
  let f = 0;
  const n = t.length;
  for (let i = 0; i < 8 && i < n; i++) {
    const c = t.charCodeAt(n - 1 - i);
    if (c !== 0xb7 && c !== 46 && c !== 42 && c !== 32) f |= 1 << i;
  }
  return f;
}

/** Fast and spurious retransmissions are also marked as retransmissions by Wireshark; the Info column names only the
 * most specific. Keep that one. */
function normaliseAnalysis(a: number): number {
  if (a & (TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission)) a &= ~TcpFlag.Retransmission;
  return a;
}

// findArrow's results (no object per row)
let arrowEnd = -1;
let arrowLeft = '';
let arrowRight = '';

/** "53006 → 5060", "53006 > sip", "10554  >  80" (CSV): the position of the arrow, -1 when none; sets arrowEnd (end
 * of the right-hand port), arrowLeft and arrowRight. */
function findArrow(info: string, from: number): number {
  let at = info.indexOf('→', from);
  let w = 1;
  if (at < 0) {
    at = info.indexOf(' > ', from);
    w = 3;
    if (at >= 0) at += 1, w = 1;
  }
  if (at < 0) {
    at = info.indexOf(' -> ', from);
    if (at >= 0) at += 1, w = 2;
  }
  if (at < 0) return -1;
  let le = at;
  while (le > from && info.charCodeAt(le - 1) === 32) le--;
  let ls = le;
  while (ls > from && info.charCodeAt(ls - 1) !== 32) ls--;
  const rs = skipSpaces(info, at + w);
  const re = tokenEnd(info, rs);
  arrowEnd = re;
  arrowLeft = info.slice(ls, le);
  arrowRight = info.slice(rs, re);
  return at;
}

const protoCache = new Map<string, number>();

function protoKind(proto: string): number {
  const got = protoCache.get(proto);
  if (got !== undefined) return got;
  const k = protoKindUncached(proto);
  if (protoCache.size < 1024) protoCache.set(proto, k);
  return k;
}

function protoKindUncached(proto: string): number {
  if (!proto) return K_OTHER;
  const c = proto.charCodeAt(0) | 0x20;
  const P = proto.toUpperCase();
  switch (c) {
    case 115: // s
      if (P.startsWith('SIP')) return K_SIP;
      if (P.startsWith('SKINNY') || P === 'SCCP' || P.startsWith('SCCP/')) return K_SCCP;
      if (P.startsWith('SSL')) return K_TLS;
      return K_OTHER;
    case 116: // t
      if (P === 'TCP') return K_TCP;
      if (P.startsWith('TLS')) return K_TLS;
      return K_OTHER;
    case 97: // a
      return P === 'ARP' || P.startsWith('ARP/') ? K_ARP : K_OTHER;
    case 100: // d
      return P.startsWith('DTLS') ? K_TLS : K_OTHER;
    default:
      return K_OTHER;
  }
}

/** -T fields without a protocol column: what the fields say. */
function protoFromFields(p: Packet): string {
  if (p.sip && (p.sip.method || Number.isFinite(p.sip.status))) return 'SIP';
  if (p.sccpIds) return 'SKINNY';
  if (Number.isFinite(p.arpOp)) return 'ARP';
  const pr = p.protocols;
  if (pr) {
    if (pr.indexOf(':sip') >= 0) return 'SIP';
    if (pr.indexOf(':skinny') >= 0) return 'SKINNY';
    if (pr.endsWith(':arp') || pr.indexOf(':arp:') >= 0) return 'ARP';
    if (pr.indexOf(':tls') >= 0 || pr.indexOf(':ssl') >= 0) return 'TLS';
    if (pr.indexOf(':tcp') >= 0) return 'TCP';
  }
  if (p.tls) return 'TLS';
  if (p.tcp) return 'TCP';
  return '';
}

function column(title: string, start: number): Column {
  const t = title.trim().replace(/^"|"$/g, '').replace(/\s+/g, ' ');
  const key = t.toLowerCase();
  const a = ANALYSIS_FIELDS.get(key);
  if (a !== undefined) return { title: t, role: R_TCP_ANALYSIS, aux: a, start };
  return { title: t, role: ROLES.get(key) ?? (key === '→' ? R_ARROW : R_OTHER), aux: 0, start };
}

const DEFAULT_TITLES = ['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info'];

/** The default packet-list columns, for rows without a heading: the first five, then Length when there is room, Info
 * last. */
function defaultColumns(n: number): Column[] {
  const cols: Column[] = [];
  for (let k = 0; k < n; k++) {
    const title = k === n - 1 ? 'Info' : k < 5 ? DEFAULT_TITLES[k]! : k === 5 ? 'Length' : `Column ${k + 1}`;
    cols.push(column(title, 0));
  }
  return cols;
}

/** The columns of a fixed-width heading, with their start positions. Multi-word titles are recognised from the known
 * ones; runs of unknown words separated by single spaces are taken as one title. */
function fixedColumns(text: string): Column[] {
  const words: { w: string; s: number; e: number }[] = [];
  let i = 0;
  while (i < text.length) {
    i = skipSpaces(text, i);
    if (i >= text.length) break;
    const e = tokenEnd(text, i);
    words.push({ w: text.slice(i, e), s: i, e });
    i = e;
  }
  const cols: Column[] = [];
  let prevUnknown: { title: string; s: number; e: number } | null = null;
  const pushPrev = (): void => {
    if (prevUnknown) cols.push(column(prevUnknown.title, prevUnknown.s));
    prevUnknown = null;
  };
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    // a known multi-word title starting here (words separated by single spaces)
    let matched = 0;
    for (const t of MULTI_WORD_TITLES) {
      const n = t.split(' ').length;
      if (k + n > words.length) continue;
      let ok = true;
      for (let q = 1; q < n; q++) if (words[k + q]!.s !== words[k + q - 1]!.e + 1) ok = false;
      if (!ok) continue;
      if (text.slice(w.s, words[k + n - 1]!.e).toLowerCase() === t) {
        matched = n;
        break;
      }
    }
    if (matched) {
      pushPrev();
      cols.push(column(text.slice(w.s, words[k + matched - 1]!.e), w.s));
      k += matched - 1;
      continue;
    }
    const known = ROLES.has(w.w.toLowerCase());
    if (known) {
      pushPrev();
      cols.push(column(w.w, w.s));
      continue;
    }
    const pu = prevUnknown as { title: string; s: number; e: number } | null;
    if (pu && w.s === pu.e + 1) {
      pu.title += ' ' + w.w;
      pu.e = w.e;
    } else {
      pushPrev();
      prevUnknown = { title: w.w, s: w.s, e: w.e };
    }
  }
  pushPrev();
  return cols;
}

/**
 * Splits a delimited line into `out` (values, quotes removed, `""` undoubled) and `offs` (where each value's text
 * starts). Returns true when a quoted value is not closed (the line was cut).
 */
function splitDelimited(line: string, sep: number, out: string[], offs: number[]): boolean {
  out.length = 0;
  offs.length = 0;
  const n = line.length;
  let i = 0;
  let unterminated = false;
  const sepText = sep === 9 ? '\t' : sep === 44 ? ',' : String.fromCharCode(sep);
  for (;;) {
    // leading spaces before a quote (", " separated exports)
    let j = i;
    while (j < n && line.charCodeAt(j) === 32 && sep !== 32) j++;
    if (j < n && line.charCodeAt(j) === 34) {
      let k = j + 1;
      let value = '';
      let start = k;
      for (;;) {
        const q = line.indexOf('"', k);
        if (q < 0) {
          value += line.slice(start);
          unterminated = true;
          k = n;
          break;
        }
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(start, q + 1);
          k = q + 2;
          start = k;
          continue;
        }
        value += line.slice(start, q);
        k = q + 1;
        break;
      }
      out.push(value);
      offs.push(j + 1);
      // skip to the separator
      while (k < n && line.charCodeAt(k) !== sep) k++;
      if (k >= n) break;
      i = k + 1;
      continue;
    }
    let k = line.indexOf(sepText, i);
    if (k < 0) k = n;
    out.push(line.slice(i, k));
    offs.push(i);
    if (k >= n) break;
    i = k + 1;
  }
  return unterminated;
}

/** Undoes g_strescape (Wireshark's CSV writer): \\ \" \n \t \r \b \f \v and \ooo octal bytes (UTF-8). */
function unescapeC(s: string): string {
  let out = '';
  let bytes: number[] | null = null;
  const flushBytes = (): void => {
    if (bytes && bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes = null;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 92 || i + 1 >= s.length) {
      flushBytes();
      out += s[i];
      continue;
    }
    const d = s.charCodeAt(i + 1);
    if (d >= 48 && d <= 55) {
      let v = 0;
      let k = i + 1;
      while (k < s.length && k < i + 4 && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 55) v = v * 8 + s.charCodeAt(k++) - 48;
      (bytes ??= []).push(v & 0xff);
      i = k - 1;
      continue;
    }
    flushBytes();
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"' };
    const r = map[s[i + 1]!];
    out += r ?? s[i + 1];
    i++;
  }
  flushBytes();
  return out;
}

/** The section a non-indented details line opens, or -1 when the line is a (flattened) field of the current one. */
function sectionOf(text: string): number {
  const c = text.charCodeAt(0);
  switch (c) {
    case 69: // E
      if (text.startsWith('Ethernet')) return S_ETH;
      break;
    case 73: // I
      if (text.startsWith('Internet Protocol')) return S_IP;
      break;
    case 84: // T
      if (text.startsWith('Transmission Control Protocol')) return S_TCP;
      if (text.startsWith('Transport Layer Security')) return S_TLS;
      break;
    case 85: // U
      if (text.startsWith('User Datagram Protocol')) return S_UDP;
      break;
    case 83: // S
      if (text.startsWith('Session Initiation Protocol')) return S_SIP;
      if (text.startsWith('Skinny Client Control Protocol')) return S_SCCP;
      if (text.startsWith('Secure Sockets Layer')) return S_TLS;
      break;
    case 65: // A
      if (text.startsWith('Address Resolution Protocol')) return S_ARP;
      break;
    default:
      break;
  }
  // a field printed without its indentation ("Sequence number: 204530794") keeps the section; a title does not
  const colon = text.indexOf(': ');
  const comma = text.indexOf(', ');
  if (colon > 0 && (comma < 0 || colon < comma)) return -1;
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c))) return -1;
  return S_OTHER;
}

/** "Src: Cisco_96:46:e8 (00:05:00:96:46:e8), Dst: ..." → the address (the one in parentheses when both are given). */
function titleValue(text: string, key: string): string {
  const k = text.indexOf(key);
  if (k < 0) return '';
  const s = k + key.length;
  let e = text.indexOf(', ', s);
  if (e < 0) e = text.length;
  let v = text.slice(s, e).trim();
  const o = v.indexOf(' (');
  if (o > 0 && v.endsWith(')')) {
    const inner = v.slice(o + 2, -1);
    // "cisco-sccp (2000)": the number; "Cisco_96:46:e8 (00:05:00:96:46:e8)": the address
    v = inner;
  }
  return v;
}

function tcpAnalysisLine(p: Packet, text: string, i: number): void {
  // [SEQ/ACK analysis] children, and the expert infos (same text), matched by their key words
  const t = text.slice(i + 1, text.length - (text.endsWith(']') ? 1 : 0));
  if (t.startsWith('RTO based on delta from frame: ')) {
    if (Number.isNaN(p.refFrame)) p.refFrame = toUintPrefix(t, 31);
    return;
  }
  if (t.startsWith('Duplicate to the ACK in frame: ')) {
    p.refFrame = toUintPrefix(t, 31);
    p.analysis |= TcpFlag.DuplicateAck;
    return;
  }
  if (t.startsWith('Expert Info')) return; // its child line says the same
  const l = t.toLowerCase();
  if (l.indexOf('fast retransmission') >= 0) p.analysis |= TcpFlag.FastRetransmission;
  else if (l.indexOf('spurious retransmission') >= 0) p.analysis |= TcpFlag.SpuriousRetransmission;
  else if (l.indexOf('(suspected) retransmission') >= 0) p.analysis |= TcpFlag.Retransmission;
  else if (l.indexOf('out-of-order') >= 0) p.analysis |= TcpFlag.OutOfOrder;
  else if (l.indexOf('previous segment') >= 0 || l.indexOf("segment before this frame wasn't captured") >= 0) p.analysis |= TcpFlag.LostSegment;
  else if (l.indexOf('acked segment that wasn') >= 0 || l.indexOf('acks a segment we have not seen') >= 0 || l.indexOf('acked unseen') >= 0) p.analysis |= TcpFlag.AckedUnseen;
  else if (l.indexOf('duplicate ack') >= 0) p.analysis |= TcpFlag.DuplicateAck;
  else if (l.indexOf('ack to a tcp keep-alive') >= 0) p.analysis |= TcpFlag.KeepAliveAck;
  else if (l.indexOf('tcp keep-alive') >= 0) p.analysis |= TcpFlag.KeepAlive;
  else if (l.indexOf('zero-window-probe') >= 0 || l.indexOf('zerowindowprobe') >= 0 || l.indexOf('zero window probe') >= 0) {
    if (!l.startsWith('ack to') && l.indexOf(' ack ') < 0) p.analysis |= TcpFlag.ZeroWindowProbe;
  } else if (l.indexOf('zerowindow') >= 0 || l.indexOf('zero window segment') >= 0) p.analysis |= TcpFlag.ZeroWindow;
  else if (l.indexOf('window update') >= 0) p.analysis |= TcpFlag.WindowUpdate;
  else if (l.indexOf('completely full') >= 0) p.analysis |= TcpFlag.WindowFull;
  else if (l.indexOf('same ports as an earlier session') >= 0) p.analysis |= TcpFlag.ReusedPorts;
  else if (l.startsWith('tcp segment len: ')) {
    if (Number.isNaN(p.len)) p.len = toUintPrefix(t, 17);
  } else if (l.startsWith('calculated window size: ')) p.win = toUintPrefix(t, 24);
}

function sipOf(p: Packet): SipScratch {
  return p.sip ?? (p.sip = newSip());
}

/** "status: NNN " in lower case (a hand-copied Info column), where a SIP status line would be. */
function statusLower(info: string, from: number): number {
  const k = info.indexOf('status: ', from);
  if (k < 0 || !/^status: [1-6]\d\d /.test(info.slice(k, k + 13))) return -1;
  return k;
}

/** Info "Request: REGISTER sip:10.1.1.1 (0 bindings)" / "Status: 200 OK (REGISTER)  (1 binding)". */
function parseSipInfo(s: SipScratch, info: string, k: number): void {
  if (info.startsWith('Request: ', k)) {
    const ms = k + 9;
    const me = tokenEnd(info, ms);
    s.method = info.slice(ms, me);
    const us = skipSpaces(info, me);
    const ue = tokenEnd(info, us);
    if (ue > us && info.charCodeAt(us) !== 40) s.requestUri = info.slice(us, ue);
    return;
  }
  const cs = k + 8;
  s.status = toUintPrefix(info, cs);
  let rs = cs;
  while (rs < info.length && isDigit(info.charCodeAt(rs))) rs++;
  rs = skipSpaces(info, rs);
  let re = info.length;
  for (const stop of [' (', ' |', '\t']) {
    const k2 = info.indexOf(stop, rs);
    if (k2 >= 0 && k2 < re) re = k2;
  }
  s.reason = info.slice(rs, re).trim();
  // newer versions name the CSeq method: "(REGISTER)"
  if (info.charCodeAt(re) === 32 && info.charCodeAt(re + 1) === 40) {
    const close = info.indexOf(')', re + 2);
    const inner = close > 0 ? info.slice(re + 2, close) : '';
    if (/^[A-Z]+$/.test(inner)) s.cseqMethod = inner;
  }
}

function requestLine(s: SipScratch, v: string): void {
  // "REGISTER sip:10.192.60.4 SIP/2.0"
  const sp = v.indexOf(' ');
  s.method = sp < 0 ? v : v.slice(0, sp);
  if (sp > 0) {
    const e = v.indexOf(' ', sp + 1);
    s.requestUri = v.slice(sp + 1, e < 0 ? v.length : e);
  }
}

function statusLine(s: SipScratch, v: string): void {
  // "SIP/2.0 200 OK"
  const sp = v.indexOf(' ');
  if (sp < 0) return;
  s.status = toUintPrefix(v, sp + 1);
  const r = v.indexOf(' ', sp + 1);
  if (r > 0) s.reason = v.slice(r + 1).trim();
}

function cseqValue(s: SipScratch, v: string): void {
  const t = v.trim();
  const sp = t.indexOf(' ');
  s.cseq = toUint(sp < 0 ? t : t.slice(0, sp));
  if (sp > 0) s.cseqMethod = t.slice(sp + 1).trim();
}

/** Contact header (or its parameters): ;expires=, the Cisco device name, ;cisco-keep-alive. */
function contactValue(s: SipScratch, v: string): void {
  const l = v.toLowerCase();
  let k = l.indexOf('expires=');
  while (k > 0) {
    const before = l.charCodeAt(k - 1);
    if (before === 59 || before === 32 || before === 44 || before === 9) break;
    k = l.indexOf('expires=', k + 8);
  }
  if (k === 0 || k > 0) {
    const e = toUintPrefix(v, k + 8);
    if (Number.isFinite(e) && Number.isNaN(s.contactExpires)) s.contactExpires = e;
  }
  const d = l.indexOf('devicename.ccm.cisco.com=');
  if (d >= 0 && !s.device) {
    let a = d + 25;
    if (v.charCodeAt(a) === 34) a++;
    let e = a;
    while (e < v.length && v.charCodeAt(e) !== 34 && v.charCodeAt(e) !== 59 && v.charCodeAt(e) !== 62 && v.charCodeAt(e) !== 32 && v.charCodeAt(e) !== 44) e++;
    if (e > a) s.device = v.slice(a, e);
  }
  if (l.indexOf('cisco-keep-alive') >= 0) s.keepAlive = true;
}

/** "SEP001122334455" from "<sip:SEP001122334455@10.1.1.1>". */
function sepUser(v: string): string {
  const k = v.indexOf('sip:SEP');
  if (k < 0) return '';
  const e = v.indexOf('@', k);
  const name = v.slice(k + 4, e < 0 ? v.length : e);
  return /^SEP[0-9A-Fa-f]{12}$/.test(name) ? name : '';
}

/** One line of a SIP details section (Request-Line, Status-Line, headers; the sub-fields below them are skipped). */
function sipDetail(s: SipScratch, text: string, i: number): void {
  // Wireshark cuts items longer than 240 characters: "[truncated]Contact: <sip:...;+u.sip!model.ccm.cisco.com=""
  if (text.startsWith('[truncated]', i)) i = skipSpaces(text, i + 11);
  const colon = text.indexOf(': ', i);
  if (colon < 0 || colon - i > 24) return;
  const key = text.slice(i, colon).toLowerCase();
  const v = text.slice(colon + 2).trim();
  switch (key) {
    case 'request-line': requestLine(s, v); break;
    case 'status-line': statusLine(s, v); break;
    case 'call-id': case 'i': if (!s.callId) s.callId = v; break;
    case 'cseq': if (Number.isNaN(s.cseq)) cseqValue(s, v); break;
    case 'expires': if (Number.isNaN(s.expires)) s.expires = toUintPrefix(v, 0); break;
    case 'contact': case 'm': case 'contact parameter': contactValue(s, v); break;
    case 'user-agent': if (!s.userAgent) s.userAgent = v; break;
    case 'content-length': case 'l': s.bodyLength = toUintPrefix(v, 0); break;
    case 'from': case 'f': case 'to': case 't': if (!s.fromDevice) s.fromDevice = sepUser(v); break;
    default: break;
  }
}

/** Fills what `into` lacks from `from`; returns `into`. */
function mergeSip(into: SipScratch, from: SipScratch | SipInfo): SipScratch {
  const f = from as Partial<SipScratch> & Partial<SipInfo>;
  if (!into.method && f.method) into.method = f.method;
  if (Number.isNaN(into.status) && f.status !== undefined && Number.isFinite(f.status)) into.status = f.status;
  if (!into.reason) into.reason = f.reason || f.reasonPhrase || '';
  if (!into.requestUri && f.requestUri) into.requestUri = f.requestUri;
  if (!into.callId && f.callId) into.callId = f.callId;
  if (Number.isNaN(into.cseq) && f.cseq !== undefined && Number.isFinite(f.cseq)) into.cseq = f.cseq;
  if (!into.cseqMethod && f.cseqMethod) into.cseqMethod = f.cseqMethod;
  if (Number.isNaN(into.expires) && f.expires !== undefined && Number.isFinite(f.expires) && 'fromDevice' in f) into.expires = f.expires;
  if (Number.isNaN(into.contactExpires) && f.contactExpires !== undefined && Number.isFinite(f.contactExpires)) into.contactExpires = f.contactExpires;
  if (!into.device && f.device) into.device = f.device;
  if (!into.fromDevice && f.fromDevice) into.fromDevice = f.fromDevice;
  if (f.keepAlive || f.ciscoKeepAlive) into.keepAlive = true;
  if (!into.userAgent && f.userAgent) into.userAgent = f.userAgent;
  if (Number.isNaN(into.bodyLength) && f.bodyLength !== undefined && Number.isFinite(f.bodyLength)) into.bodyLength = f.bodyLength;
  return into;
}

function arpDetail(p: Packet, text: string, i: number): void {
  const colon = text.indexOf(': ', i);
  if (colon < 0) return;
  const key = text.slice(i, colon);
  let v = text.slice(colon + 2).trim();
  const o = v.indexOf(' (');
  if (o > 0 && v.endsWith(')')) v = v.slice(o + 2, -1);
  switch (key) {
    case 'Opcode': p.arpOp = toUintPrefix(v, 0); if (Number.isNaN(p.arpOp)) p.arpOp = /reply/i.test(text) ? 2 : /request/i.test(text) ? 1 : NaN; break;
    case 'Sender MAC address': p.arpSMac = v; break;
    case 'Sender IP address': p.arpSIp = v; break;
    case 'Target MAC address': p.arpTMac = v; break;
    case 'Target IP address': p.arpTIp = v; break;
    default: break;
  }
}

function stripMessage(lower: string): string {
  return lower.endsWith('message') && lower.length > 7 ? lower.slice(0, -7) : lower;
}

/** An Info text in Wireshark's words for a packet known only from its details or fields. */
function synthLabel(m: NetMessage): string {
  const sip = m.sip;
  if (m.kind === 'sip' && sip) {
    if (sip.method) return `Request: ${sip.method}${sip.requestUri ? ' ' + sip.requestUri : ''}`;
    if (sip.status !== undefined) return `Status: ${sip.status}${sip.reasonPhrase ? ' ' + sip.reasonPhrase : ''}`;
  }
  if (m.kind === 'sccp' && m.sccp) return m.sccp.name;
  const a = m.arp;
  if (m.kind === 'arp' && a) {
    if (a.op === 2) return `${a.senderIp} is at ${a.senderMac}`;
    return `Who has ${a.targetIp}? Tell ${a.senderIp}`;
  }
  const t = m.tcp;
  if (m.kind === 'tcp' && t) {
    const names: string[] = [];
    const f = t.flags;
    if (Number.isFinite(f)) {
      if (f & FIN) names.push('FIN');
      if (f & SYN) names.push('SYN');
      if (f & RST) names.push('RST');
      if (f & PSH) names.push('PSH');
      if (f & ACK) names.push('ACK');
      if (f & URG) names.push('URG');
      if (f & ECE) names.push('ECE');
      if (f & CWR) names.push('CWR');
    }
    const port = (n: number): string => (Number.isFinite(n) ? String(n) : '?');
    let s = `${port(m.srcPort)} → ${port(m.dstPort)}`;
    if (names.length) s += ` [${names.join(', ')}]`;
    if (Number.isFinite(t.seq)) s += ` Seq=${t.seq}`;
    if (Number.isFinite(t.ack) && Number.isFinite(f) && f & ACK) s += ` Ack=${t.ack}`;
    if (Number.isFinite(t.win)) s += ` Win=${t.win}`;
    if (Number.isFinite(t.len)) s += ` Len=${t.len}`;
    return s;
  }
  return m.kind === 'tls' ? 'TLS' : '';
}
