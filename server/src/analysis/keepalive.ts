// Keepalive analysis: each phone's registration followed as a flow, and why it would drop.
//
// SIP: a flow is the REGISTERs one phone (IP) sends to one registrar (IP) in one source, with the registrar's
// answers (matched by Call-ID and CSeq, else the open transaction). A transaction starts at the REGISTER's first
// transmission; TCP retransmissions of its segment (a capture's [TCP Retransmission] frames, or an export's
// "[TCP Retransmission] Request: REGISTER" rows) and SIP resends of the same Call-ID/CSeq (UDP, Timer E) count as
// resends. The 2xx gives the negotiated Expires; the CUCM's deadline is the last success + Expires + the grace
// setting (the seed: 115 s refresh, 15 s of waiting past it for a 120 s registration).
// SCCP: a flow is one TCP connection from a phone to a CUCM: KeepAlive / KeepAliveAck, the interval from the
// RegisterAck when seen, else 30 s to the primary (the CUCM that answers KeepAliveAck) or 60 s to a backup.
// Across either kind: keepalives whose first transmission is lost every time after idle (port security aging
// suspected), and retransmission delays growing keepalive after keepalive (projected to the deadline).
//
// Streaming: messages come one at a time in each source's order; per flow the state is a few numbers, the open
// transaction, the trailing run of delayed keepalives and (when `records`) the keepalive records for the editor.

import type { Finding, FlowSummary, KeepaliveRecord, Message, NetMessage, RelatedInfo, Severity, SourceLocation } from '../model';
import { TcpFlag } from '../model';
import type { Settings } from '../settings';
import { formatClock, formatDuration } from '../sources/time';
import { FindingList } from './cap';

const RETRANS = TcpFlag.Retransmission | TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission;
const SYN = 2, RST = 4, FIN = 1;
/** SIP Timer F / B: 64 × T1. A REGISTER still unanswered this long after its first transmission has failed. */
const TRANSACTION_TIMEOUT_MS = 32_000;
/** Keepalive records kept per flow for the editor (the counts cover everything). */
const MAX_RECORDS = 20_000;

interface Txn {
  callId: string;
  cseq: number;
  firstTime: number;
  firstLoc: SourceLocation;
  dated: boolean;
  /** TCP: the first byte's sequence number and the length of the segment that carried it (resend matching). */
  seq: number;
  len: number;
  frame: number | null;
  resends: number;
  lastResendTime: number;
  lastResendLoc: SourceLocation | null;
  backup: boolean;
  askedExpires: number;
  final: boolean;
  status: number;
  /** SIP reason phrase of the final answer; `response` is made from it when needed. */
  reason: string;
  response: string;
  responseTime: number;
  responseLoc: SourceLocation | null;
  grantedExpires: number;
}

/** The last few values of a series, oldest dropped (a fixed ring: a push/shift queue on an array would grow a new
 * backing store every time, a few hundred bytes per keepalive). */
class Window<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  length = 0;
  constructor(private readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }
  /** The i-th oldest. */
  at(i: number): T {
    const j = this.start + i;
    return this.items[j < this.capacity ? j : j - this.capacity]!;
  }
  push(x: T): void {
    if (this.length === this.capacity) this.shift();
    const j = this.start + this.length;
    this.items[j < this.capacity ? j : j - this.capacity] = x;
    this.length++;
  }
  shift(): T {
    const x = this.items[this.start]!;
    this.items[this.start] = undefined;
    this.start = this.start + 1 === this.capacity ? 0 : this.start + 1;
    this.length--;
    return x;
  }
}

interface Delayed {
  time: number;
  loc: SourceLocation;
  resendLoc: SourceLocation | null;
  deliveryMs: number;
}

class Flow {
  readonly id: number;
  /** Its id (AoR / Call-ID) or '' when keyed by the phone. */
  ownKey = '';
  /** It is the last flow recorded for its phone and server (lastByPhone). */
  isLast = false;
  /** The last success came after the deadline: the next REGISTER is a new registration, not a refresh. */
  recovering = false;
  /** The expected interval from the phone's own cadence, NaN until it has a steady one (updated per interval). */
  cadence = NaN;
  device = '';
  open: Txn | null = null;
  /** Recent transactions (newest last), for answers that come after a newer REGISTER. */
  readonly recent = new Window<Txn>(8);
  lastOk: { time: number; loc: SourceLocation; granted: number } | null = null;
  prevFirst = NaN;
  readonly intervals = new Window<number>(6);
  /** Trailing run of keepalives that needed a resend. */
  run: Delayed[] = [];
  refreshes = 0;
  firstLost = 0;
  firstLostRun = 0;
  firstLostRunMax = 0;
  firstLostLocs: SourceLocation[] = [];
  backupSeen = false;
  readonly records: KeepaliveRecord[] = [];
  count = 0;
  late = 0;
  expired = 0;
  unanswered = 0;
  resent = 0;
  lastTime = NaN;
  // SCCP
  interval = NaN;
  acks = 0;
  lastAckTime = NaN;
  lastAckLoc: SourceLocation | null = null;
  readonly ackTimes = new Window<number>(5);
  ended = false;
  failoverReported = false;
  /** SCCP: a CUCM that never answers KeepAliveAck (and sent no RegisterAck) is a backup. */
  role(): string {
    return this.protocol === 'sccp' && this.acks === 0 && !Number.isFinite(this.interval) ? 'backup' : 'primary';
  }
  constructor(
    id: number,
    readonly protocol: 'sip' | 'sccp',
    readonly source: number,
    readonly phone: string,
    readonly server: string,
    readonly transport: 'tcp' | 'udp' | null,
  ) {
    this.id = id;
  }
}

