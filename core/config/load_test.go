package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestLoadWithNothingGivesDefaults(t *testing.T) {
	cfg, report := load(t, t.TempDir(), nil, nil)
	if !reflect.DeepEqual(cfg, config.Default()) {
		t.Errorf("Load with no layers = %+v, want Default()", cfg)
	}
	if report.TOMLFile != "" || report.SecretsFile != "" || len(report.Sources) != 0 || len(report.Warnings) != 0 {
		t.Errorf("report = %+v, want empty", report)
	}
}

// TestPrecedence sets each key in every layer and removes the layers from
// the top, one at a time: the highest remaining layer must win each time.
func TestPrecedence(t *testing.T) {
	type values struct{ secrets, env string }
	keys := []struct {
		key    string
		toml   string // TOML line (under [email] when the key is in it)
		vals   values // as the secrets file and environment write them
		ov     any
		want   [5]any // default, toml, secrets, env, override
		getter func(config.Config) any
	}{
		{
			key: "app_name", toml: `app_name = "from toml"`,
			vals: values{secrets: "from secrets", env: "from env"}, ov: "from override",
			want:   [5]any{"RegStack", "from toml", "from secrets", "from env", "from override"},
			getter: func(c config.Config) any { return c.AppName },
		},
		{
			key: "jwt_ttl_seconds", toml: `jwt_ttl_seconds = 600`,
			vals: values{secrets: "700", env: " 800 "}, ov: 900,
			want:   [5]any{7200, 600, 700, 800, 900},
			getter: func(c config.Config) any { return c.JWTTTLSeconds },
		},
		{
			key: "email.smtp_port", toml: "[email]\nsmtp_port = 25",
			vals: values{secrets: "26", env: "27"}, ov: "28",
			want:   [5]any{587, 25, 26, 27, 28},
			getter: func(c config.Config) any { return c.Email.SMTPPort },
		},
		{
			key: "enable_ui_router", toml: `enable_ui_router = true`,
			vals: values{secrets: "no", env: "YES"}, ov: false,
			want:   [5]any{(*bool)(nil), ptr(true), ptr(false), ptr(true), ptr(false)},
			getter: func(c config.Config) any { return c.EnableUIRouter },
		},
		{
			key: "extra_template_dirs", toml: `extra_template_dirs = ["/toml"]`,
			vals: values{secrets: `["/secrets"]`, env: "/env1, /env2"}, ov: []string{"/override"},
			want:   [5]any{[]string(nil), []string{"/toml"}, []string{"/secrets"}, []string{"/env1", "/env2"}, []string{"/override"}},
			getter: func(c config.Config) any { return c.ExtraTemplateDirs },
		},
		{
			key: "oauth.google_client_secret", toml: "[oauth]\ngoogle_client_secret = \"toml-secret\"",
			vals: values{secrets: "secrets-secret", env: "env-secret"}, ov: "override-secret",
			want:   [5]any{(*string)(nil), ptr("toml-secret"), ptr("secrets-secret"), ptr("env-secret"), ptr("override-secret")},
			getter: func(c config.Config) any { return c.OAuth.GoogleClientSecret },
		},
	}
	layers := []config.Layer{config.LayerDefault, config.LayerTOML, config.LayerSecrets, config.LayerEnv, config.LayerOverride}
	for _, k := range keys {
		for top := 4; top >= 0; top-- {
			t.Run(k.key+" comes from the "+layers[top].String()+" layer when that is the highest one set", func(t *testing.T) {
				files := map[string]string{}
				env := map[string]string{}
				overrides := map[string]any{}
				if top >= 1 {
					files[config.TOMLFileName] = k.toml + "\n"
				}
				if top >= 2 {
					files[config.SecretsFileName] = config.EnvName(k.key) + "=" + k.vals.secrets + "\n"
				}
				if top >= 3 {
					env[config.EnvName(k.key)] = k.vals.env
				}
				if top >= 4 {
					overrides[k.key] = k.ov
				}
				cfg, report := load(t, writeDir(t, files), env, overrides)
				got, want := k.getter(cfg), k.want[top]
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %s, want %s", k.key, show(got), show(want))
				}
				src, set := report.Sources[k.key]
				if top == 0 {
					if set {
						t.Errorf("Sources[%s] = %+v, want unset", k.key, src)
					}
				} else if src.Layer != layers[top] {
					t.Errorf("Sources[%s].Layer = %v, want %v", k.key, src.Layer, layers[top])
				}
			})
		}
	}
}

