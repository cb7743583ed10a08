#!/usr/bin/env bash
# test.sh is `make test`: install what is missing, then run every phase
# (lint, unit, fuzz, smoke) even when an earlier one failed, so one CI run
# shows every problem; tear down whatever was started; print a summary and
# a closing "make test: N passed, N failed, N skipped" line; exit non-zero
# if anything failed.
#
# Phases, in order, each a script of its own that `make <phase>` also runs:
#   lint   gofmt -l, go vet, staticcheck in every go.work module
#   unit   go test -race across every module (servers from services.sh)
#   fuzz   every Fuzz target for FUZZTIME
#   smoke  the load-driver smoke run (a no-op until the driver exists)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/scripts/deps.sh"
. "$ROOT/scripts/services.sh"

started=$SECONDS
RESULTS_DIR="$(make_tempdir)"
export RESULTS_DIR

log "dependencies"
ensure_deps
bash "$ROOT/scripts/tools.sh"
log "go: $(go version)"

# Servers are started once here so every phase (and its child scripts) uses
# the same ones, and torn down by the EXIT trap.
start_services

declare -A status
phases=(lint unit fuzz smoke)
for phase in "${phases[@]}"; do
	t0=$SECONDS
	printf '\n==> phase %s\n' "$phase"
	if bash "$ROOT/scripts/$phase.sh"; then
		status[$phase]="ok"
	else
		status[$phase]="FAILED"
	fi
	status[$phase]+=" ($((SECONDS - t0))s)"
done

# Test counts from the go test -json stream: a test (or subtest) counts once
# by its final action; a package that failed without a failing test (it did
# not build, or its binary crashed outside a test) counts as one failure.
read -r t_pass t_fail t_skip p_fail < <(
	awk '
		function field(name,   m) {
			if (match($0, "\"" name "\":\"[^\"]*\"")) {
				m = substr($0, RSTART, RLENGTH)
				sub("^\"" name "\":\"", "", m)
				sub("\"$", "", m)
				return m
			}
			return ""
		}
		{
			action = field("Action")
			if (action != "pass" && action != "fail" && action != "skip") next
			pkg = field("Package"); test = field("Test")
			if (test == "") {
				if (action == "fail") pkgfail[pkg] = 1
				next
			}
			n[action]++
			if (action == "fail") testfail[pkg] = 1
		}
		END {
			orphan = 0
			for (p in pkgfail) if (!(p in testfail)) orphan++
			printf "%d %d %d %d\n", n["pass"], n["fail"], n["skip"], orphan
		}
	' "$RESULTS_DIR/unit.json" 2>/dev/null || echo "0 0 0 0"
)
f_pass=$(sed '/^$/d' "$RESULTS_DIR/fuzz.passed" 2>/dev/null | wc -l)
f_fail=$(sed '/^$/d' "$RESULTS_DIR/fuzz.failed" 2>/dev/null | wc -l)
l_fail=$(sed '/^$/d' "$RESULTS_DIR/lint.failed" 2>/dev/null | wc -l)

printf '\n==> summary (%ds)\n' "$((SECONDS - started))"
for phase in "${phases[@]}"; do
	printf '  %-6s %s\n' "$phase" "${status[$phase]}"
done
printf '  tests: %d passed, %d failed, %d skipped; packages failed outside a test: %d\n' \
	"$t_pass" "$t_fail" "$t_skip" "$p_fail"
printf '  fuzz targets: %d passed, %d failed; lint checks failed: %d\n' "$f_pass" "$f_fail" "$l_fail"
if [ -s "$RESULTS_DIR/lint.failed" ]; then
	sed 's/^/    lint failed: /' "$RESULTS_DIR/lint.failed"
fi
if [ -s "$RESULTS_DIR/fuzz.failed" ]; then
	sed 's/^/    fuzz failed: /' "$RESULTS_DIR/fuzz.failed"
fi

failures=$((t_fail + p_fail + f_fail + l_fail))
ok=yes
for phase in "${phases[@]}"; do
	case "${status[$phase]}" in FAILED*) ok=no ;; esac
done
# A phase can fail with nothing counted (gotestsum could not start, say).
if [ "$ok" = no ] && [ "$failures" -eq 0 ]; then
	failures=1
fi
printf 'make test: %d passed, %d failed, %d skipped\n' "$((t_pass + f_pass))" "$failures" "$t_skip"
[ "$ok" = yes ]
