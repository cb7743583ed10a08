#!/usr/bin/env bash
# 70-desktop.sh starts a virtual X display (Xvfb) for the desktop wizard
# tests (e2e/wizard_window_test.go), which build the regstack command with
# the `desktop` tag and open each wizard's Wails window on it. It exports
# the display as REGSTACK_TEST_DISPLAY (":N").
#
# Packages (Debian 12 names):
#   xvfb, xauth                    the X server with no screen
#   x11-apps, x11-utils            xwd and xwininfo, which the tests read the
#                                  screen and the window list with
#   libgtk-3-dev,
#   libwebkit2gtk-4.0-dev, pkg-config
#                                  what the cgo half of Wails v2 links against
#                                  (WebKitGTK 4.0 is Wails v2's default API;
#                                  4.1 would need the webkit2_41 build tag)

start_desktop() {
	need_apt xvfb xauth x11-apps x11-utils libgtk-3-dev libwebkit2gtk-4.0-dev pkg-config

	local dir i display=""
	dir="$(make_tempdir)"
	: >"$dir/display"
	# -noreset: by default the server resets when its last client leaves,
	# and a window opened during that reset fails "to init GTK" — the
	# tests open one wizard window right after another closes.
	# -displayfd lets Xvfb pick a display number nobody holds (it checks
	# the lock files in /tmp) and tell us which one once it listens; a
	# fixed number would collide with another run or a real desktop.
	start_bg xvfb "$dir/xvfb.log" \
		bash -c 'exec Xvfb -displayfd 3 -screen 0 1280x800x24 -noreset -nolisten tcp -nolisten unix-abstract 3>"$0"' "$dir/display"
	for ((i = 0; i < 150; i++)); do
		display="$(tr -dc '0-9' <"$dir/display")"
		[ -n "$display" ] && break
		_alive "$BG_PID" || break
		sleep 0.1
	done
	[ -n "$display" ] || die "Xvfb did not start (log: $(cat "$dir/xvfb.log" 2>/dev/null))"
	export REGSTACK_TEST_DISPLAY=":$display"
	log "Xvfb on display $REGSTACK_TEST_DISPLAY"
}
