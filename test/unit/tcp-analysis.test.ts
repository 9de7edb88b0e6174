// TCP sequence analysis against Wireshark. Every `expect` list below is tshark's answer for the scenario, recorded
// with TShark (Wireshark) 4.0.17 (Debian 4.0.17-0+deb12u3) from the pcap this file writes for it:
//   tshark -r X -T fields -e frame.number -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission ...
// (the full field list is FIELDS below; duplicate ACKs also give tcp.analysis.duplicate_ack_num / _frame).
// The tests do not need tshark. With CUCM_LENS_TSHARK=1 and tshark installed they also re-run tshark on every
// scenario (proving the recorded answers) and on a few hundred random conversations (differential check);
// CUCM_LENS_TSHARK=print prints tshark's answers in this file's format, for writing new scenarios.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TcpFlag } from '../../server/src/model';
import { DecodedFrame, NetDecoder, NetStatus } from '../../server/src/decode/net';
import { TcpAnalyzer, endpointKey, newTcpSegment, segmentFromFrame, type TcpSegment } from '../../server/src/decode/tcp-analysis';
import { ACK, PSH, SYN, ether, ipv6, scenarioFrames, tcp, writePcap, type PcapRecord, type TcpScenario, type TcpStep } from '../helpers/packets';
import { tempDir } from '../helpers/paths';

const FLAG_NAMES = Object.entries(TcpFlag) as [string, number][];

/** 'Retransmission+FastRetransmission', 'DuplicateAck #2@9', '' (no flags). */
function describe(flags: number, dupNum = 0, dupFrame = 0): string {
  const names = FLAG_NAMES.filter(([, bit]) => flags & bit).map(([n]) => n);
  return names.join('+') + (dupNum ? ` #${dupNum}@${dupFrame}` : '');
}

interface Result {
  text: string[];
  refs: number[];
  refTs: number[];
  streams: number[];
}

function analyse(records: PcapRecord[], analyzer = new TcpAnalyzer()): Result {
  const dec = new NetDecoder();
  const d = new DecodedFrame();
  const seg = newTcpSegment();
  const res: Result = { text: [], refs: [], refTs: [], streams: [] };
  records.forEach((r, i) => {
    const st = dec.decode({ frame: i + 1, tsUs: r.tsUs, linkType: 1, data: r.data, origLen: r.data.length, iface: 0 }, d);
    assert.equal(st, NetStatus.Ok);
    assert.ok(segmentFromFrame(d, seg));
    const a = analyzer.analyze(seg);
    res.text.push(describe(a.flags, a.dupAckNum, a.dupAckNum ? a.refFrame : 0));
    res.refs.push(a.refFrame);
    res.refTs.push(a.refTsUs);
    res.streams.push(a.stream);
  });
  return res;
}

// ---- scenarios (numbers relative to each side's ISN; see TcpStep in test/helpers/packets.ts) -----------------------

const hs = (rtt = 20): TcpStep[] => [
  { d: 'c', t: 0, fl: 'S' },
  { d: 's', t: rtt / 2, fl: 'SA' },
  { d: 'c', t: rtt, fl: 'A' },
];

interface Case {
  name: string;
  sc: TcpScenario;
  /** tshark 4.0.17, one entry per captured frame. */
  expect: string[];
}

