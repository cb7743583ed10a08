package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/regstack/regstack/adapters/sqlite"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/storetest"
	rshttp "github.com/regstack/regstack/transport/http"
)

// testSecret is a jwt_secret long enough for the start-up check.
const testSecret = "test-secret-that-is-at-least-32-characters-long"

// start is the frozen time every environment begins at.
var start = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// env is one regstack instance on a fresh SQLite file, served by
// NewHandler, with a clock the test moves and a log it can read.
type env struct {
	t     *testing.T
	rs    *regstack.RegStack
	cfg   config.Config
	clock *storetest.Clock
	mail  *regstack.ConsoleMailer
	sms   *regstack.NullSMS
	// smsDown makes every SMS send fail while set, like a provider outage.
	smsDown *atomic.Bool
	logs    *logBuffer
	handler http.Handler
}

// testConfig is the default configuration with a secret, cheap Argon2
// parameters and a fixed base URL.
func testConfig() config.Config {
	cfg := config.Default()
	cfg.JWTSecret = testSecret
	cfg.Argon2MemoryKiB = 8192
	cfg.Argon2Iterations = 1
	cfg.Argon2Parallelism = 1
	cfg.BaseURL = "http://localhost:8000"
	return cfg
}

// newEnv starts an environment; configure, when non-nil, edits the
// configuration first.
func newEnv(t *testing.T, configure func(*config.Config)) *env {
	t.Helper()
	cfg := testConfig()
	if configure != nil {
		configure(&cfg)
	}
	return newEnvWith(t, cfg, nil)
}

// newEnvWith starts an environment with cfg; a non-nil mailer replaces the
// console mailer.
func newEnvWith(t *testing.T, cfg config.Config, mailer regstack.Mailer) *env {
	t.Helper()
	e := openEnv(t, cfg, mailer, nil)
	h, err := rshttp.NewHandler(e.rs)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	e.handler = h
	return e
}

// newRegStack is an instance on a fresh store, for tests that build the
// handler themselves.
func newRegStack(t *testing.T, cfg config.Config) *regstack.RegStack {
	t.Helper()
	return openEnv(t, cfg, nil, nil).rs
}

// openEnv builds everything but the handler. providers, when non-nil,
// makes the OAuth providers to register (given the environment's logger).
func openEnv(t *testing.T, cfg config.Config, mailer regstack.Mailer, providers func(*slog.Logger) []regstack.OAuthProvider) *env {
	t.Helper()
	ctx := context.Background()
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := storetest.NewClock(start)
	cfg.DatabaseURL = "sqlite:///" + t.TempDir() + "/t.db"

	store, err := regstack.OpenStore(ctx, cfg.DatabaseURL, regstack.StoreOptions{Clock: clock, Logger: logger})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	mail := regstack.NewConsoleMailer(logger, true)
	if mailer == nil {
		mailer = mail
	}
	sms := regstack.NewNullSMS(logger, true)
	down := &atomic.Bool{}
	var ps []regstack.OAuthProvider
	if providers != nil {
		ps = providers(logger)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store, Mailer: mailer, SMS: switchSMS{sms, down}, Clock: clock, Logger: logger, Providers: ps})
	if err != nil {
		_ = store.Close()
		t.Fatalf("regstack.New: %v", err)
	}
	t.Cleanup(func() { _ = rs.Close() })
	if err := rs.InstallSchema(ctx); err != nil {
		t.Fatalf("install schema: %v", err)
	}
	return &env{t: t, rs: rs, cfg: cfg, clock: clock, mail: mail, sms: sms, smsDown: down, logs: logs}
}

// switchSMS is the null sender behind a failure switch.
type switchSMS struct {
	inner *regstack.NullSMS
	down  *atomic.Bool
}

func (s switchSMS) Send(ctx context.Context, m regstack.SMSMessage) error {
	if s.down.Load() {
		return errors.New("sms provider: 503 service unavailable")
	}
	return s.inner.Send(ctx, m)
}

