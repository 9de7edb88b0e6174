// Builds the ladder model from an analysis result: participants (phones by device name, CUCM nodes, other hosts,
// ARP responders by MAC), one arrow per kept message, retransmissions numbered, findings attached to the messages
// they point at, and bands for keepalive gaps, registration deadlines and unregistrations (alarms).
//
// A case (several sources analysed together, `result.clock` set): times are put on the case clock, and a message
// observed at several points (merge.ts finds its copies) is one arrow, the copy observed first, with the list of
// sources that saw it and the transit between the first and the last observation. The flows each source followed on
// its own timeline are joined per phone and server, so that a flow filter shows both halves of a conversation.

import { hostOf } from '../sources/names';
import type { AlarmMessage, AnalysisResult, Finding, Message, NetMessage, SourceLocation } from '../model';
import { TcpFlag } from '../model';
import { ALARMS } from '../knowledge/alarms';
import { UNREGISTER_REASONS } from '../knowledge/reasons';
import { analysisPrefix, flagText } from '../decode/tcp-labels';
import { formatDuration } from '../sources/time';
import type { FlowSummary } from '../model';
import type { LadderArrow, LadderBand, LadderFlow, LadderModel, LadderParticipant, LadderProtocol, LadderSource, SeverityRank } from './model';
import { SEVERITY_RANK } from './model';
import type { Copies } from './merge';
import { findCopies, locKey } from './merge';

export interface BuildOptions {
  readonly title?: string;
  /** One per analysed source, in order. */
  readonly sources: readonly LadderSource[];
  /** The 1-based line a location is shown on (captures shown through a decoded view); default: loc.line. */
  readonly lineOf?: (loc: SourceLocation) => number | null;
  /** At most this many arrows (the rest are counted in `omitted`). */
  readonly maxArrows?: number;
}

export const DEFAULT_MAX_ARROWS = 250_000;
const RETRANS = TcpFlag.Retransmission | TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission;
const SCCP_PORTS = new Set([2000, 2443]);
const BROADCAST = /^(ff:ff:ff:ff:ff:ff|broadcast)$/i;

const host = hostOf;

/** The short label Wireshark's flow graph would show. */
export function shortLabel(m: NetMessage): string {
  const prefix = prefixOf(m);
  if (m.sip) {
    const s = m.sip;
    const core = s.method ? s.method + (s.ciscoKeepAlive ? ' (keepalive)' : '') : s.status !== undefined ? `${s.status} ${s.reasonPhrase ?? ''}`.trim() : m.label;
    return prefix + core;
  }
  if (m.sccp) return prefix + m.sccp.name;
  if (m.kind === 'arp') {
    const a = arpOf(m);
    return a.op === 2 ? `ARP ${a.senderIp} is at ${a.senderMac}` : a.op === 1 ? `ARP Who has ${a.targetIp}? Tell ${a.senderIp}` : `ARP ${m.label}`;
  }
  if (m.kind === 'tcp') {
    if (m.tcp) return `${prefix}${flagText(m.tcp.flags)}${m.tcp.len > 0 ? ` Len=${m.tcp.len}` : ''}`;
    const brackets = m.label.match(/\[[^\]]*\]/g);
    return brackets ? brackets.join(' ') : m.label;
  }
  return prefix + m.label;
}

/** Wireshark's analysis prefix: from the TCP analysis, or as an export wrote it before the Info text. */
function prefixOf(m: NetMessage): string {
  if (m.tcp) return analysisPrefix(m);
  const lead = m.label.match(/^(\[TCP [^\]]*\]\s*)+/);
  return lead ? lead[0].replace(/\s*$/, ' ') : '';
}

function isRetransmission(m: NetMessage): boolean {
  if (m.tcp) return (m.tcp.analysis & RETRANS) !== 0;
  return /\[TCP (Fast |Spurious )?Retransmission\]/.test(m.label);
}