func show(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return "&" + show(rv.Elem().Interface())
	}
	return fmt.Sprintf("%#v", v)
}

func TestTablesMergeKeyByKey(t *testing.T) {
	dir := writeDir(t, map[string]string{
		config.TOMLFileName:    "[email]\nbackend = \"smtp\"\nsmtp_port = 2525\n",
		config.SecretsFileName: "REGSTACK_EMAIL__SMTP_PASSWORD=hunter2-secret\n",
	})
	cfg, _ := load(t, dir, map[string]string{"REGSTACK_EMAIL__SMTP_HOST": "mail.example.com"}, map[string]any{"email.smtp_username": "mailer"})
	e := cfg.Email
	if e.Backend != "smtp" || e.SMTPPort != 2525 || e.SMTPHost == nil || *e.SMTPHost != "mail.example.com" ||
		e.SMTPUsername == nil || *e.SMTPUsername != "mailer" || e.SMTPPassword == nil || *e.SMTPPassword != "hunter2-secret" {
		t.Errorf("merged email = %+v, want TOML backend and port, env host, override user, secrets password", e)
	}
	if e.FromAddress != "noreply@example.com" || e.SESRegion != "eu-west-1" {
		t.Errorf("email keys set nowhere lost their defaults: %+v", e)
	}
}

func TestEnvironmentWholeTableAsJSON(t *testing.T) {
	env := map[string]string{
		"REGSTACK_EMAIL":            `{"backend":"smtp","smtp_host":"json.example.com","smtp_port":2525,"smtp_starttls":false}`,
		"REGSTACK_EMAIL__SMTP_HOST": "nested.example.com",
	}
	cfg, _ := load(t, t.TempDir(), env, nil)
	e := cfg.Email
	if e.Backend != "smtp" || e.SMTPPort != 2525 || e.SMTPStartTLS || *e.SMTPHost != "nested.example.com" {
		t.Errorf("email = %+v, want JSON fields with the __ variable winning for smtp_host", e)
	}
}

func TestEnvironmentNames(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"an upper-case name is read", map[string]string{"REGSTACK_APP_NAME": "Upper"}, "Upper"},
		{"a lower-case name is read too", map[string]string{"regstack_app_name": "lower"}, "lower"},
		{"the upper-case name wins over another spelling", map[string]string{"regstack_app_name": "lower", "REGSTACK_APP_NAME": "Upper", "Regstack_App_Name": "Mixed"}, "Upper"},
		{"variables without the prefix are not configuration", map[string]string{"APP_NAME": "no"}, "RegStack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, t.TempDir(), tt.env, nil)
			if cfg.AppName != tt.want {
				t.Errorf("app_name = %q, want %q", cfg.AppName, tt.want)
			}
		})
	}
}

func TestTOMLAcceptsStringsForNumbersAndBooleans(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: `
jwt_ttl_seconds = "600"
behind_proxy = "yes"
password_hash_wait_seconds = "2.5"
extra_template_dirs = "/a,/b"
from_number_is_unknown = 1
[sms]
from_number = 15555550100
`})
	cfg, _ := load(t, dir, nil, nil)
	if cfg.JWTTTLSeconds != 600 || !cfg.BehindProxy || cfg.PasswordHashWaitSeconds != 2.5 ||
		!reflect.DeepEqual(cfg.ExtraTemplateDirs, []string{"/a", "/b"}) || *cfg.SMS.FromNumber != "15555550100" {
		t.Errorf("cfg = ttl %d proxy %v wait %v dirs %v from %v", cfg.JWTTTLSeconds, cfg.BehindProxy, cfg.PasswordHashWaitSeconds, cfg.ExtraTemplateDirs, *cfg.SMS.FromNumber)
	}
}

