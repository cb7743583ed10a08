package oauth

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/wizard"
)

const (
	testToken = "test-token-0123456789abcdefghijklmnopqrstuvw"
	testPort  = 47124
)

type wizardServer struct {
	t       *testing.T
	handler http.Handler
	target  configfile.Target
}

func newWizardServer(t *testing.T) *wizardServer {
	t.Helper()
	tg := target(t, t.TempDir())
	return &wizardServer{t: t, target: tg, handler: wizard.Handler(App(Wizard{Target: tg}), testToken, testPort, func() {})}
}

func (s *wizardServer) do(method, path, token, body string) (int, string) {
	s.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1:47124"
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

func (s *wizardServer) noFiles() {
	s.t.Helper()
	for _, p := range []string{s.target.ConfigPath, s.target.SecretsPath} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			s.t.Errorf("%s was written", p)
		}
	}
}

func validJSON(t *testing.T, changes Inputs) string {
	t.Helper()
	b, err := json.Marshal(with(changes))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAPIState(t *testing.T) {
	s := newWizardServer(t)
	writeFile(t, s.target.ConfigPath, "base_url = \"https://app.example.com\"\n[oauth]\n", 0o644)
	code, body := s.do(http.MethodGet, "/api/state", testToken, "")
	want := `{"target_dir":` + jsonString(s.target.Dir) + `,"api_prefix":"/api/auth","existing_oauth":true,` +
		`"base_url":"https://app.example.com","redirect_uri":"https://app.example.com/api/auth/oauth/google/callback",` +
		`"config_file":"regstack.toml","secrets_file":"regstack.secrets.env","num_steps":12}`
	if code != http.StatusOK || body != want {
		t.Errorf("GET /api/state = %d %s\nwant 200 %s", code, body, want)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestAPIStepValidation(t *testing.T) {
	tests := []struct {
		name       string
		path, body string
		wantStatus int
		wantBody   string
	}{
		{"a passing step answers ok", "/api/step/2/validate", `{"base_url": "http://localhost:8000"}`, 200, `{"ok":true,"errors":[]}`},
		{"a failing step is still 200", "/api/step/2/validate", `{"base_url": ""}`, 200, `{"ok":false,"errors":[{"field":"base_url","message":"Base URL is required."}]}`},
		{"a body that is not an object counts as {}", "/api/step/7/validate", `[1]`, 200,
			`{"ok":false,"errors":[{"field":"client_id","message":"Client ID is required."},{"field":"client_secret","message":"Client secret is required."}]}`},
		{"a body that is not JSON counts as {}", "/api/step/0/validate", `{`, 200, `{"ok":true,"errors":[]}`},
		{"the review step jumps to the failing step", "/api/step/10/validate", `{"base_url": "http://x"}`, 200,
			`{"ok":false,"errors":[{"field":"client_id","message":"Client ID is required."},{"field":"client_secret","message":"Client secret is required."}],"jump_to":7}`},
		{"step 12 is unknown", "/api/step/12/validate", `{}`, 404, `{"detail":"Unknown wizard step: 12."}`},
		{"a negative step is unknown", "/api/step/-1/validate", `{}`, 404, `{"detail":"Unknown wizard step: -1."}`},
		{"a step that is not an integer is 422", "/api/step/two/validate", `{}`, 422, `{"detail":"The step must be an integer."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newWizardServer(t)
			code, body := s.do(http.MethodPost, tt.path, testToken, tt.body)
			if code != tt.wantStatus || body != tt.wantBody {
				t.Errorf("POST %s = %d %s\nwant %d %s", tt.path, code, body, tt.wantStatus, tt.wantBody)
			}
			s.noFiles()
		})
	}
}

func TestAPIWrite(t *testing.T) {
	t.Run("valid inputs are written and the diff answered", func(t *testing.T) {
		s := newWizardServer(t)
		code, body := s.do(http.MethodPost, "/api/write", testToken, validJSON(t, Inputs{"client_id": "  12345-abc.apps.googleusercontent.com  ", "auto_link_verified_emails": true}))
		want := `{"ok":true,"config_path":` + jsonString(s.target.ConfigPath) + `,"config_diff":"added [oauth] table",` +
			`"secrets_path":` + jsonString(s.target.SecretsPath) + `,"secrets_diff":"added REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET","replaced_existing":false}`
		if code != http.StatusOK || body != want {
			t.Fatalf("POST /api/write = %d %s\nwant 200 %s", code, body, want)
		}
		if got := readFile(t, s.target.ConfigPath); !strings.Contains(got, "google_client_id = \"12345-abc.apps.googleusercontent.com\"\nauto_link_verified_emails = true\n") {
			t.Errorf("regstack.toml =\n%s", got)
		}
	})
	t.Run("invalid inputs are 422 with jump_to and nothing is written", func(t *testing.T) {
		s := newWizardServer(t)
		code, body := s.do(http.MethodPost, "/api/write", testToken, validJSON(t, Inputs{"base_url": "ftp://x"}))
		want := `{"ok":false,"errors":[{"field":"base_url","message":"URL must start with http:// or https://."}],"jump_to":2}`
		if code != http.StatusUnprocessableEntity || body != want {
			t.Errorf("POST /api/write = %d %s\nwant 422 %s", code, body, want)
		}
		s.noFiles()
	})
	t.Run("a TOML file that does not parse is a form error and nothing is written", func(t *testing.T) {
		s := newWizardServer(t)
		writeFile(t, s.target.ConfigPath, "[oauth\n", 0o644)
		code, body := s.do(http.MethodPost, "/api/write", testToken, validJSON(t, nil))
		if code != http.StatusUnprocessableEntity || !strings.HasPrefix(body, `{"ok":false,"errors":[{"field":"_form","message":"regstack.toml is not valid TOML: `) {
			t.Errorf("POST /api/write = %d %s", code, body)
		}
		if got := readFile(t, s.target.ConfigPath); got != "[oauth\n" {
			t.Error("regstack.toml changed")
		}
		if _, err := os.Stat(s.target.SecretsPath); !os.IsNotExist(err) {
			t.Error("the secrets file was written")
		}
	})
}

func TestConcurrentWritesLeaveOneRequestsConfigAndSecretTogether(t *testing.T) {
	s := newWizardServer(t)
	const writers, rounds = 4, 25
	for round := range rounds {
		var wg sync.WaitGroup
		for n := range writers {
			body := validJSON(t, Inputs{
				"client_id":     fmt.Sprintf("%d-abc.apps.googleusercontent.com", n),
				"client_secret": fmt.Sprintf("GOCSPX-secret-of-%d", n),
			})
			wg.Go(func() {
				req := httptest.NewRequest(http.MethodPost, "/api/write", strings.NewReader(body))
				req.Host = "127.0.0.1:47124"
				req.Header.Set(wizard.TokenHeader, testToken)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				s.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Errorf("POST /api/write = %d %s", rec.Code, rec.Body)
				}
			})
		}
		wg.Wait()
		config, secrets := readFile(t, s.target.ConfigPath), readFile(t, s.target.SecretsPath)
		var n int
		_, id, _ := strings.Cut(config, "google_client_id = \"")
		if _, err := fmt.Sscanf(id, "%d-", &n); err != nil {
			t.Fatalf("regstack.toml =\n%s", config)
		}
		if want := fmt.Sprintf("=GOCSPX-secret-of-%d\n", n); !strings.Contains(secrets, want) {
			t.Fatalf("round %d: regstack.toml names client %d but the secrets file is\n%s", round, n, secrets)
		}
	}
}

func TestAPIRefusesRequestsWithoutTheToken(t *testing.T) {
	tests := []struct {
		name, method, path, token string
		wantStatus                int
	}{
		{"the page without the token is refused", http.MethodGet, "/", "", 401},
		{"the state without the header is refused", http.MethodGet, "/api/state", "", 401},
		{"a validation with a wrong token is refused", http.MethodPost, "/api/step/1/validate", "nope", 401},
		{"a write without the header is refused", http.MethodPost, "/api/write", "", 401},
		{"a write with a wrong token is refused", http.MethodPost, "/api/write", testToken + "x", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newWizardServer(t)
			code, body := s.do(tt.method, tt.path, tt.token, validJSON(t, nil))
			if code != tt.wantStatus || body != `{"detail":"Missing or invalid wizard token."}` {
				t.Errorf("%s %s = %d %s", tt.method, tt.path, code, body)
			}
			s.noFiles()
		})
	}
	t.Run("a write from another origin is refused", func(t *testing.T) {
		s := newWizardServer(t)
		req := httptest.NewRequest(http.MethodPost, "/api/write", strings.NewReader(validJSON(t, nil)))
		req.Host = "127.0.0.1:47124"
		req.Header.Set(wizard.TokenHeader, testToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://evil.example")
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("POST /api/write from another origin = %d, want 403", rec.Code)
		}
		s.noFiles()
	})
}

func TestThePageCarriesTheTokenAndNoInlineCode(t *testing.T) {
	s := newWizardServer(t)
	code, page := s.do(http.MethodGet, "/?token="+testToken, "", "")
	if code != http.StatusOK || !strings.Contains(page, `<body data-wizard-token="`+testToken+`"`) {
		t.Fatalf("GET / = %d:\n%s", code, page)
	}
	for _, forbidden := range []string{"style=", " onclick", " onload", "<style", "<script>"} {
		if strings.Contains(page, forbidden) {
			t.Errorf("the page contains %q, which its CSP forbids", forbidden)
		}
	}
	for _, asset := range []string{"/static/wizard.js", "/static/wizard.css"} {
		if code, _ := s.do(http.MethodGet, asset, "", ""); code != http.StatusOK {
			t.Errorf("GET %s = %d", asset, code)
		}
	}
}