const scratch = new Float64Array(64);

/** Median of a few numbers (no allocation: an insertion sort into a scratch array). */
function median(xs: Window<number>): number {
  const n = Math.min(xs.length, scratch.length);
  if (n === 0) return NaN;
  for (let i = 0; i < n; i++) {
    const v = xs.at(i);
    let j = i - 1;
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  return n % 2 ? scratch[(n - 1) / 2]! : (scratch[n / 2 - 1]! + scratch[n / 2]!) / 2;
}

/** " 1001" for a flow keyed by an address of record sip:1001@host (a phone registers each line), else ''. */
function lineOf(aor: string): string {
  const m = /^sips?:([^@;>]+)@/i.exec(aor);
  return m ? ` ${m[1]}` : '';
}

/** A steady cadence: at least 3 intervals, 60 % of them within 10 % of their median; else NaN. */
function cadence(recent: Window<number>): number {
  if (recent.length < 3) return NaN;
  const med = median(recent);
  let near = 0;
  for (let i = 0; i < recent.length; i++) if (Math.abs(recent.at(i) - med) <= med * 0.1) near++;
  return near >= Math.ceil(recent.length * 0.6) ? med : NaN;
}

function secs(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = ms / 1000;
  // keepalive intervals read best in seconds (115 s, not 1 min 55 s)
  if (Math.abs(ms) < 100) return `${Math.round(ms)} ms`;
  return s < 10 ? `${s.toFixed(2).replace(/0$/, '')} s` : s < 600 ? `${s.toFixed(1)} s` : formatDuration(ms);
}

function clock(ms: number, dated: boolean): string {
  return formatClock(ms, dated);
}

export class KeepaliveRules {
  private readonly out = new FindingList();
  /** Flows by their id (AoR / Call-ID), by phone when they have none, and the last flow per phone (answers and
   * segments without an id). Lists are short: one entry per server and source. */
  private readonly flowsById = new Map<string, Flow[]>();
  private readonly flowsByPhone = new Map<string, Flow[]>();
  private readonly lastByPhone = new Map<string, Flow[]>();
  /** Every flow of a phone (SIP: by IP), for TCP segments that may carry any of its requests again. */
  private readonly allByPhone = new Map<string, Flow[]>();
  private readonly all = new Map<number, Flow>();
  private pushed = 0;
  private curSource = -1;
  private curEnd = -Infinity;

  private flushEnd(): void {
    if (this.curSource >= 0 && Number.isFinite(this.curEnd)) this.sourceEnd.set(this.curSource, this.curEnd);
  }
  private readonly sourceEnd = new Map<number, number>();
  private nextId = 0;

  /** `timelineOf`: the timeline a source belongs to (the files of one trace set are one timeline); flows are
   * followed per timeline. Default: each source its own. */
  /** Flows forgotten while streaming, kept for their summaries when records are kept (a case's evidence). */
  private readonly retired: Flow[] = [];

  /** `keepRecords`: keep each flow's keepalive records. `stream`: the messages are not kept (the CLI's analyze):
   * flows idle past their horizon are judged and forgotten as the input streams, so memory stays bounded (with
   * records, a forgotten flow keeps only its summary and records). Default: streaming when records are not kept. */
  constructor(private readonly settings: Settings, private readonly keepRecords: boolean, private readonly timelineOf?: (source: number) => number,
    private readonly stream = !keepRecords) {}

  private tlSource = -1;
  private tlValue = -1;
  /** The timeline of a source (the last answer kept: messages come a source at a time). */
  private tl(source: number): number {
    if (source === this.tlSource) return this.tlValue;
    this.tlSource = source;
    this.tlValue = this.timelineOf ? this.timelineOf(source) : source;
    return this.tlValue;
  }

  private finding(rule: string, severity: Severity, loc: SourceLocation, time: number, dated: boolean, device: string, message: string,
    related: RelatedInfo[] = [], evidence: Record<string, number | string | boolean | null> = {}): void {
    this.out.push({ rule, severity, message, loc, time, dated, device: device || undefined, related, evidence: { frame: loc.frame, ...evidence } });
  }

  /** A SIP flow is one UA's registration: by its address of record (To), else Call-ID, when the messages carry one
   * (several UAs may share an IP; a new connection may bring a new Call-ID), else by the phone's IP. `last` finds the flow that last sent from the
   * phone to the server whatever its Call-ID (for TCP segments and answers without one). */
  private flow(protocol: 'sip' | 'sccp', source: number, phone: string, server: string, transport: 'tcp' | 'udp' | null, create: boolean, id?: string): Flow | null {
    // two-level lookup by strings the decoders intern (their hashes are cached), no key strings built per message
    let f: Flow | null = null;
    if (id) {
      const l = this.flowsById.get(id);
      if (l) {
        for (let i = 0; i < l.length; i++) {
          const x = l[i]!;
          if (x.phone === phone && x.server === server && x.source === source && x.protocol === protocol) f = x;
        }
      }
      if (!f) {
        // an export may give the id on some rows only (those with a detail block): adopt the phone's id-less flow
        const pl = this.flowsByPhone.get(phone);
        const i = pl ? pl.findIndex((x) => x.phone === phone && x.server === server && x.source === source && x.protocol === protocol && x.ownKey === '') : -1;
        if (pl && i >= 0) {
          f = pl[i]!;
          pl.splice(i, 1);
          if (pl.length === 0) this.flowsByPhone.delete(phone);
          f.ownKey = id;
          this.index(this.flowsById, id, f);
        }
      }
    } else {
      // no id: the flow that last sent from this phone to this server, else the phone's id-less flow
      const l = this.lastByPhone.get(phone);
      if (l) {
        for (let i = 0; i < l.length; i++) {
          const x = l[i]!;
          if (x.server === server && x.source === source && x.protocol === protocol) f = x;
        }
      }
      const pl = f ? undefined : this.flowsByPhone.get(phone);
      if (pl) {
        for (let i = 0; i < pl.length; i++) {
          const x = pl[i]!;
          if (x.server === server && x.source === source && x.protocol === protocol) f = x;
        }
      }
    }
    if (!f && create) {
      f = new Flow(this.nextId++, protocol, source, phone, server, transport);
      f.ownKey = id ?? '';
      this.index(id ? this.flowsById : this.flowsByPhone, id || phone, f);
      this.index(this.allByPhone, phone, f);
      this.all.set(f.id, f);
    }
    if (f) this.setLast(f);
    return f;
  }

  private index(m: Map<string, Flow[]>, key: string, f: Flow): void {
    const l = m.get(key);
    if (l) l.push(f);
    else m.set(key, [f]);
  }

  private setLast(f: Flow): void {
    if (f.isLast) return;
    f.isLast = true;
    let l = this.lastByPhone.get(f.phone);
    if (!l) this.lastByPhone.set(f.phone, (l = []));
    const i = l.findIndex((x) => x.server === f.server && x.source === f.source && x.protocol === f.protocol);
    if (i < 0) l.push(f);
    else {
      l[i]!.isLast = false;
      l[i] = f;
    }
  }

  push(m: Message): void {
    if (m.kind === 'alarm') return;
    if (Number.isFinite(m.time)) {
      // the end of each source: kept in two fields while one source streams, in the map when it changes
      if (this.tl(m.loc.source) !== this.curSource) {
        this.flushEnd();
        this.curSource = this.tl(m.loc.source);
        this.curEnd = this.sourceEnd.get(this.tl(m.loc.source)) ?? -Infinity;
      }
      if (m.time > this.curEnd) this.curEnd = m.time;
      if (this.stream && (++this.pushed & 4095) === 0) {
        this.flushEnd();
        this.sweep(m.time, this.tl(m.loc.source));
      }
    }
    if (m.kind === 'sip') this.sip(m);
    else if (m.kind === 'sccp') this.sccp(m);
    else if (m.kind === 'tcp') this.tcp(m);
  }

  // ---- SIP -----------------------------------------------------------------------------------------------------------

  private sip(m: NetMessage): void {
    const s = m.sip;
    if (!s) return;
    if (s.method === 'REGISTER') {
      const f = this.flow('sip', this.tl(m.loc.source), m.src, m.dst, m.transport, true, s.aor ?? s.callId)!;
      if (s.device) f.device = s.device;
      f.lastTime = m.time;
      const open = f.open;
      const tcpResend = m.tcp !== undefined && (m.tcp.analysis & RETRANS) !== 0;
      const sameTxn = open !== null && !open.final && s.callId !== undefined && open.callId === s.callId && open.cseq === s.cseq;
      if (open !== null && !open.final && (tcpResend || sameTxn)) {
        this.resend(f, open, m);
        return;
      }
      if (open !== null && !open.final) this.unanswered(f, open, m);
      // the oldest of the flow's recent transactions is reused once it is over: a long capture would otherwise
      // promote one object per REGISTER into the old generation (they live a refresh interval)
      const reuse = f.recent.length >= 8 && f.recent.at(0).final && f.recent.at(0) !== open ? f.recent.shift() : null;
      const txn: Txn = reuse ?? {
        callId: '', cseq: NaN, firstTime: NaN, firstLoc: m.loc, dated: false, seq: NaN, len: 0, frame: null, resends: 0, lastResendTime: NaN,
        lastResendLoc: null, backup: false, askedExpires: NaN, final: false, status: 0, reason: '', response: '', responseTime: NaN,
        responseLoc: null, grantedExpires: NaN,
      };
      txn.callId = s.callId ?? '';
      txn.cseq = s.cseq ?? NaN;
      txn.firstTime = m.time;
      txn.firstLoc = m.loc;
      txn.dated = m.dated;
      txn.seq = m.tcp ? m.tcp.seq : NaN;
      txn.len = m.tcp ? m.tcp.len : 0;
      txn.frame = m.loc.frame;
      txn.resends = 0;
      txn.lastResendTime = NaN;
      txn.lastResendLoc = null;
      txn.backup = s.expires === 0 && s.ciscoKeepAlive === true;
      txn.askedExpires = s.expires ?? NaN;
      txn.final = false;
      txn.status = 0;
      txn.reason = '';
      txn.response = '';
      txn.responseTime = NaN;
      txn.responseLoc = null;
      txn.grantedExpires = NaN;
      f.open = txn;
      if (txn.callId) {
        f.recent.push(txn);
      }
      if (txn.backup && !f.backupSeen) {
        f.backupSeen = true;
        this.finding('sip.register.backup-keepalive', 'information', m.loc, m.time, m.dated, f.device,
          `Keepalive REGISTER to ${m.dst} (Expires: 0 with cisco-keep-alive): ${m.dst} is a backup CUCM for this phone; this checks that it is alive and is not a registration.`);
      }
      return;
    }
    if (s.status === undefined) return;
    if (s.cseqMethod !== undefined && s.cseqMethod !== 'REGISTER') return;
    // an answer: the phone is its destination
    const f = this.flow('sip', this.tl(m.loc.source), m.dst, m.src, m.transport, false, s.aor ?? s.callId) ?? this.flow('sip', this.tl(m.loc.source), m.dst, m.src, m.transport, false);
    if (!f) return;
    let txn = f.open;
    if (s.callId !== undefined && s.cseq !== undefined) {
      for (let i = f.recent.length - 1; i >= 0; i--) {
        const x = f.recent.at(i);
        if (x.cseq === s.cseq && x.callId === s.callId) {
          txn = x;
          break;
        }
      }
    }
    if (!txn || txn.final) return;
    if (s.status < 200) return;
    txn.final = true;
    txn.status = s.status;
    txn.reason = s.reasonPhrase ?? '';
    txn.responseTime = m.time;
    txn.responseLoc = m.loc;
    txn.grantedExpires = s.expires ?? NaN;
    this.sipComplete(f, txn, m);
  }

  private resend(f: Flow, txn: Txn, m: NetMessage): void {
    txn.resends++;
    txn.lastResendTime = m.time;
    txn.lastResendLoc = m.loc;
    if (m.transport === 'udp' && m.kind === 'sip') {
      const after = m.time - txn.firstTime;
      this.finding('sip.retransmission', 'warning', m.loc, m.time, m.dated, f.device,
        `REGISTER (CSeq ${txn.cseq}) sent again ${secs(after)} after the first transmission (resend ${txn.resends}): no answer had come, so the request or its answer was lost (Timer E doubles the wait: 0.5 s, 1 s, 2 s, 4 s).`,
        [{ loc: txn.firstLoc, message: 'first transmission' }], { resend: txn.resends, afterMs: after });
    }
  }

  private unanswered(f: Flow, txn: Txn, by: NetMessage | null): void {
    txn.final = true;
    f.unanswered++;
    const resent = txn.resends ? `, sent ${txn.resends + 1} times over ${secs(txn.lastResendTime - txn.firstTime)}` : '';
    const then = by ? `; the phone then sent a new REGISTER (${clock(by.time, by.dated)})` : '; the capture ends without an answer';
    this.finding('sip.register.no-response', 'warning', txn.firstLoc, txn.firstTime, txn.dated, f.device,
      `REGISTER to ${f.server}${Number.isFinite(txn.cseq) ? ` (CSeq ${txn.cseq})` : ''} never answered${resent}${then}.`,
      [...(txn.lastResendLoc ? [{ loc: txn.lastResendLoc, message: 'last resend' }] : []), ...(by ? [{ loc: by.loc, message: 'next REGISTER' }] : [])],
      { resends: txn.resends });
    this.record(f, txn);
    this.delivery(f, txn);
  }

  private sipComplete(f: Flow, txn: Txn, m: NetMessage): void {
    const st = this.settings.sip;
    if (txn.status >= 300 || txn.responseTime - txn.firstTime > st.slowResponse * 1000 || this.keepRecords) txn.response = `${txn.status} ${txn.reason}`.trim();
    const responseMs = txn.responseTime - txn.firstTime;
    if (txn.status >= 300) {
      if (txn.status !== 401 && txn.status !== 407) {
        this.finding('sip.register.rejected', 'error', m.loc, m.time, m.dated, f.device,
          `REGISTER rejected by ${f.server}: ${txn.response}. The phone is not registered there.`, [{ loc: txn.firstLoc, message: 'the REGISTER' }], { status: txn.status });
      }
      this.record(f, txn);
      return;
    }
    if (responseMs > st.slowResponse * 1000) {
      this.finding('sip.register.slow-response', 'warning', m.loc, m.time, m.dated, f.device,
        `REGISTER answered ${secs(responseMs)} after it was first sent (${txn.response})${txn.resends ? ` (it was sent ${txn.resends + 1} times; the last copy ${secs(txn.responseTime - txn.lastResendTime)} before the answer)` : ''}; more than ${st.slowResponse} s.`,
        [{ loc: txn.firstLoc, message: 'the REGISTER' }], { responseMs, resends: txn.resends });
    }
    if (txn.backup) {
      this.record(f, txn);
      return;
    }
    const granted = Number.isFinite(txn.grantedExpires) ? txn.grantedExpires : txn.askedExpires;
    const last = f.lastOk;
    if (last && Number.isFinite(last.granted)) {
      const deadline = last.time + (last.granted + st.deadlineGrace) * 1000;
      // Cisco phones (and most UAs) time the refresh from the 200 OK they got
      const interval = txn.firstTime - last.time;
      if (txn.responseTime > deadline) {
        f.expired++;
        this.finding('sip.register.expired', 'error', txn.firstLoc, deadline, txn.dated, f.device,
          `Registration expired: the 200 OK at ${clock(last.time, txn.dated)} granted ${last.granted} s, so ${f.server} would unregister the phone at ${clock(deadline, txn.dated)} (${last.granted} s + ${st.deadlineGrace} s grace); the next successful refresh came only at ${clock(txn.responseTime, txn.dated)}, ${secs(txn.responseTime - deadline)} too late${txn.resends ? ` (the REGISTER was sent ${txn.resends + 1} times)` : ''}.`,
          [{ loc: last.loc, message: `last successful registration (${last.granted} s)` }, ...(txn.responseLoc ? [{ loc: txn.responseLoc, message: 'the late 200 OK' }] : [])],
          { grantedS: last.granted, deadlineMs: deadline, lateByMs: txn.responseTime - deadline });
      } else if (Number.isFinite(interval) && !f.recovering) {
        // (after an expiry the next REGISTER is a new registration on the phone's own retry schedule, not a refresh)
        const expected = this.expectedInterval(f, last.granted);
        if (interval > expected + st.lateTolerance * 1000) {
          f.late++;
          this.finding('sip.register.late', 'warning', txn.firstLoc, txn.firstTime, txn.dated, f.device,
            `Refresh REGISTER ${secs(interval - expected)} late: sent ${secs(interval)} after the previous 200 OK, expected after ${secs(expected)}${Number.isFinite(f.cadence) ? ' (this phone\'s own cadence)' : last.granted * 0.9 > last.granted - st.timerRegisterDelta ? ` (90 % of Expires ${last.granted} s)` : ` (Expires ${last.granted} s − Timer Register Delta ${st.timerRegisterDelta} s)`}; ${secs(deadline - txn.responseTime)} before the deadline.`,
            [{ loc: last.loc, message: 'previous successful registration' }], { intervalMs: interval, expectedMs: expected });
        }
      }
    }
    const wasRecovering = f.recovering;
    f.recovering = last !== null && Number.isFinite(last.granted) && txn.responseTime > last.time + (last.granted + st.deadlineGrace) * 1000;
    if (last && !wasRecovering && !f.recovering) {
      f.intervals.push(txn.firstTime - last.time);
      f.cadence = cadence(f.intervals);
    }
    f.prevFirst = txn.firstTime;
    this.record(f, txn);
    if (f.lastOk) {
      f.lastOk.time = txn.responseTime;
      f.lastOk.loc = txn.responseLoc!;
      f.lastOk.granted = granted;
    } else f.lastOk = { time: txn.responseTime, loc: txn.responseLoc!, granted };
    this.delivery(f, txn);
  }

  /** The phone's own steady cadence once it has one (3 intervals within 10 % of their median), else Expires − delta. */
  private expectedInterval(f: Flow, granted: number): number {
    if (Number.isFinite(f.cadence)) return f.cadence;
    // no cadence yet: the later of the two common schedules, Cisco's Expires − Timer Register Delta and the 90 % of
    // Expires many other UAs use (baresip, ...), so that a steady phone of any make is not called late
    return Math.max(1, granted - this.settings.sip.timerRegisterDelta, granted * 0.9) * 1000;
  }

  // ---- SCCP ----------------------------------------------------------------------------------------------------------

  private endpoint(ip: string, port: number): string {
    return Number.isNaN(port) ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  }

  private sccp(m: NetMessage): void {
    const c = m.sccp;
    if (!c) return;
    const fromPhone = c.name === 'KeepAlive' || c.name === 'Register' || c.name === 'Unregister';
    const toPhone = c.name === 'KeepAliveAck' || c.name === 'RegisterAck' || c.name === 'Reset' || c.name === 'UnregisterAck';
    if (!fromPhone && !toPhone) return;
    const phone = fromPhone ? this.endpoint(m.src, m.srcPort) : this.endpoint(m.dst, m.dstPort);
    const server = fromPhone ? this.endpoint(m.dst, m.dstPort) : this.endpoint(m.src, m.srcPort);
    const f = this.flow('sccp', this.tl(m.loc.source), phone, server, 'tcp', fromPhone);
    if (!f) return;
    f.lastTime = m.time;
    if (c.device) f.device = c.device;
    if (c.name === 'RegisterAck' && c.keepAliveInterval) f.interval = c.keepAliveInterval;
    if (c.name === 'KeepAlive') {
      const open = f.open;
      if (open && !open.final && m.tcp && (m.tcp.analysis & RETRANS) !== 0) {
        this.resend(f, open, m);
        return;
      }
      if (open && !open.final) this.ackMissing(f, open, m);
      const interval = this.sccpInterval(f) * 1000;
      const gap = m.time - f.prevFirst;
      if (Number.isFinite(gap) && gap > interval + Math.max(2000, interval * 0.1)) {
        f.late++;
        this.finding('sccp.keepalive.missed', 'warning', m.loc, m.time, m.dated, f.device,
          `No KeepAlive from ${f.phone} to ${f.role()} CUCM ${f.server} for ${secs(gap)}; expected every ${secs(interval)}${Number.isFinite(f.interval) ? ' (RegisterAck)' : ''}.`,
          [], { gapMs: gap, intervalMs: interval });
      }
      f.prevFirst = m.time;
      f.open = {
        callId: '', cseq: NaN, firstTime: m.time, firstLoc: m.loc, dated: m.dated, seq: m.tcp ? m.tcp.seq : NaN, len: m.tcp ? m.tcp.len : 0,
        frame: m.loc.frame, resends: 0, lastResendTime: NaN, lastResendLoc: null, backup: false, askedExpires: NaN, final: false, status: 0,
        reason: '', response: '', responseTime: NaN, responseLoc: null, grantedExpires: NaN,
      };
      return;
    }
    if (c.name === 'KeepAliveAck') {
      const txn = f.open;
      this.failoverCheck(f, m.time, m.loc, m.dated);
      f.acks++;
      f.lastAckTime = m.time;
      f.lastAckLoc = m.loc;
      if (!txn || txn.final) return;
      txn.final = true;
      txn.response = 'KeepAliveAck';
      txn.responseTime = m.time;
      txn.responseLoc = m.loc;
      f.ackTimes.push(m.time - txn.firstTime);
      this.record(f, txn);
      this.delivery(f, txn);
    }
  }

  private sccpInterval(f: Flow): number {
    if (Number.isFinite(f.interval)) return f.interval;
    return f.acks > 0 ? this.settings.sccp.keepAliveInterval : this.settings.sccp.backupKeepAliveInterval;
  }

  private ackMissing(f: Flow, txn: Txn, by: NetMessage | null): void {
    txn.final = true;
    if (f.acks === 0 && !Number.isFinite(f.interval)) {
      // a backup CUCM answers keepalives with a TCP ACK only: no KeepAliveAck is expected
      this.record(f, txn);
      return;
    }
    f.unanswered++;
    const resent = txn.resends ? ` although it was sent ${txn.resends + 1} times (last ${secs(txn.lastResendTime - txn.firstTime)} after the first)` : '';
    const then = by ? (by.kind === 'sccp' ? '; the next KeepAlive followed' : `; then ${by.label}`) : '';
    this.finding('sccp.keepalive.ack-missing', 'warning', txn.firstLoc, txn.firstTime, txn.dated, f.device,
      `KeepAlive from ${f.phone} to ${f.server} got no KeepAliveAck${resent}${then}.`,
      [...(txn.lastResendLoc ? [{ loc: txn.lastResendLoc, message: 'last resend' }] : []), ...(by ? [{ loc: by.loc, message: 'what came next' }] : [])],
      { resends: txn.resends });
    this.record(f, txn);
    this.delivery(f, txn);
  }

  /** Delayed failover: no KeepAliveAck for `failoverIntervals` intervals. Checked when an ack comes, and at the end. */
  private failoverCheck(f: Flow, now: number, loc: SourceLocation, dated: boolean): void {
    if (!Number.isFinite(f.lastAckTime) || f.failoverReported) return;
    const interval = this.sccpInterval(f) * 1000;
    const n = this.settings.sccp.failoverIntervals;
    const gap = now - f.lastAckTime;
    if (gap < n * interval) return;
    f.failoverReported = true;
    let sum = 0;
    for (let i = 0; i < f.ackTimes.length; i++) sum += f.ackTimes.at(i);
    const mean = f.ackTimes.length ? sum / f.ackTimes.length : NaN;
    const normal = Number.isFinite(mean) ? ` Normal failover would have fired much sooner: it waits the mean KeepAliveAck time of recent keepalives (${secs(mean)} over the last ${f.ackTimes.length}).` : '';
    this.finding('sccp.failover', 'error', loc, now, dated, f.device,
      `No KeepAliveAck from ${f.server} for ${secs(gap)}: ${n} keepalive intervals of ${secs(interval)} passed, so a phone using delayed failover gives up on this CUCM and fails over.${normal}`,
      f.lastAckLoc ? [{ loc: f.lastAckLoc, message: 'last KeepAliveAck' }] : [], { gapMs: gap, intervalMs: interval, meanAckMs: Number.isFinite(mean) ? mean : null });
  }

  // ---- TCP segments: resends of a REGISTER / KeepAlive, connection ends -------------------------------------------------

  private tcp(m: NetMessage): void {
    const t = m.tcp;
    if (!t) return;
    if (t.analysis & RETRANS && t.len > 0) {
      // the open request this segment carries again: several UAs (lines) may share the phone's connection
      const covers = (txn: Txn | null): boolean => txn !== null && !txn.final && (t.refFrame === txn.frame ||
        (Number.isFinite(txn.seq) && ((t.seq - txn.seq) | 0) >= 0 && ((t.seq - txn.seq) | 0) < Math.max(1, txn.len)));
      const sccpFlow = this.flow('sccp', this.tl(m.loc.source), this.endpoint(m.src, m.srcPort), this.endpoint(m.dst, m.dstPort), 'tcp', false);
      if (sccpFlow && covers(sccpFlow.open)) {
        this.resend(sccpFlow, sccpFlow.open!, m);
        return;
      }
      for (const f of this.allByPhone.get(m.src) ?? []) {
        if (f.protocol === 'sip' && f.server === m.dst && f.source === this.tl(m.loc.source) && covers(f.open)) this.resend(f, f.open!, m);
      }
      return;
    }
    if (t.flags & (RST | FIN | SYN)) {
      // the phone's SCCP connection ends (or a new one starts): an open KeepAlive will not be answered on it
      const f = this.flow('sccp', this.tl(m.loc.source), this.endpoint(m.src, m.srcPort), this.endpoint(m.dst, m.dstPort), 'tcp', false)
        ?? this.flow('sccp', this.tl(m.loc.source), this.endpoint(m.dst, m.dstPort), this.endpoint(m.src, m.srcPort), 'tcp', false);
      if (f && f.open && !f.open.final && !(t.flags & SYN)) this.ackMissing(f, f.open, m);
      if (f && !(t.flags & SYN)) f.ended = true;
      // a new connection from the same phone IP to the same server port: the previous one is over
      if (t.flags & SYN && !(t.flags & 16)) {
        for (const g of this.all.values()) {
          if (g.protocol !== 'sccp' || g.source !== this.tl(m.loc.source) || g.ended || g.server !== this.endpoint(m.dst, m.dstPort)) continue;
          if (!g.phone.startsWith(`${m.src}:`) || g.phone === this.endpoint(m.src, m.srcPort)) continue;
          g.ended = true;
          if (g.open && !g.open.final) this.ackMissing(g, g.open, m);
        }
      }
    }
  }

  // ---- across kinds --------------------------------------------------------------------------------------------------

  private record(f: Flow, txn: Txn): void {
    f.count++;
    if (txn.resends) f.resent++;
    if (!this.keepRecords || f.records.length >= MAX_RECORDS) return;
    const prev = f.records.length ? f.records[f.records.length - 1]! : null;
    // SIP: since the previous 200 OK (the phone times its refresh from it); SCCP: since the previous KeepAlive
    const since = f.protocol === 'sip' ? (f.lastOk && f.lastOk.time < txn.firstTime ? txn.firstTime - f.lastOk.time : NaN) : prev ? txn.firstTime - prev.time : NaN;
    f.records.push({
      loc: txn.firstLoc, time: txn.firstTime, sinceMs: since,
      responseMs: txn.responseTime - txn.firstTime, response: txn.response, responseLoc: txn.responseLoc,
      resends: txn.resends, deliveryMs: txn.resends ? txn.lastResendTime - txn.firstTime : 0, backup: txn.backup,
    });
  }

  /** Backoff and first-packet-lost bookkeeping for a keepalive whose fate is known (refreshes only: not the first). */
  private delivery(f: Flow, txn: Txn): void {
    f.refreshes++;
    if (f.refreshes === 1) return;
    if (txn.resends > 0) {
      f.firstLost++;
      f.firstLostRun++;
      f.firstLostRunMax = Math.max(f.firstLostRunMax, f.firstLostRun);
      if (f.firstLostLocs.length < 8) f.firstLostLocs.push(txn.lastResendLoc ?? txn.firstLoc);
      f.run.push({ time: txn.firstTime, loc: txn.firstLoc, resendLoc: txn.lastResendLoc, deliveryMs: txn.lastResendTime - txn.firstTime });
      if (f.run.length > 64) f.run.shift();
    } else if (f.firstLostRun > 0) {
      // (the trailing run is as long as firstLostRun, up to 64: with none, nothing to judge and nothing to clear)
      this.backoff(f, txn.dated);
      f.firstLostRun = 0;
      f.run = [];
    }
  }

  /** The allowed delay before the deadline: SIP Expires + grace − expected interval; SCCP (failover − 1) intervals. */
  private allowedDelay(f: Flow): number {
    if (f.protocol === 'sip') {
      const granted = f.lastOk?.granted ?? NaN;
      if (!Number.isFinite(granted)) return NaN;
      return (granted + this.settings.sip.deadlineGrace) * 1000 - this.expectedInterval(f, granted);
    }
    return (this.settings.sccp.failoverIntervals - 1) * this.sccpInterval(f) * 1000;
  }

  private backoff(f: Flow, dated: boolean): void {
    const run = f.run;
    if (run.length < 3) return;
    const d = run.map((r) => r.deliveryMs);
    let grew = 0;
    for (let i = 1; i < d.length; i++) if (d[i]! > d[i - 1]! * 1.1) grew++;
    if (grew < Math.ceil((d.length - 1) * 0.75) || !(d[d.length - 1]! >= 2 * d[0]!) || d[0]! <= 0) return;
    const factor = Math.pow(d[d.length - 1]! / d[0]!, 1 / (d.length - 1));
    const allowed = this.allowedDelay(f);
    const last = run[run.length - 1]!;
    const interval = f.protocol === 'sip' ? this.expectedInterval(f, f.lastOk?.granted ?? NaN) : this.sccpInterval(f) * 1000;
    const list = d.map((x) => secs(x)).join(', ');
    let projection = '';
    let projectedMs: number | null = null;
    if (Number.isFinite(allowed) && allowed > 0) {
      const over = d.findIndex((x) => x > allowed);
      if (over >= 0) {
        projection = ` The delay ${secs(d[over]!)} already passed the ${secs(allowed)} the CUCM waits (${clock(run[over]!.time, dated)}).`;
      } else {
        let k = 1;
        let next = d[d.length - 1]! * factor;
        const projected: string[] = [];
        while (next <= allowed && k < 50) {
          projected.push(secs(next));
          k++;
          next *= factor;
        }
        projected.push(secs(next));
        projectedMs = last.time + k * interval + allowed;
        projection = ` At this rate the next delays are ${projected.join(', ')}: the keepalive about ${clock(last.time + k * interval, dated)} would need more than the ${secs(allowed)} the CUCM waits, so the phone would be unregistered about ${clock(projectedMs, dated)}, ${formatDuration(projectedMs - run[0]!.time)} after the first delayed keepalive.`;
      }
    }
    this.finding('keepalive.backoff', 'warning', last.loc, last.time, dated, f.device,
      `Keepalives to ${f.server} get through only after retransmission, and the delay grows each time: ${list} (×${factor.toFixed(1)} per keepalive over ${d.length} keepalives).${projection}`,
      run.slice(-12).map((r) => ({ loc: r.resendLoc ?? r.loc, message: `got through after ${secs(r.deliveryMs)}` })),
      { keepalives: d.length, factor: +factor.toFixed(3), firstDelayMs: d[0]!, lastDelayMs: d[d.length - 1]!, allowedMs: Number.isFinite(allowed) ? allowed : null, projectedUnregistrationMs: projectedMs });
  }

  /** What is left to say about a flow once its source ended (or, streaming, once it went quiet for good). */
  private close(f: Flow, end: number, quiet: boolean): void {
    {
      const open = f.open;
      const dated = open?.dated ?? true;
      if (f.protocol === 'sip') {
        if (open && !open.final && end - open.firstTime >= TRANSACTION_TIMEOUT_MS) this.unanswered(f, open, null);
        // the deadline passed with no successful refresh before the capture ended
        if (f.lastOk && Number.isFinite(f.lastOk.granted)) {
          const deadline = f.lastOk.time + (f.lastOk.granted + this.settings.sip.deadlineGrace) * 1000;
          if (end > deadline) {
            f.expired++;
            const at = open && open.firstTime > f.lastOk.time ? open : null;
            this.finding('sip.register.expired', 'error', at?.firstLoc ?? f.lastOk.loc, deadline, dated, f.device,
              `Registration expired: the 200 OK at ${clock(f.lastOk.time, dated)} granted ${f.lastOk.granted} s, so ${f.server} would unregister the phone at ${clock(deadline, dated)} (${f.lastOk.granted} s + ${this.settings.sip.deadlineGrace} s grace), and no successful refresh came ${quiet ? `(the phone sent nothing more to it up to ${clock(end, dated)})` : `before the source ends (${clock(end, dated)})`}.`,
              [{ loc: f.lastOk.loc, message: 'last successful registration' }], { grantedS: f.lastOk.granted, deadlineMs: deadline });
          }
        }
      } else {
        if (open && !open.final && (open.resends > 0 || end - open.firstTime >= this.sccpInterval(f) * 1000)) this.ackMissing(f, open, null);
        // judged on the flow's own messages: keepalives that went on unanswered (not the source's end, which may be
        // another table or hours later)
        if (Number.isFinite(f.lastAckTime) && Number.isFinite(f.lastTime)) this.failoverCheck(f, f.lastTime, f.open?.lastResendLoc ?? f.open?.firstLoc ?? f.lastAckLoc!, dated);
      }
      this.backoff(f, dated);
      if (f.refreshes - 1 >= 3 && f.firstLostRunMax >= 3 && f.firstLost / (f.refreshes - 1) >= 0.8) {
        const n = f.refreshes - 1;
        this.finding('keepalive.first-packet-lost', 'warning', f.firstLostLocs[0]!, NaN, dated, f.device,
          `The first transmission of ${f.firstLost} of ${n} keepalives to ${f.server} was lost and only a retransmission got through, every time after the idle interval. Suspected: a switch or firewall ages the phone's MAC address or session out before the keepalive interval (port-security aging, idle timers), so the first packet after idle is dropped.`,
          f.firstLostLocs.map((loc) => ({ loc, message: 'retransmission that got through' })), { lost: f.firstLost, keepalives: n });
      }
    }
  }

  finish(): Finding[] {
    this.flushEnd();
    for (const f of this.all.values()) this.close(f, this.sourceEnd.get(f.source) ?? NaN, false);
    return this.out.finish();
  }

  /** Streaming (no records kept): flows quiet for longer than anything they could still be judged on are closed and
   * forgotten, so that memory follows the flows alive at one time, not all flows ever seen. */
  private sweep(now: number, source: number): void {
    // forEach, not for...of: no iterator result per flow (a few thousand flows every 4,096 messages)
    this.all.forEach((f) => {
      if (f.source !== source) {
        // an earlier source is over: its flows are judged at its end
        this.close(f, this.sourceEnd.get(f.source) ?? NaN, false);
        this.forget(f);
        return;
      }
      const horizon = f.protocol === 'sip'
        ? ((f.lastOk?.granted ?? 3600) + this.settings.sip.deadlineGrace) * 1000 + TRANSACTION_TIMEOUT_MS
        : (this.settings.sccp.failoverIntervals + 1) * this.sccpInterval(f) * 1000;
      if (!(now - f.lastTime > horizon)) return;
      this.close(f, now, true);
      this.forget(f);
    });
  }

  private forget(f: Flow): void {
    this.all.delete(f.id);
    if (this.keepRecords) this.retired.push(f);
    const drop = (m: Map<string, Flow[]>, key: string): void => {
      const l = m.get(key);
      if (!l) return;
      const i = l.indexOf(f);
      if (i >= 0) l.splice(i, 1);
      if (l.length === 0) m.delete(key);
    };
    drop(f.ownKey ? this.flowsById : this.flowsByPhone, f.ownKey || f.phone);
    drop(this.lastByPhone, f.phone);
    drop(this.allByPhone, f.phone);
  }

  summaries(): FlowSummary[] {
    const flows = this.retired.length ? [...this.retired, ...this.all.values()].sort((x, y) => x.id - y.id) : [...this.all.values()];
    return flows.map((f) => {
      const expires = f.protocol === 'sip' ? f.lastOk?.granted ?? NaN : this.sccpInterval(f);
      const expected = f.protocol === 'sip' ? (Number.isFinite(expires) ? this.expectedInterval(f, expires) : NaN) : this.sccpInterval(f) * 1000;
      const serverIp = f.server;
      return {
        id: f.id, protocol: f.protocol, source: f.source, device: f.device, phone: f.phone, server: f.server, transport: f.transport,
        title: `${f.device || f.phone}${lineOf(f.ownKey)} → ${serverIp}`, expires, expectedIntervalMs: expected,
        role: f.protocol === 'sccp' ? (f.acks > 0 || Number.isFinite(f.interval) ? 'primary' : 'backup') : '',
        keepalives: f.records, count: f.count, late: f.late, expired: f.expired, unanswered: f.unanswered, resent: f.resent,
      };
    });
  }
}