const CASES: Case[] = [
  {
    name: 'clean handshake, request, response and FIN close: no flags',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A' },
        { d: 's', t: 50, fl: 'PA', len: 50 },
        { d: 'c', t: 60, fl: 'A' },
        { d: 'c', t: 70, fl: 'FA' },
        { d: 's', t: 80, fl: 'FA' },
        { d: 'c', t: 90, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', '', '', '', '', '', ''],
  },
  {
    name: 'RTO retransmissions of a request that is never acknowledged in time',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 330, fl: 'PA', seq: 1, len: 100 },
        { d: 'c', t: 930, fl: 'PA', seq: 1, len: 100 },
        { d: 's', t: 940, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', 'Retransmission', 'Retransmission', ''],
  },
  {
    name: 'fast retransmission after three duplicate ACKs (#1 #2 #3)',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 31, fl: 'PA', len: 100 },
        { d: 'c', t: 32, fl: 'PA', len: 100 },
        { d: 'c', t: 33, fl: 'PA', len: 100 },
        { d: 'c', t: 34, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A', ack: 101 },
        { d: 's', t: 41, fl: 'A', ack: 101 },
        { d: 's', t: 42, fl: 'A', ack: 101 },
        { d: 's', t: 43, fl: 'A', ack: 101 },
        { d: 'c', t: 45, fl: 'PA', seq: 101, len: 100 },
        { d: 's', t: 55, fl: 'A', ack: 501 },
      ],
    },
    expect: [
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'DuplicateAck #1@9',
      'DuplicateAck #2@9',
      'DuplicateAck #3@9',
      'Retransmission+FastRetransmission',
      '',
    ],
  },
  {
    name: 'duplicate ACKs but the resend comes more than 20 ms after the last: a plain retransmission',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 31, fl: 'PA', len: 100 },
        { d: 'c', t: 32, fl: 'PA', len: 100 },
        { d: 'c', t: 33, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A', ack: 101 },
        { d: 's', t: 41, fl: 'A', ack: 101 },
        { d: 's', t: 42, fl: 'A', ack: 101 },
        { d: 'c', t: 80, fl: 'PA', seq: 101, len: 100 },
        { d: 's', t: 90, fl: 'A', ack: 401 },
      ],
    },
    expect: ['', '', '', '', '', '', '', '', 'DuplicateAck #1@8', 'DuplicateAck #2@8', 'Retransmission', ''],
  },
  {
    name: 'spurious retransmission: the data was already acknowledged',
    sc: {
      steps: [...hs(), { d: 'c', t: 30, fl: 'PA', len: 100 }, { d: 's', t: 40, fl: 'A' }, { d: 'c', t: 300, fl: 'PA', seq: 1, len: 100 }, { d: 's', t: 310, fl: 'A' }],
    },
    expect: ['', '', '', '', '', 'Retransmission+SpuriousRetransmission', 'DuplicateAck #1@5'],
  },
  {
    name: 'spurious wins over out-of-order (checked first)',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 31, fl: 'PA', len: 100 },
        { d: 's', t: 35, fl: 'A' },
        { d: 'c', t: 36, fl: 'PA', seq: 1, len: 100 },
      ],
    },
    expect: ['', '', '', '', '', '', 'Retransmission+SpuriousRetransmission'],
  },
  {
    name: 'previous segment not captured, and the ACK covering it is an ACKed unseen segment',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 31, fl: 'PA', len: 100, lost: true },
        { d: 'c', t: 32, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', 'LostSegment', 'AckedUnseen'],
  },
  {
    name: 'ACKed unseen segment: flagged once per gap, then again after the other side moves on',
    sc: {
      steps: [
        ...hs(),
        { d: 's', t: 30, fl: 'PA', len: 100, lost: true },
        { d: 'c', t: 40, fl: 'A' },
        { d: 'c', t: 41, fl: 'A' },
        { d: 's', t: 50, fl: 'PA', len: 50 },
        { d: 'c', t: 60, fl: 'A' },
        { d: 'c', t: 61, fl: 'A', ack: 151 },
      ],
    },
    expect: ['', '', '', 'AckedUnseen', 'DuplicateAck #1@4', 'LostSegment', 'AckedUnseen', 'DuplicateAck #1@7'],
  },
  {
    name: 'ACKed unseen segment in the same frame as a resend: the parked counter makes it a fast retransmission',
    sc: {
      steps: [
        { d: 'c', t: 0, fl: 'S' },
        { d: 's', t: 5, fl: 'SA' },
        { d: 'c', t: 6, fl: 'A' },
        { d: 'c', t: 7, fl: 'PA', len: 100 },
        { d: 's', t: 8, fl: 'PA', len: 100, ack: 1, lost: true },
        { d: 'c', t: 20, fl: 'PA', seq: 1, len: 100 },
      ],
    },
    expect: ['', '', '', '', 'Retransmission+FastRetransmission+AckedUnseen'],
  },
  {
    name: 'zero window, zero window probes and their ACKs, window update',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A', win: 0 },
        { d: 'c', t: 240, fl: 'A', len: 1 },
        { d: 's', t: 250, fl: 'A', win: 0, ack: 101 },
        { d: 'c', t: 640, fl: 'A', len: 1, seq: 101 },
        { d: 's', t: 650, fl: 'A', win: 0, ack: 101 },
        { d: 's', t: 700, fl: 'A', win: 4096, ack: 101 },
        { d: 'c', t: 710, fl: 'PA', seq: 101, len: 100 },
        { d: 's', t: 720, fl: 'A', win: 4096 },
      ],
    },
    expect: [
      '',
      '',
      '',
      '',
      'ZeroWindow',
      'ZeroWindowProbe',
      'ZeroWindow',
      'ZeroWindowProbe',
      'ZeroWindow',
      'WindowUpdate',
      '',
      '',
    ],
  },
  {
    name: 'keep-alives (0 and 1 byte) and keep-alive ACKs',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A' },
        { d: 'c', t: 30040, fl: 'A', seq: 100 },
        { d: 's', t: 30050, fl: 'A' },
        { d: 'c', t: 60050, fl: 'A', seq: 100, len: 1 },
        { d: 's', t: 60060, fl: 'A' },
        { d: 'c', t: 60070, fl: 'PA', len: 20 },
        { d: 's', t: 60080, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', '', 'KeepAlive', 'KeepAliveAck', 'KeepAlive', 'KeepAliveAck', '', ''],
  },
  {
    name: 'RST answers: never "previous segment not captured"',
    sc: {
      steps: [...hs(), { d: 'c', t: 30, fl: 'PA', len: 100 }, { d: 's', t: 40, fl: 'RA' }, { d: 'c', t: 50, fl: 'PA', len: 100 }, { d: 's', t: 60, fl: 'R', seq: 1 }],
    },
    expect: ['', '', '', '', '', '', ''],
  },
  {
    name: 'SYN and SYN/ACK retransmissions',
    sc: {
      steps: [
        { d: 'c', t: 0, fl: 'S' },
        { d: 'c', t: 1000, fl: 'S', seq: 0 },
        { d: 'c', t: 3000, fl: 'S', seq: 0 },
        { d: 's', t: 3010, fl: 'SA' },
        { d: 's', t: 4010, fl: 'SA', seq: 0 },
        { d: 'c', t: 4020, fl: 'A' },
      ],
    },
    expect: ['', 'Retransmission', 'Retransmission', '', 'Retransmission', ''],
  },
  {
    name: 'after a RST, a SYN with a new ISN to the same server port is a new conversation (ports reused)',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'RA' },
        { d: 'c', t: 5000, fl: 'S', isn: 90000 },
        { d: 's', t: 5010, fl: 'RA' },
        { d: 'c', t: 8000, fl: 'S', seq: 0 },
        { d: 's', t: 8010, fl: 'SA', isn: 333333 },
        { d: 'c', t: 8020, fl: 'A' },
        { d: 'c', t: 8030, fl: 'PA', len: 10 },
      ],
    },
    expect: ['', '', '', '', '', 'ReusedPorts', '', 'Retransmission', 'Retransmission+ReusedPorts', '', ''],
  },
  {
    name: 'after a FIN close, a new SYN on the same ports',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'FA' },
        { d: 's', t: 40, fl: 'FA' },
        { d: 'c', t: 50, fl: 'A' },
        { d: 'c', t: 5000, fl: 'S', isn: 90000 },
        { d: 's', t: 5010, fl: 'SA', isn: 333333 },
        { d: 'c', t: 5020, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', '', '', 'ReusedPorts', '', ''],
  },
  {
    name: 'FIN retransmission',
    sc: { steps: [...hs(), { d: 'c', t: 30, fl: 'FA' }, { d: 'c', t: 330, fl: 'FA', seq: 1 }, { d: 's', t: 340, fl: 'FA' }, { d: 'c', t: 350, fl: 'A' }] },
    expect: ['', '', '', '', 'Retransmission', '', ''],
  },
  {
    name: 'out-of-order: an earlier segment within the handshake RTT of the highest one',
    sc: { steps: [...hs(), { d: 'c', t: 30, fl: 'PA', seq: 101, len: 100 }, { d: 'c', t: 30.5, fl: 'PA', seq: 1, len: 100 }, { d: 's', t: 40, fl: 'A' }] },
    expect: ['', '', '', 'LostSegment', 'OutOfOrder', ''],
  },
  {
    name: 'an earlier segment later than the RTT is a retransmission',
    sc: { steps: [...hs(), { d: 'c', t: 30, fl: 'PA', seq: 101, len: 100 }, { d: 'c', t: 55, fl: 'PA', seq: 1, len: 100 }, { d: 's', t: 60, fl: 'A' }] },
    expect: ['', '', '', 'LostSegment', 'Retransmission', ''],
  },
  {
    name: 'fast retransmission is checked before out-of-order',
    sc: {
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 100 },
        { d: 'c', t: 31, fl: 'PA', len: 100 },
        { d: 'c', t: 32, fl: 'PA', len: 100 },
        { d: 's', t: 40, fl: 'A', ack: 101 },
        { d: 's', t: 41, fl: 'A', ack: 101 },
        { d: 's', t: 42, fl: 'A', ack: 101 },
        { d: 'c', t: 43, fl: 'PA', len: 100 },
        { d: 'c', t: 43.5, fl: 'PA', seq: 101, len: 100 },
      ],
    },
    expect: [
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'DuplicateAck #1@7',
      'DuplicateAck #2@7',
      '',
      'Retransmission+FastRetransmission',
    ],
  },
  {
    name: 'a FIN resent at once is a retransmission, not out-of-order (FIN counts in nextseq)',
    sc: { steps: [...hs(), { d: 'c', t: 30, fl: 'FA', len: 100 }, { d: 'c', t: 30.5, fl: 'FA', seq: 1, len: 100 }] },
    expect: ['', '', '', '', 'Retransmission'],
  },
  {
    name: 'window full without scaling',
    sc: {
      steps: [
        { d: 'c', t: 0, fl: 'S' },
        { d: 's', t: 10, fl: 'SA', win: 1000 },
        { d: 'c', t: 20, fl: 'A' },
        { d: 'c', t: 30, fl: 'PA', len: 1000 },
        { d: 's', t: 40, fl: 'A', win: 500 },
        { d: 'c', t: 50, fl: 'PA', len: 500 },
      ],
    },
    expect: ['', '', '', 'WindowFull', '', 'WindowFull'],
  },
  {
    name: 'window full with window scaling (the SYN/ACK window itself is not scaled)',
    sc: {
      steps: [
        { d: 'c', t: 0, fl: 'S', ws: 2 },
        { d: 's', t: 10, fl: 'SA', win: 1000, ws: 2 },
        { d: 'c', t: 20, fl: 'A' },
        { d: 'c', t: 30, fl: 'PA', len: 1000 },
        { d: 's', t: 40, fl: 'A', win: 250, ack: 1 },
        { d: 'c', t: 50, fl: 'PA', len: 1000 },
        { d: 's', t: 60, fl: 'A', win: 100 },
        { d: 'c', t: 70, fl: 'PA', len: 400 },
      ],
    },
    expect: ['', '', '', 'WindowFull', 'WindowUpdate', '', '', 'WindowFull'],
  },
  {
    name: 'capture starting in the middle of a connection',
    sc: {
      steps: [
        { d: 'c', t: 0, fl: 'PA', seq: 1, len: 100 },
        { d: 's', t: 10, fl: 'A', seq: 1 },
        { d: 'c', t: 20, fl: 'PA', len: 100 },
        { d: 'c', t: 320, fl: 'PA', seq: 101, len: 100 },
        { d: 's', t: 330, fl: 'A' },
      ],
    },
    expect: ['', '', '', 'Retransmission', ''],
  },
  {
    name: 'window update, then a duplicate ACK',
    sc: { steps: [...hs(), { d: 'c', t: 30, fl: 'PA', len: 100 }, { d: 's', t: 40, fl: 'A' }, { d: 's', t: 50, fl: 'A', win: 16000 }, { d: 's', t: 60, fl: 'A', win: 16000 }] },
    expect: ['', '', '', '', '', 'WindowUpdate', 'DuplicateAck #1@5'],
  },
  {
    name: 'sequence numbers wrapping past 2^32',
    sc: {
      client: { ip: '10.1.1.10', port: 51000, isn: 4294967000 },
      server: { ip: '10.1.1.1', port: 2000, isn: 4294967200 },
      steps: [
        ...hs(),
        { d: 'c', t: 30, fl: 'PA', len: 200 },
        { d: 'c', t: 31, fl: 'PA', len: 200 },
        { d: 'c', t: 32, fl: 'PA', len: 200, lost: true },
        { d: 'c', t: 33, fl: 'PA', len: 200 },
        { d: 's', t: 40, fl: 'PA', len: 300 },
        { d: 'c', t: 300, fl: 'PA', seq: 201, len: 200 },
        { d: 's', t: 310, fl: 'A', ack: 801 },
      ],
    },
    expect: [
      '',
      '',
      '',
      '',
      '',
      'LostSegment',
      'AckedUnseen',
      'Retransmission+SpuriousRetransmission',
      'DuplicateAck #1@7',
    ],
  },
  {
    name: 'seed case 2: a keepalive REGISTER after idle is lost, resent with growing delays',
    sc: {
      client: { ip: '10.60.98.210', port: 49152, isn: 123456 },
      server: { ip: '10.60.1.10', port: 5060, isn: 987654 },
      steps: [
        ...hs(2),
        { d: 'c', t: 10, fl: 'PA', len: 600 },
        { d: 's', t: 20, fl: 'PA', len: 400 },
        { d: 'c', t: 30, fl: 'A' },
        { d: 'c', t: 115030, fl: 'PA', len: 600 },
        { d: 'c', t: 115130, fl: 'PA', seq: 601, len: 600 },
        { d: 'c', t: 115330, fl: 'PA', seq: 601, len: 600 },
        { d: 'c', t: 115730, fl: 'PA', seq: 601, len: 600 },
        { d: 's', t: 115740, fl: 'A' },
        { d: 's', t: 115750, fl: 'PA', len: 400 },
        { d: 'c', t: 115760, fl: 'A' },
      ],
    },
    expect: ['', '', '', '', '', '', '', 'Retransmission', 'Retransmission', 'Retransmission', '', '', ''],
  },
];