interface Arp {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

const ARP_REPLY = /^\s*(\S+) is at (\S+)/i;
const ARP_REQUEST = /who has (\S+?)\?\s*Tell (\S+)/i;

/** ARP fields from the decoded packet, or from an export's Info column ("… is at …", "Who has …? Tell …"). */
function arpOf(m: NetMessage): Arp {
  if (m.arp) return m.arp;
  const srcMac = m.srcMac ?? m.src, dstMac = m.dstMac ?? m.dst;
  const reply = ARP_REPLY.exec(m.label);
  if (reply) return { op: 2, senderIp: reply[1]!, senderMac: reply[2]!, targetMac: dstMac, targetIp: '' };
  const req = ARP_REQUEST.exec(m.label);
  if (req) return { op: 1, senderIp: req[2]!, senderMac: srcMac, targetMac: dstMac, targetIp: req[1]! };
  return { op: 0, senderIp: '', senderMac: srcMac, targetMac: dstMac, targetIp: '' };
}

class Participants {
  readonly list: LadderParticipant[] = [];
  private readonly index = new Map<string, number>();
  /** IP → device name (SIP Contact/From, SCCP Register). */
  readonly deviceOfIp = new Map<string, string>();
  readonly cucmIps = new Set<string>();
  /** MAC → IP, from ARP requests (the asker's own pair). */
  readonly ipOfMac = new Map<string, string>();
  readonly phoneIps = new Set<string>();

  /** A case: names that stand for an address (a trace's CUCM node name → the CUCM's address in a capture), and a
   * device's other addresses → the first (a phone behind NAT, seen at both ends). */
  private readonly alias: Map<string, string>;
  /** A case: a device's addresses, when it has several (its column's second line). */
  private readonly addresses = new Map<string, string[]>();

  constructor(alias?: ReadonlyMap<string, string>) {
    this.alias = new Map(alias);
  }

  /** A case: one column per device, whatever address each source saw it at. */
  joinDevices(): void {
    const byDevice = new Map<string, string[]>();
    for (const [ip, dev] of this.deviceOfIp) {
      if (this.alias.has(ip)) continue;
      const list = byDevice.get(dev);
      if (list) list.push(ip);
      else byDevice.set(dev, [ip]);
    }
    for (const ips of byDevice.values()) {
      if (ips.length < 2) continue;
      for (const ip of ips.slice(1)) this.alias.set(ip, ips[0]!);
      this.addresses.set(ips[0]!, ips);
    }
  }

  /** The address a message's end is shown at: itself, the address its name stands for, or its device's first. */
  addr(a: string): string {
    return this.alias.get(a) ?? a;
  }

  get(id: string, make: () => Omit<LadderParticipant, 'id'>): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.list.length;
      this.list.push({ id, ...make() });
      this.index.set(id, i);
    }
    return i;
  }

  find(id: string): number | undefined {
    return this.index.get(id);
  }

  ip(address: string): number {
    const ip = this.addr(address);
    return this.get(`ip:${ip}`, () => {
      const dev = this.deviceOfIp.get(ip);
      if (dev) return { label: dev, sub: this.addresses.get(ip)?.join(', ') ?? ip, kind: 'phone' };
      if (this.cucmIps.has(ip)) return { label: `CUCM ${ip}`, sub: 'call control', kind: 'cucm' };
      if (this.phoneIps.has(ip)) return { label: ip, sub: 'phone', kind: 'phone' };
      return { label: ip, sub: '', kind: 'host' };
    });
  }
}

