#!/usr/bin/env bash
# sip-tcp-blackhole: a Cisco-flavoured SIP phone (SIPp) is registered over TCP (granted Expires 20 s,
# refresh every 15 s). Some seconds after a successful refresh, the bridge drops every IPv4 packet
# between phone and registrar for BLACKHOLE_SECONDS (45 s, more than twice the expiry), then
# forwards again. What the real software does meanwhile:
#   - the next refresh REGISTER goes out and is retransmitted by the phone's kernel TCP with growing
#     backoff (RTO 0.2 s, 0.4 s, 0.8 s, ...), visible only in the phone-side capture;
#   - kamailio's binding expires (usrloc timer; the time is in the meta file as registrarExpiredMs);
#   - SIPp gives up on the transaction after 32 s (Timer F = 64*T1) and exits, closing its socket;
#     the phone then starts again: a new SIPp = a new TCP connection whose SYN is retransmitted
#     until the blackhole ends, then a fresh registration (new Call-ID) and one refresh;
#   - the old, closed connection keeps retransmitting the stale REGISTER until one gets through
#     after the blackhole; whatever the stacks do then (200 OK, RST, ...) is in the captures.
# Captured on both sides at the same time.
# Writes test/fixtures/captures/sip-tcp-blackhole-{phone,cucm}.{pcap,expected.json} and
# sip-tcp-blackhole.meta.json (the blackhole window in epoch ms and the granted expiry).
# About 2 minutes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cl_init sip-tcp-blackhole

BLACKHOLE_SECONDS=45
TIMER_F_MS=32000
OK_BEFORE=3        # refreshes accepted before the blackhole (initial + 2)
DELAY_AFTER_OK=8   # seconds between that last 200 OK and the start of the blackhole

cl_setup_net
cl_kamailio_start
cl_capture_start cucm "$CL_NS_CU"
cl_capture_start phone "$CL_NS_PH"
start_ms=$(cl_now_ms)
cl_sipp_start first tcp "$CL_PHONE_IP" 0 12 "$TIMER_F_MS"
cl_wait_reg_ok "$OK_BEFORE" 60
last_ok_ms=$(cl_kamailio_times REG-OK | tail -1)
sleep "$DELAY_AFTER_OK"

bh_start_ms=$(cl_now_ms)
cl_nft_add blackhole-phone-to-cucm ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP"
cl_nft_add blackhole-cucm-to-phone ip saddr "$CL_CUCM_IP" ip daddr "$CL_PHONE_IP"
rules=$(cl_nft_ruleset)
cl_log "blackhole on for $BLACKHOLE_SECONDS s"
bh_deadline=$((bh_start_ms + BLACKHOLE_SECONDS * 1000))
bh_end_ms=""
gave_up_ms=""
deadline=$(($(date +%s) + 150))
while [[ -z $bh_end_ms || -z $gave_up_ms ]]; do
  (($(date +%s) < deadline)) || cl_die "timed out in the blackhole phase"
  if [[ -z $bh_end_ms ]] && (($(cl_now_ms) >= bh_deadline)); then
    dropped_up=$(cl_nft_count blackhole-phone-to-cucm)
    dropped_down=$(cl_nft_count blackhole-cucm-to-phone)
    cl_nft_del blackhole-phone-to-cucm
    cl_nft_del blackhole-cucm-to-phone
    bh_end_ms=$(cl_now_ms)
    cl_log "blackhole off: dropped $dropped_up phone->registrar, $dropped_down registrar->phone packets"
  fi
  if [[ -z $gave_up_ms ]] && cl_sipp_done first; then
    gave_up_ms=$(cl_now_ms)
    first_rc=$(cat "$CL_WORK/sipp-first/rc")
    cl_log "first SIPp exited (rc=$first_rc): the phone gave up; registering again on a new connection"
    ok_before_second=$(cl_reg_ok_count)
    cl_sipp_start second tcp "$CL_PHONE_IP" 0 2 "$TIMER_F_MS"
  fi
  sleep 0.05