func TestTriStateKeys(t *testing.T) {
	tests := []struct {
		name  string
		toml  string
		env   map[string]string
		ui    *bool
		email *bool
		sms   *bool
	}{
		{name: "unset keys stay nil", toml: ""},
		{name: "false is kept apart from unset", toml: "enable_ui_router = false\n[email]\nlog_bodies = false\n[sms]\nlog_bodies = false\n", ui: ptr(false), email: ptr(false), sms: ptr(false)},
		{name: "true is read", toml: "enable_ui_router = true\n[email]\nlog_bodies = true\n[sms]\nlog_bodies = true\n", ui: ptr(true), email: ptr(true), sms: ptr(true)},
		{name: "an empty environment value means unset", toml: "enable_ui_router = true\n", env: map[string]string{"REGSTACK_ENABLE_UI_ROUTER": "", "REGSTACK_SMS__LOG_BODIES": "off"}, sms: ptr(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _ := load(t, writeDir(t, map[string]string{config.TOMLFileName: tt.toml}), tt.env, nil)
			for _, c := range []struct {
				key       string
				got, want *bool
			}{{"enable_ui_router", cfg.EnableUIRouter, tt.ui}, {"email.log_bodies", cfg.Email.LogBodies, tt.email}, {"sms.log_bodies", cfg.SMS.LogBodies, tt.sms}} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %s, want %s", c.key, show(c.got), show(c.want))
				}
			}
		})
	}
}

func TestEmptyValueForOptionalKeyMeansUnset(t *testing.T) {
	env := map[string]string{
		"REGSTACK_JWT_AUDIENCE":      "",
		"REGSTACK_EMAIL__FROM_NAME":  "",
		"REGSTACK_EMAIL_LINK_PREFIX": "",
		"REGSTACK_LOGIN_RATE_LIMIT":  "",
		"REGSTACK_MONGODB_DATABASE":  "",
	}
	cfg, _ := load(t, writeDir(t, map[string]string{config.TOMLFileName: "jwt_audience = \"aud\"\n"}), env, nil)
	if cfg.JWTAudience != nil || cfg.Email.FromName != nil || cfg.LoginRateLimit != nil {
		t.Errorf("optional keys set to an empty value must be nil: audience %s, from_name %s, login_rate_limit %s", show(cfg.JWTAudience), show(cfg.Email.FromName), show(cfg.LoginRateLimit))
	}
	if cfg.EmailLinkPrefix == nil || *cfg.EmailLinkPrefix != "" {
		t.Errorf("email_link_prefix = %s, want \"\" (no prefix), which differs from unset", show(cfg.EmailLinkPrefix))
	}
	if cfg.MongoDBDatabase != "" {
		t.Errorf("mongodb_database = %q, want \"\" (a required string keeps the empty value)", cfg.MongoDBDatabase)
	}
}

func TestOverrides(t *testing.T) {
	t.Run("Go values of every kind are accepted", func(t *testing.T) {
		cfg, report := load(t, t.TempDir(), nil, map[string]any{
			"app_name":                   "Host",
			"jwt_ttl_seconds":            int64(120),
			"behind_proxy":               true,
			"password_hash_wait_seconds": float32(1.5),
			"extra_template_dirs":        []string{"/t"},
			"jwt_audience":               ptr("aud"),
			"Email.Backend":              "smtp",
		})
		if cfg.AppName != "Host" || cfg.JWTTTLSeconds != 120 || !cfg.BehindProxy || cfg.PasswordHashWaitSeconds != 1.5 ||
			!reflect.DeepEqual(cfg.ExtraTemplateDirs, []string{"/t"}) || *cfg.JWTAudience != "aud" || cfg.Email.Backend != "smtp" {
			t.Errorf("cfg = %+v", cfg)
		}
		if report.Sources["email.backend"].Layer != config.LayerOverride {
			t.Errorf("Sources[email.backend] = %+v", report.Sources["email.backend"])
		}
	})
	t.Run("nil unsets an optional key set by a lower layer", func(t *testing.T) {
		cfg, _ := load(t, t.TempDir(), map[string]string{"REGSTACK_JWT_AUDIENCE": "aud"}, map[string]any{"jwt_audience": nil})
		if cfg.JWTAudience != nil {
			t.Errorf("jwt_audience = %q, want nil", *cfg.JWTAudience)
		}
	})
	t.Run("an unknown key is an error", func(t *testing.T) {
		err := loadErr(t, config.LoadOptions{Dir: t.TempDir(), Overrides: map[string]any{"no_such_key": 1, "email": "x"}})
		if p := problemFor(t, err, "no_such_key"); p.Message != "unknown key" || p.Layer != config.LayerOverride {
			t.Errorf("problem = %+v", p)
		}
		problemFor(t, err, "email")
	})
}

