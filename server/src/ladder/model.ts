// The ladder (sequence) diagram model: who sent what to whom, when, and what went wrong. Built from an analysis
// result; shared by the webview (through the cucmLens/ladder request), the SVG and Mermaid exports and the CLI.
//
// Pure data, JSON-safe (no NaN: unknown times are null). Every string that came from an input (labels, device
// names, addresses) is untrusted: renderers put it in text nodes or escape it, never in markup or attributes that
// execute.

export type LadderProtocol = 'sip' | 'sccp' | 'tcp' | 'arp' | 'tls' | 'alarm';
export const LADDER_PROTOCOLS: readonly LadderProtocol[] = ['sip', 'sccp', 'tcp', 'arp', 'tls', 'alarm'];

export interface LadderParticipant {
  /** 'ip:10.1.1.5', 'mac:f4:0f:1b:1e:26:a9', 'dev:SEP…', 'node:cucm-pub', 'broadcast' */
  readonly id: string;
  /** Column title: a device name, "CUCM 10.1.1.1", a MAC, "Broadcast". */
  readonly label: string;
  /** Second line: the address, or what an ARP responder claimed. */
  readonly sub: string;
  readonly kind: 'phone' | 'cucm' | 'host' | 'mac' | 'broadcast' | 'node';
}

/** Severity rank of the worst finding on an arrow: 0 error, 1 warning, 2 information, 3 hint, -1 none. */
export type SeverityRank = -1 | 0 | 1 | 2 | 3;

export interface LadderArrow {
  /** Epoch ms, null when unknown. */
  readonly t: number | null;
  /** Participant indexes; equal for a note (an alarm, an event seen at one place). */
  readonly from: number;
  readonly to: number;
  /** As Wireshark's flow graph would write it: "REGISTER", "200 OK", "KeepAlive", "[SYN]", "ARP … is at …". */
  readonly label: string;
  /** The full Info text and endpoints, for tooltips and search. */
  readonly detail: string;
  readonly proto: LadderProtocol;
  /** Source index (model.sources), the 1-based line it is shown on in that source's document (null when none),
   * and the capture frame (null for text sources). */
  readonly src: number;
  readonly line: number | null;
  readonly frame: number | null;
  /** Flow id (model.flows) or -1. */
  readonly flow: number;
  /** 0 for an original transmission; n for the n-th retransmission of the same data. */
  readonly retrans: number;
  /** Sent but never seen arriving (a correlation finding). */
  readonly lost: boolean;
  /** A keepalive request that got no answer. */
  readonly unanswered: boolean;
  readonly sev: SeverityRank;
  /** Rule ids of the findings at this message (at any of its copies in a case ladder). */
  readonly rules: readonly string[];
  // Case ladders only (several sources on one case clock, `AnalysisResult.clock`); absent in a single-source ladder,
  // so those stay as they were. A message seen at several observation points (a capture at the phone and one at the
  // CUCM, a CUCM trace) is one arrow: the copy observed first (the sender's side) gives src/line/frame and the time.
  /** The sources (model.sources indexes) that observed this message, in order of observation; seen[0] === src. */
  readonly seen?: readonly number[];
  /** Milliseconds from the first observation to the last on the case clock (two matched captures: their measured
   * one-way transit); null when it was observed once or a time is unknown. */
  readonly transit?: number | null;
  /** The other observations, in the order of seen[1..] (also[k].src === seen[k + 1]): where the copies are, for
   * cursor sync and for people. */
  readonly also?: readonly LadderCopy[];
}

/** Where a copy of a message was observed: a source, the line it is shown on (null when none) and its frame. */
export interface LadderCopy {
  readonly src: number;
  readonly line: number | null;
  readonly frame: number | null;
}

/** Something over a stretch of time: a keepalive gap, an unregistration, or (from === to) a deadline line. */
export interface LadderBand {
  readonly kind: 'gap' | 'unregistered' | 'deadline';
  readonly from: number;
  readonly to: number;
  /** The participant columns it spans (lowest and highest index are used). */
  readonly cols: readonly number[];
  readonly label: string;
  readonly rule: string;
  /** Flow id or -1. */
  readonly flow: number;
}

export interface LadderFlow {
  readonly id: number;
  readonly title: string;
  readonly protocol: 'sip' | 'sccp';
}

export interface LadderSource {
  /** File name or path as given. */
  readonly name: string;
  /** Document URI the lines refer to (the editor), or the path (the CLI). */
  readonly uri: string;
}

export interface LadderModel {
  readonly version: 1;
  readonly title: string;
  readonly sources: readonly LadderSource[];
  readonly participants: readonly LadderParticipant[];
  /** Sorted by time (messages without a time keep their place after the timed ones of their source). */
  readonly arrows: readonly LadderArrow[];
  readonly bands: readonly LadderBand[];
  readonly flows: readonly LadderFlow[];
  /** Rule ids present, for the rule filter. */
  readonly rules: readonly string[];
  /** Times are full dates (false: time of day only). */
  readonly dated: boolean;
  /** Messages left out because the model's cap was reached. */
  readonly omitted: number;
}

export const SEVERITY_RANK: Readonly<Record<string, SeverityRank>> = { error: 0, warning: 1, information: 2, hint: 3 };
