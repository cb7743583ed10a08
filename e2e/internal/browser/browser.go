package browser

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromiumEnv names the variable holding the Chromium executable.
const chromiumEnv = "REGSTACK_TEST_CHROMIUM"

// defaultChromium is where Debian's chromium package puts the browser.
const defaultChromium = "/usr/bin/chromium"

// Desktop is the viewport a test starts with and Shots returns to: a
// common laptop size, wide enough for the pages' desktop layout.
const (
	DesktopWidth  = 1280
	DesktopHeight = 800
)

// Start launches a headless Chromium for t and returns the context of its
// one tab; every chromedp action of the test runs on it. The browser is
// closed when the test ends, after the test fails if the pages logged a
// console error, threw an uncaught exception or violated their CSP (see
// AllowConsoleError).
func Start(t testing.TB) context.Context {
	t.Helper()
	exe := chromiumPath()
	if _, err := os.Stat(exe); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no Chromium at %s (%v); set %s to the browser executable", exe, err, chromiumEnv)
		}
		t.Skipf("no Chromium at %s; set %s to the browser executable (scripts/services.d/60-chromium.sh installs it)", exe, chromiumEnv)
	}
	// Registered before the browser starts, so the profile is removed only
	// after the browser has exited (cleanups run last-in, first-out).
	profile := t.TempDir()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.WindowSize(DesktopWidth, DesktopHeight),
		chromedp.Flag("disable-gpu", true),
		// The machine has no network beyond loopback; these keep
		// Chromium from trying (and from flooding the log when it fails).
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
	)
	// Not t.Context(): that ends before the cleanups run, and the console
	// check below wants the browser still attached.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	rec := newRecorder()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(rec.listen))
	ctx := context.WithValue(tabCtx, recorderKey{}, rec)
	t.Cleanup(func() {
		for _, msg := range rec.unexpected() {
			t.Errorf("browser console: %s", msg)
		}
		cancelTab()
		cancelAlloc() // waits for the process to exit
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser and opens the tab
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	return ctx
}

// chromiumPath is the browser executable to run.
func chromiumPath() string {
	if p := os.Getenv(chromiumEnv); p != "" {
		return p
	}
	return defaultChromium
}