func TestLoadErrorsNameFileKeyAndLine(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: `app_name = "ok"
jwt_ttl_seconds = "soon"
jwt_algorithm = "hs256"

sms_code_length = 12
transport = "cookie"
api_prefix = "api/"

[email]
backend = "smtp"
smtp_port = "abc"
from_address = "noreply@mail.local"
`})
	tomlPath := filepath.Join(dir, config.TOMLFileName)
	err := loadErr(t, config.LoadOptions{Dir: dir})
	tests := []struct {
		key  string
		line int
		text string
	}{
		{"jwt_ttl_seconds", 2, `expected an integer (got "soon")`},
		{"jwt_algorithm", 3, `must be one of "HS256", "HS384", "HS512" (got "hs256")`},
		{"sms_code_length", 5, "must be between 4 and 10 (got 12)"},
		{"transport", 6, `"cookie" is not supported`},
		{"api_prefix", 7, `must start with "/" and not end with "/"`},
		{"email.smtp_port", 11, `expected an integer (got "abc")`},
		{"email.from_address", 12, "special-use or reserved name"},
	}
	for _, tt := range tests {
		t.Run("the error names "+tt.key+" with its file and line", func(t *testing.T) {
			p := problemFor(t, err, tt.key)
			if p.File != tomlPath || p.Line != tt.line || p.Layer != config.LayerTOML {
				t.Errorf("problem source = %+v, want %s line %d", p.Source, tomlPath, tt.line)
			}
			if !strings.Contains(p.Message, tt.text) {
				t.Errorf("message = %q, want it to contain %q", p.Message, tt.text)
			}
			line := p.String()
			wantPrefix := tomlPath + ":" + itoa(tt.line) + ": " + tt.key + ": "
			if !strings.HasPrefix(line, wantPrefix) || !strings.Contains(err.Error(), line) {
				t.Errorf("problem line %q should start with %q and be in the error text", line, wantPrefix)
			}
		})
	}
	if len(err.Problems) != len(tests) {
		t.Errorf("got %d problems, want %d (every bad key, no others):\n%v", len(err.Problems), len(tests), err)
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func TestLoadErrorsFromEnvironmentAndSecretsFile(t *testing.T) {
	dir := writeDir(t, map[string]string{config.SecretsFileName: "# secrets\nREGSTACK_SMS_CODE_TTL_SECONDS=5\n"})
	err := loadErr(t, config.LoadOptions{Dir: dir, Env: map[string]string{"REGSTACK_EMAIL__SMTP_TLS": "TLS"}})
	p := problemFor(t, err, "sms_code_ttl_seconds")
	if p.File != filepath.Join(dir, config.SecretsFileName) || p.Line != 2 || p.Env != "REGSTACK_SMS_CODE_TTL_SECONDS" {
		t.Errorf("secrets problem source = %+v", p.Source)
	}
	p = problemFor(t, err, "email.smtp_tls")
	if p.Layer != config.LayerEnv || p.Env != "REGSTACK_EMAIL__SMTP_TLS" ||
		p.String() != `environment variable REGSTACK_EMAIL__SMTP_TLS: email.smtp_tls: must be one of "starttls", "implicit", "none" (got "TLS")` {
		t.Errorf("environment problem = %q", p.String())
	}
}

func TestMalformedTOML(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: "app_name = \"x\"\njwt_secret = supersecretvalue-never-shown\n"})
	err := loadErr(t, config.LoadOptions{Dir: dir})
	if len(err.Problems) != 1 {
		t.Fatalf("problems = %v", err.Problems)
	}
	p := err.Problems[0]
	if p.File != filepath.Join(dir, config.TOMLFileName) || p.Line != 2 || !strings.Contains(p.Message, "malformed TOML") {
		t.Errorf("problem = %+v", p)
	}
	if strings.Contains(err.Error(), "supersecretvalue") {
		t.Errorf("error text echoes the secret: %v", err)
	}
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	const secret = "s3cr3t-VALUE-xyz"
	tests := []struct {
		name string
		opts config.LoadOptions
	}{
		{"a secret of the wrong type in TOML", config.LoadOptions{Env: map[string]string{}, Dir: writeDir(t, map[string]string{config.TOMLFileName: "jwt_secret = [\"" + secret + "\"]\n"})}},
		{"a secret in a malformed TOML line", config.LoadOptions{Env: map[string]string{}, Dir: writeDir(t, map[string]string{config.TOMLFileName: "[email]\nsmtp_password = " + secret + "\n"})}},
		{"a secret table that is not JSON", config.LoadOptions{Dir: t.TempDir(), Env: map[string]string{"REGSTACK_EMAIL": "smtp_password=" + secret}}},
		{"a secret of the wrong type in an override", config.LoadOptions{Dir: t.TempDir(), Overrides: map[string]any{"sms.twilio_auth_token": []string{secret}}}},
		{"a SES key pair with one half", config.LoadOptions{Dir: t.TempDir(), Env: map[string]string{"REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY": secret}}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is not echoed", func(t *testing.T) {
			err := loadErr(t, tt.opts)
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error echoes the secret: %v", err)
			}
			for _, p := range err.Problems {
				if strings.Contains(p.Message, secret) {
					t.Errorf("problem echoes the secret: %+v", p)
				}
			}
		})
	}
	t.Run("start-up errors do not echo the secret or the database password", func(t *testing.T) {
		cfg := config.Default()
		cfg.JWTSecret = "short-" + secret
		cfg.DatabaseURL = "mysql://app:" + secret + "@db/app"
		for _, err := range cfg.StartupErrors() {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("start-up error echoes a secret: %v", err)
			}
		}
	})
}

