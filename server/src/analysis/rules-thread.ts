// The network rule families (TCP, keepalive, ARP) on a second thread, for the CLI's streaming analyze of large inputs:
// the reading thread decodes and sends each network message as numbers (wire.ts) in batches of 256 KiB; the rules
// thread (rules-worker.ts) rebuilds them and runs the same RuleRunner code on them, in the same order; alarms stay on
// the reading thread with their own rules. The findings are the same as on one thread (test/unit/rules-thread.test.ts
// compares them on every fixture); the reading thread no longer waits for the rules.
//
// Memory stays bounded: at most MAX_IN_FLIGHT batches are on their way; past that the reading thread waits for the
// rules thread (Atomics.wait on a shared counter the rules thread advances after each batch). A rules thread that
// fails says so through a shared flag (the reading thread then stops sending, and `finish` rejects with its error);
// one that stops advancing for STALL_MS is given up on the same way, so the reading thread never waits forever.

import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, FlowSummary, NetMessage } from '../model';
import type { Settings } from '../settings';
import { MessageEncoder } from './wire';
import type { WireBatch } from './wire';

/** Batches on their way at most (4 MiB). */
const MAX_IN_FLIGHT = 16;
const STALL_MS = 15_000;
/** Shared counters: batches done by the rules thread, and its failure flag. */
export const CTL_DONE = 0;
export const CTL_FAILED = 1;

/** What the rules thread is given to start. */
export interface RulesThreadInit {
  readonly settings: Settings;
  /** The timeline of each source (index), as the engine's `timelineOf`. */
  readonly timeline: readonly number[];
  /** False: the messages are rebuilt and dropped (reading alone, on two threads: the bench's baseline). */
  readonly rules: boolean;
  readonly ctl: Int32Array;
}

export type RulesThreadReply =
  | { readonly type: 'result'; readonly findings: Finding[]; readonly flows: FlowSummary[] }
  | { readonly type: 'error'; readonly message: string };

/** The worker script: beside the bundle (dist/rules-worker.js) or the compiled engine (out/server/src/rules-worker.js). */
export function rulesWorkerFile(): string | null {
  const f = path.join(__dirname, 'rules-worker.js');
  if (fs.existsSync(f)) return f;
  const up = path.join(__dirname, '..', 'rules-worker.js');
  return fs.existsSync(up) ? up : null;
}

export class RulesThread {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  /** Capture readers write their SIP and SCCP messages here as bytes (`CaptureDecoder.pdus`). */
  readonly encoder = new MessageEncoder((b) => this.send(b));
  private readonly result: Promise<{ findings: Finding[]; flows: FlowSummary[] }>;
  private sent = 0;
  private failure = '';
  private ended = false;

  /** `stallMs`: how long the reading thread waits for a rules thread that does not advance (tests shorten it). */
  constructor(file: string, settings: Settings, timeline: readonly number[], private readonly stallMs = STALL_MS, rules = true) {
    const init: RulesThreadInit = { settings, timeline, rules, ctl: this.ctl };
    this.worker = new Worker(file, { workerData: init });
    // while the input is read, the thread alone does not keep the process alive (an error on the reading side ends it)
    this.worker.unref();
    this.result = new Promise((resolve, reject) => {
      let settled = false;
      this.worker.on('message', (r: RulesThreadReply) => {
        if (settled) return;
        settled = true;
        if (r.type === 'result') resolve({ findings: r.findings, flows: r.flows });
        else reject(new Error(`the rules thread failed: ${r.message}`));
      });
      this.worker.on('error', (e) => {
        if (settled) return;
        settled = true;
        Atomics.store(this.ctl, CTL_FAILED, 1);
        reject(new Error(`the rules thread failed: ${e.message}`));
      });
      this.worker.on('exit', (code) => {
        if (settled) return;
        settled = true;
        Atomics.store(this.ctl, CTL_FAILED, 1);
        reject(new Error(`the rules thread stopped (exit code ${code}) before it gave its findings`));
      });
    });
    // seen by `finish`; not an unhandled rejection meanwhile
    this.result.catch(() => undefined);
  }

  /** The thread failed, died or stalled: nothing more is sent, and `finish` rejects with why. */
  get failed(): boolean {
    return this.failure !== '' || Atomics.load(this.ctl, CTL_FAILED) !== 0;
  }

  push(m: NetMessage): void {
    if (this.failure || Atomics.load(this.ctl, CTL_FAILED)) return;
    this.encoder.push(m);
  }

  private send(b: WireBatch): void {
    const ctl = this.ctl;
    let stalled = 0;
    for (;;) {
      if (Atomics.load(ctl, CTL_FAILED)) return;
      const done = Atomics.load(ctl, CTL_DONE);
      if (this.sent - done < MAX_IN_FLIGHT) break;
      const step = Math.min(1000, this.stallMs);
      if (Atomics.wait(ctl, CTL_DONE, done, step) === 'timed-out' && (stalled += step) >= this.stallMs) {
        this.failure = `it judged nothing for ${this.stallMs / 1000} s`;
        Atomics.store(ctl, CTL_FAILED, 1);
        return;
      }
    }
    this.worker.postMessage({ type: 'batch', batch: b }, b.bytes ? [b.values.buffer as ArrayBuffer, b.bytes.buffer as ArrayBuffer] : [b.values.buffer as ArrayBuffer]);
    this.sent++;
  }

  /** The network families' findings and the flows, once every message sent has been judged. */
  async finish(): Promise<{ findings: Finding[]; flows: FlowSummary[] }> {
    // waited for from here on: the process must not end before its answer (or its exit) arrives
    this.worker.ref();
    if (!this.ended) {
      this.ended = true;
      this.encoder.flush();
      if (!this.failure) this.worker.postMessage({ type: 'end' });
    }
    try {
      if (this.failure) throw new Error(`the rules thread failed: ${this.failure}`);
      return await this.result;
    } finally {
      await this.close();
    }
  }

  /** Stops the thread (after `finish`, or when reading failed). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
