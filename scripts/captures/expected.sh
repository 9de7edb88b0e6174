#!/usr/bin/env bash
# Write <capture>.expected.json beside a capture: tshark's own answers, for tests to compare with.
#
#   bash scripts/captures/expected.sh test/fixtures/captures/sip-tcp-clean.pcap
#
# One tshark run per display filter, single pass (no -2), default preferences (-o none given):
#   tshark -r F -Y <filter> -T fields -e frame.number
# The "filters" object in the output records exactly which filter produced which list, and "notes"
# records the relations between the lists that were observed in this very file.
set -euo pipefail

pcap=${1:?usage: expected.sh <capture.pcap>}
[[ -f $pcap ]] || { echo "no such file: $pcap" >&2; exit 1; }
command -v tshark >/dev/null || { echo "tshark is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }
out="${pcap%.pcap}"
out="${out%.pcapng}.expected.json"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# key|display filter  (order = order in the JSON)
filters=(
  'registerFrames|sip.Method == "REGISTER"'
  'registerOkFrames|sip.Status-Code == 200 && sip.CSeq.method == "REGISTER"'
  'registerTcpRetransmission|tcp.analysis.retransmission && tcp.payload matches "^REGISTER "'
  'retransmission|tcp.analysis.retransmission'
  'fastRetransmission|tcp.analysis.fast_retransmission'
  'spuriousRetransmission|tcp.analysis.spurious_retransmission'
  'outOfOrder|tcp.analysis.out_of_order'
  'lostSegment|tcp.analysis.lost_segment'
  'duplicateAck|tcp.analysis.duplicate_ack'
  'ackedUnseen|tcp.analysis.ack_lost_segment'
  'keepAlive|tcp.analysis.keep_alive'
  'rst|tcp.flags.reset == 1'
  'syn|tcp.flags.syn == 1'
  'synWithoutAck|tcp.flags.syn == 1 && tcp.flags.ack == 0'
  'fin|tcp.flags.fin == 1'
  'sipResend|sip.resend == 1'
  'arp|arp'
)

: >"$tmp/index"
for entry in "${filters[@]}"; do
  key=${entry%%|*}
  filter=${entry#*|}
  tshark -r "$pcap" -Y "$filter" -T fields -e frame.number >"$tmp/$key" 2>"$tmp/$key.err" || {
    echo "tshark failed on filter $filter: $(cat "$tmp/$key.err")" >&2
    exit 1
  }
  printf '%s\t%s\n' "$key" "$filter" >>"$tmp/index"
done
tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l >"$tmp/frames"
# SIP messages with their frame (a frame may carry several), with default preferences and again with
# out-of-order TCP segments reassembled (off by default in this tshark: the SIP messages inside an
# out-of-order segment are then not reported at all).
for ooo in FALSE TRUE; do
  tshark -r "$pcap" -o "tcp.reassemble_out_of_order:$ooo" -Y sip -T fields -E separator='|' -E occurrence=a \
    -E aggregator=, -e frame.number -e sip.Method -e sip.Status-Code -e sip.CSeq.seq -e sip.CSeq.method \
    -e sip.Call-ID >"$tmp/sip.$ooo" 2>/dev/null
done
tshark --version 2>/dev/null | head -1 >"$tmp/version"

node - "$tmp" "$out" "$(basename "$pcap")" <<'EOF'
const fs = require('fs');
const [dir, out, file] = process.argv.slice(2);
const read = (f) => fs.readFileSync(`${dir}/${f}`, 'utf8');
const lines = (s) => s.split('\n').filter((l) => l.trim() !== '');
const versionLine = read('version').trim();
const version = (versionLine.match(/TShark \(Wireshark\) (\S+)/) || [])[1] || versionLine;
const result = { file, tshark: version, tsharkVersionLine: versionLine, frames: Number(read('frames').trim()) };
const filters = {};
for (const row of lines(read('index'))) {
  const [key, filter] = row.split('\t');
  filters[key] = filter;
  result[key] = lines(read(key)).map(Number);
}
const set = (k) => new Set(result[k]);
const retrans = set('retransmission');
const subset = (k) => result[k].filter((f) => !retrans.has(f));
const notes = [];
notes.push('Lists were produced with tshark single-pass (no -2) and default preferences: tshark -r FILE -Y FILTER -T fields -e frame.number; see "filters".');
for (const k of ['fastRetransmission', 'spuriousRetransmission', 'outOfOrder']) {
  const n = result[k].length;
  if (n === 0) { notes.push(`${k}: none in this file, so its relation to tcp.analysis.retransmission was not observable here.`); continue; }
  const missing = subset(k);
  notes.push(missing.length === 0
    ? `${k}: all ${n} frame(s) also match tcp.analysis.retransmission (the retransmission filter includes them).`
    : `${k}: ${n - missing.length} of ${n} frame(s) also match tcp.analysis.retransmission; not matching: ${missing.join(',')}.`);
}
const plain = result.retransmission.filter((f) => !set('fastRetransmission').has(f) && !set('spuriousRetransmission').has(f));
notes.push(`retransmission: ${result.retransmission.length} frame(s), of which ${plain.length} are neither fast nor spurious (plain RTO-style retransmissions as Wireshark classifies them).`);
const reg = set('registerFrames');
const regRetrans = result.retransmission.filter((f) => reg.has(f));
notes.push(`registerFrames: ${result.registerFrames.length} frame(s) where the SIP dissector shows a REGISTER request (sip.Method == "REGISTER"); ${regRetrans.length} of them are TCP retransmissions (${regRetrans.join(',') || 'none'}). Over TCP the REGISTER is reported on the frame that completes the message. Over UDP every resent REGISTER is its own SIP message and is listed (see sipResend).`);
const tcpRegRetrans = result.registerTcpRetransmission;
const missedByDissector = tcpRegRetrans.filter((f) => !reg.has(f));
const fastSet = set('fastRetransmission');
const reported = tcpRegRetrans.filter((f) => reg.has(f));
const kind = (fs) => fs.map((f) => `${f}${fastSet.has(f) ? ' (fast)' : ''}`).join(',') || 'none';
notes.push(`registerTcpRetransmission: ${tcpRegRetrans.length} TCP retransmission(s) whose payload begins with "REGISTER " (out-of-order segments are not included: tcp.analysis.out_of_order is a separate flag). tshark did not report the SIP message again, so sip.Method == "REGISTER" does not match, for ${missedByDissector.length} of them: ${kind(missedByDissector)}; it did for ${reported.length}: ${kind(reported)}. registerFramesInclTcpRetransmissions is the union of both lists.`);
result.registerFramesInclTcpRetransmissions = [...new Set([...result.registerFrames, ...tcpRegRetrans])].sort((a, b) => a - b);
if (result.sipResend.length) notes.push(`sipResend: the SIP dissector marked ${result.sipResend.length} frame(s) as a resend of an earlier message with the same Call-ID/CSeq/branch (SIP-level retransmission).`);
// One entry per SIP message: "frame REGISTER|<status> cseq cseq-method call-id".
const sipMessages = (name) => {
  const msgs = [];
  for (const l of lines(read(name))) {
    const [frame, methods, statuses, cseqs, cseqMethods, callIds] = l.split('|').map((v) => (v ? v.split(',') : []));
    const starts = [...methods, ...statuses];
    for (let i = 0; i < cseqs.length; i++) {
      msgs.push({ frame: Number(frame[0]), start: methods.length === cseqs.length ? methods[i] : starts[i], cseq: Number(cseqs[i]), cseqMethod: cseqMethods[i], callId: callIds[i] });
    }
  }
  return msgs;
};
const summary = (msgs) => {
  const reg = msgs.filter((m) => m.start === 'REGISTER');
  const ok = msgs.filter((m) => m.start === '200' && m.cseqMethod === 'REGISTER');
  return {
    registerMessages: reg.length,
    registerOkMessages: ok.length,
    registerFrames: [...new Set(reg.map((m) => m.frame))],
    registerOkFrames: [...new Set(ok.map((m) => m.frame))],
  };
};
const sipDefault = sipMessages('sip.FALSE');
const sipOoo = sipMessages('sip.TRUE');
result.registerMessages = summary(sipDefault).registerMessages;
result.registerOkMessages = summary(sipDefault).registerOkMessages;
result.withOutOfOrderReassembly = { preference: 'tcp.reassemble_out_of_order:TRUE', ...summary(sipOoo) };
result.sip = sipOoo.map((m) => `${m.frame} ${m.start} ${m.cseq} ${m.cseqMethod} ${m.callId}`);
notes.push(`registerMessages / registerOkMessages count SIP messages, not frames: one TCP segment can carry several (Linux merges small segments when it retransmits). "withOutOfOrderReassembly" repeats the REGISTER / 200 OK lists with tshark -o tcp.reassemble_out_of_order:TRUE (default FALSE in this version; with FALSE the messages inside an out-of-order segment are not reported). "sip" lists every SIP message as "frame start-line cseq cseq-method call-id", taken with that preference on.`);
result.filters = filters;
result.notes = notes;
let text = JSON.stringify(result, null, 2);
// keep lists of frame numbers on one line
text = text.replace(/\[\s*([0-9,\s]+?)\s*\]/g, (m, inner) => `[${inner.split(/[\s,]+/).filter(Boolean).join(', ')}]`);
fs.writeFileSync(out, text + '\n');
EOF
echo "wrote $out" >&2