func TestAllProblemsAreReportedTogether(t *testing.T) {
	err := loadErr(t, config.LoadOptions{Dir: t.TempDir(), Env: map[string]string{
		"REGSTACK_JWT_TTL_SECONDS":      "1",
		"REGSTACK_SMS_CODE_LENGTH":      "x",
		"REGSTACK_ARGON2_PARALLELISM":   "0",
		"REGSTACK_OAUTH__GOOGLE_ISSUER": "anything goes",
	}})
	for _, key := range []string{"jwt_ttl_seconds", "sms_code_length", "argon2_parallelism"} {
		problemFor(t, err, key)
	}
	if len(err.Problems) != 3 {
		t.Errorf("problems = %v", err.Problems)
	}
}

func TestUnknownKeysAreWarnings(t *testing.T) {
	dir := writeDir(t, map[string]string{
		config.TOMLFileName:    "app_name = \"x\"\nfuture_key = 1\n[email]\nbackend = \"console\"\nnew_option = true\n[cache]\nsize = 3\n",
		config.SecretsFileName: "REGSTACK_SOMETHING_NEW=1\nexport REGSTACK_JWT_SECRET=x\nOTHER=1\nREGSTACK_CONFIG=/elsewhere\n",
	})
	env := map[string]string{"REGSTACK_NOT_A_KEY": "1", "REGSTACK_EMAIL__NOPE": "2", "PATH": "/bin"}
	cfg, report := load(t, dir, env, nil)
	if cfg.AppName != "x" {
		t.Errorf("known keys beside unknown ones must load; app_name = %q", cfg.AppName)
	}
	tomlPath := filepath.Join(dir, config.TOMLFileName)
	for _, w := range []struct {
		key, part string
		line      int
	}{{"future_key", "unknown key", 2}, {"email.new_option", "unknown key", 5}, {"cache", "unknown table", 6}} {
		got := warningFor(t, report, w.key, w.part)
		if got.File != tomlPath || got.Line != w.line {
			t.Errorf("warning %+v, want %s line %d", got, tomlPath, w.line)
		}
	}
	warningFor(t, report, "something_new", "unknown key")
	warningFor(t, report, "not_a_key", "unknown key")
	warningFor(t, report, "email.nope", "unknown key")
	for _, name := range []string{"export REGSTACK_JWT_SECRET", "OTHER", "REGSTACK_CONFIG"} {
		found := false
		for _, w := range report.Warnings {
			found = found || (w.Env == name && w.Layer == config.LayerSecrets)
		}
		if !found {
			t.Errorf("no warning for the ignored secrets line %s: %v", name, report.Warnings)
		}
	}
	for _, w := range report.Warnings {
		if w.Key == "size" || w.Key == "cache.size" || w.Env == "PATH" {
			t.Errorf("unexpected warning %+v", w)
		}
	}
	if cfg.JWTSecret != "" {
		t.Errorf("an export-prefixed line must be ignored; jwt_secret was set")
	}
}