// response is a recorded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Detail is the string `detail` of an error body.
func (r response) Detail(t *testing.T) string {
	t.Helper()
	d, ok := r.JSON(t)["detail"].(string)
	if !ok {
		t.Fatalf("detail is not a string: %s", r.Body)
	}
	return d
}

// request is one call to the API.
type request struct {
	method string
	path   string // relative to api_prefix
	body   string // sent verbatim; "" = no body
	token  string // bearer token; "" = none
	header map[string]string
}

// do sends req through the whole handler.
func (e *env) do(req request) response {
	e.t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r := httptest.NewRequest(req.method, e.cfg.APIPrefix+req.path, body)
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	return e.serve(r)
}

// newJSONRequest is a POST of body to path (relative to api_prefix).
func newJSONRequest(t *testing.T, e *env, path, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, e.cfg.APIPrefix+path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// serve records h's answer to r.
func (e *env) serve(r *http.Request) response {
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, r)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// post is do for a JSON POST without a token.
func (e *env) post(path string, body any) response {
	e.t.Helper()
	return e.do(request{method: http.MethodPost, path: path, body: mustJSON(e.t, body)})
}

// expect fails unless res has the status and, when detail is non-empty,
// that `detail`.
func expect(t *testing.T, res response, status int, detail string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status = %d, want %d; body %s", res.Status, status, res.Body)
	}
	if detail != "" {
		if got := res.Detail(t); got != detail {
			t.Fatalf("detail = %q, want %q", got, detail)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var tokenInLink = regexp.MustCompile(`[?&]token=([^\s&"<>]+)`)

// linkToken returns the token of the newest link emailed to to.
func (e *env) linkToken(to string) string {
	e.t.Helper()
	sent := e.mail.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].To != to {
			continue
		}
		m := tokenInLink.FindStringSubmatch(sent[i].Text)
		if m == nil {
			e.t.Fatalf("no token link in the email to %s:\n%s", to, sent[i].Text)
		}
		return m[1]
	}
	e.t.Fatalf("no email sent to %s", to)
	return ""
}

// mailsTo counts the emails sent to to.
func (e *env) mailsTo(to string) int {
	n := 0
	for _, m := range e.mail.Sent() {
		if m.To == to {
			n++
		}
	}
	return n
}

var smsCode = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastSMSCode returns the code of the newest SMS.
func (e *env) lastSMSCode() string {
	e.t.Helper()
	sent := e.sms.Sent()
	if len(sent) == 0 {
		e.t.Fatal("no SMS sent")
	}
	m := smsCode.FindString(sent[len(sent)-1].Body)
	if m == "" {
		e.t.Fatalf("no code in SMS %q", sent[len(sent)-1].Body)
	}
	return m
}

const password = "correct horse battery"

// signUp registers and verifies email with password.
func (e *env) signUp(email string) *regstack.User {
	e.t.Helper()
	expect(e.t, e.post("/register", map[string]any{"email": email, "password": password}), http.StatusCreated, "")
	expect(e.t, e.post("/verify", map[string]any{"token": e.linkToken(email)}), http.StatusOK, "")
	u, err := e.rs.Store().Users().GetByEmail(context.Background(), email)
	if err != nil || u == nil {
		e.t.Fatalf("verified user %s not stored: %v", email, err)
	}
	return u
}

// login signs email in with password and returns the access token.
func (e *env) login(email, pw string) string {
	e.t.Helper()
	res := e.post("/login", map[string]any{"email": email, "password": pw})
	expect(e.t, res, http.StatusOK, "")
	tok, _ := res.JSON(e.t)["access_token"].(string)
	if tok == "" {
		e.t.Fatalf("no access_token in %s", res.Body)
	}
	return tok
}

// signedIn is signUp then login.
func (e *env) signedIn(email string) (*regstack.User, string) {
	e.t.Helper()
	u := e.signUp(email)
	return u, e.login(email, password)
}

// logBuffer is an io.Writer safe for the concurrent writes of a handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the JSON log records whose msg is msg.
func (b *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// String is the whole log.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
