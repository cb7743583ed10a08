#!/usr/bin/env bash
# 60-chromium.sh installs the headless browser that the browser tests
# (e2e/browser_*_test.go, the wizard UI tests) drive through
# e2e/internal/browser, and exports its path as REGSTACK_TEST_CHROMIUM.
# There is no server to start: each test launches its own Chromium.
#
# Debian's chromium package is used as is (`npx playwright install` and
# similar downloads do not work without internet); fonts-dejavu-core gives
# the pages a font to render with, without which screenshots come out
# blank.

start_chromium() {
	need_apt chromium fonts-dejavu-core
	local exe
	exe="$(command -v chromium || true)"
	[ -n "$exe" ] || die "the chromium package is installed but there is no chromium on PATH"
	export REGSTACK_TEST_CHROMIUM="$exe"
}