/** Learns roles before any column is made, so a column's title does not depend on which message came first. */
function learnRoles(messages: readonly Message[], p: Participants): void {
  for (const m of messages) {
    if (m.kind === 'alarm') {
      if (m.device && m.ip) p.deviceOfIp.set(m.ip, m.device);
      continue;
    }
    if (m.kind === 'arp') {
      const a = arpOf(m);
      if (a.op === 1 && a.senderIp && a.senderMac) p.ipOfMac.set(a.senderMac.toLowerCase(), a.senderIp);
      continue;
    }
    const src = p.addr(m.src), dst = p.addr(m.dst);
    if (m.sip) {
      if (m.sip.method) {
        if (m.sip.method === 'REGISTER') {
          p.phoneIps.add(src);
          p.cucmIps.add(dst);
        }
        if (m.sip.device) p.deviceOfIp.set(src, m.sip.device);
      } else if (m.sip.device && m.sip.cseqMethod === 'REGISTER') p.deviceOfIp.set(dst, m.sip.device);
    } else if (m.sccp) {
      const toServer = SCCP_PORTS.has(m.dstPort) || (!SCCP_PORTS.has(m.srcPort) && /KeepAlive$|^Register/.test(m.sccp.name));
      const phone = toServer ? src : dst;
      p.phoneIps.add(phone);
      p.cucmIps.add(toServer ? dst : src);
      if (m.sccp.device) p.deviceOfIp.set(phone, m.sccp.device);
    }
  }
  for (const ip of p.deviceOfIp.keys()) p.cucmIps.delete(ip);
}

type MutableArrow = { -readonly [K in keyof LadderArrow]: LadderArrow[K] };
const NO_RULES: readonly string[] = Object.freeze([]);

interface Building {
  arrows: MutableArrow[];
  /** The first arrow of each location (a frame can carry several messages: they follow it). */
  byLoc: Map<string, number>;
  /** A case: the locations of copies merged into an arrow of another location → those arrows. */
  copyLoc: Map<string, number[]>;
}

/** The arrows at a location: the first and the ones right after it with the same location, then the arrows that
 * copies at this location were merged into. */
function* arrowsAt(b: Building, loc: SourceLocation): Generator<number> {
  const key = locKey(loc);
  const first = b.byLoc.get(key);
  if (first !== undefined) {
    const a0 = b.arrows[first]!;
    for (let i = first; i < b.arrows.length; i++) {
      const a = b.arrows[i]!;
      if (i > first && (a.src !== a0.src || a.frame !== a0.frame || a.line !== a0.line || a.t !== a0.t)) break;
      yield i;
    }
  }
  const merged = b.copyLoc.get(key);
  if (merged) yield* merged;
}

/** A case: one flow id per phone and server, over the flows each source followed on its own timeline (the lowest id
 * stands for the others). */
function joinFlows(flows: readonly FlowSummary[], p: Participants): Map<number, number> {
  const byKey = new Map<string, number>();
  const out = new Map<number, number>();
  for (const f of [...flows].sort((x, y) => x.id - y.id)) {
    const key = f.protocol === 'sip' ? `sip|${p.addr(host(f.phone))}|${p.addr(host(f.server))}` : `sccp|${f.phone}|${p.addr(host(f.server))}`;
    const id = byKey.get(key);
    if (id === undefined) byKey.set(key, f.id);
    out.set(f.id, id ?? f.id);
  }
  return out;
}