func TestSecretsInTOMLAreWarnings(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: `
jwt_secret = "0123456789abcdef0123456789abcdef"
database_url = "postgresql+asyncpg://app:pw@db/app"
[email]
smtp_password = "pw"
ses_access_key_id = "AKIA"
ses_secret_access_key = "sk"
[sms]
twilio_auth_token = "tok"
[oauth]
google_client_secret = "gs"
`})
	_, report := load(t, dir, nil, nil)
	for _, key := range []string{"jwt_secret", "database_url", "email.smtp_password", "email.ses_secret_access_key", "sms.twilio_auth_token", "oauth.google_client_secret"} {
		w := warningFor(t, report, key, "secret stored in regstack.toml")
		if w.Line == 0 || w.File == "" {
			t.Errorf("warning for %s lacks a position: %+v", key, w)
		}
	}
	for _, w := range report.Warnings {
		if w.Key == "email.ses_access_key_id" {
			t.Errorf("ses_access_key_id belongs in the TOML (ses setup writes it there): %+v", w)
		}
		if strings.Contains(w.String(), "0123456789abcdef") || strings.Contains(w.String(), ":pw@") {
			t.Errorf("warning echoes a secret: %v", w)
		}
	}

	t.Run("a database_url without a password is not a secret", func(t *testing.T) {
		dir := writeDir(t, map[string]string{config.TOMLFileName: "database_url = \"sqlite+aiosqlite:///./app.db\"\n"})
		_, report := load(t, dir, nil, nil)
		for _, w := range report.Warnings {
			if w.Key == "database_url" {
				t.Errorf("unexpected warning %+v", w)
			}
		}
	})
}

func TestSecretsFileReadableByOthersIsAWarning(t *testing.T) {
	dir := writeDir(t, map[string]string{config.SecretsFileName: "REGSTACK_APP_NAME=x\n"})
	path := filepath.Join(dir, config.SecretsFileName)
	_, report := load(t, dir, nil, nil)
	for _, w := range report.Warnings {
		if strings.Contains(w.Message, "accessible by group or others") {
			t.Errorf("a 0600 secrets file must not warn: %v", w)
		}
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, report = load(t, dir, nil, nil)
	w := warningFor(t, report, "", "accessible by group or others")
	if w.File != path {
		t.Errorf("warning file = %q, want %q", w.File, path)
	}
}

func TestCollectionNamesWithSQLBackendAreWarnings(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: "user_collection = \"people\"\npending_collection = \"pending_registrations\"\n"})
	_, report := load(t, dir, nil, nil)
	warningFor(t, report, "user_collection", "ignored by the SQL backends")
	for _, w := range report.Warnings {
		if w.Key == "pending_collection" {
			t.Errorf("a collection key set to its default must not warn: %v", w)
		}
	}
	_, report = load(t, dir, map[string]string{"REGSTACK_DATABASE_URL": "mongodb://db/app"}, nil)
	for _, w := range report.Warnings {
		if w.Key == "user_collection" {
			t.Errorf("collection names are used by MongoDB; unexpected warning %v", w)
		}
	}
}

