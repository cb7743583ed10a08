#!/usr/bin/env bash
# deps.sh installs the system packages `make test` needs and checks the Go
# toolchain. Sourced, it only defines need_apt and need_go; run, it makes
# sure everything the test suite needs today is present.
#
# Later suites add their packages here (PostgreSQL server binaries, say):
# one need_apt line each in ensure_deps.

# _APT_UPDATED keeps `apt-get update` to once per run.
_APT_UPDATED="${_APT_UPDATED:-no}"

# need_apt PKG... installs the Debian/Ubuntu packages that are not installed
# yet. As root it runs `apt-get update` (once) and `apt-get install`; as
# anyone else it prints the exact command to run and fails.
need_apt() {
	local missing=() p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		printf 'ERROR: missing packages %s, and this machine has no apt-get; install them with its package manager\n' "${missing[*]}" >&2
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		printf 'ERROR: missing packages: %s\nRun as root:\n  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s\n' \
			"${missing[*]}" "${missing[*]}" >&2
		return 1
	fi
	if [ "$_APT_UPDATED" != yes ]; then
		printf '==> apt-get update\n'
		apt-get update -qq
		_APT_UPDATED=yes
	fi
	printf '==> apt-get install %s\n' "${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# need_go checks that the go command is there and new enough for go.work.
need_go() {
	if ! command -v go >/dev/null 2>&1; then
		printf 'ERROR: the go command is not on PATH. Install Go %s or newer from the Go image (it lives in /usr/local/go) and put its bin directory on PATH.\n' "$(_workspace_go)" >&2
		return 1
	fi
	local have want
	have="$(go env GOVERSION)"
	have="${have#go}"
	want="$(_workspace_go)"
	if ! _version_ge "$have" "$want"; then
		printf 'ERROR: go.work needs Go %s; this go is %s\n' "$want" "$have" >&2
		return 1
	fi
}

_workspace_go() {
	sed -n 's/^go[[:space:]]\{1,\}\([0-9.]*\).*/\1/p' "$ROOT/go.work" | head -n1
}

# _version_ge A B is true when dotted version A >= B.
_version_ge() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

# ensure_deps is everything `make test` needs from the system.
ensure_deps() {
	need_go
	# go test -race needs cgo, and cgo needs a C compiler and libc headers.
	need_apt gcc libc6-dev
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	# shellcheck source=lib.sh
	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
	ensure_deps
fi
