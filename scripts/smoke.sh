#!/usr/bin/env bash
# smoke.sh is the load-driver smoke run of `make test`: it builds the
# regstack binary and e2e/cmd/loaddriver, starts `regstack serve` on a free
# loopback port in a temp dir and drives it for a few seconds (at most a
# minute in all). It fails when the run fails (the server does not start, a
# request errors, shutdown is not clean), never because a ratio misses its
# target: ratios are for `make bench` on a quiet machine.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

exec timeout 120 bash "$ROOT/scripts/load.sh" smoke