function byName(prefix: string): Case {
  const c = CASES.find((x) => x.name.startsWith(prefix));
  assert.ok(c, prefix);
  return c;
}

test('TCP analysis agrees with tshark 4.0.17 on every scenario', () => {
  for (const c of CASES) {
    assert.deepEqual(analyse(scenarioFrames(c.sc)).text, c.expect, c.name);
  }
});

test('retransmissions name the frame that first carried the data (and its time)', () => {
  const seed = byName('seed case 2');
  const recs = scenarioFrames(seed.sc);
  const r = analyse(recs);
  // frames 8, 9, 10 resend frame 7 (the REGISTER after 115 s idle): 100, 300, 700 ms after it
  assert.deepEqual(r.refs.slice(7, 10), [7, 7, 7]);
  assert.deepEqual(
    r.refTs.slice(7, 10).map((ts, i) => (recs[7 + i].tsUs - ts) / 1000),
    [100, 300, 700],
  );
  const fast = analyse(scenarioFrames(byName('fast retransmission after').sc));
  assert.equal(fast.refs[12], 5, 'the fast retransmission resends frame 5');
  const syn = analyse(scenarioFrames(byName('SYN and SYN/ACK').sc));
  assert.deepEqual(syn.refs, [0, 1, 1, 0, 4, 0]);
});

