#!/usr/bin/env bash
# Regenerate every capture fixture in test/fixtures/captures/ (root needed; about 8 minutes, one
# scenario after the other; CL_PARALLEL=1 runs the five at once, about 2.5 minutes).
#   bash scripts/captures/make-all.sh
# sip-tcp-lossy depends on chance for a fast retransmission; when neither of its captures has one,
# it is made again, up to CL_LOSSY_ATTEMPTS times in all (default 2).
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fix="$dir/../../test/fixtures/captures"
bash "$dir/install-deps.sh"

lossy() {
  local attempt max=${CL_LOSSY_ATTEMPTS:-2} n
  for ((attempt = 1; ; attempt++)); do
    bash "$dir/sip-tcp-lossy.sh"
    n=$(jq -s '[.[].fastRetransmission | length] | add' "$fix/sip-tcp-lossy-phone.expected.json" \
      "$fix/sip-tcp-lossy-cucm.expected.json")
    if ((n > 0)); then return 0; fi
    if ((attempt >= max)); then
      echo "sip-tcp-lossy: no fast retransmission in $attempt attempt(s); keeping the last run" >&2
      return 0
    fi
    echo "sip-tcp-lossy: no fast retransmission this time; again" >&2
  done
}

run() { if [[ $1 == sip-tcp-lossy ]]; then lossy; else bash "$dir/$1.sh"; fi; }

scenarios=(sip-tcp-clean sip-tcp-lossy sip-tcp-blackhole sip-udp-lossy sip-tcp-baresip sip-tcp-backoff)
if [[ ${CL_PARALLEL:-0} == 1 ]]; then
  pids=()
  for s in "${scenarios[@]}"; do
    run "$s" &
    pids+=($!)
  done
  rc=0
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  exit $rc
fi
for s in "${scenarios[@]}"; do
  echo "== $s" >&2
  run "$s"
done
