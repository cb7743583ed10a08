#!/usr/bin/env bash
# fmt.sh rewrites every workspace module's Go files (or those in MODULES)
# with gofmt, leaving testdata alone.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

while IFS= read -r mod; do
	find "$ROOT/$mod" \( -type d \( -name testdata -o -name vendor -o -name node_modules \) -prune \) -o \
		\( -type f -name '*.go' -print \) | xargs -r gofmt -l -w
done < <(go_modules)
