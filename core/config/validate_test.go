package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestValidationRules(t *testing.T) {
	tests := []struct {
		key  string
		good []any
		bad  []any
		text string
	}{
		{"jwt_algorithm", []any{"HS256", "HS384", "HS512"}, []any{"hs256", "RS256", ""}, "must be one of"},
		{"jwt_ttl_seconds", []any{60, 2592000}, []any{59, 2592001}, "must be between 60 and 2592000"},
		{"transport", []any{"bearer"}, []any{"cookie"}, `"cookie" is not supported`},
		{"transport", nil, []any{"header"}, `must be one of "bearer"`},
		{"verification_token_ttl_seconds", []any{60}, []any{59}, "must be at least 60"},
		{"password_reset_token_ttl_seconds", []any{60}, []any{0}, "must be at least 60"},
		{"email_change_token_ttl_seconds", []any{60}, []any{-1}, "must be at least 60"},
		{"sms_code_length", []any{4, 10}, []any{3, 11}, "must be between 4 and 10"},
		{"sms_code_ttl_seconds", []any{30, 1800}, []any{29, 1801}, "must be between 30 and 1800"},
		{"sms_code_max_attempts", []any{1, 20}, []any{0, 21}, "must be between 1 and 20"},
		{"mfa_pending_token_ttl_seconds", []any{60, 1800}, []any{59, 1801}, "must be between 60 and 1800"},
		{"login_lockout_threshold", []any{1}, []any{0}, "must be at least 1"},
		{"login_lockout_window_seconds", []any{10}, []any{9}, "must be at least 10"},
		{"login_max_per_minute", []any{1}, []any{0}, "must be at least 1"},
		{"login_max_per_hour", []any{1}, []any{0}, "must be at least 1"},
		{"base_url", []any{"http://localhost:8000", "https://app.example.com/sub/path"}, []any{"ftp://example.com", "/relative", "https://", "https://x.example.com/?q=1", "https://x.example.com/#frag", "https://x.example.com/" + strings.Repeat("a", 2083)}, "must"},
		{"email.backend", []any{"console", "smtp", "ses"}, []any{"Console", "sendgrid"}, "must be one of"},
		{"email.from_address", []any{"Sender <a@example.org>"}, []any{"a@example", "a@probe.invalid", "not-an-address"}, "value is not a valid email address"},
		{"email.smtp_port", []any{1, 65535}, []any{0, 65536}, "must be between 1 and 65535"},
		{"email.smtp_timeout_seconds", []any{0.5}, []any{0, -1}, "must be greater than 0"},
		{"email.smtp_tls", []any{"starttls", "implicit", "none", nil}, []any{"tls", "STARTTLS"}, "must be one of"},
		{"sms.backend", []any{"null", "sns", "twilio"}, []any{"", "Null", "vonage"}, "must be one of"},
		{"oauth.google_redirect_uri", []any{"https://app.example.com/cb", nil}, []any{"app.example.com/cb"}, "absolute http or https URL"},
		{"oauth.state_ttl_seconds", []any{30}, []any{29}, "must be at least 30"},
		{"oauth.completion_ttl_seconds", []any{5}, []any{4}, "must be at least 5"},
		{"oauth.google_token_endpoint", []any{"http://127.0.0.1:9999/token"}, []any{"", "token"}, "absolute http or https URL"},
		{"api_prefix", []any{"/api/auth", "/x"}, []any{"api", "/api/", "/", ""}, `must start with "/" and not end with "/"`},
		{"ui_prefix", []any{"/account"}, []any{"account/"}, `must start with "/"`},
		{"static_prefix", []any{"/static"}, []any{"static"}, `must start with "/"`},
		{"login_rate_limit", []any{"5/minute", "5/minute;20/hour", nil}, []any{"lots", "5/fortnight", "/minute"}, "rate limit"},
		{"phone_disable_rate_limit", []any{"10 per 5 minutes"}, []any{"0/minute"}, "rate limit"},
		{"reap_interval_seconds", []any{0}, []any{-1}, "must be at least 0"},
		{"hook_timeout_seconds", []any{0}, []any{-1}, "must be at least 0"},
		{"argon2_memory_kib", []any{8192}, []any{8191}, "must be at least 8192"},
		{"argon2_iterations", []any{1}, []any{0}, "must be at least 1"},
		{"argon2_parallelism", []any{1, 255}, []any{0, 256}, "must be between 1 and 255"},
		{"password_hash_workers", []any{0}, []any{-1}, "must be at least 0"},
		{"password_hash_wait_seconds", []any{0.1}, []any{0}, "must be greater than 0"},
	}
	for _, tt := range tests {
		for _, v := range tt.good {
			t.Run(tt.key+" accepts "+showAny(v), func(t *testing.T) {
				load(t, t.TempDir(), nil, map[string]any{tt.key: v})
			})
		}
		for _, v := range tt.bad {
			t.Run(tt.key+" refuses "+showAny(v), func(t *testing.T) {
				err := loadErr(t, config.LoadOptions{Dir: t.TempDir(), Overrides: map[string]any{tt.key: v}})
				p := problemFor(t, err, tt.key)
				if !strings.Contains(p.Message, tt.text) {
					t.Errorf("message = %q, want it to contain %q", p.Message, tt.text)
				}
				if len(err.Problems) != 1 {
					t.Errorf("problems = %v, want only the one for %s", err.Problems, tt.key)
				}
			})
		}
	}
}

