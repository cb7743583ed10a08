#!/usr/bin/env bash
# 10-postgres.sh: a throwaway PostgreSQL cluster for the adapters/postgres
# and cli tests. Sourced by services.sh; start_postgres exports
#
#   REGSTACK_TEST_POSTGRES_URL=postgresql://regstack@127.0.0.1:PORT/regstack_test
#
# The cluster is our own (initdb in a temp dir), whatever the machine runs:
# a Debian postgresql package's own "main" cluster, if the package started
# one, is left alone and never used. It listens on 127.0.0.1 only, at a
# free port, with its unix socket inside the temp dir, and is stopped
# (-m immediate) and deleted when the run ends.
#
# Authentication (pg_hba.conf):
#   - local socket: trust;
#   - TCP, members of the role regstack_password_login: scram-sha-256.
#     Tests that need a real password check (a wrong password must fail)
#     create a login role in that group with a password of their own;
#   - TCP, everyone else (the superuser regstack): trust, so the URL
#     carries no password and connections skip the SCRAM round trips.
#
# The server runs with fsync off: its data is thrown away after the run.

# need_apt comes from deps.sh, which `make unit` alone does not source.
declare -F need_apt >/dev/null || . "$ROOT/scripts/deps.sh"

# _pg_bindir prints the directory holding initdb, pg_ctl and postgres:
# the newest /usr/lib/postgresql/<version>/bin, else the one on PATH.
_pg_bindir() {
	local d
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(readlink -f "$(command -v initdb)")"
		return 0
	fi
	return 1
}

# _pg_user prints the account the server runs as: postgres refuses to run
# as root, so root uses the postgres account, else a system account
# regstack-pg made for it; anyone else runs it as themselves (empty).
_pg_user() {
	[ "$(id -u)" -eq 0 ] || return 0
	if id postgres >/dev/null 2>&1; then
		printf 'postgres\n'
		return
	fi
	if ! id regstack-pg >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin regstack-pg
	fi
	printf 'regstack-pg\n'
}

# _pg_as USER CMD... runs CMD as USER (or as ourselves when USER is empty).
_pg_as() {
	local user="$1"
	shift
	if [ -n "$user" ]; then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

start_postgres() {
	if [ -n "${REGSTACK_TEST_POSTGRES_URL:-}" ]; then
		log "postgres: using REGSTACK_TEST_POSTGRES_URL from the environment"
		return 0
	fi
	local bindir user dir port
	bindir="$(_pg_bindir)" || true
	if [ -z "$bindir" ]; then
		need_apt postgresql
		bindir="$(_pg_bindir)" || true
		[ -n "$bindir" ] || die "postgres: the postgresql package is installed but no initdb/pg_ctl was found"
	fi
	user="$(_pg_user)"
	port="$(free_port)"
	# In /tmp, not the run dir: the run dir is private to the invoking user,
	# and the socket path must stay short (unix sockets allow ~100 bytes).
	dir="$(mktemp -d /tmp/regstack-pg.XXXXXX)"
	on_exit "rm -rf '$dir'"
	[ -z "$user" ] || chown "$user" "$dir"

	_pg_as "$user" "$bindir/initdb" -D "$dir/data" -U regstack -A trust -E UTF8 --locale=C --no-sync \
		>"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		die "postgres: initdb failed"
	}
	cat >"$dir/data/pg_hba.conf" <<-EOF
		# TYPE  DATABASE  USER                     ADDRESS       METHOD
		local   all       all                                    trust
		host    all       +regstack_password_login 127.0.0.1/32  scram-sha-256
		host    all       all                      127.0.0.1/32  trust
	EOF
	[ -z "$user" ] || chown "$user" "$dir/data/pg_hba.conf"

	_pg_as "$user" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null || {
		cat "$dir/server.log" >&2
		die "postgres: the server did not start"
	}
	on_exit "_pg_as '$user' '$bindir/pg_ctl' -D '$dir/data' stop -m immediate >/dev/null 2>&1"
	wait_port 127.0.0.1 "$port" 15

	local psql="$bindir/psql"
	[ -x "$psql" ] || psql="psql"
	"$psql" -q -h "$dir" -p "$port" -U regstack -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE DATABASE regstack_test" \
		-c "CREATE ROLE regstack_password_login NOLOGIN" >/dev/null ||
		die "postgres: could not create the test database"

	export REGSTACK_TEST_POSTGRES_URL="postgresql://regstack@127.0.0.1:$port/regstack_test"
	log "postgres: $("$bindir/postgres" --version) at 127.0.0.1:$port"
}
