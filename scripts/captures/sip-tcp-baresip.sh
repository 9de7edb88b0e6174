#!/usr/bin/env bash
# sip-tcp-baresip: a real SIP user agent that is not SIPp -- baresip (Debian's baresip-core, libre) --
# registers DN 1001 over TCP with kamailio (it asks Expires 3600, kamailio grants 20 s) and refreshes
# on its own schedule (libre's sipreg: rwait 90 % of the granted expiry, i.e. every 18 s, not the
# 15 s of the SIPp captures). Then:
#   - some seconds after its third accepted REGISTER the bridge drops every IPv4 packet between phone
#     and registrar for BLACKHOLE_SECONDS (45 s > 20 s expiry + 10 s grace); the refresh sent into
#     it is retransmitted by the phone's kernel TCP (visible in the phone capture only), kamailio's
#     binding expires, baresip's transaction times out and it tries again on its own schedule;
#   - after the blackhole, once baresip has a 200 OK again, LOSS_PCT % of the packets from the phone
#     to the registrar are dropped at random (registrar->phone untouched) for LOSS_SECONDS, so some
#     refresh REGISTERs need TCP retransmissions;
#   - then clean until one more refresh is sent and accepted; baresip is stopped (SIGTERM: it un-REGISTERs
#     with Expires 0 and exits).
# Captured on both sides at the same time.
# Writes test/fixtures/captures/sip-tcp-baresip-{phone,cucm}.{pcap,expected.json} and
# sip-tcp-baresip.meta.json. About 3 minutes; the random drops and baresip's retry delay differ from
# run to run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cl_init sip-tcp-baresip

BLACKHOLE_SECONDS=${CL_BLACKHOLE_SECONDS:-45}
LOSS_PCT=${CL_LOSS_PCT:-30}
LOSS_SECONDS=${CL_LOSS_SECONDS:-40}
# The loss goes on past LOSS_SECONDS (up to LOSS_MAX_SECONDS) until it has dropped at least one
# segment that carries data (a REGISTER), so that the capture always has a REGISTER resent by TCP.
LOSS_MAX_SECONDS=${CL_LOSS_MAX_SECONDS:-80}
OK_BEFORE=3      # REGISTERs accepted before the blackhole (initial + 2 refreshes)
DELAY_AFTER_OK=8 # seconds between that last 200 OK and the start of the blackhole
source "$(dirname "${BASH_SOURCE[0]}")/baresip.sh"

# ---------------------------------------------------------------------------------------------

cl_setup_net
cl_kamailio_start
cl_capture_start cucm "$CL_NS_CU"
cl_capture_start phone "$CL_NS_PH"
start_ms=$(cl_now_ms)
baresip_start
cl_wait_reg_ok "$OK_BEFORE" 60
last_ok_ms=$(cl_kamailio_times REG-OK | tail -1)
cl_log "$OK_BEFORE REGISTERs accepted; blackhole in $DELAY_AFTER_OK s"
sleep "$DELAY_AFTER_OK"

# --- blackhole ---
bh_start_ms=$(cl_now_ms)
cl_nft_add blackhole-phone-to-cucm ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP"
cl_nft_add blackhole-cucm-to-phone ip saddr "$CL_CUCM_IP" ip daddr "$CL_PHONE_IP"
bh_rules=$(cl_nft_ruleset)
# The CSeq of the refresh that will be sent into the blackhole: whatever kamailio accepts with it
# later is that stale transaction's segment retransmitted by TCP, not baresip registering again.
stale_cseq=$(($(kam_rx_max_cseq) + 1))
cl_log "blackhole on for $BLACKHOLE_SECONDS s"
sleep "$BLACKHOLE_SECONDS"
bh_dropped_up=$(cl_nft_count blackhole-phone-to-cucm)
bh_dropped_down=$(cl_nft_count blackhole-cucm-to-phone)
cl_nft_del blackhole-phone-to-cucm
cl_nft_del blackhole-cucm-to-phone
bh_end_ms=$(cl_now_ms)
cl_log "blackhole off: dropped $bh_dropped_up phone->registrar, $bh_dropped_down registrar->phone packets"

# baresip registers again on its own schedule (after a failed transaction libre waits a while): the
# first REGISTER accepted with a CSeq above the stale one.
new_ok() { kam_ok_cseq | awk -v c="$stale_cseq" '$2 > c { print $1; exit }'; }
has_new_ok() { [[ -n $(new_ok) ]]; }
wait_until 150 "baresip to register again after the blackhole" has_new_ok
reregistered_ms=$(new_ok)
stale_ok_ms=$(kam_ok_cseq | awk -v c="$stale_cseq" '$2 == c { print $1 }' | jq -sc .)
cl_log "baresip registered again $(((reregistered_ms - bh_end_ms) / 1000)) s after the blackhole (stale CSeq $stale_cseq accepted at: $stale_ok_ms)"
sleep 2