func showAny(v any) string {
	if v == nil {
		return "unset"
	}
	s := strings.TrimSpace(strings.ReplaceAll(fmtShort(v), "/", "∕"))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

func fmtShort(v any) string {
	if s, ok := v.(string); ok {
		return `"` + s + `"`
	}
	return show(v)
}

func TestSESCredentials(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		key  string // "" = valid
	}{
		{"no explicit keys is valid", map[string]string{}, ""},
		{"both keys are valid", map[string]string{"REGSTACK_EMAIL__SES_ACCESS_KEY_ID": "AKIA", "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY": "sk"}, ""},
		{"a profile alone is valid", map[string]string{"REGSTACK_EMAIL__SES_PROFILE": "mail"}, ""},
		{"only the key id is refused", map[string]string{"REGSTACK_EMAIL__SES_ACCESS_KEY_ID": "AKIA"}, "email.ses_access_key_id"},
		{"only the secret is refused", map[string]string{"REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY": "sk"}, "email.ses_secret_access_key"},
		{"keys together with a profile are refused", map[string]string{"REGSTACK_EMAIL__SES_ACCESS_KEY_ID": "AKIA", "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY": "sk", "REGSTACK_EMAIL__SES_PROFILE": "mail"}, "email.ses_profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := config.Load(config.LoadOptions{Dir: t.TempDir(), Env: tt.env})
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error = %v, want *config.Error", err)
			}
			p := problemFor(t, cerr, tt.key)
			if p.Env != config.EnvName(tt.key) {
				t.Errorf("problem source = %+v, want the variable %s", p.Source, config.EnvName(tt.key))
			}
		})
	}
}

func TestValidateOnAHandBuiltConfig(t *testing.T) {
	cfg := config.Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Default() must be valid: %v", err)
	}
	cfg.Email.FromAddress = "Sender@Example.COM"
	cfg.JWTAlgorithm = "none"
	cfg.SMSCodeLength = 2
	err := cfg.Validate()
	var cerr *config.Error
	if !errors.As(err, &cerr) || len(cerr.Problems) != 2 {
		t.Fatalf("Validate = %v, want two problems", err)
	}
	if cfg.Email.FromAddress != "Sender@example.com" {
		t.Errorf("Validate must normalise from_address; got %q", cfg.Email.FromAddress)
	}
	if got := cerr.Problems[0].String(); got != `jwt_algorithm: must be one of "HS256", "HS384", "HS512" (got "none")` {
		t.Errorf("a problem without a source reads %q", got)
	}
}
