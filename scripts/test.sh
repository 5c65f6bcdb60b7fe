#!/usr/bin/env bash
# The one test command: set up (idempotent), then typecheck, lint, unit tests, local services,
# integration tests. Ends with node's own test summary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
# shellcheck disable=SC1091
source "${KLB_CACHE_DIR:-$ROOT/.cache}/env.sh"
cd "$ROOT"
npm test
