#!/usr/bin/env bash
# 30-mailpit.sh starts Mailpit, the SMTP server with an HTTP API that the
# adapters/smtp tests and e2e/mail_flows_test.go deliver to and read back
# from. Three instances, each with its own database in a temp dir:
#
#   plain     no TLS                                REGSTACK_TEST_MAILPIT_SMTP / _HTTP
#   STARTTLS  STARTTLS required                     REGSTACK_TEST_MAILPIT_STARTTLS_SMTP / _HTTP
#   implicit  TLS from the first byte, AUTH needed  REGSTACK_TEST_MAILPIT_TLS_SMTP / _HTTP
#
# The TLS instances use a throwaway self-signed certificate for 127.0.0.1
# and localhost, exported as REGSTACK_TEST_MAILPIT_CA for the tests to
# trust through SSL_CERT_FILE; the implicit-TLS instance's credentials are
# REGSTACK_TEST_MAILPIT_TLS_AUTH ("user:password"). *_SMTP is host:port,
# *_HTTP the API origin.
#
# Mailpit is built from source through the Go module proxy into
# ./bin/mailpit, once per pinned version (a cold build takes about a
# minute and a half on a fresh machine; later runs reuse the binary).

# MAILPIT_VERSION is the Mailpit module version built into ./bin.
MAILPIT_VERSION="v1.27.11"

start_mailpit() {
	need_apt openssl
	_mailpit_install

	local dir
	dir="$(make_tempdir)"
	# A key and certificate that live only as long as this run.
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-keyout "$dir/key.pem" -out "$dir/cert.pem" \
		-subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 ||
		die "openssl could not make the Mailpit test certificate"
	# Mailpit reads htpasswd files; a plain-text password is one of the
	# forms it accepts.
	local user="regstack" pass
	pass="mailpit-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	printf '%s:%s\n' "$user" "$pass" >"$dir/smtp-auth"

	_mailpit_instance plain "$dir"
	export REGSTACK_TEST_MAILPIT_SMTP="$MAILPIT_SMTP" REGSTACK_TEST_MAILPIT_HTTP="$MAILPIT_HTTP"

	_mailpit_instance starttls "$dir" \
		--smtp-tls-cert "$dir/cert.pem" --smtp-tls-key "$dir/key.pem" --smtp-require-starttls
	export REGSTACK_TEST_MAILPIT_STARTTLS_SMTP="$MAILPIT_SMTP" REGSTACK_TEST_MAILPIT_STARTTLS_HTTP="$MAILPIT_HTTP"

	_mailpit_instance tls "$dir" \
		--smtp-tls-cert "$dir/cert.pem" --smtp-tls-key "$dir/key.pem" --smtp-require-tls \
		--smtp-auth-file "$dir/smtp-auth"
	export REGSTACK_TEST_MAILPIT_TLS_SMTP="$MAILPIT_SMTP" REGSTACK_TEST_MAILPIT_TLS_HTTP="$MAILPIT_HTTP"
	export REGSTACK_TEST_MAILPIT_TLS_AUTH="$user:$pass"
	export REGSTACK_TEST_MAILPIT_CA="$dir/cert.pem"
}

# _mailpit_install builds Mailpit into ./bin unless the binary there is
# already the pinned version.
_mailpit_install() {
	local exe="$BIN/mailpit"
	if [ -x "$exe" ] && go version -m "$exe" 2>/dev/null |
		awk -v v="$MAILPIT_VERSION" '$1 == "mod" && $3 == v { ok = 1 } END { exit !ok }'; then
		return 0
	fi
	log "go install github.com/axllent/mailpit@$MAILPIT_VERSION"
	mkdir -p "$BIN"
	# Outside the workspace: Mailpit's dependencies are its own business.
	(cd "$BIN" && GOWORK=off GOBIN="$BIN" go install "github.com/axllent/mailpit@$MAILPIT_VERSION") ||
		die "go install of Mailpit $MAILPIT_VERSION failed"
}

# _mailpit_instance NAME DIR [FLAGS...] starts one Mailpit on free loopback
# ports with its database in DIR, and sets MAILPIT_SMTP (host:port) and
# MAILPIT_HTTP (origin).
_mailpit_instance() {
	local name="$1" dir="$2" smtp http
	shift 2
	smtp="$(free_port)"
	http="$(free_port)"
	start_bg "mailpit-$name" "$dir/mailpit-$name.log" \
		"$BIN/mailpit" \
		--smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$http" \
		--database "$dir/mailpit-$name.db" \
		--disable-version-check --smtp-disable-rdns --max 0 \
		"$@"
	wait_port 127.0.0.1 "$smtp" 30
	wait_port 127.0.0.1 "$http" 30
	MAILPIT_SMTP="127.0.0.1:$smtp"
	MAILPIT_HTTP="http://127.0.0.1:$http"
}
