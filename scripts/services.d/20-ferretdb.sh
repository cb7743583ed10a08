#!/usr/bin/env bash
# 20-ferretdb.sh starts FerretDB, a MongoDB wire-protocol server, on its
# SQLite backend for the adapters/mongo tests (and anything else that
# reads the variable). start_ferretdb exports
#
#   REGSTACK_TEST_MONGO_URL=mongodb://127.0.0.1:PORT/
#
# with no database in the path: every test works in a database of its
# own. When REGSTACK_TEST_MONGO_URL is already set (a real MongoDB, say),
# that server is used and FerretDB is not started.
#
# FerretDB v1 is built from the Go module proxy through the small program
# in tools/ferretdb (its own module, outside go.work), which embeds it as a
# library: the released `ferretdb` command, installed with `go install`,
# panics at start for want of a generated version file. Embedded, it opens
# no debug HTTP port and sends no telemetry. The binary is cached in ./bin
# under a name that carries the FerretDB version and a checksum of the
# program, so it is built once (a cold build, downloads included, takes
# about a minute on two cores).

start_ferretdb() {
	if [ -n "${REGSTACK_TEST_MONGO_URL:-}" ]; then
		log "ferretdb: REGSTACK_TEST_MONGO_URL is set; using that server instead"
		return 0
	fi
	local exe
	exe="$(_ferretdb_install)" || die "could not build FerretDB"

	local dir port
	dir="$(make_tempdir)"
	port="$(free_port)"
	start_bg ferretdb "$dir/ferretdb.log" "$exe" -listen "127.0.0.1:$port" -dir "$dir/data"
	_ferretdb_wait "$BG_PID" "$port" "$dir/ferretdb.log"
	export REGSTACK_TEST_MONGO_URL="mongodb://127.0.0.1:$port/"

	# A second server that reports MongoDB 7.0.5, below the CVE-2025-14847
	# patched baseline, for doctor's advisory (cli/doctor_live_test.go).
	local old_dir old_port
	old_dir="$(make_tempdir)"
	old_port="$(free_port)"
	start_bg ferretdb-7.0.5 "$old_dir/ferretdb.log" "$exe" -listen "127.0.0.1:$old_port" -dir "$old_dir/data" -report-mongodb-version 7.0.5
	_ferretdb_wait "$BG_PID" "$old_port" "$old_dir/ferretdb.log"
	export REGSTACK_TEST_MONGO_OLD_URL="mongodb://127.0.0.1:$old_port/"
}

# _ferretdb_install builds tools/ferretdb into ./bin unless the binary for
# this version and source is there already, and prints its path.
_ferretdb_install() {
	local src="$ROOT/tools/ferretdb" version sum exe
	version="$(awk '$1 == "require" { $0 = substr($0, index($0, $2)) }
		$1 == "github.com/FerretDB/FerretDB" { print $2 }' "$src/go.mod")"
	[ -n "$version" ] || die "tools/ferretdb/go.mod does not require github.com/FerretDB/FerretDB"
	sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | cksum | cut -d' ' -f1)"
	exe="$BIN/ferretdb-$version-$sum"
	if [ ! -x "$exe" ]; then
		log "building FerretDB $version (tools/ferretdb) into $exe" >&2
		mkdir -p "$BIN"
		rm -f "$BIN"/ferretdb-*
		# Outside the workspace: FerretDB's dependencies are its own
		# business. Pure Go (its SQLite is modernc.org/sqlite), without the
		# PostgreSQL backend it would not use here.
		(cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath \
			-tags ferretdb_no_postgresql -o "$exe.tmp" .) >&2 || return 1
		mv "$exe.tmp" "$exe" || return 1
	fi
	printf '%s\n' "$exe"
}

# _ferretdb_wait PID PORT LOG waits until FerretDB accepts connections, and
# fails with the end of its log if it exits first or takes too long.
_ferretdb_wait() {
	local pid="$1" port="$2" logfile="$3" i
	for ((i = 0; i < 300; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$logfile" >&2 || true
			die "FerretDB exited before it listened on 127.0.0.1:$port"
		fi
		sleep 0.1
	done
	tail -n 20 "$logfile" >&2 || true
	die "FerretDB did not listen on 127.0.0.1:$port within 30s"
}
