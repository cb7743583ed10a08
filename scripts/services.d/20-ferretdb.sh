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
	version="$(_ferretdb_version)" || return 1
	sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | cksum | cut -d' ' -f1)"
	exe="$BIN/ferretdb-$version-$sum"
	if [ ! -x "$exe" ]; then
		log "building FerretDB $version (tools/ferretdb) into $exe" >&2
		mkdir -p "$BIN"
		rm -f "$BIN"/ferretdb-v*
		# Outside the workspace: FerretDB's dependencies are its own
		# business. Pure Go (its SQLite is modernc.org/sqlite), without the
		# PostgreSQL backend it would not use here.
		(cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath \
			-tags ferretdb_no_postgresql -o "$exe.tmp" .) >&2 || return 1
		mv "$exe.tmp" "$exe" || return 1
	fi
	printf '%s\n' "$exe"
}

# _ferretdb_version prints the FerretDB version tools/ferretdb/go.mod requires.
_ferretdb_version() {
	local version
	version="$(awk '$1 == "require" { $0 = substr($0, index($0, $2)) }
		$1 == "github.com/FerretDB/FerretDB" { print $2 }' "$ROOT/tools/ferretdb/go.mod")"
	[ -n "$version" ] || die "tools/ferretdb/go.mod does not require github.com/FerretDB/FerretDB"
	printf '%s\n' "$version"
}

# start_ferretdb_pushdown starts a second FerretDB, built with
# tools/ferretdb/sqlite-equality-pushdown.patch, for the scale benchmark
# (scripts/load.sh scale), and exports
#
#   REGSTACK_BENCH_MONGO_PUSHDOWN_URL=mongodb://127.0.0.1:PORT/
#
# (or uses the server that variable already names). Why it exists:
# FerretDB v1's SQLite backend pushes only a filter that is exactly
# {_id: string|ObjectID} down to SQL; every other find, count, update or
# delete reads the whole table and filters in Go, although createIndexes
# made a real SQLite expression index (on _ferretdb_sjson->"email", say).
# A login's {email: x} thus costs O(users), and a benchmark that asks
# whether p99 holds from 1 000 to 100 000 users would measure FerretDB's
# table scan, not regstack. The patch pushes every top-level
# {field: string|ObjectID} equality down as that indexed expression (a
# pre-filter the handler re-applies in full; arrays holding the value still
# pass), so the benchmark can show index-backed scale. The test suite
# (start_ferretdb) keeps the stock FerretDB the issue prescribes;
# tools/ferretdb/pushdowntest compares the two.
start_ferretdb_pushdown() {
	if [ -n "${REGSTACK_BENCH_MONGO_PUSHDOWN_URL:-}" ]; then
		log "ferretdb-pushdown: REGSTACK_BENCH_MONGO_PUSHDOWN_URL is set; using that server instead"
		return 0
	fi
	local exe dir port
	exe="$(_ferretdb_pushdown_install)" || die "could not build FerretDB with the equality pushdown"
	dir="$(make_tempdir)"
	port="$(free_port)"
	start_bg ferretdb-pushdown "$dir/ferretdb.log" "$exe" -listen "127.0.0.1:$port" -dir "$dir/data"
	_ferretdb_wait "$BG_PID" "$port" "$dir/ferretdb.log"
	export REGSTACK_BENCH_MONGO_PUSHDOWN_URL="mongodb://127.0.0.1:$port/"
}

# _ferretdb_pushdown_install builds tools/ferretdb against a patched copy of
# FerretDB into ./bin (ferretdb-pushdown-VERSION-SUM, the sum covering the
# patch too) unless that binary is there already, and prints its path.
# FerretDB is copied from the module cache into a temp dir, patched there
# and swapped in by a replace directive in a temp copy of go.mod
# (go build -modfile): go build -overlay refuses files in the module
# cache, and the repository carries only the patch.
_ferretdb_pushdown_install() {
	local src="$ROOT/tools/ferretdb" patch version sum exe tmp
	patch="$src/sqlite-equality-pushdown.patch"
	version="$(_ferretdb_version)" || return 1
	sum="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go "$patch" | cksum | cut -d' ' -f1)"
	exe="$BIN/ferretdb-pushdown-$version-$sum"
	if [ ! -x "$exe" ]; then
		log "building FerretDB $version with $(basename "$patch") into $exe" >&2
		mkdir -p "$BIN"
		rm -f "$BIN"/ferretdb-pushdown-*
		tmp="$(make_tempdir)"
		# One && chain: set -e has no effect in a subshell that is the
		# left side of ||, and a failed git apply must not leave an
		# unpatched binary under the pushdown name.
		(
			cd "$src" &&
				export GOWORK=off CGO_ENABLED=0 &&
				go mod download github.com/FerretDB/FerretDB &&
				mod="$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)" &&
				[ -d "$mod" ] &&
				cp -R "$mod" "$tmp/FerretDB" &&
				chmod -R u+w "$tmp/FerretDB" &&
				# The ceiling keeps git apply from taking an enclosing
				# repository's root for the patch's base.
				(cd "$tmp/FerretDB" && GIT_CEILING_DIRECTORIES="$tmp" git apply "$patch") &&
				cp go.mod go.sum "$tmp/" &&
				go mod edit -replace="github.com/FerretDB/FerretDB=$tmp/FerretDB" "$tmp/go.mod" &&
				go build -modfile="$tmp/go.mod" -trimpath \
					-tags ferretdb_no_postgresql -o "$exe.tmp" .
		) >&2 || return 1
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
