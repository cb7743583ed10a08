package ses_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/ses"
	"github.com/regstack/regstack/wizards/ses/awstest"
	"github.com/regstack/regstack/wizards/wizard"
)

const (
	testToken = "test-token-0123456789abcdefghijklmnopqrstuvw"
	testPort  = 4242
)

// wizardServer serves the SES wizard over tg behind the scaffold's guard,
// as Launch would, probing the AWS fake.
type wizardServer struct {
	h    http.Handler
	done bool
}

func newWizardServer(t *testing.T, tg configfile.Target) *wizardServer {
	t.Helper()
	ws := &wizardServer{}
	app := ses.NewApp(tg, ses.AWS{}, nil)
	ws.h = wizard.Handler(app, testToken, testPort, func() { ws.done = true })
	return ws
}

// do sends one API request with the token and returns the status and the
// decoded JSON answer.
func (ws *wizardServer) do(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Host = "127.0.0.1:4242"
	req.Header.Set(wizard.TokenHeader, testToken)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	ws.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %q", method, path, rec.Body.String())
	}
	return rec.Code, out
}

func jsonMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return m
}

func TestAPIState(t *testing.T) {
	tests := []struct {
		name        string
		toml        string
		wantSES     bool
		wantFrom    string
		stateBefore func(t *testing.T, tg configfile.Target)
	}{
		{name: "an empty directory has no SES configuration", wantFrom: ""},
		{name: "an SES table is reported with its sender", toml: "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@example.com\"\n", wantSES: true, wantFrom: "noreply@example.com"},
		{name: "an SMTP table prefills the sender only", toml: "[email]\nbackend = \"smtp\"\nfrom_address = \"mail@example.com\"\n", wantFrom: "mail@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var toml []byte
			if tt.toml != "" {
				toml = []byte(tt.toml)
			}
			tg := target(t, toml, nil)
			ws := newWizardServer(t, tg)
			code, got := ws.do(t, http.MethodGet, "/api/state", nil)
			want := map[string]any{
				"target_dir": tg.Dir, "existing_ses": tt.wantSES, "from_address": tt.wantFrom,
				"config_file": "regstack.toml", "secrets_file": "regstack.secrets.env", "num_steps": 9.0,
			}
			if code != http.StatusOK || !reflect.DeepEqual(got, want) {
				t.Errorf("GET /api/state = %d %v, want 200 %v", code, got, want)
			}
		})
	}
}