/** The ladder model of an analysis result (a case's, when result.clock is set: see the top of this file). */
export function buildLadder(result: AnalysisResult, opts: BuildOptions): LadderModel {
  const max = opts.maxArrows ?? DEFAULT_MAX_ARROWS;
  const lineOf = opts.lineOf ?? ((loc: SourceLocation) => loc.line);
  // a case: copies found once, times on the case clock; a single source keeps the plain path (no extra work)
  const copies: Copies | null = result.clock ? findCopies(result) : null;
  const offsets = new Map<number, number>();
  for (const c of result.clock ?? []) if (Number.isFinite(c.offsetMs)) offsets.set(c.source, c.offsetMs);
  const offsetOf = (source: number): number => offsets.get(source) ?? 0;
  const p = new Participants(copies?.alias);
  learnRoles(result.messages, p);
  if (copies) p.joinDevices();

  // time order, stable; untimed messages keep their place in their source after the timed ones
  const order = result.messages.map((_, i) => i);
  const timeOf = (i: number): number => (copies ? copies.caseTime[i]! : result.messages[i]!.time);
  const tOf = (i: number): number => {
    const t = timeOf(i);
    return Number.isFinite(t) ? t : Infinity;
  };
  order.sort((a, b) => tOf(a) - tOf(b) || result.messages[a]!.loc.source - result.messages[b]!.loc.source || a - b);

  // flows: by their keepalive records' locations, then by endpoints
  const flowOfLoc = new Map<string, number>();
  const flowOfEnds = new Map<string, number>();
  for (const f of result.flows) {
    for (const k of f.keepalives) {
      flowOfLoc.set(locKey(k.loc), f.id);
      if (k.responseLoc) flowOfLoc.set(locKey(k.responseLoc), f.id);
    }
    const ends = f.protocol === 'sip' ? `${host(f.phone)}|${host(f.server)}` : `${f.phone}|${f.server}`;
    if (!flowOfEnds.has(ends)) flowOfEnds.set(ends, f.id);
  }
  const joined = copies ? joinFlows(result.flows, p) : null;
  const flowOfMessage = (m: NetMessage): number => {
    const byLoc = flowOfLoc.get(locKey(m.loc));
    if (byLoc !== undefined) return byLoc;
    if (m.kind === 'arp') return -1;
    for (const [a, b] of [[m.src, m.dst], [m.dst, m.src]] as const) {
      const aPort = a === m.src ? m.srcPort : m.dstPort;
      const bPort = a === m.src ? m.dstPort : m.srcPort;
      const sip = flowOfEnds.get(`${a}|${b}`);
      if (sip !== undefined) return sip;
      const sccp = flowOfEnds.get(`${a}:${aPort}|${b}:${bPort}`) ?? flowOfEnds.get(`${a}:${aPort}|${b}`);
      if (sccp !== undefined) return sccp;
    }
    return -1;
  };
  const flowOf = (m: NetMessage): number => {
    const id = flowOfMessage(m);
    return joined && id >= 0 ? joined.get(id) ?? id : id;
  };

  const b: Building = { arrows: [], byLoc: new Map(), copyLoc: new Map() };
  /** A case: the arrow of each kept message (-1: not drawn). */
  const arrowOf = copies ? new Int32Array(result.messages.length).fill(-1) : null;
  const resends = new Map<string, number>();
  let broadcast = -1;
  let omitted = 0;
  for (const i of order) {
    // a copy seen first elsewhere is drawn as that copy's arrow
    if (copies && copies.keptOf[i] !== i) continue;
    const m = result.messages[i]!;
    if (b.arrows.length >= max) {
      omitted++;
      continue;
    }
    if (arrowOf) arrowOf[i] = b.arrows.length;
    const time = timeOf(i);
    const t = Number.isFinite(time) ? time : null;
    const line = lineOf(m.loc);
    if (m.kind === 'alarm') {
      const col = alarmColumn(m, p);
      if (!b.byLoc.has(locKey(m.loc))) b.byLoc.set(locKey(m.loc), b.arrows.length);
      b.arrows.push({
        t, from: col, to: col, label: alarmLabel(m), detail: alarmDetail(m), proto: 'alarm', src: m.loc.source, line,
        frame: m.loc.frame, flow: -1, retrans: 0, lost: false, unanswered: false, sev: -1, rules: NO_RULES,
      });
      continue;
    }
    let from: number, to: number;
    if (m.kind === 'arp') {
      const arp = arpOf(m);
      const known = (ip: string): boolean => !!ip && (p.find(`ip:${ip}`) !== undefined || p.phoneIps.has(ip) || p.cucmIps.has(ip) || p.deviceOfIp.has(ip));
      const macColumn = (mac: string, sub: string): number => {
        const ip = p.ipOfMac.get(mac.toLowerCase());
        if (ip && known(ip)) return p.ip(ip);
        return p.get(`mac:${mac.toLowerCase()}`, () => ({ label: mac, sub: sub || (ip ?? ''), kind: 'mac' }));
      };
      if (arp.op === 2) {
        // a reply: the responder by MAC (what matters is who answered), to the asker by IP when known
        const mac = arp.senderMac || m.srcMac || m.src;
        from = p.get(`mac:${mac.toLowerCase()}`, () => ({ label: mac, sub: arp.senderIp ? `ARP for ${arp.senderIp}` : 'ARP', kind: 'mac' }));
        to = known(arp.targetIp) ? p.ip(arp.targetIp) : macColumn(arp.targetMac || m.dstMac || m.dst, arp.targetIp);
      } else {
        from = known(arp.senderIp) ? p.ip(arp.senderIp) : macColumn(arp.senderMac || m.srcMac || m.src, arp.senderIp);
        const dst = m.dstMac ?? m.dst;
        if (!dst || BROADCAST.test(dst)) {
          if (broadcast < 0) broadcast = p.get('broadcast', () => ({ label: 'Broadcast', sub: 'ff:ff:ff:ff:ff:ff', kind: 'broadcast' }));
          to = broadcast;
        } else to = macColumn(dst, arp.targetIp);
      }
    } else {
      from = p.ip(m.src);
      to = p.ip(m.dst);
    }
    let retrans = 0;
    if (m.kind !== 'arp' && isRetransmission(m)) {
      // per original frame (a segment can carry several SIP messages: each is counted on its own)
      const what = m.label.replace(/^(\[TCP [^\]]*\]\s*)+/, '');
      const key = m.tcp?.refFrame !== undefined ? `${m.loc.source}#${m.tcp.refFrame}|${what}` : `${m.loc.source}|${m.src}:${m.srcPort}|${m.dst}:${m.dstPort}|${m.tcp?.seq ?? ''}|${what}`;
      retrans = (resends.get(key) ?? 0) + 1;
      resends.set(key, retrans);
    }
    const ports = Number.isFinite(m.srcPort) ? [`${m.src}:${m.srcPort}`, `${m.dst}:${m.dstPort}`] : [m.src, m.dst];
    let label = shortLabel(m), proto = m.kind as LadderProtocol, flow = flowOf(m);
    let detail = `${ports[0]} → ${ports[1]}${m.transport ? ` (${m.transport.toUpperCase()})` : ''}: ${m.label}`;
    // a case: a segment the sender's capture shows as plain TCP (data sent again is not read again) that another
    // point read as SIP or SCCP (it saw it first there) is named by what it carried
    const decoded = m.kind === 'tcp' && !m.sip && !m.sccp ? copies?.groups.get(i)?.map((c) => result.messages[c]!).find((c): c is NetMessage => c.kind !== 'alarm' && !!(c.sip || c.sccp)) : undefined;
    if (decoded) {
      label = prefixOf(m) + shortLabel(decoded).slice(prefixOf(decoded).length);
      proto = decoded.kind as LadderProtocol;
      if (flow < 0) flow = flowOf(decoded);
      detail += ` · read as ${decoded.label}`;
    }
    if (!b.byLoc.has(locKey(m.loc))) b.byLoc.set(locKey(m.loc), b.arrows.length);
    b.arrows.push({
      t, from, to, label, detail, proto, src: m.loc.source, line, frame: m.loc.frame, flow, retrans,
      lost: false, unanswered: false, sev: -1, rules: NO_RULES,
    });
  }

  if (copies && arrowOf) {
    // where each arrow was observed; the copies' locations lead to their arrow (findings, keepalive records)
    for (let i = 0; i < result.messages.length; i++) {
      const k = arrowOf[copies.keptOf[i]!]!;
      if (k < 0) continue;
      if (copies.keptOf[i] === i) {
        const group = copies.groups.get(i);
        const a = b.arrows[k]!;
        if (!group) {
          a.seen = [a.src];
          a.transit = null;
          a.also = [];
          continue;
        }
        const transit = copies.transit.get(i)!;
        a.seen = group.map((c) => result.messages[c]!.loc.source);
        a.transit = Number.isFinite(transit) ? transit : null;
        a.also = group.slice(1).map((c) => {
          const loc = result.messages[c]!.loc;
          return { src: loc.source, line: lineOf(loc), frame: loc.frame };
        });
      } else {
        const key = locKey(result.messages[i]!.loc);
        const list = b.copyLoc.get(key);
        if (!list) b.copyLoc.set(key, [k]);
        else if (!list.includes(k)) list.push(k);
      }
    }
  }

  // findings on arrows; bands from the keepalive findings
  const bands: LadderBand[] = [];
  // a case: each source's rules find the same gap on their copy of a message; one band per rule and arrow
  const bandKeys = copies ? new Set<string>() : null;
  const ruleSet = new Set<string>();
  for (const f of result.findings) {
    ruleSet.add(f.rule);
    const r = (SEVERITY_RANK[f.severity] ?? 3) as SeverityRank;
    let at: number | undefined;
    for (const k of arrowsAt(b, f.loc)) {
      at ??= k;
      const a = b.arrows[k]!;
      if (a.sev < 0 || r < a.sev) a.sev = r;
      if (!a.rules.includes(f.rule)) a.rules = [...a.rules, f.rule];
      if (f.rule === 'capture.not-received' && f.evidence['side'] === 'sender') a.lost = true;
    }
    const band = bandOf(f, at === undefined ? undefined : b.arrows[at], offsetOf(f.loc.source));
    if (!band) continue;
    if (bandKeys) {
      const key = `${f.rule}|${at}`;
      if (bandKeys.has(key)) continue;
      bandKeys.add(key);
    }
    bands.push(band);
  }
  for (const f of result.flows) {
    for (const k of f.keepalives) {
      if (k.response) continue;
      for (const i of arrowsAt(b, k.loc)) if (b.arrows[i]!.retrans === 0 && b.arrows[i]!.proto !== 'tcp') b.arrows[i]!.unanswered = true;
    }
  }
  bands.push(...unregistrations(result.messages, b, timeOf, copies));

  const arrows: LadderArrow[] = b.arrows;
  const flows: LadderFlow[] = result.flows.filter((f) => !joined || joined.get(f.id) === f.id).map((f) => ({ id: f.id, title: f.title, protocol: f.protocol }));
  const dated = result.messages.some((m) => m.dated && Number.isFinite(m.time));
  return {
    version: 1, title: opts.title ?? opts.sources.map((s) => s.name).join(', '), sources: opts.sources, participants: p.list, arrows,
    bands: bands.sort((x, y) => x.from - y.from), flows, rules: [...ruleSet].sort(), dated, omitted,
  };
}

