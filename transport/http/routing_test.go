package http_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
)

func TestRouting(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		method string
		path   string
		status int
		detail string
	}{
		{"an unknown path answers 404", http.MethodGet, "/nope", 404, "Not Found"},
		{"the prefix itself answers 404", http.MethodGet, "/", 404, "Not Found"},
		{"a trailing slash answers 404", http.MethodGet, "/me/", 404, "Not Found"},
		{"a wrong method answers 405", http.MethodGet, "/login", 405, "Method Not Allowed"},
		{"DELETE on /me answers 405", http.MethodDelete, "/me", 405, "Method Not Allowed"},
		{"the phone router is not mounted by default", http.MethodPost, "/phone/start", 404, "Not Found"},
		{"the admin router is not mounted by default", http.MethodGet, "/admin/stats", 404, "Not Found"},
		{"the OAuth router is not mounted by default", http.MethodGet, "/oauth/providers", 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(request{method: tt.method, path: tt.path})
			expect(t, res, tt.status, tt.detail)
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if res.Header.Get("Location") != "" {
				t.Errorf("unexpected redirect to %q", res.Header.Get("Location"))
			}
			if tt.status == 405 && res.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}

	t.Run("/login/mfa-confirm is mounted without enable_sms_2fa", func(t *testing.T) {
		res := e.do(request{method: http.MethodPost, path: "/login/mfa-confirm", body: `{}`})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", res.Status)
		}
	})

	t.Run("every API answer carries the security headers and no-store", func(t *testing.T) {
		for _, res := range []response{
			e.do(request{method: http.MethodGet, path: "/nope"}),
			e.do(request{method: http.MethodGet, path: "/features"}),
			e.do(request{method: http.MethodGet, path: "/me"}),
			e.do(request{method: http.MethodPost, path: "/login", body: `{}`}),
		} {
			for k, v := range map[string]string{
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
				"Content-Security-Policy": "frame-ancestors 'none'",
				"Cache-Control":           "no-store",
			} {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q (status %d)", k, got, v, res.Status)
				}
			}
		}
	})
}

func TestAPIPrefix(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.APIPrefix = "/auth/v2" })
	r := httptest.NewRequest(http.MethodGet, "/auth/v2/features", nil)
	if res := e.serve(r); res.Status != http.StatusOK {
		t.Errorf("GET /auth/v2/features = %d, want 200", res.Status)
	}
	r = httptest.NewRequest(http.MethodGet, "/api/auth/features", nil)
	if res := e.serve(r); res.Status != http.StatusNotFound {
		t.Errorf("GET /api/auth/features = %d, want 404", res.Status)
	}
}

func TestFeatures(t *testing.T) {
	t.Run("defaults report the password-reset router only", func(t *testing.T) {
		e := newEnv(t, nil)
		res := e.do(request{method: http.MethodGet, path: "/features"})
		expect(t, res, http.StatusOK, "")
		b := res.JSON(t)
		if b["service"] != "regstack" {
			t.Errorf("service = %v", b["service"])
		}
		if v, _ := b["version"].(string); v == "" {
			t.Error("version is empty")
		}
		want := map[string]any{"password_reset": true, "sms_2fa": false, "admin": false, "oauth": false}
		if !reflect.DeepEqual(b["routers"], want) {
			t.Errorf("routers = %v, want %v", b["routers"], want)
		}
		if p, ok := b["oauth_providers"].([]any); !ok || len(p) != 0 {
			t.Errorf("oauth_providers = %v, want []", b["oauth_providers"])
		}
		for k, v := range map[string]any{"require_verification": true, "allow_registration": true, "account_deletion": true} {
			if b[k] != v {
				t.Errorf("%s = %v, want %v", k, b[k], v)
			}
		}
		if len(b) != 7 {
			t.Errorf("unexpected keys in %s", res.Body)
		}
		if strings.Contains(string(res.Body), testSecret) || strings.Contains(string(res.Body), "sqlite") {
			t.Errorf("features leak configuration: %s", res.Body)
		}
	})

	t.Run("flags are reported as configured", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) {
			c.EnablePasswordReset = false
			c.RequireVerification = false
			c.AllowRegistration = false
			c.EnableAccountDeletion = false
		})
		b := e.do(request{method: http.MethodGet, path: "/features"}).JSON(t)
		if b["routers"].(map[string]any)["password_reset"] != false {
			t.Error("password_reset should be false")
		}
		for _, k := range []string{"require_verification", "allow_registration", "account_deletion"} {
			if b[k] != false {
				t.Errorf("%s = %v, want false", k, b[k])
			}
		}
	})

	t.Run("expose_features=false answers 404", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.ExposeFeatures = false })
		expect(t, e.do(request{method: http.MethodGet, path: "/features"}), http.StatusNotFound, "Not Found")
	})
}

func TestMountAPI(t *testing.T) {
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	rshttp.MountAPI(mux, e.rs)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/auth/features", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET /api/auth/features = %d, want 200", rec.Code)
	}
}
