#!/usr/bin/env bash
# sip-tcp-clean: one Cisco-flavoured SIP phone (SIPp) registers over TCP with kamailio and refreshes
# every 15 s (granted Expires 20 s) on a loss-free path: 1 initial REGISTER + 7 refreshes, one TCP
# connection. Captured on the registrar side.
# Writes test/fixtures/captures/sip-tcp-clean.{pcap,expected.json,meta.json}. About 2 minutes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cl_init sip-tcp-clean

NREG=${CL_NREG:-8}
cl_setup_net
cl_kamailio_start
cl_capture_start cucm "$CL_NS_CU"
start_ms=$(cl_now_ms)
cl_sipp_start phone tcp "$CL_PHONE_IP" 0 "$NREG" 32000
cl_sipp_wait phone || cl_die "SIPp failed: $(tail -5 "$CL_WORK/sipp-phone/stdout.log")"
sleep 1
cl_capture_stop cucm
end_ms=$(cl_now_ms)
cl_kamailio_stop

ok=$(cl_reg_ok_count)
((ok == NREG)) || cl_die "registrar accepted $ok REGISTERs, expected $NREG"
cl_publish cucm sip-tcp-clean

jq -n --argjson versions "$(cl_versions_json)" --argjson start "$start_ms" --argjson stop "$end_ms" \
  --argjson regOk "$(cl_kamailio_times REG-OK | jq -sc .)" \
  --arg phone "$CL_PHONE_IP" --arg cucm "$CL_CUCM_IP" \
  --argjson expires "$CL_EXPIRES" --argjson refresh "$CL_REFRESH_MS" --argjson nreg "$NREG" \
  '{capture: "sip-tcp-clean", side: "registrar (tcpdump -i eth0 in the registrar namespace)",
    transport: "tcp", phones: [{ip: $phone, device: "SEP001122334455", dn: "1001"}], registrar: $cucm,
    requestedExpires: 3600, grantedExpires: $expires, refreshIntervalMs: $refresh, registers: $nreg,
    loss: "none", startMs: $start, endMs: $stop, registrarAcceptedMs: $regOk, versions: $versions}' \
  >"$CL_FIXDIR/sip-tcp-clean.meta.json"
cl_log "done"
