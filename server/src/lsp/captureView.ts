// The decoded, Wireshark-like text view of a binary capture: one line per kept frame, in the tab-separated layout
// engineers paste into tickets (the seed document's own tables), so the export reader and the grammar read it too.

import type { NetMessage, SourceInfo } from '../model';
import { analysisPrefix } from '../decode/tcp-labels';

export const VIEW_HEADER = 'No.\tTime\tSource\tDestination\tProtocol\tSequence Number\tAcknowledgement Number\tInfo';

export interface CaptureView {
  readonly text: string;
  /** 0-based line of each frame shown. */
  readonly lineOfFrame: ReadonlyMap<number, number>;
  /** Frame shown on each 0-based line (0 for header and note lines). */
  readonly frameOfLine: Int32Array;
  readonly shown: number;
}

function clock(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(Math.floor(ms)).toISOString();
  const us = Math.round((ms - Math.floor(ms)) * 1000);
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(us).padStart(3, '0')}`;
}

const PROTOCOL: Record<NetMessage['kind'], string> = { sip: 'SIP', sccp: 'SKINNY', tcp: 'TCP', arp: 'ARP', tls: 'TLS' };

/** Renders the messages of one capture source (already in frame order). */
export function renderCaptureView(messages: readonly NetMessage[], source: SourceInfo, totalFrames: number): CaptureView {
  const lines: string[] = [VIEW_HEADER];
  const lineOfFrame = new Map<number, number>();
  const frames: number[] = [0];
  for (const m of messages) {
    const frame = m.loc.frame ?? 0;
    if (!lineOfFrame.has(frame)) lineOfFrame.set(frame, lines.length);
    const t = m.tcp;
    lines.push([
      String(frame), clock(m.time), m.src, m.dst, PROTOCOL[m.kind], t ? String(t.seq) : '', t ? String(t.ack) : '',
      (analysisPrefix(m) + m.label).replace(/[\t\r\n]/g, ' '),
    ].join('\t'));
    frames.push(frame);
  }
  const note = `# ${source.file}: ${messages.length} of ${totalFrames} frames shown (SIP, SCCP, ARP, TLS records, and TCP frames with flags or analysis); CUCM Lens view, read-only.`;
  lines.push(note);
  frames.push(0);
  return { text: lines.join('\n') + '\n', lineOfFrame, frameOfLine: Int32Array.from(frames), shown: messages.length };
}
