#!/usr/bin/env bash
# lib.sh is sourced by every script under scripts/: the repository root, the
# workspace's module list, a sane Go environment, free loopback ports and a
# cleanup registry that tears down whatever a run started (servers, temp
# dirs) when the sourcing shell exits, however it exits.
#
# Callers set `set -euo pipefail` themselves before sourcing.

# ROOT is the repository root (the directory holding go.work).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# BIN is where the pinned Go tools live (gitignored).
BIN="$ROOT/bin"
export BIN

log()  { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- Go environment --------------------------------------------------------

# A machine may have Go installed but not on PATH (the Go image puts it in
# /usr/local/go); find it rather than fail.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	PATH="/usr/local/go/bin:$PATH"
fi
PATH="$BIN:$PATH"
export PATH

# The repository is a go.work workspace: builds must use it, and -mod=mod
# (which would let the go command rewrite go.mod files) is refused in
# workspace mode anyway, so drop any -mod flag inherited from the caller.
sanitize_goflags() {
	local out=() f
	for f in ${GOFLAGS:-}; do
		case "$f" in
		-mod=*) warn "ignoring GOFLAGS entry $f (the workspace is used as committed)" ;;
		*) out+=("$f") ;;
		esac
	done
	GOFLAGS="${out[*]:-}"
	export GOFLAGS
}
sanitize_goflags
unset GOWORK # the go command finds $ROOT/go.work itself

# go_modules prints the workspace's module directories, relative to ROOT and
# without the leading "./", one per line, in go.work order. MODULES (space
# separated directories, e.g. MODULES="core cli") narrows the list.
go_modules() {
	local all
	all="$(cd "$ROOT" && go work edit -json |
		sed -n 's/^[[:space:]]*"DiskPath":[[:space:]]*"\(.*\)".*$/\1/p' |
		sed 's#^\./##; s#/$##')"
	[ -n "$all" ] || die "no modules found in $ROOT/go.work"
	if [ -z "${MODULES:-}" ]; then
		printf '%s\n' "$all"
		return
	fi
	local m found
	for m in $MODULES; do
		m="${m#./}"
		m="${m%/}"
		found=no
		while IFS= read -r d; do
			if [ "$d" = "$m" ]; then
				found=yes
				printf '%s\n' "$d"
			fi
		done <<<"$all"
		[ "$found" = yes ] || die "MODULES names $m, which go.work does not use"
	done
}

# go_module_patterns prints "./dir/..." for every module of go_modules, on
# one line, for a single go command over the whole workspace.
go_module_patterns() {
	local d out=()
	while IFS= read -r d; do out+=("./$d/..."); done < <(go_modules)
	printf '%s\n' "${out[*]}"
}

# --- cleanup registry ------------------------------------------------------

# Commands registered with on_exit run once, last registered first, when
# the shell that sourced this file exits (normally, on error, or on
# INT/TERM). A failing cleanup command is reported and does not stop the
# others. Call on_exit (and start_bg, which uses it) in the script's own
# shell: inside $(...) or ( ... ) the registration is lost with the subshell.
_CLEANUP=()

on_exit() {
	_CLEANUP+=("$*")
}

_run_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${_CLEANUP[i]}" || warn "cleanup failed: ${_CLEANUP[i]}"
	done
	_CLEANUP=()
	exit "$rc"
}
trap _run_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# REGSTACK_TEST_RUN_DIR holds this run's temp dirs and state. The outermost
# script creates it and removes it on exit; scripts it runs inherit it, so
# everything a run made goes away together and $(make_tempdir) or
# $(free_port), which run in a subshell, need no cleanup of their own.
if [ -z "${REGSTACK_TEST_RUN_DIR:-}" ] || [ ! -d "$REGSTACK_TEST_RUN_DIR" ]; then
	REGSTACK_TEST_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/regstack-run.XXXXXX")"
	export REGSTACK_TEST_RUN_DIR
	on_exit "rm -rf '$REGSTACK_TEST_RUN_DIR'"
fi

# make_tempdir prints a new temporary directory inside REGSTACK_TEST_RUN_DIR,
# removed when the run ends.
make_tempdir() {
	mktemp -d "$REGSTACK_TEST_RUN_DIR/tmp.XXXXXX"
}

# start_bg NAME LOGFILE CMD... starts CMD in the background with its output
# in LOGFILE, registers it to be stopped (TERM, then KILL after 10 s) on
# exit, and sets BG_PID to its process id. Servers that need their own stop
# command (pg_ctl stop, say) register that with on_exit instead.
start_bg() {
	local name="$1" logfile="$2"
	shift 2
	"$@" >"$logfile" 2>&1 &
	BG_PID=$!
	on_exit "stop_pid $BG_PID '$name'"
	log "started $name (pid $BG_PID, log $logfile)"
}

# stop_pid PID NAME stops one process this run started.
stop_pid() {
	local pid="$1" name="$2" i
	if _alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			_alive "$pid" || break
			sleep 0.1
		done
		if _alive "$pid"; then
			warn "$name (pid $pid) ignored TERM for 10s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	# Reap it, so no zombie outlives the run.
	wait "$pid" 2>/dev/null || true
}

# _alive PID is true while PID runs (an exited child waiting to be reaped,
# a zombie, does not count).
_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	local state
	state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)"
	[ -n "$state" ] && [ "$state" != Z ]
}

# --- ports -----------------------------------------------------------------

# _port_in_use PORT is true when any local TCP socket (IPv4 or IPv6, any
# state) is bound to PORT.
_port_in_use() {
	local hex
	hex="$(printf '%04X' "$1")"
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }'
}

# free_port prints a TCP port on the loopback interface that nothing is
# bound to and that this run (any script of it) has not handed out before. There is a window
# between the check and the server binding it, so callers that start a
# server should still wait for it with wait_port.
free_port() {
	local i port given="$REGSTACK_TEST_RUN_DIR/ports"
	touch "$given"
	for ((i = 0; i < 200; i++)); do
		port=$((20000 + RANDOM % 40000))
		grep -qx "$port" "$given" && continue
		if ! _port_in_use "$port"; then
			printf '%s\n' "$port" >>"$given"
			printf '%s\n' "$port"
			return 0
		fi
	done
	die "no free loopback port found"
}

# wait_port HOST PORT [SECONDS] waits until something accepts TCP
# connections on HOST:PORT, or fails after SECONDS (default 30).
wait_port() {
	local host="$1" port="$2" secs="${3:-30}" i
	for ((i = 0; i < secs * 10; i++)); do
		if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "nothing listening on $host:$port after ${secs}s"
}
