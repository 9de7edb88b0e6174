# shellcheck shell=bash
# Shared helpers for the capture scripts in scripts/captures/.
#
# Every capture is made with real software talking over a private network that exists only inside
# network namespaces created here:
#
#   cl-<name>-phone (eth0 00:11:22:33:44:55, 10.106.114.10[+more])            SIPp = the Cisco-flavoured SIP phone(s)
#        | veth
#   cl-<name>-br    (bridge br0; nftables "bridge" table = the lossy / broken network)
#        | veth
#   cl-<name>-cucm  (eth0 00:50:56:8a:14:14, 10.106.114.20)                    kamailio = the registrar ("CUCM")
#
# tcpdump runs on eth0 inside cl-<name>-phone (phone side) and/or cl-<name>-cucm (registrar side), so a
# frame dropped by the bridge appears in the sender's capture only. Nothing is routed out of the
# namespaces: they have no default route and no link to the host's network.
#
# Source this file, then call cl_init <name>. Cleanup (processes started here, namespaces, temp dir)
# runs from an EXIT trap.

set -euo pipefail

CL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CL_REPO=$(cd "$CL_DIR/../.." && pwd)
CL_FIXDIR="$CL_REPO/test/fixtures/captures"

CL_NET=10.106.114
CL_CUCM_IP=$CL_NET.20
CL_PHONE_IP=$CL_NET.10
CL_PHONE_MAC=00:11:22:33:44:55
CL_CUCM_MAC=00:50:56:8a:14:14
CL_SIP_PORT=5060

# Registration timing (CUCM's "SIP Station KeepAlive Interval" is 120 s; shortened here so that runs
# stay short). The phone asks Expires 3600, the registrar grants CL_EXPIRES, the phone refreshes
# CL_REFRESH_MS after each 200 OK = Expires - 5 s, like a Cisco phone's Timer Register Delta of 5 s.
CL_EXPIRES=20
CL_MIN_EXPIRES=10
CL_REFRESH_MS=15000
CL_REQUESTED_EXPIRES=3600

CL_PIDS=()

cl_log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S.%3N)" "${CL_NAME:-capture}" "$*" >&2; }
cl_now_ms() { date +%s%3N; }
cl_die() { cl_log "ERROR: $*"; exit 1; }

