// All rule families over one timeline. Each family is a pure function of the messages and the settings.

import type { Finding, Message } from '../model';
import type { Settings } from '../settings';
import { alarmFindings } from './alarms';
import { tcpFindings } from './tcp';

export function runRules(timeline: readonly Message[], settings: Settings): Finding[] {
  const out = alarmFindings(timeline, settings);
  for (const f of tcpFindings(timeline)) out.push(f);
  return out;
}

/** Time order; messages without a time keep their place after the timed ones, in source order. */
export function sortTimeline(messages: Message[]): Message[] {
  return messages.sort((a, b) => {
    const ta = a.time, tb = b.time;
    const fa = Number.isFinite(ta), fb = Number.isFinite(tb);
    if (fa && fb && ta !== tb) return ta - tb;
    if (fa !== fb) return fa ? -1 : 1;
    if (a.loc.source !== b.loc.source) return a.loc.source - b.loc.source;
    return (a.loc.line ?? a.loc.frame ?? 0) - (b.loc.line ?? b.loc.frame ?? 0);
  });
}
