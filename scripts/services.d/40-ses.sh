#!/usr/bin/env bash
# 40-ses.sh starts the Amazon SES v2 emulator (npm aws-ses-v2-local) that
# the adapters/ses tests send through, and exports its URL as
# REGSTACK_TEST_SES_URL. The emulator and its dependencies are pinned by
# adapters/ses/testdata/emulator/package-lock.json and installed once with
# `npm ci` into ./bin/npm/ses-<hash of the lock file>; a changed lock file
# installs afresh beside the old one.

start_ses() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		need_apt nodejs npm
	fi

	local src="$ROOT/adapters/ses/testdata/emulator" hash dir
	hash="$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)"
	dir="$BIN/npm/ses-$hash"
	if [ ! -f "$dir/node_modules/aws-ses-v2-local/dist/cli.js" ]; then
		log "installing the SES emulator into $dir"
		local tmp
		mkdir -p "$BIN/npm"
		tmp="$(mktemp -d "$BIN/npm/.ses-install.XXXXXX")"
		cp "$src/package.json" "$src/package-lock.json" "$tmp/"
		if ! (cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); then
			rm -rf "$tmp"
			die "npm ci of the SES emulator failed"
		fi
		# Renamed into place whole, so an interrupted install is never
		# mistaken for a finished one; a concurrent run may have won.
		mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi

	local port logdir
	port="$(free_port)"
	logdir="$(make_tempdir)"
	start_bg ses-emulator "$logdir/ses.log" \
		node "$dir/node_modules/aws-ses-v2-local/dist/cli.js" --host 127.0.0.1 --port "$port"
	wait_port 127.0.0.1 "$port" 30
	export REGSTACK_TEST_SES_URL="http://127.0.0.1:$port"
}