cl_require() {
  local t missing=()
  for t in ip nft tcpdump tshark kamailio sipp ethtool jq timeout ss; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  if ((${#missing[@]})); then
    cl_die "missing tools: ${missing[*]} (run: bash scripts/captures/install-deps.sh)"
  fi
  [[ $(id -u) == 0 ]] || cl_die "must run as root (network namespaces, nftables, tcpdump)"
}

cl_init() {
  CL_NAME=$1
  cl_require
  CL_NS_BR="cl-$CL_NAME-br"
  CL_NS_PH="cl-$CL_NAME-phone"
  CL_NS_CU="cl-$CL_NAME-cucm"
  CL_WORK=$(mktemp -d "/tmp/cucmlens-$CL_NAME.XXXXXX")
  trap cl_cleanup EXIT
  trap 'exit 130' INT TERM
  cl_remove_namespaces # leftovers of an interrupted earlier run
  mkdir -p "$CL_FIXDIR"
}

# Stop the processes still running inside one of our namespaces (only our own namespaces: whatever
# runs there was started by this script or an interrupted earlier run of it), then delete it.
cl_remove_namespace() {
  local ns=$1 pid
  ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns" || return 0
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.3
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}

cl_remove_namespaces() {
  local ns
  for ns in "$CL_NS_PH" "$CL_NS_CU" "$CL_NS_BR"; do cl_remove_namespace "$ns"; done
}

cl_cleanup() {
  local rc=$? pid
  set +e
  for pid in "${CL_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${CL_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  cl_remove_namespaces
  if [[ $rc != 0 && -n ${CL_WORK:-} ]]; then
    cl_log "failed (rc=$rc); logs kept in $CL_WORK"
  else
    rm -rf "${CL_WORK:?}"
  fi
  exit "$rc"
}

# Build the three namespaces, the bridge and the veth pairs. Extra phone addresses may be given
# (e.g. cl_setup_net 10.106.114.11 10.106.114.12) for captures with several phones.
cl_setup_net() {
  local ns ip
  for ns in "$CL_NS_BR" "$CL_NS_PH" "$CL_NS_CU"; do
    ip netns add "$ns"
    # No IPv6 at all: keeps router solicitations and MLD reports out of the captures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
  done
  ip -n "$CL_NS_BR" link add br0 type bridge stp_state 0 mcast_snooping 0
  ip -n "$CL_NS_BR" link add ph-br type veth peer name eth0 netns "$CL_NS_PH"
  ip -n "$CL_NS_BR" link add cu-br type veth peer name eth0 netns "$CL_NS_CU"
  ip -n "$CL_NS_PH" link set eth0 address "$CL_PHONE_MAC"
  ip -n "$CL_NS_CU" link set eth0 address "$CL_CUCM_MAC"
  # Real checksums and wire-sized segments in the captures (no TSO/GSO super-frames, no partial sums).
  ip netns exec "$CL_NS_PH" ethtool -K eth0 tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$CL_NS_CU" ethtool -K eth0 tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$CL_NS_BR" ethtool -K ph-br tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
  ip netns exec "$CL_NS_BR" ethtool -K cu-br tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
  ip -n "$CL_NS_BR" link set ph-br master br0
  ip -n "$CL_NS_BR" link set cu-br master br0
  ip -n "$CL_NS_PH" addr add "$CL_PHONE_IP/24" dev eth0
  for ip in "$@"; do ip -n "$CL_NS_PH" addr add "$ip/24" dev eth0; done
  ip -n "$CL_NS_CU" addr add "$CL_CUCM_IP/24" dev eth0
  ip -n "$CL_NS_BR" link set br0 up
  ip -n "$CL_NS_BR" link set ph-br up
  ip -n "$CL_NS_BR" link set cu-br up
  ip -n "$CL_NS_PH" link set eth0 up
  ip -n "$CL_NS_CU" link set eth0 up
  # The nftables table that the scenario fills with loss / blackhole rules.
  ip netns exec "$CL_NS_BR" nft -f - <<EOF
table bridge cucmlens {
  chain forward {
    type filter hook forward priority 0; policy accept;
  }
}
EOF
  # Wait until both veth ends are up and both bridge ports forward (no ping: nothing is sent before
  # the captures start), and start with empty ARP caches so that each capture begins with the
  # phone resolving the registrar's MAC.
  local i
  for i in $(seq 1 50); do
    if [[ $(ip netns exec "$CL_NS_PH" cat /sys/class/net/eth0/operstate) == up &&
      $(ip netns exec "$CL_NS_CU" cat /sys/class/net/eth0/operstate) == up &&
      $(ip netns exec "$CL_NS_BR" cat /sys/class/net/ph-br/brport/state) == 3 &&
      $(ip netns exec "$CL_NS_BR" cat /sys/class/net/cu-br/brport/state) == 3 ]]; then
      break
    fi
    ((i < 50)) || cl_die "links did not come up"
    sleep 0.1
  done
  ip -n "$CL_NS_PH" neigh flush all
  ip -n "$CL_NS_CU" neigh flush all
}

# nftables helpers: every rule carries a comment so that it can be removed by handle.
# cl_nft_add <comment> <rule expression...>
cl_nft_add() {
  local comment=$1; shift
  ip netns exec "$CL_NS_BR" nft add rule bridge cucmlens forward "$@" counter drop comment "\"$comment\""
}
cl_nft_del() {
  local comment=$1 h
  for h in $(ip netns exec "$CL_NS_BR" nft -a list chain bridge cucmlens forward |
    awk -v c="comment \"$comment\"" 'index($0, c) { print $NF }'); do
    ip netns exec "$CL_NS_BR" nft delete rule bridge cucmlens forward handle "$h"
  done
}
cl_nft_ruleset() { ip netns exec "$CL_NS_BR" nft list table bridge cucmlens; }
# Dropped packets of one rule, from its counter.
cl_nft_count() {
  ip netns exec "$CL_NS_BR" nft list chain bridge cucmlens forward |
    awk -v c="comment \"$1\"" 'index($0, c) { for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1) }'
}

# cl_capture_start <label> <namespace> : tcpdump on that namespace's eth0 into $CL_WORK/<label>.pcap
cl_capture_start() {
  local label=$1 ns=$2 i
  ip netns exec "$ns" tcpdump -i eth0 -n -U -Z root -w "$CL_WORK/$label.pcap" \
    >"$CL_WORK/$label.tcpdump.log" 2>&1 &
  CL_PIDS+=($!)
  eval "CL_CAP_PID_${label//-/_}=$!"
  for i in $(seq 1 50); do
    grep -qs 'listening on' "$CL_WORK/$label.tcpdump.log" && return 0
    sleep 0.1
  done
  cl_die "tcpdump did not start: $(cat "$CL_WORK/$label.tcpdump.log")"
}
cl_capture_stop() {
  local label=$1 var pid
  var="CL_CAP_PID_${label//-/_}"
  pid=${!var}
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cl_log "capture $label: $(grep -E 'packets (captured|dropped by kernel)' "$CL_WORK/$label.tcpdump.log" | tr '\n' ' ')"
}

# Registrar: kamailio, in-memory usrloc, no authentication. It grants CL_EXPIRES whatever the phone
# asks and says so both in the Contact's expires parameter (kamailio's own way) and in an Expires
# header (CUCM's way). Logs one line per accepted REGISTER and per binding that expires.
cl_kamailio_start() {
  mkdir -p "$CL_WORK/kamailio-run"
  cat >"$CL_WORK/kamailio.cfg" <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=2
tcp_children=2
auto_aliases=no
dns=no
rev_dns=no
listen=udp:$CL_CUCM_IP:$CL_SIP_PORT
listen=tcp:$CL_CUCM_IP:$CL_SIP_PORT
tcp_connection_lifetime=3605
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "kex.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("usrloc", "db_mode", 0)
modparam("usrloc", "timer_interval", 2)
modparam("registrar", "default_expires", $CL_EXPIRES)
modparam("registrar", "max_expires", $CL_EXPIRES)
modparam("registrar", "min_expires", $CL_MIN_EXPIRES)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    xlog("L_NOTICE", "REG-RX \$TV(Sn) proto=\$pr src=\$si:\$sp ci=\$ci cs=\$cs\n");
    if (\$hdr(Expires) != "0") { append_to_reply("Expires: $CL_EXPIRES\r\n"); }
    if (!save("location")) { sl_reply_error(); exit; }
    xlog("L_NOTICE", "REG-OK \$TV(Sn) proto=\$pr src=\$si:\$sp ci=\$ci cs=\$cs\n");
    exit;
  }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  if (is_method("ACK")) { exit; }
  sl_send_reply("405", "Method Not Allowed");
}

event_route[usrloc:contact-expired] {
  xlog("L_NOTICE", "UL-EXPIRED \$TV(Sn) aor=\$ulc(exp=>aor) addr=\$ulc(exp=>addr) ci=\$ulc(exp=>callid)\n");
}
EOF
  ip netns exec "$CL_NS_CU" kamailio -f "$CL_WORK/kamailio.cfg" -P "$CL_WORK/kamailio.pid" \
    -Y "$CL_WORK/kamailio-run" -w "$CL_WORK" -DD -E -m 32 -M 4 >"$CL_WORK/kamailio.log" 2>&1 &
  CL_PIDS+=($!)
  CL_KAMAILIO_PID=$!
  local i
  for i in $(seq 1 100); do
    if ip netns exec "$CL_NS_CU" ss -Hltn "sport = :$CL_SIP_PORT" | grep -q . &&
      ip netns exec "$CL_NS_CU" ss -Hlun "sport = :$CL_SIP_PORT" | grep -q .; then
      return 0
    fi
    kill -0 "$CL_KAMAILIO_PID" 2>/dev/null || cl_die "kamailio exited: $(tail -20 "$CL_WORK/kamailio.log")"
    sleep 0.1
  done
  cl_die "kamailio did not listen: $(tail -20 "$CL_WORK/kamailio.log")"
}
cl_kamailio_stop() {
  kill -TERM "$CL_KAMAILIO_PID" 2>/dev/null || true
  wait "$CL_KAMAILIO_PID" 2>/dev/null || true
}
# Number of REGISTERs accepted so far, and the time (epoch ms) of the n-th one.
cl_reg_ok_count() { grep -c 'REG-OK ' "$CL_WORK/kamailio.log" || true; }
cl_wait_reg_ok() { # <count> <timeout s>
  local n=$1 deadline=$(($(date +%s) + $2))
  while (($(cl_reg_ok_count) < n)); do
    (($(date +%s) < deadline)) || cl_die "timed out waiting for $n accepted REGISTERs"
    sleep 0.1
  done
}
# epoch ms of the log lines with a given tag ("REG-OK", "UL-EXPIRED"), one per line
cl_kamailio_times() {
  grep -o "$1 [0-9]*\.[0-9]*" "$CL_WORK/kamailio.log" | awk '{ split($2, t, "."); print t[1] substr(t[2] "000", 1, 3) }'
}

# SIPp scenario: a Cisco-flavoured phone registering <nreg> times (initial + refreshes), waiting
# CL_REFRESH_MS after each 200 OK. Over UDP SIPp retransmits the REGISTER itself (Timer E: 500 ms
# doubling up to T2 = 4 s); over TCP it never does (RFC 3261), the kernel's TCP does.
# cl_sipp_scenario <file> <udp|tcp> <nreg> <recv timeout ms>
cl_sipp_scenario() {
  local file=$1 tp=$2 nreg=$3 rto=$4 i reason
  {
    echo '<?xml version="1.0" encoding="ISO-8859-1" ?>'
    echo '<!DOCTYPE scenario SYSTEM "sipp.dtd">'
    echo '<scenario name="Cisco CP-8961 style REGISTER with refreshes">'
    for ((i = 0; i < nreg; i++)); do
      reason=""
      if ((i == 0)); then
        reason='Reason: SIP;cause=200;text="cisco-alarm:14 Name=[dev] Load=SIP8961.9-4-2 Last=initialized"'
      fi
      cat <<EOF
  <send retrans="500">
    <![CDATA[
REGISTER sip:[remote_ip] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[field0]@[remote_ip]>;tag=[mac]0a1b2c3d-4e5f6a7b
To: <sip:[field0]@[remote_ip]>
Call-ID: [call_id]
Max-Forwards: 70
CSeq: $((101 + i)) REGISTER
User-Agent: Cisco-CP8961/9.4.2
Contact: <sip:[uuid]@[local_ip]:[local_port];transport=$tp>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-[mac]>";+u.sip!devicename.ccm.cisco.com="[dev]";video
Supported: replaces,join,sdp-anat,norefersub,resource-priority,extended-refer,X-cisco-callinfo,X-cisco-serviceuri,X-cisco-escapecodes,X-cisco-service-control,X-cisco-srtp-fallback,X-cisco-monrec,X-cisco-config,X-cisco-sis-7.0.0,X-cisco-xsi-8.5.1
${reason:+$reason
}Allow: ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE,INFO
Expires: $CL_REQUESTED_EXPIRES
Content-Length: 0

    ]]>
  </send>
  <recv response="200" timeout="$rto"/>
EOF
      if ((i < nreg - 1)); then echo "  <pause milliseconds=\"$CL_REFRESH_MS\"/>"; fi
    done
    echo '</scenario>'
  } >"$file"
}

# cl_sipp_start <label> <udp|tcp> <phone ip> <device index 0..> <nreg> <recv timeout ms> [lines]
# Device k is SEP0011223344(55+k); its line j (0..lines-1) has directory number 1000+10k+j+1.
# Each line is one SIPp call with its own Call-ID and CSeq; all the lines of a device start
# together and share one socket (-t t1 / u1), so a multi-line phone sends its REGISTERs back to back
# on one TCP connection. Sets CL_SIPP_PID_<label>.
cl_sipp_start() {
  local label=$1 tp=$2 ip=$3 k=$4 nreg=$5 rto=$6 lines=${7:-1} mac dev tmode j
  mac=$(printf '0011223344%02x' $((0x55 + k)))
  dev="SEP${mac^^}"
  # UDP: the phone sends from and listens on 5060. TCP: SIPp picks a free ephemeral source port, as
  # phones do (and a reconnect then gets a new 4-tuple even while the old socket lingers).
  local portopt=()
  if [[ $tp == tcp ]]; then tmode=t1; else tmode=u1; portopt=(-p "$CL_SIP_PORT"); fi
  mkdir -p "$CL_WORK/sipp-$label"
  cl_sipp_scenario "$CL_WORK/sipp-$label/register.xml" "$tp" "$nreg" "$rto"
  {
    echo SEQUENTIAL
    for ((j = 0; j < lines; j++)); do echo "$((1000 + 10 * k + j + 1));"; done
  } >"$CL_WORK/sipp-$label/lines.csv"
  rm -f "$CL_WORK/sipp-$label/rc"
  (cd "$CL_WORK/sipp-$label" && rc=0 && timeout 290 ip netns exec "$CL_NS_PH" sipp "$CL_CUCM_IP:$CL_SIP_PORT" -sf register.xml \
      -t "$tmode" -i "$ip" "${portopt[@]}" -m "$lines" -l "$lines" -r 1000 -inf lines.csv -nostdin -trace_err \
      -max_non_invite_retrans 10 -T2 4000 -cid_str "$mac-%u-%p@%s" \
      -key dev "$dev" -key mac "$mac" \
      -key uuid "$(printf '5c3d2e1f-%04x-4a5b-8c6d-%s' "$k" "$mac")" \
      >"$CL_WORK/sipp-$label/stdout.log" 2>&1 || rc=$?
    echo "$rc" >"$CL_WORK/sipp-$label/rc") &
  CL_PIDS+=($!)
  eval "CL_SIPP_PID_${label//-/_}=$!"
}
# cl_sipp_wait <label> : waits for that SIPp to exit, returns its exit code
cl_sipp_wait() {
  local var="CL_SIPP_PID_${1//-/_}"
  wait "${!var}" 2>/dev/null || true
  return "$(cat "$CL_WORK/sipp-$1/rc" 2>/dev/null || echo 99)"
}
# cl_sipp_done <label> : true once that SIPp has exited
cl_sipp_done() { [[ -f "$CL_WORK/sipp-$1/rc" ]]; }

# Move a finished capture into the fixtures and write its expected.json with tshark.
cl_publish() { # <label in work dir> <fixture base name>
  cp "$CL_WORK/$1.pcap" "$CL_FIXDIR/$2.pcap.tmp"
  mv -f "$CL_FIXDIR/$2.pcap.tmp" "$CL_FIXDIR/$2.pcap"
  bash "$CL_DIR/expected.sh" "$CL_FIXDIR/$2.pcap"
  cl_log "wrote test/fixtures/captures/$2.pcap ($(stat -c %s "$CL_FIXDIR/$2.pcap") bytes) and $2.expected.json"
}

# Frames of one capture whose IPv4 packet is absent from the other capture, matched on
# (ip.src, ip.dst, ip.id, ip.len, ip.checksum) -- unique within these captures. Prints JSON.
# cl_not_received <phone fixture base> <registrar fixture base>
cl_not_received() {
  local a="$CL_FIXDIR/$1.pcap" b="$CL_FIXDIR/$2.pcap"
  local fields=(-Y ip -T fields -e frame.number -e ip.src -e ip.dst -e ip.id -e ip.len -e ip.checksum)
  tshark -r "$a" "${fields[@]}" 2>/dev/null >"$CL_WORK/nr-a.txt"
  tshark -r "$b" "${fields[@]}" 2>/dev/null >"$CL_WORK/nr-b.txt"
  local miss='NR == FNR { seen[$2 " " $3 " " $4 " " $5 " " $6] = 1; next } !(($2 " " $3 " " $4 " " $5 " " $6) in seen) { print $1 }'
  jq -n --arg a "$1.pcap" --arg b "$2.pcap" \
    --argjson ab "$(awk "$miss" "$CL_WORK/nr-b.txt" "$CL_WORK/nr-a.txt" | jq -sc .)" \
    --argjson ba "$(awk "$miss" "$CL_WORK/nr-a.txt" "$CL_WORK/nr-b.txt" | jq -sc .)" \
    '{matchedOn: "ip.src, ip.dst, ip.id, ip.len, ip.checksum (tshark fields)",
      phoneFramesNotInRegistrarCapture: $ab, registrarFramesNotInPhoneCapture: $ba,
      phoneCapture: $a, registrarCapture: $b}'
}

cl_versions_json() {
  jq -n --arg tshark "$(tshark --version 2>/dev/null | head -1)" --arg tcpdump "$(tcpdump --version 2>&1 | head -1)" \
    --arg kamailio "$(kamailio -v 2>/dev/null | head -1)" --arg sipp "$(sipp -v 2>&1 | grep -m1 SIPp | sed 's/^ *//')" \
    --arg nft "$(nft --version)" --arg kernel "$(uname -r)" \
    '{tshark: $tshark, tcpdump: $tcpdump, kamailio: $kamailio, sipp: $sipp, nft: $nft, kernel: $kernel}'
}