function alarmColumn(m: AlarmMessage, p: Participants): number {
  if (m.ip && p.find(`ip:${p.addr(m.ip)}`) !== undefined) return p.ip(m.ip);
  if (m.ip && (p.deviceOfIp.has(m.ip) || p.phoneIps.has(m.ip))) return p.ip(m.ip);
  if (m.device) return p.get(`dev:${m.device}`, () => ({ label: m.device, sub: m.ip || 'alarms', kind: 'phone' }));
  const node = m.node || 'CUCM';
  return p.get(`node:${node}`, () => ({ label: node, sub: 'alarms', kind: 'node' }));
}

function alarmLabel(m: AlarmMessage): string {
  const info = ALARMS.get(m.name);
  let reason = '';
  if (Number.isFinite(m.reason)) {
    const r = info?.reasons?.get(m.reason);
    reason = r ? ` (${m.reason} ${r.name})` : ` (Reason ${m.reason})`;
  }
  return `${m.name}${reason}`;
}

function alarmDetail(m: AlarmMessage): string {
  const bits = [m.name];
  if (m.device) bits.push(m.device);
  if (m.ip) bits.push(m.ip);
  if (Number.isFinite(m.reason)) bits.push(`Reason=${m.reason}`);
  if (m.lastSignal) bits.push(`LastSignalReceived=${m.lastSignal}`);
  if (m.node) bits.push(`node ${m.node}`);
  return bits.join(' · ');
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}



