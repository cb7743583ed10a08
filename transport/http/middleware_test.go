package http_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
	rshttp "github.com/regstack/regstack/transport/http"
)

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, nil)
	big := `{"email": "a@example.com", "password": "long enough", "full_name": "` + strings.Repeat("x", 70<<10) + `"}`

	t.Run("a declared length over 64 KiB answers 413", func(t *testing.T) {
		expect(t, e.do(request{method: http.MethodPost, path: "/register", body: big}), http.StatusRequestEntityTooLarge, "Request body too large.")
	})

	t.Run("a chunked body over 64 KiB answers 413", func(t *testing.T) {
		r := newJSONRequest(t, e, "/register", big)
		r.ContentLength = -1
		expect(t, e.serve(r), http.StatusRequestEntityTooLarge, "Request body too large.")
	})

	t.Run("a host handler gets the limit it asks for", func(t *testing.T) {
		var readErr error
		h := rshttp.MaxBodyBytes(10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, readErr = io.ReadAll(r.Body)
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("0123456789")))
		if rec.Code != http.StatusOK || readErr != nil {
			t.Fatalf("10 bytes: status %d, read error %v", rec.Code, readErr)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("0123456789A")))
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "Request body too large.") {
			t.Fatalf("11 bytes: status %d body %s", rec.Code, rec.Body)
		}
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("0123456789A"))
		r.ContentLength = -1
		h.ServeHTTP(httptest.NewRecorder(), r)
		var tooLarge *http.MaxBytesError
		if !errors.As(readErr, &tooLarge) {
			t.Fatalf("chunked 11 bytes: read error %v, want *http.MaxBytesError", readErr)
		}
	})
}