done
cl_sipp_wait second || cl_die "second SIPp failed: $(tail -5 "$CL_WORK/sipp-second/stdout.log")"
# The old connection's REGISTER is still being retransmitted by the kernel (the socket was closed,
# not aborted); wait (bounded) until one copy gets through and is answered, so that the end of that
# story is in the captures too.
stale_deadline=$(($(date +%s) + 60))
while (($(cl_reg_ok_count) < ok_before_second + 3)) && (($(date +%s) < stale_deadline)); do sleep 0.2; done
stale_ok=$(($(cl_reg_ok_count) - ok_before_second - 2))
cl_log "stale REGISTERs from the old connection accepted after the blackhole: $stale_ok"
sleep 2
cl_capture_stop phone
cl_capture_stop cucm
end_ms=$(cl_now_ms)
cl_kamailio_stop
[[ $first_rc != 0 ]] || cl_die "first SIPp did not fail: the blackhole did not break the refresh"

cl_publish phone sip-tcp-blackhole-phone
cl_publish cucm sip-tcp-blackhole-cucm

expired_json=$(cl_kamailio_times UL-EXPIRED | jq -sc .)
ok_json=$(cl_kamailio_times REG-OK | jq -sc .)
jq -n --argjson versions "$(cl_versions_json)" --argjson start "$start_ms" --argjson stop "$end_ms" \
  --argjson bs "$bh_start_ms" --argjson be "$bh_end_ms" --argjson secs "$BLACKHOLE_SECONDS" \
  --argjson lastOk "$last_ok_ms" --argjson gaveUp "$gave_up_ms" --argjson firstRc "$first_rc" --argjson staleOk "$stale_ok" \
  --argjson up "${dropped_up:-0}" --argjson down "${dropped_down:-0}" --arg rules "$rules" \
  --argjson notReceived "$(cl_not_received sip-tcp-blackhole-phone sip-tcp-blackhole-cucm)" \
  --argjson regOk "$ok_json" --argjson expired "$expired_json" --arg cucm "$CL_CUCM_IP" --arg phone "$CL_PHONE_IP" \
  --argjson expires "$CL_EXPIRES" --argjson refresh "$CL_REFRESH_MS" --argjson timerF "$TIMER_F_MS" \
  '{capture: "sip-tcp-blackhole",
    files: {"sip-tcp-blackhole-phone.pcap": "phone side: tcpdump -i eth0 in the phone namespace",
            "sip-tcp-blackhole-cucm.pcap": "registrar side: tcpdump -i eth0 in the registrar namespace"},
    transport: "tcp", phones: [{ip: $phone, device: "SEP001122334455", dn: "1001"}], registrar: $cucm,
    requestedExpires: 3600, grantedExpires: $expires, refreshIntervalMs: $refresh,
    blackholeStartMs: $bs, blackholeEndMs: $be, blackholeSeconds: $secs,
    lastOkBeforeBlackholeMs: $lastOk,
    registrationDeadlineMs: ($lastOk + $expires * 1000),
    registrarExpiredMs: $expired,
    phoneTransactionTimeoutMs: $timerF, phoneGaveUpMs: $gaveUp, firstSippExitCode: $firstRc,
    staleRegistersAcceptedAfterBlackhole: $staleOk,
    registrarAcceptedMs: $regOk,
    blackhole: {droppedPhoneToRegistrar: $up, droppedRegistrarToPhone: $down,
                where: "bridge namespace, nftables bridge family, forward hook (ARP still passes)",
                nftRuleset: $rules},
    notReceived: $notReceived,
    notes: ["Times are epoch milliseconds from the machine clock, the same clock as the pcap timestamps.",
            "lastOkBeforeBlackholeMs and registrarAcceptedMs are when kamailio accepted a REGISTER (its log); registrarExpiredMs is when its usrloc timer (every 2 s) removed an expired binding."],
    startMs: $start, endMs: $stop, versions: $versions}' \
  >"$CL_FIXDIR/sip-tcp-blackhole.meta.json"
cl_log "done"
