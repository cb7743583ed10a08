#!/usr/bin/env bash
# load.sh runs the load driver (e2e/cmd/loaddriver) against a real
# `regstack serve` it starts on a free loopback port, and prints its report.
#
#   bash scripts/load.sh smoke   a short run (well under a minute). Fails when
#                                the run fails (the server does not start, a
#                                request errors, shutdown is not clean), never
#                                because a ratio misses its target.
#   bash scripts/load.sh bench   full runs at argon2 m=19456 KiB t=2 p=1 and at
#                                the defaults m=65536 t=3 p=4; both reports.
#                                With LOAD_ENFORCE=1 it also fails when a
#                                ratio misses its target (after both runs).
#
# Arguments after the mode go to the driver, e.g. -json or -duration 20s.
# The ratios (R1 login/s vs the Argon2 ceiling, R2 /me vs bare net/http,
# R3 peak RSS vs the hash pool's budget) are explained in the driver's doc.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: bash scripts/load.sh smoke|bench [driver flags...]"; }

[ $# -ge 1 ] || usage
mode="$1"
shift

cd "$ROOT"
mkdir -p "$BIN"
log "go build -o bin/regstack ./cli/cmd/regstack"
go build -o "$BIN/regstack" ./cli/cmd/regstack
log "go build -o bin/loaddriver ./e2e/cmd/loaddriver"
go build -o "$BIN/loaddriver" ./e2e/cmd/loaddriver

# The driver's temp dirs (config, database, server log) go with the run.
export TMPDIR="$REGSTACK_TEST_RUN_DIR"

case "$mode" in
smoke)
	log "loaddriver -smoke"
	"$BIN/loaddriver" -bin "$BIN/regstack" -smoke "$@"
	;;
bench)
	enforce=()
	if [ "${LOAD_ENFORCE:-0}" = 1 ]; then
		enforce=(-enforce)
	fi
	missed=0
	for params in "19456 2 1" "65536 3 4"; do
		read -r m t p <<<"$params"
		log "loaddriver -argon2-m $m -argon2-t $t -argon2-p $p"
		rc=0
		"$BIN/loaddriver" -bin "$BIN/regstack" -argon2-m "$m" -argon2-t "$t" -argon2-p "$p" \
			"${enforce[@]}" "$@" || rc=$?
		case "$rc" in
		0) ;;
		3) missed=1 ;;
		*) die "load driver failed (exit $rc) at m=$m t=$t p=$p" ;;
		esac
	done
	[ "$missed" = 0 ] || die "a ratio missed its target (LOAD_ENFORCE=1)"
	;;
*)
	usage
	;;
esac
