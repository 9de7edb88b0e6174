import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpFindings } from '../../server/src/analysis/tcp';
import type { NetMessage, TcpInfo } from '../../server/src/model';
import { TcpFlag } from '../../server/src/model';

let frame = 0;
function seg(t: number, src: string, sp: number, dst: string, dp: number, tcp: Partial<TcpInfo>, kind: NetMessage['kind'] = 'tcp', label = ''): NetMessage {
  frame++;
  return {
    kind, loc: { source: 0, line: null, frame }, time: t, dated: true, src, dst, srcPort: sp, dstPort: dp, transport: 'tcp',
    label, tcp: { seq: 1, ack: 1, len: 0, flags: 16, win: 8192, analysis: 0, ...tcp },
  };
}

test('tcp rules: retransmission kinds, lost segments, reset and a reconnect after it', () => {
  frame = 0;
  const P = '10.106.114.185', C = '10.106.114.161';
  const msgs: NetMessage[] = [
    seg(0, P, 53006, C, 5060, { flags: 2, seq: 100 }), // 1 SYN
    seg(1, C, 5060, P, 53006, { flags: 18 }), // 2 SYN ACK
    seg(2, P, 53006, C, 5060, { flags: 24, seq: 101, len: 400 }, 'sip', 'Request: REGISTER sip:10.106.114.161'), // 3
    seg(300, P, 53006, C, 5060, { flags: 24, seq: 101, len: 400, analysis: TcpFlag.Retransmission, refFrame: 3 }, 'sip', 'Request: REGISTER sip:10.106.114.161'), // 4
    seg(400, P, 53006, C, 5060, { flags: 24, seq: 501, len: 10, analysis: TcpFlag.FastRetransmission, refFrame: 3 }), // 5
    seg(500, C, 5060, P, 53006, { flags: 24, seq: 9, len: 10, analysis: TcpFlag.SpuriousRetransmission }), // 6
    seg(600, C, 5060, P, 53006, { seq: 50, analysis: TcpFlag.LostSegment }), // 7
    seg(700, P, 53006, C, 5060, { analysis: TcpFlag.AckedUnseen }), // 8
    seg(800, C, 5060, P, 53006, { flags: 20 }), // 9 RST ACK
    seg(5800, P, 53007, C, 5060, { flags: 2, seq: 7 }), // 10 SYN again
  ];
  const f = tcpFindings(msgs);
  const rules = f.map((x) => [x.rule, x.loc.frame]);
  assert.deepEqual(rules, [
    ['tcp.retransmission', 4], ['tcp.fast-retransmission', 5], ['tcp.spurious-retransmission', 6], ['tcp.lost-segment', 7],
    ['tcp.lost-segment', 8], ['tcp.reset', 9], ['tcp.reconnect', 10],
  ]);
  assert.match(f[0]!.message, /Retransmission 10\.106\.114\.185:53006 → 10\.106\.114\.161:5060 Seq=101 Len=400 \(Request: REGISTER sip:10\.106\.114\.161\)/);
  assert.equal(f[0]!.related[0]!.loc.frame, 3);
  assert.match(f[5]!.message, /Connection reset by 10\.106\.114\.161:5060/);
  assert.match(f[6]!.message, /10\.106\.114\.185 opens a new connection to 10\.106\.114\.161:5060 5\.0 s after the previous one was reset by 10\.106\.114\.161:5060 \(frame 9\)/);
  assert.equal(f[6]!.related[0]!.loc.frame, 9);
});

test('tcp rules: a clean exchange gives nothing; the first SYN is not a reconnect', () => {
  frame = 0;
  const msgs = [seg(0, 'a', 40000, 'b', 2000, { flags: 2 }), seg(1, 'b', 2000, 'a', 40000, { flags: 18 }), seg(2, 'a', 40000, 'b', 2000, { flags: 24, len: 12 }, 'sccp', 'KeepAliveReq')];
  assert.deepEqual(tcpFindings(msgs), []);
});
