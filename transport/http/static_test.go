package http_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/theme"
	rshttp "github.com/regstack/regstack/transport/http"
)

// getStatic asks Static() for path (relative to its mount point).
func getStatic(t *testing.T, h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestStaticAssets(t *testing.T) {
	h := rshttp.Static()
	tests := []struct {
		path, contentType, contains string
	}{
		{"/css/core.css", "text/css; charset=utf-8", ".rs-card"},
		{"/css/theme.css", "text/css; charset=utf-8", "--rs-accent"},
		{"/js/regstack.js", "text/javascript; charset=utf-8", "regstack.access_token"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" is served with its content type, validator and cache lifetime", func(t *testing.T) {
			rec := getStatic(t, h, http.MethodGet, tt.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.contentType)
			}
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
				t.Errorf("Cache-Control = %q", cc)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}

			notModified := getStatic(t, h, http.MethodGet, tt.path, map[string]string{"If-None-Match": rec.Header().Get("ETag")})
			if notModified.Code != http.StatusNotModified || notModified.Body.Len() != 0 {
				t.Errorf("If-None-Match: status %d, %d bytes; want 304, empty", notModified.Code, notModified.Body.Len())
			}
			changed := getStatic(t, h, http.MethodGet, tt.path, map[string]string{"If-None-Match": `"stale"`})
			if changed.Code != http.StatusOK {
				t.Errorf("a stale ETag: status %d, want 200", changed.Code)
			}

			head := getStatic(t, h, http.MethodHead, tt.path, nil)
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Type") != tt.contentType {
				t.Errorf("HEAD: status %d, %d bytes, type %q", head.Code, head.Body.Len(), head.Header().Get("Content-Type"))
			}
		})
	}

	t.Run("the stylesheets are core/theme's, byte for byte", func(t *testing.T) {
		for _, name := range []string{"core.css", "theme.css"} {
			want, err := fs.ReadFile(theme.Stylesheets(), "css/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if got := getStatic(t, h, http.MethodGet, "/css/"+name, nil).Body.String(); got != string(want) {
				t.Errorf("%s differs from core/theme's", name)
			}
		}
	})

	for _, tt := range []struct{ name, method, path string }{
		{"an unknown file is 404", http.MethodGet, "/css/missing.css"},
		{"a directory is not listed", http.MethodGet, "/css/"},
		{"the root is not listed", http.MethodGet, "/"},
		{"a directory without its slash is 404", http.MethodGet, "/js"},
		{"a path climbing out is 404", http.MethodGet, "/css/../../go.mod"},
		{"a POST to an unknown path is 404", http.MethodPost, "/nope"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if rec := getStatic(t, h, tt.method, tt.path, nil); rec.Code != http.StatusNotFound {
				t.Errorf("status = %d, want 404", rec.Code)
			}
		})
	}
	t.Run("a POST to an asset is 405", func(t *testing.T) {
		rec := getStatic(t, h, http.MethodPost, "/css/core.css", nil)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
		}
	})
}

var assetLink = regexp.MustCompile(`(?:href|src)="(/regstack-static/[^"?]+)\?v=([0-9a-f]+)"`)

func TestPagesLinkVersionedAssets(t *testing.T) {
	e := uiEnv(t, nil)
	html := string(e.page(http.MethodGet, "/account/login").Body)
	links := assetLink.FindAllStringSubmatch(html, -1)
	if len(links) != 3 {
		t.Fatalf("%d versioned asset links, want core.css, theme.css and regstack.js:\n%s", len(links), html)
	}
	for _, l := range links {
		t.Run(l[1]+" with its current hash may be cached for good", func(t *testing.T) {
			res := e.page(http.MethodGet, l[1]+"?v="+l[2])
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			stale := e.page(http.MethodGet, l[1]+"?v=0000")
			if cc := stale.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
				t.Errorf("an old hash: Cache-Control = %q", cc)
			}
		})
	}
}

// TestScriptCoversTheContract checks the strings of ui.md §5–7 that the
// browser tests cannot reach without a live OAuth provider or SMS flow.
func TestScriptCoversTheContract(t *testing.T) {
	js := getStatic(t, rshttp.Static(), http.MethodGet, "/js/regstack.js", nil).Body.String()
	for _, want := range []string{
		`"regstack.access_token"`, `"regstack.mfa_pending"`,
		"data-rs-api", "data-rs-ui", "data-rs-page",
		// §7.3 callback errors
		"oauth_failed", "missing_code_or_state", "unknown_provider", "bad_state", "state_expired",
		"token_exchange_failed", "id_token_failed", "email_in_use", "identity_in_use", "already_linked",
		"user_inactive", "registration_disabled", `"Sign-in failed ("`,
		// §6.9 both MFA shapes of the OAuth exchange
		`d.status === "mfa_required" || d.mfa_required === true`,
		// §7.2 panel
		`"/oauth/providers"`, `"No external accounts linked yet."`, `"Could not load providers."`,
		// §6.7 MFA section
		`"/phone/start"`, `"/phone/confirm"`, `"Request a code first."`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("regstack.js lacks %s", want)
		}
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(js, bad) {
			t.Errorf("regstack.js uses %s; API data must go in as text", bad)
		}
	}
}
