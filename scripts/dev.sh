#!/usr/bin/env bash
# The one run command: set up, start local Kafka and Redis unless KAFKA_BOOTSTRAP_SERVERS/REDIS_URL
# point elsewhere, and run the bridge with an example function, mapping and a little traffic.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "${KLB_CACHE_DIR:-$ROOT/.cache}/env.sh"
cd "$ROOT"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
exec node --max-semi-space-size=4 bin/kafka-lambda-bridge.js dev "$@"
