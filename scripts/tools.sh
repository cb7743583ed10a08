#!/usr/bin/env bash
# tools.sh installs the pinned Go tools into ./bin through the Go module
# proxy. A tool already built at its pinned version is left alone, so a
# second run costs nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pinned versions. staticcheck v0.8.x is the first release line that
# understands Go 1.26; x/perf has no tags, so benchstat is a pseudo-version.
TOOLS=(
	"honnef.co/go/tools/cmd/staticcheck@v0.8.2"
	"gotest.tools/gotestsum@v1.13.0"
	"golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
)

mkdir -p "$BIN"
for spec in "${TOOLS[@]}"; do
	pkg="${spec%@*}"
	version="${spec##*@}"
	exe="$BIN/${pkg##*/}"
	# `go version -m` names the module version the binary was built from.
	if [ -x "$exe" ] && go version -m "$exe" 2>/dev/null |
		awk -v v="$version" '$1 == "mod" && $3 == v { ok = 1 } END { exit !ok }'; then
		continue
	fi
	log "go install $spec"
	# Outside the workspace: a tool's dependencies are its own business.
	(cd "$BIN" && GOWORK=off GOBIN="$BIN" go install "$spec")
done
