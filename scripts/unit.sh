#!/usr/bin/env bash
# unit.sh runs every workspace module's tests (or those in MODULES) with the
# race detector, in one go test run so packages of all modules share the
# two cores. Output is go test's own (through gotestsum's standard-quiet
# format, which adds a DONE line with the counts).
#
# TEST_TIMEOUT (default 10m) bounds each test binary; TEST_FLAGS adds go test
# flags (e.g. TEST_FLAGS='-run TestLogin'). RESULTS_DIR, when set, receives
# the go test -json stream in unit.json.
#
# Then the tests of tools/ferretdb, a module of its own outside the
# workspace (GOWORK=off): they check that the FerretDB patched for the scale
# benchmark answers as the stock one does.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/services.sh"

command -v gotestsum >/dev/null 2>&1 || bash "$ROOT/scripts/tools.sh"

start_services

results="${RESULTS_DIR:-$(make_tempdir)}"
read -r -a patterns <<<"$(go_module_patterns)"
read -r -a extra <<<"${TEST_FLAGS:-}"

log "go test -race ${patterns[*]}"
cd "$ROOT"
# -race needs cgo.
rc=0
CGO_ENABLED=1 gotestsum \
	--format standard-quiet \
	--jsonfile "$results/unit.json" \
	-- -race -count=1 -timeout "${TEST_TIMEOUT:-10m}" "${extra[@]+"${extra[@]}"}" "${patterns[@]}" || rc=$?

if [ -z "${MODULES:-}" ]; then
	log "go test -race ./... in tools/ferretdb (GOWORK=off)"
	(cd "$ROOT/tools/ferretdb" && GOWORK=off CGO_ENABLED=1 gotestsum \
		--format standard-quiet \
		--jsonfile "$results/unit-tools.json" \
		-- -race -count=1 -timeout "${TEST_TIMEOUT:-10m}" "${extra[@]+"${extra[@]}"}" ./...) || rc=$?
	cat "$results/unit-tools.json" >>"$results/unit.json" 2>/dev/null || true
fi
exit "$rc"