func TestLocatingTheTOMLFile(t *testing.T) {
	const body = "app_name = \"%s\"\n"
	cwd := writeDir(t, map[string]string{config.TOMLFileName: fmt.Sprintf(body, "cwd")})
	other := writeDir(t, map[string]string{config.TOMLFileName: fmt.Sprintf(body, "other"), "named.toml": fmt.Sprintf(body, "named")})
	empty := t.TempDir()

	tests := []struct {
		name     string
		path     string
		env      map[string]string
		dir      string
		want     string
		wantFile string
	}{
		{"./regstack.toml is read when nothing names a file", "", nil, cwd, "cwd", filepath.Join(cwd, config.TOMLFileName)},
		{"a missing ./regstack.toml means defaults", "", nil, empty, "RegStack", ""},
		{"an explicit file wins over ./regstack.toml", filepath.Join(other, "named.toml"), nil, cwd, "named", filepath.Join(other, "named.toml")},
		{"an explicit directory means its regstack.toml", other, nil, cwd, "other", filepath.Join(other, config.TOMLFileName)},
		{"REGSTACK_CONFIG names a file", "", map[string]string{"REGSTACK_CONFIG": filepath.Join(other, "named.toml")}, cwd, "named", filepath.Join(other, "named.toml")},
		{"REGSTACK_CONFIG names a directory", "", map[string]string{"REGSTACK_CONFIG": other}, cwd, "other", filepath.Join(other, config.TOMLFileName)},
		{"the explicit path wins over REGSTACK_CONFIG", filepath.Join(other, "named.toml"), map[string]string{"REGSTACK_CONFIG": other}, cwd, "named", filepath.Join(other, "named.toml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = map[string]string{}
			}
			cfg, report, err := config.Load(config.LoadOptions{ConfigPath: tt.path, Env: env, Dir: tt.dir})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.AppName != tt.want || report.TOMLFile != tt.wantFile {
				t.Errorf("app_name = %q from %q, want %q from %q", cfg.AppName, report.TOMLFile, tt.want, tt.wantFile)
			}
		})
	}

	missing := []struct {
		name string
		opts config.LoadOptions
		path string
		via  string
	}{
		{"an explicit missing file", config.LoadOptions{ConfigPath: filepath.Join(empty, "nope.toml"), Dir: cwd}, filepath.Join(empty, "nope.toml"), ""},
		{"an explicit directory without regstack.toml", config.LoadOptions{ConfigPath: empty, Dir: cwd}, filepath.Join(empty, config.TOMLFileName), ""},
		{"REGSTACK_CONFIG naming a missing file", config.LoadOptions{Env: map[string]string{"REGSTACK_CONFIG": filepath.Join(empty, "x.toml")}, Dir: cwd}, filepath.Join(empty, "x.toml"), "REGSTACK_CONFIG"},
	}
	for _, tt := range missing {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			if tt.opts.Env == nil {
				tt.opts.Env = map[string]string{}
			}
			_, report, err := config.Load(tt.opts)
			var nf *config.NotFoundError
			if !errors.As(err, &nf) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error = %v, want *NotFoundError", err)
			}
			if nf.Path != tt.path || nf.Via != tt.via || report == nil {
				t.Errorf("NotFoundError = %+v, want path %q via %q", nf, tt.path, tt.via)
			}
			if !strings.HasPrefix(err.Error(), "config file not found: "+tt.path) {
				t.Errorf("error text = %q", err)
			}
		})
	}
}

func TestLocatingTheSecretsFile(t *testing.T) {
	const line = "REGSTACK_APP_NAME=%s\n"
	cwd := writeDir(t, map[string]string{config.SecretsFileName: fmt.Sprintf(line, "cwd")})
	confDir := writeDir(t, map[string]string{config.TOMLFileName: "", config.SecretsFileName: fmt.Sprintf(line, "beside toml")})
	bareConf := writeDir(t, map[string]string{config.TOMLFileName: ""})
	explicit := filepath.Join(writeDir(t, map[string]string{config.SecretsFileName: fmt.Sprintf(line, "explicit")}), config.SecretsFileName)

	tests := []struct {
		name string
		opts config.LoadOptions
		want string
	}{
		{"the file beside the TOML wins over ./", config.LoadOptions{ConfigPath: confDir, Dir: cwd}, "beside toml"},
		{"./ is the fallback when none is beside the TOML", config.LoadOptions{ConfigPath: bareConf, Dir: cwd}, "cwd"},
		{"an explicit path wins over both", config.LoadOptions{ConfigPath: confDir, SecretsPath: explicit, Dir: cwd}, "explicit"},
		{"a missing explicit path means no secrets layer", config.LoadOptions{ConfigPath: confDir, SecretsPath: filepath.Join(bareConf, "none.env"), Dir: cwd}, "RegStack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Env = map[string]string{}
			cfg, _, err := config.Load(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.AppName != tt.want {
				t.Errorf("app_name = %q, want %q", cfg.AppName, tt.want)
			}
		})
	}
}

