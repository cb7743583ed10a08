package wizard_test

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/regstack/regstack/wizards/wizard"
)

const testPort = 8123

// apiRecorder is the App's API: it counts the requests that reach it, so a
// test can tell that a refused request never got there.
type apiRecorder struct{ calls atomic.Int32 }

func (a *apiRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.calls.Add(1)
	wizard.WriteJSON(w, http.StatusOK, map[string]string{"path": r.URL.Path})
}

type fixture struct {
	handler http.Handler
	api     *apiRecorder
	token   string
	done    *atomic.Int32
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	token, err := wizard.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	api := &apiRecorder{}
	done := &atomic.Int32{}
	app := wizard.App{
		Title:  "test",
		Index:  template.Must(template.New("i").Parse(`<body data-wizard-token="{{.Token}}">hi</body>`)),
		Static: fstest.MapFS{"app.js": {Data: []byte("console.log(1)")}},
		API:    api,
	}
	return fixture{
		handler: wizard.Handler(app, token, testPort, func() { done.Add(1) }),
		api:     api, token: token, done: done,
	}
}

// request builds a request to the wizard with the given Host and headers
// ("Name: value" pairs).
func (f fixture) do(t *testing.T, method, target, host, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	req.Host = host
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

func detail(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct{ Detail string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not a JSON detail: %v", rec.Body.String(), err)
	}
	return body.Detail
}

const host = "127.0.0.1:8123"

func TestTheIndexNeedsTheToken(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		target string
		want   int
	}{
		{"the right token serves the page", "/?token=" + f.token, http.StatusOK},
		{"no token is refused", "/", http.StatusUnauthorized},
		{"an empty token is refused", "/?token=", http.StatusUnauthorized},
		{"a wrong token is refused", "/?token=" + strings.Repeat("A", len(f.token)), http.StatusUnauthorized},
		{"a prefix of the token is refused", "/?token=" + f.token[:20], http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do(t, http.MethodGet, tt.target, host, "")
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want == http.StatusUnauthorized {
				if got := detail(t, rec); got != "Missing or invalid wizard token." {
					t.Errorf("detail %q", got)
				}
				return
			}
			if want := `data-wizard-token="` + f.token + `"`; !strings.Contains(rec.Body.String(), want) {
				t.Errorf("page %q lacks %s", rec.Body.String(), want)
			}
		})
	}
}

func TestTheAPINeedsTheTokenHeader(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"the right header passes", []string{"X-Wizard-Token: " + f.token}, http.StatusOK},
		{"no header is refused", nil, http.StatusUnauthorized},
		{"a wrong header is refused", []string{"X-Wizard-Token: nope"}, http.StatusUnauthorized},
		{"the token in the query does not count for the API", nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.api.calls.Load()
			target := "/api/state"
			if strings.Contains(tt.name, "query") {
				target += "?token=" + f.token
			}
			rec := f.do(t, http.MethodGet, target, host, "", tt.headers...)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			called := f.api.calls.Load() - before
			if tt.want == http.StatusOK && called != 1 {
				t.Errorf("API called %d times, want 1", called)
			}
			if tt.want != http.StatusOK {
				if called != 0 {
					t.Errorf("a refused request reached the API")
				}
				if got := detail(t, rec); got != "Missing or invalid wizard token." {
					t.Errorf("detail %q", got)
				}
			}
		})
	}
	t.Run("a refused write reaches nothing", func(t *testing.T) {
		before := f.api.calls.Load()
		rec := f.do(t, http.MethodPost, "/api/write", host, `{"client_id":"x"}`, "Content-Type: application/json")
		if rec.Code != http.StatusUnauthorized || f.api.calls.Load() != before {
			t.Fatalf("status %d, API calls +%d", rec.Code, f.api.calls.Load()-before)
		}
	})
}

func TestOnlyTheLoopbackHostIsAnswered(t *testing.T) {
	f := newFixture(t)
	auth := "X-Wizard-Token: " + f.token
	tests := []struct {
		name string
		host string
		want int
	}{
		{"127.0.0.1 on the wizard's port", "127.0.0.1:8123", http.StatusOK},
		{"localhost on the wizard's port", "localhost:8123", http.StatusOK},
		{"LOCALHOST in capitals", "LOCALHOST:8123", http.StatusOK},
		{"a rebinding attacker's name", "evil.example:8123", http.StatusForbidden},
		{"another port", "127.0.0.1:8124", http.StatusForbidden},
		{"no port", "127.0.0.1", http.StatusForbidden},
		{"IPv6 loopback", "[::1]:8123", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range []string{"/?token=" + f.token, "/api/state", "/static/app.js"} {
				before := f.api.calls.Load()
				rec := f.do(t, http.MethodGet, target, tt.host, "", auth)
				if rec.Code != tt.want {
					t.Errorf("%s: status %d, want %d", target, rec.Code, tt.want)
				}
				if tt.want == http.StatusForbidden && f.api.calls.Load() != before {
					t.Errorf("%s: a refused request reached the API", target)
				}
			}
		})
	}
}

