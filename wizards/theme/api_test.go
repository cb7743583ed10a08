package theme

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/wizards/wizard"
)

const (
	testToken = "test-token-0123456789abcdefghijklmnopqrstuvw"
	testPort  = 47123
)

// designerServer is the designer behind the real wizard guard.
type designerServer struct {
	t       *testing.T
	handler http.Handler
	dir     string
}

func newDesignerServer(t *testing.T) *designerServer {
	t.Helper()
	dir := t.TempDir()
	return &designerServer{t: t, dir: dir, handler: wizard.Handler(App(Designer{Dir: dir}, nil), testToken, testPort, func() {})}
}

// do sends one request as the page would, with the token unless token is
// empty, and returns the status and the body.
func (s *designerServer) do(method, path, token, body string) (int, string) {
	s.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1:47123"
	if token != "" {
		req.Header.Set(wizard.TokenHeader, token)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func (s *designerServer) themeFile() (string, bool) {
	b, err := os.ReadFile(filepath.Join(s.dir, DefaultFilename))
	return string(b), err == nil
}

func TestStateDescribesTheSchemaDefaultsAndTheSavedFile(t *testing.T) {
	s := newDesignerServer(t)
	if err := os.WriteFile(filepath.Join(s.dir, DefaultFilename), []byte(":root { --rs-accent: #0d9488; --rs-bogus: 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body := s.do(http.MethodGet, "/api/state", testToken, "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/state = %d %s", code, body)
	}
	var got struct {
		TargetDir string `json:"target_dir"`
		Filename  string `json:"filename"`
		Schema    map[string][]string
		Defaults  map[string]map[string]string
		Existing  map[string]map[string]string
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.TargetDir != s.dir || got.Filename != DefaultFilename {
		t.Errorf("target = %s / %s, want %s / %s", got.TargetDir, got.Filename, s.dir, DefaultFilename)
	}
	wantSchema := map[string][]string{
		"color_vars": {"--rs-bg", "--rs-bg-hover", "--rs-surface", "--rs-fg", "--rs-fg-muted", "--rs-border",
			"--rs-accent", "--rs-accent-fg", "--rs-accent-bg", "--rs-danger", "--rs-danger-fg", "--rs-danger-bg"},
		"font_vars":   {"--rs-font-display", "--rs-font-body"},
		"radius_vars": {"--rs-radius"},
		"shadow_vars": {"--rs-shadow"},
	}
	for k, v := range wantSchema {
		if !reflect.DeepEqual(got.Schema[k], v) {
			t.Errorf("schema.%s = %v, want %v", k, got.Schema[k], v)
		}
	}
	if n := len(got.Schema["all_vars"]); n != 16 || got.Schema["all_vars"][15] != "--rs-shadow" {
		t.Errorf("schema.all_vars = %v, want the 16 properties ending with --rs-shadow", got.Schema["all_vars"])
	}
	if len(got.Defaults["light"]) != 16 || len(got.Defaults["dark"]) != 13 {
		t.Errorf("defaults hold %d light and %d dark values, want 16 and 13", len(got.Defaults["light"]), len(got.Defaults["dark"]))
	}
	if want := map[string]map[string]string{"light": {"--rs-accent": "#0d9488"}, "dark": {}}; !reflect.DeepEqual(got.Existing, want) {
		t.Errorf("existing = %v, want %v", got.Existing, want)
	}
}

func TestSaveWritesTheFileAndAnswersTheCounts(t *testing.T) {
	s := newDesignerServer(t)
	code, body := s.do(http.MethodPost, "/api/save", testToken,
		`{"light": {"--rs-accent": "#0d9488", "--rs-radius": "10", "--rs-bg": ""}, "dark": {"--rs-accent": "#2dd4bf", "--rs-font-body": null}}`)
	if code != http.StatusOK {
		t.Fatalf("POST /api/save = %d %s", code, body)
	}
	file, _ := s.themeFile()
	if file != golden(t, "new.golden.css") {
		t.Errorf("file =\n%s", file)
	}
	want := map[string]any{
		"ok": true, "target_path": filepath.Join(s.dir, DefaultFilename),
		"light_count": 2.0, "dark_count": 1.0, "bytes_written": float64(len(file)),
	}
	var got map[string]any
	_ = json.Unmarshal([]byte(body), &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answer = %v, want %v", got, want)
	}
}

func TestSaveAnswers(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantBody   string
	}{
		{
			name:       "invalid values are 422 with light errors first, each scope in payload order",
			body:       `{"dark": {"--rs-accent": "red"}, "light": {"--rs-radius": "x", "--rs-nope": "#fff", "--rs-bg": 3}}`,
			wantStatus: http.StatusUnprocessableEntity,
			wantBody: `{"ok":false,"errors":[` +
				`{"field":"--rs-radius","message":"--rs-radius must be a number with optional px/rem/em suffix.","scope":"light"},` +
				`{"field":"--rs-nope","message":"Unknown variable in light scope: '--rs-nope'.","scope":"light"},` +
				`{"field":"--rs-bg","message":"--rs-bg must be a string.","scope":"light"},` +
				`{"field":"--rs-accent","message":"--rs-accent must be a hex colour (#rgb / #rrggbb) or rgba(...).","scope":"dark"}]}`,
		},
		{
			name:       "a light scope that is not an object is 400",
			body:       `{"light": ["--rs-accent"], "dark": {}}`,
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail":"Body must be {light: {...}, dark: {...}}."}`,
		},
		{
			name:       "a dark scope that is a string is 400",
			body:       `{"light": {}, "dark": "x"}`,
			wantStatus: http.StatusBadRequest,
			wantBody:   `{"detail":"Body must be {light: {...}, dark: {...}}."}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDesignerServer(t)
			code, body := s.do(http.MethodPost, "/api/save", testToken, tt.body)
			if code != tt.wantStatus || body != tt.wantBody {
				t.Errorf("POST /api/save = %d %s\nwant %d %s", code, body, tt.wantStatus, tt.wantBody)
			}
			if _, exists := s.themeFile(); exists {
				t.Error("a refused save wrote the theme file")
			}
		})
	}
}

func TestSaveOfABodyThatIsNotAnObjectWritesAnEmptyTheme(t *testing.T) {
	for _, body := range []string{`not json`, `[1, 2]`, `null`} {
		t.Run("the body "+body+" counts as {}", func(t *testing.T) {
			s := newDesignerServer(t)
			if code, answer := s.do(http.MethodPost, "/api/save", testToken, body); code != http.StatusOK {
				t.Fatalf("POST /api/save = %d %s", code, answer)
			}
			if file, _ := s.themeFile(); !strings.HasSuffix(file, "\n\n:root { }\n") {
				t.Errorf("file = %q, want an empty light block", file)
			}
		})
	}
}

func TestTheTokenIsRequiredAndNothingIsWrittenWithoutIt(t *testing.T) {
	tests := []struct {
		name, method, path, token string
	}{
		{"the page without the token is refused", http.MethodGet, "/", ""},
		{"the page with a wrong token is refused", http.MethodGet, "/?token=wrong", ""},
		{"the state without the header is refused", http.MethodGet, "/api/state", ""},
		{"a save without the header is refused", http.MethodPost, "/api/save", ""},
		{"a save with a wrong token is refused", http.MethodPost, "/api/save", "wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDesignerServer(t)
			code, body := s.do(tt.method, tt.path, tt.token, `{"light": {"--rs-accent": "#000000"}}`)
			if code != http.StatusUnauthorized || body != `{"detail":"Missing or invalid wizard token."}` {
				t.Errorf("%s %s = %d %s, want 401", tt.method, tt.path, code, body)
			}
			if _, exists := s.themeFile(); exists {
				t.Error("the theme file was written")
			}
		})
	}
}

func TestThePageCarriesTheTokenAndThePreviewUsesThePagesStylesheet(t *testing.T) {
	s := newDesignerServer(t)
	code, page := s.do(http.MethodGet, "/?token="+testToken, "", "")
	if code != http.StatusOK || !strings.Contains(page, `<body data-wizard-token="`+testToken+`">`) {
		t.Fatalf("GET / = %d, want the page with the token on <body>:\n%s", code, page)
	}
	for _, forbidden := range []string{"style=", "onclick", "onsubmit", "<style"} {
		if strings.Contains(page, forbidden) {
			t.Errorf("the page contains %q, which its CSP forbids", forbidden)
		}
	}
	code, preview := s.do(http.MethodGet, "/static/preview.html", "", "")
	if code != http.StatusOK || !strings.Contains(preview, `href="/static/rs/core.css"`) {
		t.Fatalf("GET /static/preview.html = %d:\n%s", code, preview)
	}
	code, css := s.do(http.MethodGet, "/static/rs/core.css", "", "")
	if code != http.StatusOK || !strings.Contains(css, ".rs-card") {
		t.Errorf("GET /static/rs/core.css = %d, want the bundled core.css", code)
	}
	if code, body := s.do(http.MethodGet, "/static/", "", ""); strings.Contains(body, "{{") {
		t.Errorf("GET /static/ = %d serves the raw page template", code)
	}
}

func TestSaveOverAnUnbalancedFileIsAConflictAndLeavesIt(t *testing.T) {
	s := newDesignerServer(t)
	path := filepath.Join(s.dir, DefaultFilename)
	if err := os.WriteFile(path, []byte(".x { color: red;"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body := s.do(http.MethodPost, "/api/save", testToken, `{"light": {"--rs-accent": "#000000"}}`)
	if code != http.StatusConflict || !strings.Contains(body, "unclosed rule, block") {
		t.Errorf("POST /api/save = %d %s, want 409 naming the unclosed block", code, body)
	}
	if file, _ := s.themeFile(); file != ".x { color: red;" {
		t.Errorf("the file changed to %q", file)
	}
}
