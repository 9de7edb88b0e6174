// The rules thread (analysis/rules-thread.ts): network messages arrive as numbers in batches; each is rebuilt and fed
// to the TCP, keepalive and ARP families in the order it was read. At the end the findings and flows go back.

import { parentPort, workerData } from 'node:worker_threads';
import { RuleRunner } from './analysis';
import { MessageDecoder } from './analysis/wire';
import type { WireBatch } from './analysis/wire';
import { CTL_DONE, CTL_FAILED } from './analysis/rules-thread';
import type { RulesThreadInit, RulesThreadReply } from './analysis/rules-thread';

const init = workerData as RulesThreadInit;
const port = parentPort!;
const timeline = init.timeline;
const runner = new RuleRunner(init.settings, false, (s) => timeline[s] ?? s, true, 'net');
const decoder = new MessageDecoder();
const push = init.rules ? (m: Parameters<RuleRunner['push']>[0]): void => runner.push(m) : (): void => undefined;
let failed = false;

function fail(e: unknown): void {
  failed = true;
  Atomics.store(init.ctl, CTL_FAILED, 1);
  Atomics.notify(init.ctl, CTL_DONE);
  const err = e as Error;
  const reply: RulesThreadReply = { type: 'error', message: err?.stack ?? String(e) };
  port.postMessage(reply);
}

// an error outside the handler below (it catches its own) also fails the thread at once, not after the stall limit
process.on('uncaughtException', (e) => {
  if (!failed) fail(e);
});

port.on('message', (msg: { type: 'batch'; batch: WireBatch } | { type: 'end' }) => {
  if (failed) return;
  try {
    if (msg.type === 'batch') {
      decoder.decode(msg.batch, push);
      Atomics.add(init.ctl, CTL_DONE, 1);
      Atomics.notify(init.ctl, CTL_DONE);
      return;
    }
    const findings = runner.finish();
    const reply: RulesThreadReply = { type: 'result', findings, flows: runner.flows() };
    port.postMessage(reply);
  } catch (e) {
    fail(e);
  }
});
