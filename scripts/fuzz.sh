#!/usr/bin/env bash
# fuzz.sh gives every fuzz target in the workspace modules (every
# `func FuzzX(f *testing.F)` in a _test.go file) a short run of FUZZTIME
# (default 5s), one target at a time, in its package directory. A target
# that fails does not stop the others. RESULTS_DIR, when set, receives
# fuzz.passed and fuzz.failed (one target per line).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fuzztime="${FUZZTIME:-5s}"
passed=()
failed=()

targets="$(
	while IFS= read -r mod; do
		grep -rEo --include='*_test.go' --exclude-dir=testdata --exclude-dir=vendor \
			'^func Fuzz[A-Za-z0-9_]*\(' "$ROOT/$mod" || true
	done < <(go_modules) | sed 's/:func \(Fuzz[A-Za-z0-9_]*\)(/ \1/' | sort -u
)"

if [ -z "$targets" ]; then
	log "no fuzz targets"
fi

while read -r file name; do
	[ -n "${file:-}" ] || continue
	dir="$(dirname "$file")"
	rel="${dir#"$ROOT"/}"
	log "fuzz $rel $name for $fuzztime"
	out="$(make_tempdir)/fuzz.log"
	ok=no
	for attempt in 1 2; do
		if (cd "$dir" && go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" .) 2>&1 | tee "$out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
			ok=yes
			break
		fi
		# Go's fuzz coordinator sometimes ends a clean run with only
		# "context deadline exceeded" when the time runs out while a worker
		# is still minimising a new input. That is no finding (a finding
		# says "Failing input written to"), so such a run is tried once
		# more; a second failure of any kind fails the target.
		if [ "$attempt" -eq 1 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written to' "$out"; then
			log "fuzz $rel $name: the fuzzer timed out while minimising (no failing input); running it once more"
			continue
		fi
		break
	done
	if [ "$ok" = yes ]; then
		passed+=("$rel $name")
	else
		failed+=("$rel $name")
		printf 'FAIL: fuzz %s %s\n' "$rel" "$name"
	fi
done <<<"$targets"

if [ -n "${RESULTS_DIR:-}" ]; then
	printf '%s\n' "${passed[@]+"${passed[@]}"}" | sed '/^$/d' >"$RESULTS_DIR/fuzz.passed"
	printf '%s\n' "${failed[@]+"${failed[@]}"}" | sed '/^$/d' >"$RESULTS_DIR/fuzz.failed"
fi

printf 'fuzz: %d targets passed, %d failed\n' "${#passed[@]}" "${#failed[@]}"
[ "${#failed[@]}" -eq 0 ]