# --- random loss, phone -> registrar only ---
loss_start_ms=$(cl_now_ms)
# Two rules with the same random drop, split on the IP total length only to count the segments that
# carry data (SIP) apart from bare ACKs / FINs (IPv4 20 + TCP 32 with timestamps = 52 bytes).
cl_nft_add loss-phone-to-cucm-data ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP" ip length '>' 52 \
  numgen random mod 100 '<' "$LOSS_PCT"
cl_nft_add loss-phone-to-cucm-other ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP" ip length '<=' 52 \
  numgen random mod 100 '<' "$LOSS_PCT"
loss_rules=$(cl_nft_ruleset)
cl_log "loss $LOSS_PCT % phone->registrar for $LOSS_SECONDS s (longer until a SIP segment was dropped)"
loss_deadline=$((loss_start_ms + LOSS_SECONDS * 1000))
loss_max=$((loss_start_ms + LOSS_MAX_SECONDS * 1000))
while (($(cl_now_ms) < loss_deadline)) ||
  { (($(cl_nft_count loss-phone-to-cucm-data) == 0)) && (($(cl_now_ms) < loss_max)); }; do
  baresip_alive || cl_die "baresip exited: $(tail -5 "$CL_WORK/baresip.log")"
  sleep 0.2
done
loss_dropped_data=$(cl_nft_count loss-phone-to-cucm-data)
loss_dropped_other=$(cl_nft_count loss-phone-to-cucm-other)
cl_nft_del loss-phone-to-cucm-data
cl_nft_del loss-phone-to-cucm-other
loss_end_ms=$(cl_now_ms)
cl_log "loss removed after $(((loss_end_ms - loss_start_ms) / 1000)) s: dropped $loss_dropped_data data and $loss_dropped_other other phone->registrar packets"
((loss_dropped_data > 0)) || cl_log "WARNING: no SIP segment was dropped in the loss window: no REGISTER resent by TCP in it (run again)"

# --- clean again: one more refresh sent and accepted after the loss, then stop baresip (un-REGISTER) ---
sleep 3 # a REGISTER dropped just before the loss ended gets through now (TCP RTO 0.2 s, 0.4 s ...)
baresip_finish 40 "loss" sip-tcp-baresip

own=$(jq -n \
  --argjson bs "$bh_start_ms" --argjson be "$bh_end_ms" --argjson secs "$BLACKHOLE_SECONDS" \
  --argjson lastOk "$last_ok_ms" --argjson rereg "$reregistered_ms" --argjson expires "$CL_EXPIRES" \
  --argjson bhUp "${bh_dropped_up:-0}" --argjson bhDown "${bh_dropped_down:-0}" --arg bhRules "$bh_rules" \
  --argjson ls "$loss_start_ms" --argjson le "$loss_end_ms" --argjson pct "$LOSS_PCT" \
  --argjson lossData "${loss_dropped_data:-0}" --argjson lossOther "${loss_dropped_other:-0}" \
  --arg lossRules "$loss_rules" --argjson lossMin "$LOSS_SECONDS" --argjson lossMax "$LOSS_MAX_SECONDS" \
  --argjson staleCseq "$stale_cseq" --argjson staleOk "$stale_ok_ms" \
  --argjson notReceived "$(cl_not_received sip-tcp-baresip-phone sip-tcp-baresip-cucm)" \
  '{blackholeStartMs: $bs, blackholeEndMs: $be, blackholeSeconds: $secs,
    lastOkBeforeBlackholeMs: $lastOk,
    registrationDeadlineMs: ($lastOk + $expires * 1000),
    reregisteredAfterBlackholeMs: $rereg,
    staleRegisterCseq: $staleCseq, staleRegisterAcceptedMs: $staleOk,
    blackhole: {droppedPhoneToRegistrar: $bhUp, droppedRegistrarToPhone: $bhDown,
                where: "bridge namespace, nftables bridge family, forward hook (ARP still passes)",
                nftRuleset: $bhRules},
    loss: {percentPhoneToRegistrar: $pct, percentRegistrarToPhone: 0, startMs: $ls, endMs: $le,
           minSeconds: $lossMin, maxSeconds: $lossMax,
           droppedPhoneToRegistrar: ($lossData + $lossOther), droppedPhoneToRegistrarData: $lossData,
           droppedPhoneToRegistrarOther: $lossOther,
           where: "bridge namespace, nftables bridge family, forward hook", nftRuleset: $lossRules},
    notReceived: $notReceived}')
baresip_meta sip-tcp-baresip "$own" '["staleRegisterCseq is the CSeq of the refresh sent into the blackhole; staleRegisterAcceptedMs is when kamailio accepted that REGISTER anyway, from a TCP retransmission that got through after the blackhole (baresip had given up on the transaction by then); reregisteredAfterBlackholeMs is the first accepted REGISTER with a higher CSeq."]'
cl_log "done"
