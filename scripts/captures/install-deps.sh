#!/usr/bin/env bash
# Install the Debian packages the capture scripts use (only those missing). Needs root.
set -euo pipefail
need=()
command -v tshark >/dev/null || need+=(tshark)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v kamailio >/dev/null || need+=(kamailio)
command -v baresip >/dev/null || need+=(baresip-core)
command -v sipp >/dev/null || need+=(sip-tester)
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
command -v ethtool >/dev/null || need+=(ethtool)
command -v jq >/dev/null || need+=(jq)
command -v node >/dev/null || need+=(nodejs)
if ((${#need[@]} == 0)); then
  echo "all capture tools present" >&2
  exit 0
fi
echo "installing: ${need[*]}" >&2
apt-get update
# tshark's package asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
