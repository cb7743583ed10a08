#!/usr/bin/env bash
# bench.sh runs the benchmarks of every workspace module (or those in
# MODULES): go test -run '^$' -bench "${BENCH:-.}" -benchmem. BENCHTIME and
# BENCHCOUNT pass through to -benchtime and -count; with BENCH_OUT set the
# output is also written there, ready for `bin/benchstat old new`.
# `make bench` then runs `scripts/load.sh bench`: the load driver's ratio
# runs and its scale run on SQLite, PostgreSQL and FerretDB.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a patterns <<<"$(go_module_patterns)"
args=(-run '^$' -bench "${BENCH:-.}" -benchmem -count "${BENCHCOUNT:-1}")
if [ -n "${BENCHTIME:-}" ]; then
	args+=(-benchtime "$BENCHTIME")
fi

cd "$ROOT"
log "go test ${args[*]} ${patterns[*]}"
if [ -n "${BENCH_OUT:-}" ]; then
	go test "${args[@]}" "${patterns[@]}" | tee "$BENCH_OUT"
else
	go test "${args[@]}" "${patterns[@]}"
fi
