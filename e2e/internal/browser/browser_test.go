package browser

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pages are the documents the harness is tried on, by path.
var pages = map[string]string{
	"/csp":        `<!doctype html><title>csp</title><p>inline script below</p><script>document.title = "ran"</script>`,
	"/console":    `<!doctype html><title>console</title><script src="/console.js"></script>`,
	"/console.js": `console.error("boom", 42); console.log("fine"); null.x;`,
	"/blank":      `<!doctype html><title>blank</title>`,
	"/text":       `<!doctype html><title>text</title><h1>Hello</h1>`,
	"/form": `<!doctype html><title>form</title>
<label>Email <input name="email" type="email"></label>
<input name="nameless">
<div hidden><input name="hidden-unlabelled"></div>
<button type="submit">Send</button><button type="button"></button>`,
}

// newServer serves pages with the pages' own CSP, default-src 'self'.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		if strings.HasSuffix(r.URL.Path, ".js") {
			w.Header().Set("Content-Type", "text/javascript")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowserHarness(t *testing.T) {
	srv := newServer(t)
	ctx := Start(t)
	open := func(t *testing.T, path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("a CSP violation is recorded as a console error", func(t *testing.T) {
		open(t, "/csp")
		errs := ConsoleErrors(ctx)
		if !slices.ContainsFunc(errs, func(m string) bool { return strings.Contains(m, "Content Security Policy") }) {
			t.Fatalf("recorded %q, want a Content Security Policy violation", errs)
		}
		AllowConsoleError(ctx, "Content Security Policy")
		if errs := ConsoleErrors(ctx); len(errs) != 0 {
			t.Fatalf("after allowing it, still recorded %q", errs)
		}
	})

	t.Run("console.error and an uncaught exception are recorded, console.log is not", func(t *testing.T) {
		open(t, "/console")
		errs := ConsoleErrors(ctx)
		want := []string{"console.error: boom 42", "uncaught exception"}
		for _, w := range want {
			if !slices.ContainsFunc(errs, func(m string) bool { return strings.Contains(m, w) }) {
				t.Errorf("recorded %q, want one containing %q", errs, w)
			}
		}
		if slices.ContainsFunc(errs, func(m string) bool { return strings.Contains(m, "fine") }) {
			t.Errorf("recorded %q, which includes console.log output", errs)
		}
		AllowConsoleError(ctx, "boom")
		AllowConsoleError(ctx, "uncaught exception")
	})

	t.Run("a missing resource is recorded as a network error", func(t *testing.T) {
		open(t, "/nowhere")
		errs := ConsoleErrors(ctx)
		if !slices.ContainsFunc(errs, func(m string) bool { return strings.Contains(m, "404") }) {
			t.Fatalf("recorded %q, want the 404", errs)
		}
		AllowConsoleError(ctx, "404")
	})

	t.Run("a blank page is one colour and a page with text is not", func(t *testing.T) {
		for path, wantSingle := range map[string]bool{"/blank": true, "/text": false} {
			open(t, path)
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(buf))
			if err != nil {
				t.Fatal(err)
			}
			if _, single := singleColour(img); single != wantSingle {
				t.Errorf("%s: single colour = %v, want %v", path, single, wantSingle)
			}
		}
	})

	t.Run("Shots saves light, dark and phone-width screenshots under the test's name", func(t *testing.T) {
		t.Setenv(artifactsEnv, t.TempDir())
		open(t, "/text")
		Shots(t, ctx, "hello")
		for _, name := range []string{"hello-light", "hello-dark", "hello-360"} {
			fi, err := os.Stat(filepath.Join(ArtifactsDir(t), name+".png"))
			if err != nil || fi.Size() == 0 {
				t.Errorf("%s.png: %v", name, err)
			}
		}
	})

	t.Run("the colour scheme reaches the page's media queries", func(t *testing.T) {
		open(t, "/text")
		for _, dark := range []bool{true, false} {
			if err := SetColorScheme(ctx, dark); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`matchMedia("(prefers-color-scheme: dark)").matches`))
			if err != nil {
				t.Fatal(err)
			}
			if got != dark {
				t.Errorf("after SetColorScheme(dark=%v) the page sees dark=%v", dark, got)
			}
		}
	})

	t.Run("the viewport size reaches the page", func(t *testing.T) {
		open(t, "/text")
		if err := SetViewport(ctx, PhoneWidth, PhoneHeight); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = SetViewport(ctx, DesktopWidth, DesktopHeight) })
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[innerWidth, innerHeight]`))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []int{PhoneWidth, PhoneHeight}) {
			t.Errorf("the page sees a %v viewport, want [%d %d]", got, PhoneWidth, PhoneHeight)
		}
	})

	t.Run("controls without an accessible name are found, hidden ones are not", func(t *testing.T) {
		open(t, "/form")
		got, err := UnnamedControls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{`<input name="nameless">`, `<button type="button">`}
		if !slices.Equal(got, want) {
			t.Errorf("unnamed controls = %q, want %q", got, want)
		}
	})
}