/** The band a finding draws. `offset` puts the finding's own times (a deadline) on the case clock; times taken from
 * the arrow are on it already. */
function bandOf(f: Finding, a: LadderArrow | undefined, offset: number): LadderBand | null {
  if (!a || !Number.isFinite(f.time)) return null;
  const cols = [a.from, a.to];
  const ev = f.evidence;
  switch (f.rule) {
    case 'sip.register.late': {
      const interval = num(ev['intervalMs']), expected = num(ev['expectedMs']);
      if (!Number.isFinite(interval) || a.t === null) return null;
      return { kind: 'gap', from: a.t - interval, to: a.t, cols, rule: f.rule, flow: a.flow, label: `${formatDuration(interval)} since the last 200 OK (expected ${formatDuration(expected)})` };
    }
    case 'sccp.keepalive.missed': {
      const gap = num(ev['gapMs']), interval = num(ev['intervalMs']);
      if (!Number.isFinite(gap) || a.t === null) return null;
      return { kind: 'gap', from: a.t - gap, to: a.t, cols, rule: f.rule, flow: a.flow, label: `no KeepAlive for ${formatDuration(gap)} (expected every ${formatDuration(interval)})` };
    }
    case 'sip.register.expired': {
      const deadline = num(ev['deadlineMs']) + offset;
      if (!Number.isFinite(deadline)) return null;
      return { kind: 'deadline', from: deadline, to: deadline, cols, rule: f.rule, flow: a.flow, label: `registration expires (${num(ev['grantedS'])} s granted)` };
    }
    default:
      return null;
  }
}