func TestRecover(t *testing.T) {
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))

	t.Run("a panic answers a bare 500 and is logged with its stack", func(t *testing.T) {
		h := rshttp.RequestID(rshttp.Recover(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("database password is hunter2")
		})))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"detail":"Internal Server Error"}` {
			t.Fatalf("got %d %s", rec.Code, rec.Body)
		}
		recs := logs.records(t, "panic serving request")
		if len(recs) != 1 {
			t.Fatalf("want one panic log record, got %d", len(recs))
		}
		if recs[0]["request_id"] != rec.Header().Get("X-Request-ID") {
			t.Errorf("request_id = %v, header %q", recs[0]["request_id"], rec.Header().Get("X-Request-ID"))
		}
		if s, _ := recs[0]["stack"].(string); !strings.Contains(s, "middleware_test.go") {
			t.Errorf("stack does not show the panicking handler: %q", s)
		}
		if recs[0]["panic"] != "database password is hunter2" {
			t.Errorf("panic = %v", recs[0]["panic"])
		}
	})

	t.Run("a panic after the answer began aborts the connection", func(t *testing.T) {
		h := rshttp.Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			panic("late")
		}))
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
}

func TestRequestID(t *testing.T) {
	hexID := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"a sane incoming id is kept", "req-42_a.b:c/d", true},
		{"no incoming id gets a fresh one", "", false},
		{"an id with spaces is replaced", "a b", false},
		{"an id with a line break is replaced", "a\nforged=1", false},
		{"an id over 128 characters is replaced", strings.Repeat("a", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inCtx string
			h := rshttp.RequestID(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				inCtx = rshttp.RequestIDFrom(r.Context())
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				r.Header["X-Request-Id"] = []string{tt.incoming}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			got := rec.Header().Get("X-Request-ID")
			if got != inCtx {
				t.Errorf("header %q and context %q differ", got, inCtx)
			}
			if tt.keep && got != tt.incoming {
				t.Errorf("id = %q, want %q kept", got, tt.incoming)
			}
			if !tt.keep && !hexID.MatchString(got) {
				t.Errorf("id = %q, want a fresh 32-hex id", got)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	e := newEnv(t, nil)
	r := newJSONRequest(t, e, "/verify?token=SUPERSECRETTOKEN", `{"token": "SUPERSECRETTOKEN"}`)
	r.Header.Set("X-Request-ID", "trace-1")
	res := e.serve(r)
	expect(t, res, http.StatusBadRequest, "")

	recs := e.logs.records(t, "http request")
	if len(recs) != 1 {
		t.Fatalf("want one access log line, got %d:\n%s", len(recs), e.logs)
	}
	want := map[string]any{
		"method":     "POST",
		"path":       "/api/auth/verify",
		"status":     float64(400),
		"bytes":      float64(len(res.Body)),
		"request_id": "trace-1",
		"client_ip":  "192.0.2.1",
	}
	for k, v := range want {
		if recs[0][k] != v {
			t.Errorf("%s = %v, want %v", k, recs[0][k], v)
		}
	}
	if _, ok := recs[0]["duration"]; !ok {
		t.Error("no duration")
	}
	if strings.Contains(e.logs.String(), "SUPERSECRETTOKEN") {
		t.Error("the log contains the token from the query string or body")
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.rs.Store().Close(); err != nil {
		t.Fatal(err)
	}
	res := e.post("/login", map[string]any{"email": "a@example.com", "password": password})
	if res.Status != http.StatusInternalServerError || string(res.Body) != `{"detail":"Internal Server Error"}` {
		t.Fatalf("got %d %s", res.Status, res.Body)
	}
	recs := e.logs.records(t, "internal error")
	if len(recs) != 1 {
		t.Fatalf("want one internal error log record, got %d:\n%s", len(recs), e.logs)
	}
	if recs[0]["request_id"] != res.Header.Get("X-Request-ID") || recs[0]["request_id"] == "" {
		t.Errorf("request_id = %v, header %q", recs[0]["request_id"], res.Header.Get("X-Request-ID"))
	}
	if recs[0]["error"] == "" {
		t.Error("the error itself is not logged")
	}
}

// failingMailer stands for an SMTP server that refuses every message.
type failingMailer struct{}

func (failingMailer) Send(context.Context, regstack.EmailMessage) error {
	return errors.New("smtp: 554 transaction failed")
}

func TestDeliveryFailures(t *testing.T) {
	t.Run("register answers 502 and keeps the pending row for resend", func(t *testing.T) {
		e := newEnvWith(t, testConfig(), failingMailer{})
		expect(t, e.post("/register", map[string]any{"email": "a@example.com", "password": password}),
			http.StatusBadGateway, "Could not deliver the message. Try again later.")
		p, err := e.rs.Store().Pending().FindByEmail(context.Background(), "a@example.com")
		if err != nil || p == nil {
			t.Errorf("pending row not kept: %v", err)
		}
		expect(t, e.post("/resend-verification", map[string]any{"email": "a@example.com"}), http.StatusAccepted, "")
	})

	t.Run("anti-enumeration endpoints still answer 202", func(t *testing.T) {
		cfg := testConfig()
		cfg.RequireVerification = false
		e := newEnvWith(t, cfg, failingMailer{})
		expect(t, e.post("/register", map[string]any{"email": "b@example.com", "password": password}), http.StatusCreated, "")
		tok := e.login("b@example.com", password)
		expect(t, e.post("/forgot-password", map[string]any{"email": "b@example.com"}), http.StatusAccepted, "")
		expect(t, e.do(request{method: http.MethodPost, path: "/change-email", token: tok,
			body: `{"new_email": "c@example.com", "current_password": "` + password + `"}`}), http.StatusAccepted, "")
	})
}

func TestRequireUser(t *testing.T) {
	e := newEnv(t, nil)
	u, tok := e.signedIn("host@example.com")
	mux := http.NewServeMux()
	rshttp.MountAPI(mux, e.rs)
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, ok := rshttp.UserFrom(r.Context())
		p, pok := rshttp.PrincipalFrom(r.Context())
		if !ok || !pok || p.User != user || p.Token.ID == "" {
			http.Error(w, "no principal", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "hello "+user.Email)
	})
	mux.Handle("GET /dashboard", rshttp.RequireUser(e.rs)(hello))
	mux.Handle("GET /admin", rshttp.RequireAdmin(e.rs)(hello))
	get := func(path, tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}

	t.Run("without a token a host route answers the JSON 401", func(t *testing.T) {
		rec := get("/dashboard", "")
		if rec.Code != 401 || rec.Body.String() != `{"detail":"Authentication required."}` || rec.Header().Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("got %d %s %v", rec.Code, rec.Body, rec.Header())
		}
	})

	t.Run("with a token the host handler sees the user", func(t *testing.T) {
		if rec := get("/dashboard", tok); rec.Code != 200 || rec.Body.String() != "hello host@example.com" {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("a non-admin gets 403 from an admin route", func(t *testing.T) {
		if rec := get("/admin", tok); rec.Code != 403 || rec.Body.String() != `{"detail":"Administrator privileges required."}` {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("an admin passes an admin route", func(t *testing.T) {
		if err := e.rs.Store().Users().SetSuperuser(context.Background(), u.ID, true); err != nil {
			t.Fatal(err)
		}
		if rec := get("/admin", tok); rec.Code != 200 {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})

	t.Run("outside a protected route there is no user", func(t *testing.T) {
		if _, ok := rshttp.UserFrom(context.Background()); ok {
			t.Error("UserFrom found a user in an empty context")
		}
	})
}

func TestSecurityHeadersKeepAHostCSP(t *testing.T) {
	h := rshttp.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Security-Policy", "default-src 'self'")
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("Content-Security-Policy"); got != "default-src 'self'" {
		t.Errorf("CSP = %q, want the host's", got)
	}
	if rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers missing: %v", rec.Header())
	}
}

func TestNewServer(t *testing.T) {
	rs := newRegStack(t, testConfig())
	srv, err := rshttp.NewServer(rs, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Addr != "127.0.0.1:0" || srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("server lacks an address or timeouts: %+v", srv)
	}
	ts := httptest.NewServer(srv.Handler)
	t.Cleanup(ts.Close)
	res, err := ts.Client().Get(ts.URL + "/api/auth/features")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Request-ID") == "" {
		t.Errorf("GET /api/auth/features = %d, X-Request-ID %q", res.StatusCode, res.Header.Get("X-Request-ID"))
	}

	cfg := testConfig()
	cfg.LoginRateLimit = limit("lots")
	if err := buildAPI(t, cfg); err == nil || !strings.Contains(err.Error(), "login_rate_limit") {
		t.Errorf("a bad limit: err = %v, want one naming login_rate_limit", err)
	}
}
