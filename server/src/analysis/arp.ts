// arp.duplicate-reply: two or more MACs answer ARP for one IP within a few seconds (proxy ARP on a firewall, seed
// case 1.2). The host's own MAC is the one its IP packets come from (else, when exactly one of the answers is a
// VMware MAC, that one: CUCM runs virtualised); frames then sent to the other MAC, and the retransmissions that
// follow, are the evidence.

import type { Finding, Message, NetMessage, RelatedInfo, SourceLocation } from '../model';
import { TcpFlag } from '../model';

const WINDOW_MS = 5_000;
/** How long after the duplicate answers frames sent to the wrong MAC are collected as evidence. */
const FOLLOW_MS = 60_000;
const VMWARE = ['00:0c:29', '00:50:56', '00:05:69', '00:1c:14'];
const RETRANS = TcpFlag.Retransmission | TcpFlag.FastRetransmission | TcpFlag.SpuriousRetransmission;

interface Reply {
  mac: string;
  time: number;
  loc: SourceLocation;
}

interface Case {
  ip: string;
  replies: Reply[];
  at: Reply;
  dated: boolean;
  /** MACs the IP's own packets came from. */
  own: Set<string>;
  toWrong: { loc: SourceLocation; label: string; retrans: boolean; mac: string }[];
  until: number;
}

function isVmware(mac: string): boolean {
  const p = mac.toLowerCase().slice(0, 8);
  return VMWARE.includes(p);
}

export class ArpRules {
  /** source|ip -> recent replies */
  private readonly replies = new Map<string, Reply[]>();
  /** source|ip -> MACs its IP packets came from */
  private readonly own = new Map<string, Set<string>>();
  private readonly cases: Case[] = [];
  private readonly open = new Map<string, Case>();

  push(m: Message): void {
    if (m.kind === 'alarm') return;
    if (m.kind === 'arp') {
      if (m.arp && m.arp.op === 2 && m.arp.senderIp && m.arp.senderMac) this.reply(m);
      return;
    }
    // the MACs an IP's own packets come from, for the IPs ARP replies were seen for (no string per packet otherwise)
    if (this.own.size) {
      const s = this.own.get(`${m.loc.source}|${m.src}`);
      const src = s && s.size < 8 ? m.srcMac?.toLowerCase() : undefined;
      if (s && src) s.add(src);
    }
    if (this.open.size === 0) return;
    const c = this.open.get(`${m.loc.source}|${m.dst}`);
    if (!c) return;
    if (m.time > c.until) {
      this.open.delete(`${m.loc.source}|${m.dst}`);
      return;
    }
    const dmac = m.dstMac?.toLowerCase();
    const retrans = m.tcp !== undefined && (m.tcp.analysis & RETRANS) !== 0;
    if ((dmac || retrans) && c.toWrong.length < 16) c.toWrong.push({ loc: m.loc, label: m.label, retrans, mac: dmac ?? '' });
  }

  private reply(m: NetMessage): void {
    const a = m.arp!;
    const key = `${m.loc.source}|${a.senderIp}`;
    const mac = a.senderMac.toLowerCase();
    if (!this.own.has(key)) this.own.set(key, new Set());
    let list = this.replies.get(key);
    if (!list) this.replies.set(key, (list = []));
    while (list.length && !(m.time - list[0]!.time <= WINDOW_MS)) list.shift();
    const r = { mac, time: m.time, loc: m.loc };
    const others = list.filter((x) => x.mac !== mac);
    list.push(r);
    if (list.length > 16) list.shift();
    if (others.length === 0) return;
    const existing = this.open.get(key);
    if (existing && existing.replies.some((x) => x.mac === mac)) return;
    if (existing) {
      existing.replies.push(r);
      return;
    }
    const c: Case = { ip: a.senderIp, replies: [...others.filter((x, i, all) => all.findIndex((y) => y.mac === x.mac) === i), r], at: r, dated: m.dated, own: this.own.get(key)!, toWrong: [], until: m.time + FOLLOW_MS };
    this.cases.push(c);
    this.open.set(key, c);
  }

  finish(): Finding[] {
    const out: Finding[] = [];
    for (const c of this.cases) {
      const macs = c.replies.map((r) => r.mac);
      let real = macs.filter((x) => c.own.has(x));
      if (real.length !== 1) real = macs.filter(isVmware).length === 1 ? macs.filter(isVmware) : [];
      const host = real[0];
      const wrong = host ? macs.filter((x) => x !== host) : [];
      const sentWrong = c.toWrong.filter((x) => x.mac && wrong.includes(x.mac));
      const retrans = c.toWrong.filter((x) => x.retrans);
      const first = c.replies[0]!;
      const order = c.replies.map((r) => r.mac).join(', then ');
      const whose = host
        ? ` ${host} is ${c.own.has(host) ? `the MAC ${c.ip}'s own packets come from` : 'a VMware MAC (the CUCM virtual machine)'}; ${wrong.join(', ')} answered for it (proxy ARP suspected, e.g. on a firewall).`
        : ' Which MAC is the host\'s cannot be told from this capture (no packet from the IP itself).';
      const firstWrong = host && first.mac !== host ? ` The first answer came from ${first.mac}, so the sender used the wrong MAC.` : '';
      const evidence = sentWrong.length ? ` ${sentWrong.length} frame${sentWrong.length === 1 ? '' : 's'} then went to ${sentWrong[0]!.mac}` + (retrans.length ? `, with ${retrans.length} retransmission${retrans.length === 1 ? '' : 's'}` : '') + '.' : retrans.length ? ` ${retrans.length} retransmission${retrans.length === 1 ? '' : 's'} to ${c.ip} followed.` : '';
      const related: RelatedInfo[] = c.replies.slice(0, -1).map((r) => ({ loc: r.loc, message: `${c.ip} is at ${r.mac}` }));
      for (const x of c.toWrong.filter((y) => (y.mac && wrong.includes(y.mac)) || y.retrans).slice(0, 8)) related.push({ loc: x.loc, message: `${x.retrans ? 'retransmission' : 'sent'}${x.mac ? ` to ${x.mac}` : ''}: ${x.label}` });
      out.push({
        rule: 'arp.duplicate-reply', severity: 'warning', loc: c.at.loc, time: c.at.time, dated: c.dated, related,
        message: `${macs.length} MACs answered ARP for ${c.ip} within ${((c.at.time - first.time) / 1000).toFixed(3)} s: ${order}.${whose}${firstWrong}${evidence}`,
        evidence: { frame: c.at.loc.frame, ip: c.ip, macs: macs.join(' '), hostMac: host ?? null, framesToWrongMac: sentWrong.length, retransmissions: retrans.length },
      });
    }
    return out;
  }
}
