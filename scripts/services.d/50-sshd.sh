#!/usr/bin/env bash
# 50-sshd.sh starts an OpenSSH server on loopback for the ssh: log source
# of `regstack validate` (e2e/validate_test.go): the test follows a
# server's log file through the real ssh client, as an operator would on
# a remote host.
#
# It runs as the current user (root in CI) with its own configuration,
# host key and authorized client key in a temp dir; nothing under /etc/ssh
# or ~/.ssh is read or changed. Exports:
#
#   REGSTACK_TEST_SSH_URL          ssh://<user>@127.0.0.1:<port>
#   REGSTACK_TEST_SSH_KEY          the client's private key (no passphrase)
#   REGSTACK_TEST_SSH_KNOWN_HOSTS  a known_hosts file naming the host key

start_sshd() {
	need_apt openssh-server openssh-client

	local dir port user
	dir="$(make_tempdir)"
	port="$(free_port)"
	user="$(id -un)"
	ssh-keygen -q -t ed25519 -N '' -C regstack-test-host -f "$dir/host_key" ||
		die "ssh-keygen could not make the sshd host key"
	ssh-keygen -q -t ed25519 -N '' -C regstack-test-client -f "$dir/client_key" ||
		die "ssh-keygen could not make the ssh client key"
	cp "$dir/client_key.pub" "$dir/authorized_keys"
	printf '[127.0.0.1]:%s %s\n' "$port" "$(cat "$dir/host_key.pub")" >"$dir/known_hosts"

	cat >"$dir/sshd_config" <<CONFIG
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
CONFIG

	# sshd started as root insists on its privilege-separation directory,
	# which only the packaged service creates.
	if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd
		chmod 0755 /run/sshd
	fi
	# sshd re-executes itself, so it must be started by absolute path.
	start_bg sshd "$dir/sshd.log" /usr/sbin/sshd -D -e -f "$dir/sshd_config"
	wait_port 127.0.0.1 "$port" 30

	export REGSTACK_TEST_SSH_URL="ssh://$user@127.0.0.1:$port"
	export REGSTACK_TEST_SSH_KEY="$dir/client_key"
	export REGSTACK_TEST_SSH_KNOWN_HOSTS="$dir/known_hosts"
}