func TestAPIStepValidate(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		body     any
		wantCode int
		want     string
	}{
		{"a passing step answers ok", "/api/step/2/validate", map[string]any{"ses_region": "eu-west-1"}, 200, `{"ok":true,"errors":[]}`},
		{"a failing step is still 200, with ok false", "/api/step/2/validate", map[string]any{"ses_region": "mars-1"}, 200,
			`{"ok":false,"errors":[{"field":"ses_region","message":"'mars-1' is not a known SES region. Pick from us-east-1, eu-west-1, etc."}]}`},
		{"a body that is not an object counts as {}", "/api/step/2/validate", []string{"eu-west-1"}, 200,
			`{"ok":false,"errors":[{"field":"ses_region","message":"Region is required."}]}`},
		{"the write step's check names the step to go back to", "/api/step/8/validate", map[string]any{"ses_region": "eu-west-1", "credential_source": "explicit", "from_address": "a@example.com"}, 200,
			`{"ok":false,"errors":[{"field":"ses_access_key_id","message":"Access key ID is required."},{"field":"ses_secret_access_key","message":"Secret access key is required."}],"jump_to":3}`},
		{"an AWS step carries the probe's answer", "/api/step/3/validate", map[string]any{"credential_source": "chain"}, 200,
			`{"ok":true,"errors":[],"aws":{"credential_ok":true,"account_id":"123456789012","arn":"arn:aws:iam::123456789012:user/regstack-wizard","error":null}}`},
		{"a step past the last is 404", "/api/step/9/validate", map[string]any{}, 404, `{"detail":"Unknown wizard step: 9."}`},
		{"a negative step is 404", "/api/step/-1/validate", map[string]any{}, 404, `{"detail":"Unknown wizard step: -1."}`},
		{"a step that is not a number is 422", "/api/step/two/validate", map[string]any{}, 422, `{"detail":"Wizard step must be an integer."}`},
		{"an unknown API path is 404", "/api/steps", map[string]any{}, 404, `{"detail":"Not found."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeAWS(t, awstest.Behaviour{})
			ws := newWizardServer(t, target(t, nil, nil))
			code, got := ws.do(t, http.MethodPost, tt.path, tt.body)
			if want := jsonMap(t, tt.want); code != tt.wantCode || !reflect.DeepEqual(got, want) {
				t.Errorf("POST %s = %d %v, want %d %v", tt.path, code, got, tt.wantCode, want)
			}
		})
	}
}

func TestAPIWrite(t *testing.T) {
	complete := map[string]any{
		"existing_ses": false, "ses_region": "eu-west-1", "credential_source": "explicit",
		"ses_access_key_id": "AKIAEXAMPLEKEY", "ses_secret_access_key": exampleSecret,
		"from_address": "noreply@app.example.com", "skip_test_send": true,
	}
	t.Run("complete inputs are written and summarised", func(t *testing.T) {
		tg := target(t, []byte("# mine\napp_name = \"MyApp\"\n"), nil)
		ws := newWizardServer(t, tg)
		code, got := ws.do(t, http.MethodPost, "/api/write", complete)
		want := map[string]any{
			"ok": true, "config_path": tg.ConfigPath, "secrets_path": tg.SecretsPath,
			"config_diff": "added [email] table", "secrets_diff": "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY",
			"replaced_existing": false,
		}
		if code != http.StatusOK || !reflect.DeepEqual(got, want) {
			t.Errorf("POST /api/write = %d %v, want 200 %v", code, got, want)
		}
		toml := string(readOrNil(t, tg.ConfigPath))
		if !strings.HasPrefix(toml, "# mine\napp_name = \"MyApp\"\n\n[email]\n") || !strings.Contains(toml, `ses_access_key_id = "AKIAEXAMPLEKEY"`) {
			t.Errorf("regstack.toml =\n%s", toml)
		}
		if env := string(readOrNil(t, tg.SecretsPath)); env != "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY="+exampleSecret+"\n" {
			t.Errorf("regstack.secrets.env = %q", env)
		}
		if ws.done {
			t.Error("writing ended the wizard; only /api/done may")
		}
	})
	t.Run("inputs that fail full validation are 422 with the step to go back to, and nothing is written", func(t *testing.T) {
		tg := target(t, nil, nil)
		ws := newWizardServer(t, tg)
		bad := map[string]any{}
		for k, v := range complete {
			bad[k] = v
		}
		bad["from_address"] = "noreply"
		code, got := ws.do(t, http.MethodPost, "/api/write", bad)
		want := jsonMap(t, `{"ok":false,"errors":[{"field":"from_address","message":"Sender must look like noreply@your-domain.example."}],"jump_to":4}`)
		if code != http.StatusUnprocessableEntity || !reflect.DeepEqual(got, want) {
			t.Errorf("POST /api/write = %d %v, want 422 %v", code, got, want)
		}
		if _, err := os.Stat(tg.ConfigPath); err == nil {
			t.Error("regstack.toml was written")
		}
	})
	t.Run("an existing SES table must be confirmed before it is replaced", func(t *testing.T) {
		ws := newWizardServer(t, target(t, nil, nil))
		bad := map[string]any{}
		for k, v := range complete {
			bad[k] = v
		}
		bad["existing_ses"] = true
		code, got := ws.do(t, http.MethodPost, "/api/write", bad)
		want := jsonMap(t, `{"ok":false,"errors":[{"field":"replace_existing","message":"Confirm you want to replace the existing SES configuration."}],"jump_to":1}`)
		if code != http.StatusUnprocessableEntity || !reflect.DeepEqual(got, want) {
			t.Errorf("POST /api/write = %d %v, want 422 %v", code, got, want)
		}
	})
	t.Run("a regstack.toml that does not parse is 422 on the form, and nothing is written", func(t *testing.T) {
		broken := "app_name = \"MyApp\n"
		tg := target(t, []byte(broken), nil)
		ws := newWizardServer(t, tg)
		code, got := ws.do(t, http.MethodPost, "/api/write", complete)
		errs, _ := got["errors"].([]any)
		if code != http.StatusUnprocessableEntity || got["ok"] != false || len(errs) != 1 {
			t.Fatalf("POST /api/write = %d %v, want 422 with one error", code, got)
		}
		e := errs[0].(map[string]any)
		if e["field"] != "_form" || !strings.HasPrefix(e["message"].(string), "regstack.toml is not valid TOML: ") {
			t.Errorf("error = %v, want _form: regstack.toml is not valid TOML: …", e)
		}
		if b := string(readOrNil(t, tg.ConfigPath)); b != broken {
			t.Errorf("regstack.toml changed: %q", b)
		}
		if _, err := os.Stat(tg.SecretsPath); err == nil {
			t.Error("the secret was written next to a config that was not")
		}
	})
	t.Run("an [email] the editor will not touch is 422 on the form", func(t *testing.T) {
		tg := target(t, []byte("email = { backend = \"console\" }\n"), nil)
		ws := newWizardServer(t, tg)
		code, got := ws.do(t, http.MethodPost, "/api/write", complete)
		if code != http.StatusUnprocessableEntity || got["ok"] != false {
			t.Errorf("POST /api/write = %d %v, want 422", code, got)
		}
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		ws := newWizardServer(t, target(t, nil, nil))
		if code, _ := ws.do(t, http.MethodGet, "/api/write", nil); code != http.StatusMethodNotAllowed {
			t.Errorf("GET /api/write = %d, want 405", code)
		}
	})
}

func TestThePageCarriesTheTokenAndLoadsOnlyItsOwnFiles(t *testing.T) {
	ws := newWizardServer(t, target(t, nil, nil))
	req := httptest.NewRequest(http.MethodGet, "/?token="+testToken, nil)
	req.Host = "127.0.0.1:4242"
	rec := httptest.NewRecorder()
	ws.h.ServeHTTP(rec, req)
	page := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	for _, want := range []string{
		`<body data-token="` + testToken + `" data-num-steps="9">`,
		`<title>regstack — SES setup</title>`,
		`<script src="/static/wizard.js" defer></script>`,
		`<option value="il-central-1">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "style=", " onclick=", " onchange=", "javascript:"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %q, which its CSP forbids", bad)
		}
	}
	for _, asset := range []string{"/static/wizard.js", "/static/wizard.css"} {
		req := httptest.NewRequest(http.MethodGet, asset, nil)
		req.Host = "127.0.0.1:4242"
		rec := httptest.NewRecorder()
		ws.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d, %d bytes", asset, rec.Code, rec.Body.Len())
		}
	}
}
