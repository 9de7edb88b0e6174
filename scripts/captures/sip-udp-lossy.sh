#!/usr/bin/env bash
# sip-udp-lossy: three Cisco-flavoured SIP phones (one SIPp each, 10.106.114.10-12, UDP port 5060, one
# line each: DN 1001, 1011, 1021) register with kamailio over UDP and refresh every 15 s. A few
# seconds after all three are registered the bridge starts dropping LOSS_PCT % of the IPv4 packets at
# random in each direction (nftables "numgen random mod 100 < N drop") for LOSS_SECONDS; the last
# refreshes run loss-free again. A REGISTER or its 200 OK that is lost makes SIPp resend the same
# REGISTER (same Call-ID, CSeq and branch) after 0.5 s, then 1 s, 2 s, 4 s, 4 s ... (Timer E with
# T1 = 500 ms, T2 = 4 s; at most 10 resends, about Timer F = 32 s).
# Captured at the same time on the phone side and on the registrar side.
# Writes test/fixtures/captures/sip-udp-lossy-{phone,cucm}.{pcap,expected.json} and
# sip-udp-lossy.meta.json. About 2 minutes; the random drops differ from run to run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cl_init sip-udp-lossy

NREG=8
PHONES=3
LOSS_PCT=${CL_LOSS_PCT:-25}
LOSS_SECONDS=${CL_LOSS_SECONDS:-85}

cl_setup_net "$CL_NET.11" "$CL_NET.12"
cl_kamailio_start
cl_capture_start cucm "$CL_NS_CU"
cl_capture_start phone "$CL_NS_PH"
start_ms=$(cl_now_ms)
for ((k = 0; k < PHONES; k++)); do
  cl_sipp_start "phone$k" udp "$CL_NET.$((10 + k))" "$k" "$NREG" 64000
  sleep 1.5
done
cl_wait_reg_ok "$PHONES" 20
sleep 2

loss_start_ms=$(cl_now_ms)
cl_nft_add loss-phone-to-cucm ip daddr "$CL_CUCM_IP" numgen random mod 100 '<' "$LOSS_PCT"
cl_nft_add loss-cucm-to-phone ip saddr "$CL_CUCM_IP" numgen random mod 100 '<' "$LOSS_PCT"
cl_log "loss $LOSS_PCT % both ways for $LOSS_SECONDS s"
rules=$(cl_nft_ruleset)
sleep "$LOSS_SECONDS"
dropped_up=$(cl_nft_count loss-phone-to-cucm)
dropped_down=$(cl_nft_count loss-cucm-to-phone)
cl_nft_del loss-phone-to-cucm
cl_nft_del loss-cucm-to-phone
loss_end_ms=$(cl_now_ms)
cl_log "loss removed: dropped $dropped_up phone->registrar and $dropped_down registrar->phone packets"

failed=0
for ((k = 0; k < PHONES; k++)); do cl_sipp_wait "phone$k" || failed=$((failed + 1)); done
sleep 1
cl_capture_stop phone
cl_capture_stop cucm
end_ms=$(cl_now_ms)
cl_kamailio_stop
((failed == 0)) || cl_die "$failed SIPp phone(s) failed"

cl_publish phone sip-udp-lossy-phone
cl_publish cucm sip-udp-lossy-cucm

jq -n --argjson versions "$(cl_versions_json)" --argjson start "$start_ms" --argjson stop "$end_ms" \
  --argjson ls "$loss_start_ms" --argjson le "$loss_end_ms" --argjson pct "$LOSS_PCT" \
  --argjson up "${dropped_up:-0}" --argjson down "${dropped_down:-0}" --arg rules "$rules" \
  --argjson regOk "$(cl_kamailio_times REG-OK | jq -sc .)" --arg cucm "$CL_CUCM_IP" \
  --argjson notReceived "$(cl_not_received sip-udp-lossy-phone sip-udp-lossy-cucm)" \
  --argjson expires "$CL_EXPIRES" --argjson refresh "$CL_REFRESH_MS" --argjson nreg "$NREG" \
  '{capture: "sip-udp-lossy",
    files: {"sip-udp-lossy-phone.pcap": "phone side: tcpdump -i eth0 in the phones namespace (all three phones share that interface)",
            "sip-udp-lossy-cucm.pcap": "registrar side: tcpdump -i eth0 in the registrar namespace"},
    transport: "udp",
    phones: [{ip: "10.106.114.10", device: "SEP001122334455", lines: ["1001"]},
             {ip: "10.106.114.11", device: "SEP001122334456", lines: ["1011"]},
             {ip: "10.106.114.12", device: "SEP001122334457", lines: ["1021"]}],
    registrar: $cucm, requestedExpires: 3600, grantedExpires: $expires, refreshIntervalMs: $refresh,
    registersPerLine: $nreg,
    loss: {percentEachDirection: $pct, startMs: $ls, endMs: $le, droppedPhoneToRegistrar: $up,
           droppedRegistrarToPhone: $down, where: "bridge namespace, nftables bridge family, forward hook",
           nftRuleset: $rules},
    notReceived: $notReceived,
    startMs: $start, endMs: $stop, registrarAcceptedMs: $regOk, versions: $versions}' \
  >"$CL_FIXDIR/sip-udp-lossy.meta.json"
cl_log "done"
