#!/usr/bin/env bash
# smoke.sh is the load-driver smoke run: build the regstack binary, start
# `regstack serve` on a free loopback port in a temp dir (start_bg,
# wait_port), run e2e/cmd/loaddriver for a few seconds against it, and fail
# on any error response. Nothing to run yet: the serve command and the load
# driver are still being written, so this is a no-op hook that `make test`
# already calls.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log "smoke: nothing to run yet (load driver not written)"