test('port reuse starts a new conversation (a new stream number); conversations are independent', () => {
  const reuse = analyse(scenarioFrames(byName('after a RST').sc));
  assert.deepEqual(reuse.streams, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  // two conversations interleaved give the same answers as each alone
  const a = scenarioFrames(byName('fast retransmission after').sc);
  const b = scenarioFrames({ ...byName('zero window').sc, client: { ip: '10.1.1.11', port: 51001, isn: 5 } }, 1_704_067_200_000_500);
  const merged = [...a.map((r) => ({ r, from: 'a' })), ...b.map((r) => ({ r, from: 'b' }))].sort((x, y) => x.r.tsUs - y.r.tsUs);
  const m = analyse(merged.map((x) => x.r));
  // renumber the expected duplicate-ACK frames into the merged numbering
  const frameOf = (from: string, n: number): number => merged.findIndex((x) => x.from === from && x.r === (from === 'a' ? a : b)[n - 1]) + 1;
  const alone = { a: analyse(a).text, b: analyse(b).text };
  merged.forEach((x, i) => {
    const own = x.from === 'a' ? a : b;
    const want = alone[x.from as 'a' | 'b'][own.indexOf(x.r)].replace(/@(\d+)$/, (_, n: string) => `@${frameOf(x.from, Number(n))}`);
    assert.equal(m.text[i], want, `merged frame ${i + 1}`);
  });
});

test('IPv6 conversations are keyed by interned address ids', () => {
  const frame = (src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: number, len: number): Uint8Array =>
    ether({ type: 0x86dd }, ipv6({ src, dst, next: 6 }, tcp({ sport, dport, seq, ack, flags, win: 1000 }, new Uint8Array(len))));
  const P = '2001:db8::10';
  const C = '2001:db8::1';
  const recs: PcapRecord[] = [
    frame(P, C, 5000, 5061, 100, 0, SYN, 0),
    frame(C, P, 5061, 5000, 900, 101, SYN | ACK, 0),
    frame(P, C, 5000, 5061, 101, 901, ACK, 0),
    frame(P, C, 5000, 5061, 101, 901, ACK | PSH, 50),
    frame(P, C, 5000, 5061, 101, 901, ACK | PSH, 50),
  ].map((data, i) => ({ tsUs: 1_000_000 + i * 100_000, data }));
  assert.deepEqual(analyse(recs).text, ['', '', '', '', 'Retransmission']);
});

test('memory is bounded: least recently used and closed conversations are forgotten', () => {
  const an = new TcpAnalyzer({ maxConversations: 3, closedTimeoutUs: 1_000_000, idleTimeoutUs: 10_000_000 });
  const seg: TcpSegment = newTcpSegment();
  const send = (client: number, ts: number, flags: number, seq: number, len = 0): void => {
    seg.frame++;
    seg.tsUs = ts;
    seg.srcKey = endpointKey(0x0a000000 + client, 40000);
    seg.dstKey = endpointKey(0x0a0000fe, 2000);
    seg.seq = seq;
    seg.ack = 1;
    seg.flags = flags;
    seg.win = 1000;
    seg.len = len;
    an.analyze(seg);
  };
  for (let c = 1; c <= 3; c++) send(c, c, SYN, 1000);
  assert.equal(an.conversationCount, 3);
  send(1, 10, ACK, 1001); // 1 is now the most recently used
  send(4, 11, SYN, 1000); // over the cap: 2 (least recently used) goes
  assert.equal(an.conversationCount, 3);
  assert.equal(an.evicted, 1);
  send(2, 12, ACK | PSH, 1001, 10); // 2 is new again: no flags, new stream
  assert.equal(an.result.flags, 0);
  assert.equal(an.result.stream, 4);
  send(1, 13, ACK | PSH, 1001, 10);
  assert.equal(an.result.stream, 0, 'conversation 1 kept its state');
  // closed conversations go closedTimeoutUs after their last segment, open ones after idleTimeoutUs
  send(1, 14, 4 /* RST */, 1011);
  send(4, 15, 4 /* RST */, 1001);
  send(2, 2_000_000, ACK, 1011);
  assert.equal(an.conversationCount, 1, 'the two closed ones are forgotten 1 s after their last segment');
  send(5, 20_000_000, SYN, 1000);
  assert.equal(an.conversationCount, 1, 'conversation 2, idle for 18 s, is forgotten');
  assert.equal(an.evicted, 5);
});

// ---- tshark (optional) ----------------------------------------------------------------------------------------------

const FIELDS: [string, number][] = [
  ['retransmission', TcpFlag.Retransmission],
  ['fast_retransmission', TcpFlag.FastRetransmission],
  ['spurious_retransmission', TcpFlag.SpuriousRetransmission],
  ['lost_segment', TcpFlag.LostSegment],
  ['duplicate_ack', TcpFlag.DuplicateAck],
  ['ack_lost_segment', TcpFlag.AckedUnseen],
  ['zero_window', TcpFlag.ZeroWindow],
  ['keep_alive', TcpFlag.KeepAlive],
  ['out_of_order', TcpFlag.OutOfOrder],
  ['window_update', TcpFlag.WindowUpdate],
  ['zero_window_probe', TcpFlag.ZeroWindowProbe],
  ['window_full', TcpFlag.WindowFull],
  ['reused_ports', TcpFlag.ReusedPorts],
  ['keep_alive_ack', TcpFlag.KeepAliveAck],
];

const TSHARK_MODE = process.env.CUCM_LENS_TSHARK ?? '';
const haveTshark = TSHARK_MODE !== '' && spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function tsharkAnswers(records: PcapRecord[], file: string): string[] {
  writePcap(file, 1, records);
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number'];
  for (const [f] of FIELDS) args.push('-e', `tcp.analysis.${f}`);
  args.push('-e', 'tcp.analysis.duplicate_ack_num', '-e', 'tcp.analysis.duplicate_ack_frame');
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const cols = line.split('|');
      let flags = 0;
      FIELDS.forEach(([, bit], i) => {
        if (cols[i + 1] !== '') flags |= bit;
      });
      return describe(flags, Number(cols[FIELDS.length + 1] || 0), Number(cols[FIELDS.length + 2] || 0));
    });
}

