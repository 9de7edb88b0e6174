// All rule families over one timeline. A family takes messages one at a time (each source's messages in that
// source's order) and gives its findings at the end, so that a capture of any size is analysed without keeping its
// messages: a family keeps only the state it needs (alarms, per-connection state, per-flow state).

import type { Finding, FlowSummary, Message } from '../model';
import type { Settings } from '../settings';
import { alarmFindings } from './alarms';
import { TcpRules } from './tcp';
import { KeepaliveRules } from './keepalive';
import { ArpRules } from './arp';

export interface RuleFamily {
  push(m: Message): void;
  finish(): Finding[];
}

/** The alarm rules look across devices and files in time order: they keep the alarms (small next to captures). */
class AlarmRules implements RuleFamily {
  private readonly alarms: Message[] = [];
  constructor(private readonly settings: Settings) {}
  push(m: Message): void {
    if (m.kind === 'alarm') this.alarms.push(m);
  }
  finish(): Finding[] {
    return alarmFindings(sortTimeline(this.alarms), this.settings);
  }
}

/** Which families a runner feeds: all of them, or (when the network families run on the rules thread,
 * rules-thread.ts) the alarm rules alone on the reading thread and the network families alone on the other. */
export type Families = 'all' | 'alarms' | 'net';

/** Feeds every family; `finish` returns all findings (alarm families first, as before streaming). */
export class RuleRunner {
  private readonly families: RuleFamily[];
  private readonly keepalive: KeepaliveRules | null;
  /** `records`: keep each flow's keepalive records (the editor's hints and hovers; a case's evidence); the CLI's
   * analyze of one input does not. `stream`: messages are not kept, forget idle flows as the input streams.
   * `timelineOf`: which timeline a source belongs to (files of one trace set form one), default each its own. */
  constructor(settings: Settings, records = true, timelineOf?: (source: number) => number, stream = !records, which: Families = 'all') {
    this.keepalive = which === 'alarms' ? null : new KeepaliveRules(settings, records, timelineOf, stream);
    this.families = which === 'alarms' ? [new AlarmRules(settings)]
      : which === 'net' ? [new TcpRules(), this.keepalive!, new ArpRules()]
      : [new AlarmRules(settings), new TcpRules(), this.keepalive!, new ArpRules()];
  }
  /** The flows followed (after `finish`). */
  flows(): FlowSummary[] {
    return this.keepalive ? this.keepalive.summaries() : [];
  }
  push(m: Message): void {
    for (const f of this.families) f.push(m);
  }
  finish(): Finding[] {
    const out: Finding[] = [];
    for (const f of this.families) for (const x of f.finish()) out.push(x);
    return out;
  }
}

export function runRules(timeline: readonly Message[], settings: Settings, timelineOf?: (source: number) => number): { findings: Finding[]; flows: FlowSummary[] } {
  const runner = new RuleRunner(settings, true, timelineOf);
  for (const m of timeline) runner.push(m);
  const findings = runner.finish();
  return { findings, flows: runner.flows() };
}

/** Time order; messages without a time keep their place after the timed ones, in source order. */
export function sortTimeline<T extends Message>(messages: T[]): T[] {
  return messages.sort((a, b) => {
    const ta = a.time, tb = b.time;
    const fa = Number.isFinite(ta), fb = Number.isFinite(tb);
    if (fa && fb && ta !== tb) return ta - tb;
    if (fa !== fb) return fa ? -1 : 1;
    if (a.loc.source !== b.loc.source) return a.loc.source - b.loc.source;
    return (a.loc.line ?? a.loc.frame ?? 0) - (b.loc.line ?? b.loc.frame ?? 0);
  });
}
