# baresip helpers shared by the captures that run it (sourced after lib.sh and cl_init): its config, start and stop,
# its log, and kamailio's view of its REGISTERs.
# The +sip.instance baresip puts in its Contact (its uuid module reads it from the config dir).
BARESIP_UUID=5c3d2e1f-0000-4a5b-8c6d-001122334455

command -v baresip >/dev/null || cl_die "baresip is missing (apt-get install baresip-core)"

# --- baresip helpers -------------------------------------------------------------------------
# A config dir of its own: no UI module (nothing reads stdin), no audio or video driver, one codec
# (g711, needed by nothing here but keeps baresip from complaining), no NAT / STUN / DNS helpers,
# SIP bound to the phone's address. Nothing in it can reach out of the namespace (which has no route
# anyway).
baresip_config() { # <dir>
  local d=$1
  mkdir -p "$d"
  cat >"$d/config" <<EOF
poll_method		epoll
sip_listen		$CL_PHONE_IP:$CL_SIP_PORT
net_interface		eth0
call_max_calls		1
module_path		/usr/lib/baresip/modules
module			g711.so
module_tmp		uuid.so
module_tmp		account.so
EOF
  # One account: REGISTER over TCP, ask 3600 s; no MWI SUBSCRIBE, no PUBLISH.
  echo "<sip:1001@$CL_CUCM_IP;transport=tcp>;regint=$CL_REQUESTED_EXPIRES;mwi=no;pubint=0" >"$d/accounts"
  printf %s "$BARESIP_UUID" >"$d/uuid" # no newline: baresip copies the file as is into the Contact
  : >"$d/contacts"
}
# Each line of baresip's output prefixed with the epoch ms it was read at.
baresip_stamp() { local l; while IFS= read -r l; do printf '%s %s\n' "$(cl_now_ms)" "$l"; done; }
baresip_start() {
  baresip_config "$CL_WORK/baresip"
  # -t: safety stop; stdbuf: line-buffered output, so that the time stamps are those of the events.
  ip netns exec "$CL_NS_PH" stdbuf -oL -eL baresip -4 -f "$CL_WORK/baresip" -t 400 \
    > >(baresip_stamp >"$CL_WORK/baresip.log") 2>&1 &
  BARESIP_PID=$!
  CL_PIDS+=("$BARESIP_PID")
}
baresip_stop() { # SIGTERM: baresip un-REGISTERs (Expires 0), waits for the answer, exits
  kill -TERM "$BARESIP_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do kill -0 "$BARESIP_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$BARESIP_PID" 2>/dev/null && { cl_log "baresip did not exit; killing it"; kill -KILL "$BARESIP_PID"; }
  wait "$BARESIP_PID" 2>/dev/null || true
}
baresip_alive() { kill -0 "$BARESIP_PID" 2>/dev/null; }
# baresip's output (it prints a registration's state changes only, not every refresh), as JSON
# [{ms, line}], colour escapes removed
baresip_log_json() {
  sed 's/\x1b\[[0-9;]*m//g' "$CL_WORK/baresip.log" |
    jq -Rsc '[split("\n")[] | select(length > 0) | capture("^(?<ms>[0-9]+) (?<line>.*)$") | .ms |= tonumber]'
}
# kamailio's accepted REGISTERs as "<epoch ms> <CSeq>" (baresip keeps one Call-ID and counts CSeq up)
kam_ok_cseq() {
  grep -o 'REG-OK [0-9]*\.[0-9]* .* cs=[0-9]*' "$CL_WORK/kamailio.log" |
    awk '{ split($2, t, "."); sub(/.*cs=/, "", $NF); print t[1] substr(t[2] "000", 1, 3), $NF }'
}
kam_rx_max_cseq() { grep -o 'REG-RX .* cs=[0-9]*' "$CL_WORK/kamailio.log" | sed 's/.*cs=//' | sort -n | tail -1; }
wait_until() { # <timeout s> <what> <command...>
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@"; do
    baresip_alive || cl_die "baresip exited: $(tail -5 "$CL_WORK/baresip.log")"
    (($(date +%s) < deadline)) || cl_die "timed out waiting for $what"
    sleep 0.1
  done
}