func TestSecretsFileIsNotCopiedIntoTheProcessEnvironment(t *testing.T) {
	dir := writeDir(t, map[string]string{config.SecretsFileName: "REGSTACK_TEST_ONLY_MARKER_91=1\n"})
	if _, _, err := config.Load(config.LoadOptions{Dir: dir, Env: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	if _, set := os.LookupEnv("REGSTACK_TEST_ONLY_MARKER_91"); set {
		t.Error("Load copied a secrets-file value into the process environment")
	}
}

func TestFromAddressAndBaseURLAreNormalised(t *testing.T) {
	cfg, _ := load(t, t.TempDir(), map[string]string{
		"REGSTACK_EMAIL__FROM_ADDRESS": "Mailer <No-Reply@Example.COM>",
		"REGSTACK_BASE_URL":            "HTTPS://App.Example.COM:443/base",
	}, nil)
	if cfg.Email.FromAddress != "No-Reply@example.com" {
		t.Errorf("from_address = %q", cfg.Email.FromAddress)
	}
	if cfg.BaseURL != "https://app.example.com/base" {
		t.Errorf("base_url = %q", cfg.BaseURL)
	}
}

func TestTheSpecExampleLoads(t *testing.T) {
	dir := filepath.Join("testdata", "example")
	cfg, report, err := config.Load(config.LoadOptions{ConfigPath: dir, SecretsPath: filepath.Join(dir, config.SecretsFileName), Env: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Email.SMTPHost == nil || cfg.SMS.TwilioAuthToken == nil {
		t.Fatalf("smtp_host / twilio_auth_token unset: was %s read?", report.SecretsFile)
	}
	if cfg.AppName != "Example App" || cfg.Email.Backend != "smtp" || *cfg.Email.SMTPHost != "smtp.app.example.com" ||
		cfg.SMS.Backend != "twilio" || *cfg.SMS.TwilioAuthToken != "example-twilio-token" ||
		cfg.DatabaseKind() != config.KindPostgres || cfg.EnableUIRouter == nil || !*cfg.EnableUIRouter {
		t.Errorf("cfg = %+v", cfg)
	}
	if errs := cfg.StartupErrors(); len(errs) != 0 {
		t.Errorf("StartupErrors = %v", errs)
	}
	for _, w := range report.Warnings {
		if w.Layer == config.LayerTOML {
			t.Errorf("the spec example should load without TOML warnings: %v", w)
		}
	}
}

func TestDottedNamesDoNotPassForTables(t *testing.T) {
	dir := writeDir(t, map[string]string{config.TOMLFileName: "\"email.backend\" = \"smtp\"\n"})
	cfg, report := load(t, dir, map[string]string{"REGSTACK_SMS.BACKEND": "twilio"}, nil)
	if cfg.Email.Backend != "console" || cfg.SMS.Backend != "null" {
		t.Errorf("a quoted dotted TOML key or a dotted variable name set a table key: email %q, sms %q", cfg.Email.Backend, cfg.SMS.Backend)
	}
	if len(report.Warnings) != 2 {
		t.Errorf("want two unknown-key warnings, got %v", report.Warnings)
	}
}

// A tool checks the files it is about to write without writing them:
// TOMLData and SecretsData stand in for the files at their paths, which
// need not exist, and messages name those paths.
func TestLoadFromContentsReadsNoDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-created")
	tomlPath, secretsPath := filepath.Join(dir, config.TOMLFileName), filepath.Join(dir, config.SecretsFileName)
	cfg, report, err := config.Load(config.LoadOptions{
		Env:         map[string]string{},
		ConfigPath:  tomlPath,
		TOMLData:    []byte("app_name = \"From memory\"\n"),
		SecretsPath: secretsPath,
		SecretsData: []byte("REGSTACK_JWT_SECRET=" + strings.Repeat("s", 40) + "\n"),
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.AppName != "From memory" || cfg.JWTSecret != strings.Repeat("s", 40) {
		t.Errorf("app_name %q, secret read %v; want both from the contents", cfg.AppName, cfg.JWTSecret != "")
	}
	if report.TOMLFile != tomlPath || report.SecretsFile != secretsPath {
		t.Errorf("report names %q and %q, want the given paths", report.TOMLFile, report.SecretsFile)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the directory exists after Load: %v", err)
	}

	_, _, err = config.Load(config.LoadOptions{
		Env:        map[string]string{},
		ConfigPath: tomlPath,
		TOMLData:   []byte("[email]\nbackend = \"carrier-pigeon\"\n"),
	})
	var ce *config.Error
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].File != tomlPath || ce.Problems[0].Line != 2 {
		t.Fatalf("Load of a bad backend = %v; want one problem at %s line 2", err, tomlPath)
	}
}