test('tshark gives the recorded answers (CUCM_LENS_TSHARK=1)', { skip: !haveTshark && 'set CUCM_LENS_TSHARK=1 with tshark installed' }, () => {
  const dir = tempDir();
  CASES.forEach((c, i) => {
    const answers = tsharkAnswers(scenarioFrames(c.sc), path.join(dir, `case${i}.pcap`));
    if (TSHARK_MODE === 'print') {
      console.log(`// ${c.name}\nexpect: ${JSON.stringify(answers)},`);
      return;
    }
    assert.deepEqual(answers, c.expect, c.name);
  });
});

/** Random conversations: losses, resends, reordering, duplicate ACKs, windows, keep-alives, FIN/RST, port reuse,
 * ISNs near the 2^32 wrap, delays around the 3 ms / 20 ms / RTT thresholds. */
function randomScenario(rnd: () => number): TcpScenario {
  const ri = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const pick = <T>(xs: T[]): T => xs[ri(0, xs.length - 1)];
  const steps: TcpStep[] = [];
  let t = 0;
  const next = { c: 1, s: 1 };
  const sent: Record<'c' | 's', [number, number][]> = { c: [], s: [] };
  const lastAck = { c: 1, s: 1 };
  const win = { c: 8192, s: 8192 };
  const adv = (): number => (t += pick([0.1, 0.5, 1, 2, 2.9, 3.1, 5, 15, 19, 21, 25, 100, 300, 1000]));
  if (rnd() < 0.85) {
    const ws = rnd() < 0.5 ? ri(0, 7) : undefined;
    steps.push({ d: 'c', t: adv(), fl: 'S', ws });
    if (rnd() < 0.2) steps.push({ d: 'c', t: adv(), fl: 'S', seq: 0, ws });
    steps.push({ d: 's', t: adv(), fl: 'SA', ws: ws !== undefined && rnd() < 0.8 ? ri(0, 7) : undefined, win: pick([1000, 8192, 65535]) });
    steps.push({ d: 'c', t: adv(), fl: 'A', ack: 1 });
  }
  for (let i = 0, n = ri(10, 60); i < n; i++) {
    const d = rnd() < 0.55 ? 'c' : 's';
    const p = d === 'c' ? 's' : 'c';
    const ack = (): number => {
      const v = rnd();
      return (lastAck[d] = v < 0.6 ? next[p] : v < 0.85 ? lastAck[d] : Math.max(0, next[p] - ri(1, 300)));
    };
    const w = (): number => (rnd() < 0.75 ? win[d] : (win[d] = pick([0, 100, 1000, 8192, 16384, 65535])));
    const r = rnd();
    if (r < 0.4) {
      const len = pick([1, 2, 10, 100, 500, 1000]);
      steps.push({ d, t: adv(), fl: 'PA', seq: next[d], len, ack: ack(), win: w(), lost: rnd() < 0.1 });
      sent[d].push([next[d], len]);
      next[d] += len;
    } else if (r < 0.5 && sent[d].length) {
      const [seq, len] = pick(sent[d]);
      steps.push({ d, t: adv(), fl: 'PA', seq, len, ack: ack(), win: w() });
    } else if (r < 0.75) steps.push({ d, t: adv(), fl: 'A', seq: next[d], ack: ack(), win: w() });
    else if (r < 0.83) steps.push({ d, t: adv(), fl: 'A', seq: next[d], ack: lastAck[d], win: win[d] });
    else if (r < 0.88) steps.push({ d, t: adv(), fl: 'A', seq: Math.max(0, next[d] - 1), len: pick([0, 1]), ack: lastAck[d], win: win[d] });
    else if (r < 0.9) steps.push({ d, t: adv(), fl: 'A', seq: next[d], len: 1, ack: lastAck[d], win: win[d] });
    else if (r < 0.93 && i > 5) {
      steps.push({ d, t: adv(), fl: 'FA', seq: next[d], ack: ack(), win: w() });
      next[d] += 1;
    } else if (r < 0.95 && i > 5) steps.push({ d, t: adv(), fl: pick(['R', 'RA']), seq: next[d], ack: lastAck[d], win: 0 });
    else if (r < 0.97 && i > 5) {
      steps.push({ d: 'c', t: adv(), fl: 'S', isn: ri(1, 2 ** 31) });
      next.c = 1;
      sent.c = [];
      if (rnd() < 0.7) {
        steps.push({ d: 's', t: adv(), fl: 'SA', isn: ri(1, 2 ** 31), ack: 1 });
        next.s = 1;
        sent.s = [];
        lastAck.s = 1;
      }
    } else {
      const l1 = pick([10, 100]);
      const l2 = pick([10, 100]);
      const s1 = next[d];
      next[d] += l1 + l2;
      sent[d].push([s1, l1], [s1 + l1, l2]);
      const a = ack();
      steps.push({ d, t: adv(), fl: 'PA', seq: s1 + l1, len: l2, ack: a, win: win[d] });
      steps.push({ d, t: t + pick([0.2, 1, 10]), fl: 'PA', seq: s1, len: l1, ack: a, win: win[d] });
      t += 10;
    }
  }
  return {
    client: { ip: '10.1.1.10', port: 51000, isn: pick([1000, 4294967000, 4294967295, 0, ri(1, 2 ** 32 - 1)]) },
    server: { ip: '10.1.1.1', port: 2000, isn: pick([700000, 4294966000, 0, ri(1, 2 ** 32 - 1)]) },
    steps,
  };
}

test('random conversations agree with tshark (CUCM_LENS_TSHARK=1)', { skip: !haveTshark && 'set CUCM_LENS_TSHARK=1 with tshark installed' }, () => {
  const dir = tempDir();
  let seed = Number(process.env.CUCM_LENS_TSHARK_SEED ?? 1) >>> 0;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const runs = Number(process.env.CUCM_LENS_TSHARK_RUNS ?? 200);
  let frames = 0;
  for (let i = 0; i < runs; i++) {
    const sc = randomScenario(rnd);
    const recs = scenarioFrames(sc);
    if (recs.length === 0) continue;
    const want = tsharkAnswers(recs, path.join(dir, `random${i % 4}.pcap`));
    assert.deepEqual(analyse(recs).text, want, `random scenario ${i}: ${JSON.stringify(sc)}`);
    frames += recs.length;
  }
  assert.ok(frames > runs * 5);
});
