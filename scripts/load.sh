#!/usr/bin/env bash
# load.sh runs the load driver (e2e/cmd/loaddriver) against real
# `regstack serve` processes it starts on free loopback ports, and prints
# its reports.
#
#   bash scripts/load.sh smoke   a short run (well under a minute). Fails when
#                                the run fails (the server does not start, a
#                                request errors, shutdown is not clean), never
#                                because a ratio misses its target.
#   bash scripts/load.sh ratios  full runs on SQLite at argon2 m=19456 KiB t=2
#                                p=1 and at the defaults m=65536 t=3 p=4.
#   bash scripts/load.sh scale   the scale run: login and /me throughput and
#                                latency on SQLite, PostgreSQL and the
#                                Mongo-wire server (FerretDB), at 1 000 users
#                                and after a bulk insert up to 1 000 000
#                                (100 000 on FerretDB), then with two nodes on
#                                one database. PostgreSQL and FerretDB come
#                                from scripts/services.d (or the
#                                REGSTACK_TEST_POSTGRES_URL /
#                                REGSTACK_TEST_MONGO_URL already set).
#                                On FerretDB v1 (SQLite backend) p99 grows with
#                                the user count whatever regstack does: it
#                                answers every filter but _id equality by
#                                reading the whole collection. So the Mongo
#                                block runs a second time on FerretDB built
#                                with tools/ferretdb/sqlite-equality-pushdown
#                                .patch, which uses the indexes.
#   bash scripts/load.sh bench   ratios, then scale (`make bench`).
#
# With LOAD_ENFORCE=1 ratios/scale/bench also fail when a ratio misses its
# target (after all runs). Arguments after the mode go to the driver, e.g.
# -json or -duration 20s. The ratios (R1 login/s vs the Argon2 ceiling, R2
# /me vs bare net/http, R3 peak RSS vs the hash pool's budget; p99 growth
# with the user count, two nodes vs one) are explained in the driver's doc.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: bash scripts/load.sh smoke|ratios|scale|bench [driver flags...]"; }

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

enforce=()
if [ "${LOAD_ENFORCE:-0}" = 1 ]; then
	enforce=(-enforce)
fi
missed=0

# drive LABEL ARGS... runs the driver; a missed target (exit 3) is noted
# and the remaining runs go on. Only the label is logged: the arguments may
# hold database URLs.
drive() {
	local label="$1" rc=0
	shift
	log "loaddriver: $label"
	"$BIN/loaddriver" -bin "$BIN/regstack" "${enforce[@]}" "$@" || rc=$?
	case "$rc" in
	0) ;;
	3) missed=1 ;;
	*) die "load driver failed (exit $rc): $label" ;;
	esac
}

ratios() {
	local params m t p
	for params in "19456 2 1" "65536 3 4"; do
		read -r m t p <<<"$params"
		drive "ratios, SQLite, argon2 m=$m t=$t p=$p" -argon2-m "$m" -argon2-t "$t" -argon2-p "$p" "$@"
	done
}

scale() {
	# Only the two database servers the run needs, not every service.
	. "$ROOT/scripts/deps.sh"
	. "$ROOT/scripts/services.d/10-postgres.sh"
	. "$ROOT/scripts/services.d/20-ferretdb.sh"
	log "service: postgres"
	start_postgres
	log "service: ferretdb"
	start_ferretdb
	drive "scale: SQLite, PostgreSQL, FerretDB" -scale sqlite,postgres,mongodb \
		-postgres-url "$REGSTACK_TEST_POSTGRES_URL" -mongodb-url "$REGSTACK_TEST_MONGO_URL" "$@"
	# FerretDB again, built with tools/ferretdb/sqlite-equality-pushdown.patch
	# so that it answers {email: x} from the index regstack made (the test
	# of tools/ferretdb, run by make test, holds its answers equal to the
	# stock server's).
	log "service: ferretdb with the equality pushdown"
	start_ferretdb_pushdown
	drive "scale: FerretDB with the equality pushdown" -scale mongodb -nodes 1 \
		-mongodb-url "$REGSTACK_BENCH_MONGO_PUSHDOWN_URL" "$@"
}

case "$mode" in
smoke)
	log "loaddriver -smoke"
	"$BIN/loaddriver" -bin "$BIN/regstack" -smoke "$@"
	;;
ratios) ratios "$@" ;;
scale) scale "$@" ;;
bench)
	ratios "$@"
	scale "$@"
	;;
*)
	usage
	;;
esac
[ "$missed" = 0 ] || die "a ratio missed its target (LOAD_ENFORCE=1)"
