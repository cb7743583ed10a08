#!/usr/bin/env bash
# services.sh is sourced (after lib.sh) by the scripts that need real
# servers. start_services starts each one on a free loopback port, with its
# data in a temp dir, registers its teardown with on_exit, and exports the
# URL the tests read. It is the hook later suites extend, e.g.:
#
#   need_apt postgresql                      # in deps.sh ensure_deps
#   port="$(free_port)"; dir="$(make_tempdir)"
#   ...initdb / pg_ctl start as the postgres user...
#   on_exit "pg_ctl -D '$dir' stop -m fast"
#   export REGSTACK_TEST_POSTGRES_URL="postgresql://...@127.0.0.1:$port/..."
#
# Tests that need a server and find its variable unset must fail, not skip,
# when CI=true.

start_services() {
	# REGSTACK_TEST_SERVICES_UP tells child scripts the servers are already up.
	if [ "${REGSTACK_TEST_SERVICES_UP:-}" = 1 ]; then
		return 0
	fi
	REGSTACK_TEST_TMP="$(make_tempdir)"
	export REGSTACK_TEST_TMP
	# One file per server in scripts/services.d/, each defining
	# start_<name> (sourced in name order, started in that order).
	local f name
	for f in "$ROOT"/scripts/services.d/*.sh; do
		[ -e "$f" ] || continue
		. "$f"
		name="$(basename "$f" .sh)"
		name="${name#[0-9][0-9]-}"
		log "service: $name"
		"start_${name//-/_}"
	done
	export REGSTACK_TEST_SERVICES_UP=1
}