/** EndPointUnregistered … EndPointRegistered of the same device (or the end of the timeline): a band on its column.
 * `timeOf` gives a message's time on the ladder's clock (a case's); a case's copies of an alarm count once. */
function unregistrations(messages: readonly Message[], b: Building, timeOf: (i: number) => number, copies: Copies | null): LadderBand[] {
  const out: LadderBand[] = [];
  const open = new Map<string, { m: AlarmMessage; t: number; col: number }>();
  let end = -Infinity;
  const alarms: { m: AlarmMessage; t: number }[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const t = timeOf(i);
    if (Number.isFinite(t) && t > end) end = t;
    if (m.kind === 'alarm' && m.device && Number.isFinite(t) && (!copies || copies.keptOf[i] === i)) alarms.push({ m, t });
  }
  alarms.sort((x, y) => x.t - y.t);
  for (const { m, t } of alarms) {
    const family = ALARMS.get(m.name)?.family;
    const at = b.byLoc.get(locKey(m.loc));
    if (at === undefined) continue;
    const col = b.arrows[at]!.from;
    if (family === 'unregistered') {
      if (!open.has(m.device)) open.set(m.device, { m, t, col });
    } else if (family === 'registered') {
      const o = open.get(m.device);
      if (o) {
        out.push(unregBand(o.m, o.t, o.col, t, true));
        open.delete(m.device);
      }
    }
  }
  for (const o of open.values()) out.push(unregBand(o.m, o.t, o.col, Math.max(end, o.t), false));
  return out;
}

function unregBand(m: AlarmMessage, from: number, col: number, to: number, closed: boolean): LadderBand {
  const r = Number.isFinite(m.reason) ? UNREGISTER_REASONS.get(m.reason) : undefined;
  const why = Number.isFinite(m.reason) ? ` (Reason ${m.reason}${r ? ` ${r.name}` : ''})` : '';
  return { kind: 'unregistered', from, to, cols: [col], rule: 'alarm', flow: -1, label: closed ? `${m.device} unregistered${why} for ${formatDuration(to - from)}` : `${m.device} unregistered${why}; no re-registration seen` };
}