func TestAForeignOriginCannotDriveTheAPI(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		origin string
		want   int
	}{
		{"no Origin header passes", "", http.StatusOK},
		{"the server's own origin passes", "http://127.0.0.1:8123", http.StatusOK},
		{"the localhost spelling passes", "http://localhost:8123", http.StatusOK},
		{"another site is refused", "https://evil.example", http.StatusForbidden},
		{"another loopback port is refused", "http://127.0.0.1:9999", http.StatusForbidden},
		{"an opaque origin is refused", "null", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{"X-Wizard-Token: " + f.token, "Content-Type: application/json"}
			if tt.origin != "" {
				headers = append(headers, "Origin: "+tt.origin)
			}
			before := f.api.calls.Load()
			rec := f.do(t, http.MethodPost, "/api/write", host, "{}", headers...)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want == http.StatusForbidden && f.api.calls.Load() != before {
				t.Error("a refused request reached the API")
			}
		})
	}
}

func TestPostsMustBeJSON(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name        string
		contentType string
		want        int
	}{
		{"application/json passes", "application/json", http.StatusOK},
		{"with a charset passes", "application/json; charset=utf-8", http.StatusOK},
		{"a form post is refused", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"text/plain (no preflight) is refused", "text/plain", http.StatusUnsupportedMediaType},
		{"no content type is refused", "", http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{"X-Wizard-Token: " + f.token}
			if tt.contentType != "" {
				headers = append(headers, "Content-Type: "+tt.contentType)
			}
			before := f.api.calls.Load()
			rec := f.do(t, http.MethodPost, "/api/write", host, "{}", headers...)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want != http.StatusOK && f.api.calls.Load() != before {
				t.Error("a refused request reached the API")
			}
		})
	}
}

func TestDoneSignalsOnceAndAnswersEveryTime(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		rec := f.do(t, http.MethodPost, "/api/done", host, "{}", "X-Wizard-Token: "+f.token, "Content-Type: application/json")
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"ok":true}` {
			t.Fatalf("post %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	if n := f.done.Load(); n != 1 {
		t.Errorf("done called %d times, want 1", n)
	}
	if f.api.calls.Load() != 0 {
		t.Error("/api/done reached the App's API")
	}
	t.Run("without the token it signals nothing", func(t *testing.T) {
		g := newFixture(t)
		rec := g.do(t, http.MethodPost, "/api/done", host, "{}", "Content-Type: application/json")
		if rec.Code != http.StatusUnauthorized || g.done.Load() != 0 {
			t.Fatalf("status %d, done %d", rec.Code, g.done.Load())
		}
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		g := newFixture(t)
		rec := g.do(t, http.MethodGet, "/api/done", host, "", "X-Wizard-Token: "+g.token)
		if rec.Code != http.StatusMethodNotAllowed || g.done.Load() != 0 {
			t.Fatalf("status %d, done %d", rec.Code, g.done.Load())
		}
	})
}

func TestStaticFilesAreNotGated(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, http.MethodGet, "/static/app.js", host, "")
	if rec.Code != http.StatusOK || rec.Body.String() != "console.log(1)" {
		t.Fatalf("status %d body %q", rec.Code, rec.Body)
	}
	if rec := f.do(t, http.MethodGet, "/static/missing.js", host, ""); rec.Code != http.StatusNotFound {
		t.Errorf("missing file: status %d", rec.Code)
	}
	if rec := f.do(t, http.MethodGet, "/elsewhere", host, ""); rec.Code != http.StatusNotFound {
		t.Errorf("unknown path: status %d", rec.Code)
	}
}

func TestEveryAnswerForbidsCachingAndForeignCode(t *testing.T) {
	f := newFixture(t)
	for _, target := range []string{"/?token=" + f.token, "/", "/api/state", "/static/app.js"} {
		rec := f.do(t, http.MethodGet, target, host, "")
		if got := rec.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", target, got)
		}
		if got := rec.Header().Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'self'") {
			t.Errorf("%s: CSP %q", target, got)
		}
	}
}

func TestAHandlerWithoutATokenOpensNothing(t *testing.T) {
	h := wizard.Handler(wizard.App{API: &apiRecorder{}}, "", testPort, nil)
	for _, target := range []string{"/?token=", "/api/state"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host = host
		req.Header.Set("X-Wizard-Token", "")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d", target, rec.Code)
		}
	}
}

func TestTokensAre32RandomBytesInBase64URL(t *testing.T) {
	a, err := wizard.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := wizard.NewToken()
	if len(a) != 43 || strings.ContainsAny(a, "=+/") {
		t.Errorf("token %q: want 43 base64url characters without padding", a)
	}
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 {
		t.Errorf("token decodes to %d bytes (%v)", len(raw), err)
	}
	if a == b {
		t.Error("two tokens are equal")
	}
}

func TestReadObjectTreatsJunkAsEmpty(t *testing.T) {
	tests := []struct {
		name, body string
		want       int
	}{
		{"an object", `{"a": 1, "b": "x"}`, 2},
		{"not JSON", `client_id=x`, 0},
		{"an array", `[1, 2]`, 0},
		{"null", `null`, 0},
		{"empty", ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/write", strings.NewReader(tt.body))
			got := wizard.ReadObject(req)
			if got == nil || len(got) != tt.want {
				t.Errorf("got %v", got)
			}
		})
	}
}
