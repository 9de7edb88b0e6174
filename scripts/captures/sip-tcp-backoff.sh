#!/usr/bin/env bash
# sip-tcp-backoff: a link that gets worse keepalive after keepalive. baresip registers DN 1001 over TCP
# with kamailio (granted 20 s, refreshed every 18 s). After two accepted REGISTERs, each refresh
# REGISTER's first segment and the phone kernel's TCP retransmissions of it are dropped for a window
# that opens with that first segment and grows from one refresh to the next (HOLD_MS: 300 ms, 800 ms,
# 1.8 s, 3.8 s, 7.8 s): the refresh gets through with the first retransmission after its window, so
# the delay until it is delivered grows across the keepalives (Linux TCP: RTO 0.2 s, 0.4 s, 0.8 s ...
# from each new segment). The last delays pass the registrar's expiry, as the seed's phone did.
# Then the windows stop, one more refresh is accepted, and baresip is stopped.
#
# How the window is made (bridge namespace, nftables bridge family, forward hook), phone -> registrar
# segments that carry data (IP length > 52: not bare ACKs) only:
#   1. from a phone address in set @hold: dropped (the window is open);
#   2. from a phone address in set @passed: forwarded (the window closed: the retransmission gets through);
#   3. else (a new REGISTER): the phone's address is put in @hold for the window and in @passed for a few
#      seconds more, and the segment is dropped.
# Rule 3 is replaced with the next window as soon as it has fired. Registrar -> phone is untouched.
# Captured on both sides. Writes test/fixtures/captures/sip-tcp-backoff-{phone,cucm}.{pcap,expected.json}
# and sip-tcp-backoff.meta.json. About 2 minutes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cl_init sip-tcp-backoff
source "$(dirname "${BASH_SOURCE[0]}")/baresip.sh"

HOLD_MS=(${CL_HOLD_MS:-300 800 1800 3800 7800})
PASS_EXTRA_S=5 # @passed outlives the window by this much (< the 18 s refresh interval)
OK_BEFORE=2

BR() { ip netns exec "$CL_NS_BR" nft "$@"; }
trigger_rule() { # <window ms>
  BR add rule bridge cucmlens forward ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP" ip length '>' 52 \
    update @hold '{' ip saddr timeout "$1"ms '}' update @passed '{' ip saddr timeout "$(($1 / 1000 + PASS_EXTRA_S))"s '}' \
    counter drop comment '"backoff-open"'
}
trigger_count() { cl_nft_count backoff-open; }

cl_setup_net
cl_kamailio_start
cl_capture_start cucm "$CL_NS_CU"
cl_capture_start phone "$CL_NS_PH"
start_ms=$(cl_now_ms)
baresip_start
cl_wait_reg_ok "$OK_BEFORE" 60
cl_log "$OK_BEFORE REGISTERs accepted; growing windows from the next refresh on: ${HOLD_MS[*]} ms"

BR add set bridge cucmlens hold '{ type ipv4_addr; flags dynamic,timeout; }'
BR add set bridge cucmlens passed '{ type ipv4_addr; flags dynamic,timeout; }'
BR add rule bridge cucmlens forward ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP" ip length '>' 52 \
  ip saddr @hold counter drop comment '"backoff-hold"'
BR add rule bridge cucmlens forward ip saddr "$CL_PHONE_IP" ip daddr "$CL_CUCM_IP" ip length '>' 52 \
  ip saddr @passed counter accept comment '"backoff-pass"'
rules=$(cl_nft_ruleset)
windows=()
for w in "${HOLD_MS[@]}"; do
  trigger_rule "$w"
  before=$(trigger_count)
  fired() { (($(trigger_count) > before)); }
  wait_until 60 "a refresh REGISTER to open the $w ms window" fired
  opened_ms=$(cl_now_ms)
  cl_nft_del backoff-open
  windows+=("{\"holdMs\": $w, \"openedMs\": $opened_ms}")
  cl_log "window of $w ms opened by a REGISTER"
done
# the last window closes and its REGISTER gets through (accepted: every REGISTER so far, one per window
# after the first OK_BEFORE); then one clean refresh more
all_in() { (($(cl_reg_ok_count) >= OK_BEFORE + ${#HOLD_MS[@]})); }
wait_until 60 "the REGISTER of the last window to be accepted" all_in
held=$(cl_nft_count backoff-hold)
cl_nft_del backoff-hold
cl_nft_del backoff-pass
baresip_finish 60 "windows" sip-tcp-backoff

own=$(jq -n --argjson windows "[$(IFS=,; echo "${windows[*]}")]" --argjson held "${held:-0}" --arg rules "$rules" \
  '{windows: $windows, droppedInWindows: $held,
    where: "bridge namespace, nftables bridge family, forward hook; phone->registrar segments with data only",
    nftRuleset: $rules}')
baresip_meta sip-tcp-backoff "$own" '["Each window opens with the first segment of a refresh REGISTER (openedMs is when the script saw it) and lasts holdMs; the first TCP retransmission after it is delivered."]'
cl_log "done"
