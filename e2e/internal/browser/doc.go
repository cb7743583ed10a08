// Package browser drives a headless Chromium for the black-box tests of the
// server-rendered pages and the wizard UIs: it starts one browser per test,
// fails the test on any console error, exception or CSP violation the pages
// produce, and saves screenshots (light, dark and phone width) as test
// artifacts.
//
// A test starts the browser, drives it with chromedp, and takes its
// screenshots:
//
//	ctx := browser.Start(t) // one tab; closed, and its console checked, when t ends
//	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
//		t.Fatal(err)
//	}
//	browser.AssertAccessibleNames(t, ctx)
//	browser.Shots(t, ctx, "login") // login-light, login-dark, login-360
//
// The browser is Debian's chromium, found through REGSTACK_TEST_CHROMIUM
// (default /usr/bin/chromium; scripts/services.d/60-chromium.sh installs it
// and sets the variable). Without it a test fails when CI=true and is
// skipped otherwise, like the tests that need the other services of
// scripts/services.d. Screenshots go under REGSTACK_ARTIFACTS (default
// ./artifacts, git-ignored).
//
// In package e2e_test the name browser is already a type
// (oauth_serve_test.go), so import this package under another name there.
package browser