# One more refresh accepted (a CSeq above any kamailio has seen), then baresip stopped (it un-REGISTERs),
# the captures and kamailio stopped and the captures published as <fixture>-phone / <fixture>-cucm.
# Sets stop_ms (baresip stopped) and end_ms (captures stopped).
baresip_finish() { # <timeout s> <after what> <fixture base name>
  local clean_after
  clean_after=$(kam_rx_max_cseq)
  clean_ok() { kam_ok_cseq | awk -v c="$clean_after" '$2 > c { f = 1 } END { exit !f }'; }
  wait_until "$1" "a refresh after the $2" clean_ok
  sleep 1
  stop_ms=$(cl_now_ms)
  baresip_stop
  sleep 1
  cl_capture_stop phone
  cl_capture_stop cucm
  end_ms=$(cl_now_ms)
  cl_kamailio_stop
  cl_publish phone "$3-phone"
  cl_publish cucm "$3-cucm"
}

# Writes <fixtures>/<capture>.meta.json: what every baresip capture has (its files, the phone, the registrar,
# kamailio's and baresip's logs, times, versions), the scenario's own fields (a JSON object) in the middle, and
# the scenario's notes after the common ones. Uses start_ms, stop_ms and end_ms.
baresip_meta() { # <capture> <scenario JSON object> <notes JSON array>
  jq -n --argjson versions "$(cl_versions_json)" \
    --arg baresip "$(grep -m1 -o 'baresip v[^ ]*' "$CL_WORK/baresip.log" || true)" \
    --arg baresipPkg "$(dpkg-query -W -f '${Package} ${Version}' baresip-core 2>/dev/null || true)" \
    --arg librePkg "$(dpkg-query -W -f '${Package} ${Version}' libre0 2>/dev/null || true)" \
    --argjson start "$start_ms" --argjson stop "$end_ms" --argjson stopBaresip "$stop_ms" \
    --argjson regOk "$(cl_kamailio_times REG-OK | jq -sc .)" \
    --argjson expired "$(cl_kamailio_times UL-EXPIRED | jq -sc .)" \
    --argjson baresipLog "$(baresip_log_json)" \
    --arg cucm "$CL_CUCM_IP" --arg phone "$CL_PHONE_IP" --argjson expires "$CL_EXPIRES" \
    --argjson requested "$CL_REQUESTED_EXPIRES" --arg uuid "$BARESIP_UUID" \
    --arg capture "$1" --argjson own "$2" --argjson notes "$3" \
    '{capture: $capture,
      files: {($capture + "-phone.pcap"): "phone side: tcpdump -i eth0 in the phone namespace",
              ($capture + "-cucm.pcap"): "registrar side: tcpdump -i eth0 in the registrar namespace"},
      transport: "tcp",
      phones: [{ip: $phone, software: "baresip", aor: ("sip:1001@" + $cucm), dn: "1001",
                instance: ("urn:uuid:" + $uuid)}],
      registrar: $cucm, requestedExpires: $requested, grantedExpires: $expires,
      refreshRule: "baresip/libre sipreg: next REGISTER after rwait = 90 % of the granted expiry (18 s for 20 s); after a failed transaction it waits on its own back-off schedule"}
     + $own +
     {baresipStoppedMs: $stopBaresip,
      registrarAcceptedMs: $regOk, registrarExpiredMs: $expired,
      baresipLog: $baresipLog,
      notes: (["Times are epoch milliseconds from the machine clock, the same clock as the pcap timestamps.",
               "registrarAcceptedMs are the times kamailio accepted a REGISTER (its log), including the final un-REGISTER (Expires 0) sent when baresip was stopped; registrarExpiredMs is when its usrloc timer (every 2 s) removed an expired binding.",
               "baresipLog is everything baresip printed (it reports state changes, not every refresh), each line stamped when the script read it."] + $notes),
      startMs: $start, endMs: $stop,
      versions: ($versions + {baresip: $baresip, baresipPackage: $baresipPkg, librePackage: $librePkg})}' \
    >"$CL_FIXDIR/$1.meta.json"
}
