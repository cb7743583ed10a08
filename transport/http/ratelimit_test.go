package http_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
)

func limit(s string) *string { return &s }

// expectRateLimited checks the 429 of http-api.md §10.7.
func expectRateLimited(t *testing.T, res response, text, retryAfter string) {
	t.Helper()
	expect(t, res, http.StatusTooManyRequests, "Rate limit exceeded: "+text)
	if got := res.JSON(t)["error"]; got != "Rate limit exceeded: "+text {
		t.Errorf("error = %v", got)
	}
	if got := res.Header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After = %q, want %q", got, retryAfter)
	}
}

func TestRateLimit(t *testing.T) {
	loginBody := map[string]any{"email": "rl@example.com", "password": "wrong password"}

	t.Run("the request past the limit answers 429 until the window ends", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.LoginRateLimit = limit("2/minute") })
		for range 2 {
			expect(t, e.post("/login", loginBody), http.StatusUnauthorized, "")
		}
		e.clock.Advance(15 * time.Second)
		expectRateLimited(t, e.post("/login", loginBody), "2 per 1 minute", "45")
		e.clock.Advance(45 * time.Second)
		expect(t, e.post("/login", loginBody), http.StatusUnauthorized, "")
	})

	t.Run("422 answers do not consume quota", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.LoginRateLimit = limit("1/minute") })
		for range 3 {
			expect(t, e.post("/login", `{"email": "x"}`), http.StatusUnprocessableEntity, "")
		}
		expect(t, e.post("/login", loginBody), http.StatusUnauthorized, "")
		expectRateLimited(t, e.post("/login", loginBody), "1 per 1 minute", "60")
	})

	t.Run("401 answers of authenticated routes do not consume quota", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.ChangePasswordRateLimit = limit("1 per 2 minutes") })
		_, tok := e.signedIn("cp@example.com")
		for range 3 {
			expect(t, e.do(request{method: http.MethodPost, path: "/change-password", body: `{}`}), http.StatusUnauthorized, "")
		}
		body := `{"current_password": "wrong", "new_password": "long enough"}`
		expect(t, e.do(request{method: http.MethodPost, path: "/change-password", body: body, token: tok}), http.StatusBadRequest, "")
		expectRateLimited(t, e.do(request{method: http.MethodPost, path: "/change-password", body: body, token: tok}), "1 per 2 minute", "120")
	})

	t.Run("every limit of a list applies", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.ForgotPasswordRateLimit = limit("3/hour;1/second") })
		body := map[string]any{"email": "f@example.com"}
		expect(t, e.post("/forgot-password", body), http.StatusAccepted, "")
		expectRateLimited(t, e.post("/forgot-password", body), "1 per 1 second", "1")
		for range 2 {
			e.clock.Advance(time.Second)
			expect(t, e.post("/forgot-password", body), http.StatusAccepted, "")
		}
		e.clock.Advance(time.Second)
		expectRateLimited(t, e.post("/forgot-password", body), "3 per 1 hour", "3597")
	})

	t.Run("clients are told apart by peer address", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.VerifyRateLimit = limit("1/minute") })
		from := func(addr, xff string) response {
			r := newJSONRequest(t, e, "/verify", `{"token": "t"}`)
			r.RemoteAddr = addr
			if xff != "" {
				r.Header.Set("X-Forwarded-For", xff)
			}
			return e.serve(r)
		}
		expect(t, from("192.0.2.1:1000", ""), http.StatusBadRequest, "")
		expect(t, from("192.0.2.1:2000", "203.0.113.9"), http.StatusTooManyRequests, "")
		expect(t, from("192.0.2.2:1000", ""), http.StatusBadRequest, "")
	})

	t.Run("behind a proxy clients are told apart by X-Forwarded-For", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) {
			c.VerifyRateLimit = limit("1/minute")
			c.BehindProxy = true
		})
		from := func(xff string) response {
			r := newJSONRequest(t, e, "/verify", `{"token": "t"}`)
			r.RemoteAddr = "10.0.0.1:1000"
			r.Header.Set("X-Forwarded-For", xff)
			return e.serve(r)
		}
		expect(t, from("203.0.113.1, 10.0.0.1"), http.StatusBadRequest, "")
		expect(t, from("203.0.113.1"), http.StatusTooManyRequests, "")
		expect(t, from("203.0.113.2, 203.0.113.1"), http.StatusBadRequest, "")
	})

	t.Run("routes keep separate counts", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) {
			c.VerifyRateLimit = limit("1/minute")
			c.ConfirmEmailChangeRateLimit = limit("1/minute")
		})
		expect(t, e.post("/verify", `{"token": "t"}`), http.StatusBadRequest, "")
		expect(t, e.post("/confirm-email-change", `{"token": "t"}`), http.StatusBadRequest, "")
	})

	t.Run("two instances share no counts", func(t *testing.T) {
		set := func(c *config.Config) { c.VerifyRateLimit = limit("1/minute") }
		a, b := newEnv(t, set), newEnv(t, set)
		expect(t, a.post("/verify", `{"token": "t"}`), http.StatusBadRequest, "")
		expect(t, b.post("/verify", `{"token": "t"}`), http.StatusBadRequest, "")
	})
}

func TestRateLimitStrings(t *testing.T) {
	tests := []struct {
		limit string
		ok    bool
	}{
		{"5/minute", true},
		{"5 per minute", true},
		{"5 per 1 minute", true},
		{"10/2 hours", true},
		{"5/minute;20/hour", true},
		{"5/Minute, 100/day | 1000/month", true},
		{"", false},
		{"five/minute", false},
		{"5/fortnight", false},
		{"0/minute", false},
		{"5/0 minutes", false},
		{"5/minute;", true},
	}
	for _, tt := range tests {
		name := "the limit " + tt.limit + " is refused"
		if tt.ok {
			name = "the limit " + tt.limit + " is accepted"
		}
		t.Run(name, func(t *testing.T) {
			cfg := testConfig()
			cfg.LoginRateLimit = limit(tt.limit)
			err := buildAPI(t, cfg)
			if (err == nil) != tt.ok {
				t.Errorf("building the API: error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// buildAPI builds an instance and its API from cfg and returns the first
// refusal: regstack.New validates the configuration, and NewAPI refuses
// what reaches it unchecked.
func buildAPI(t *testing.T, cfg config.Config) error {
	t.Helper()
	cfg.DatabaseURL = "sqlite:///" + t.TempDir() + "/t.db"
	store, err := regstack.OpenStore(context.Background(), cfg.DatabaseURL, regstack.StoreOptions{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store})
	if err != nil {
		_ = store.Close()
		return err
	}
	defer rs.Close()
	_, err = rshttp.NewAPI(rs)
	return err
}
