package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink the server and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningURL = regexp.MustCompile(`msg="regstack is listening" url=(http://\S+)`)

// startServe runs serve in dir (the current directory for the test) on a
// free port until the test ends, and returns its origin and log.
func startServe(t *testing.T, dir string) (string, *syncBuffer) {
	t.Helper()
	t.Chdir(dir)
	// serve bounds the heap for its hashing pool; give the rest of the
	// package's tests their limit back.
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(limit) })
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, logger, serveOptions{Host: "127.0.0.1", Port: 0}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningURL.FindStringSubmatch(logs.String()); m != nil {
			return m[1], logs
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start:\n%s", logs)
	return "", nil
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestServeMountsThePages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, hostThemeName), []byte(":root { --rs-accent: #0d9488; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	origin, logs := startServe(t, dir)

	t.Run("the site root redirects to the sign-in page", func(t *testing.T) {
		res, _ := fetch(t, origin+"/")
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/account/login" {
			t.Errorf("GET / = %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("every page and the reset alias answer", func(t *testing.T) {
		for _, p := range []string{"login", "register", "forgot", "reset", "reset-password", "verify", "confirm-email-change", "me", "mfa-confirm", "oauth-complete"} {
			res, body := fetch(t, origin+"/account/"+p)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `data-rs-ui="/account"`) {
				t.Errorf("/account/%s = %d", p, res.StatusCode)
			}
			if !strings.HasPrefix(res.Header.Get("Content-Security-Policy"), "default-src 'self'") {
				t.Errorf("/account/%s CSP = %q", p, res.Header.Get("Content-Security-Policy"))
			}
		}
	})
	t.Run("the assets are served", func(t *testing.T) {
		for _, p := range []string{"css/core.css", "css/theme.css", "js/regstack.js"} {
			if res, _ := fetch(t, origin+"/regstack-static/"+p); res.StatusCode != http.StatusOK {
				t.Errorf("%s = %d", p, res.StatusCode)
			}
		}
	})
	t.Run("with OAuth off the sign-in page has no provider button", func(t *testing.T) {
		if _, body := fetch(t, origin+"/account/login"); strings.Contains(body, "Sign in with") {
			t.Error("a provider button without OAuth")
		}
	})
	t.Run("a regstack-theme.css beside the configuration is linked last and served", func(t *testing.T) {
		_, body := fetch(t, origin+"/account/login")
		if !strings.Contains(body, `<link rel="stylesheet" href="/regstack-static/regstack-theme.css">`) ||
			strings.Index(body, "regstack-theme.css") < strings.Index(body, "css/theme.css") {
			t.Errorf("the host theme is not linked after theme.css:\n%s", body)
		}
		res, css := fetch(t, origin+"/regstack-static/regstack-theme.css")
		if res.StatusCode != http.StatusOK || !strings.Contains(css, "#0d9488") || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
			t.Errorf("theme file: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), css)
		}
	})
	t.Run("the start-up log names the sign-in page", func(t *testing.T) {
		if !strings.Contains(logs.String(), "pages="+origin+"/account/login") {
			t.Errorf("log:\n%s", logs)
		}
	})
}

// writeConfig writes regstack.toml into dir; the secret comes from the
// environment so the file holds none.
func writeConfig(t *testing.T, dir, toml string) {
	t.Helper()
	t.Setenv("REGSTACK_JWT_SECRET", "serve-test-secret-that-is-at-least-32-characters")
	if err := os.WriteFile(filepath.Join(dir, "regstack.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestServeWithoutPages(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "enable_ui_router = false\ndatabase_url = \"sqlite:///./t.db\"\n")
	origin, _ := startServe(t, dir)
	for _, p := range []string{"/", "/account/login", "/regstack-static/css/core.css"} {
		if res, _ := fetch(t, origin+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404 with enable_ui_router = false", p, res.StatusCode)
		}
	}
}

func TestServeRedirectsRootLinks(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "email_link_prefix = \"\"\ndatabase_url = \"sqlite:///./t.db\"\n")
	origin, _ := startServe(t, dir)
	for _, p := range []string{"/verify", "/reset-password", "/confirm-email-change"} {
		res, _ := fetch(t, origin+p+"?token=abc")
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/account"+p+"?token=abc" {
			t.Errorf("%s = %d to %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	t.Run("without the empty prefix the site root has no such links", func(t *testing.T) {
		dir := t.TempDir()
		origin, _ := startServe(t, dir)
		if res, _ := fetch(t, origin+"/verify?token=abc"); res.StatusCode != http.StatusNotFound {
			t.Errorf("/verify = %d, want 404", res.StatusCode)
		}
	})
}
