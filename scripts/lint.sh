#!/usr/bin/env bash
# lint.sh checks every workspace module (or those in MODULES): gofmt -l must
# print nothing, then go vet and staticcheck. A module that fails one check
# does not stop the others; the script fails at the end if any did.
# RESULTS_DIR, when set, receives one line per failed check in lint.failed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v staticcheck >/dev/null 2>&1 || bash "$ROOT/scripts/tools.sh"

failed=()
checked=0

fail() {
	failed+=("$1")
	printf 'FAIL: %s\n' "$1"
}

# go_files DIR lists DIR's Go files, leaving out testdata and modules nested
# inside it (they are checked as modules of their own).
go_files() {
	find "$1" \
		\( -type d \( -name testdata -o -name vendor -o -name node_modules -o -name '.*' \) ! -path "$1" -prune \) -o \
		\( -type d ! -path "$1" -exec test -f '{}/go.mod' ';' -prune \) -o \
		\( -type f -name '*.go' -print \)
}

while IFS= read -r mod; do
	checked=$((checked + 1))
	log "lint $mod"
	unformatted="$(go_files "$ROOT/$mod" | xargs -r gofmt -l)"
	if [ -n "$unformatted" ]; then
		printf '%s\n' "$unformatted" | sed "s#^$ROOT/#  not gofmt'd: #"
		fail "$mod: gofmt"
	fi
	(cd "$ROOT/$mod" && go vet ./...) || fail "$mod: go vet"
	(cd "$ROOT/$mod" && staticcheck ./...) || fail "$mod: staticcheck"
done < <(go_modules)

if [ -n "${RESULTS_DIR:-}" ]; then
	printf '%s\n' "$checked" >"$RESULTS_DIR/lint.modules"
	printf '%s\n' "${failed[@]+"${failed[@]}"}" | sed '/^$/d' >"$RESULTS_DIR/lint.failed"
fi

if [ "${#failed[@]}" -gt 0 ]; then
	printf 'lint: %d of %d modules clean; failed: %s\n' "$((checked - $(printf '%s\n' "${failed[@]}" | cut -d: -f1 | sort -u | wc -l)))" "$checked" "$(printf "%s; " "${failed[@]}" | sed "s/; $//")"
	exit 1
fi
printf 'lint: all %d modules clean\n' "$checked"
