package config_test

import (
	"slices"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestKeys(t *testing.T) {
	keys := config.Keys()
	for _, want := range []string{"app_name", "jwt_secret", "email.smtp_port", "sms.log_bodies", "oauth.google_jwks_uri", "password_hash_wait_seconds"} {
		if !slices.Contains(keys, want) {
			t.Errorf("Keys() lacks %q", want)
		}
	}
	for _, table := range []string{"email", "sms", "oauth"} {
		if slices.Contains(keys, table) {
			t.Errorf("Keys() lists the table %q as a key", table)
		}
	}
}

func TestEnvName(t *testing.T) {
	for key, want := range map[string]string{
		"jwt_ttl_seconds":            "REGSTACK_JWT_TTL_SECONDS",
		"email.smtp_password":        "REGSTACK_EMAIL__SMTP_PASSWORD",
		"oauth.google_client_secret": "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET",
	} {
		if got := config.EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestIsSecret(t *testing.T) {
	for _, key := range []string{"jwt_secret", "database_url", "email.smtp_password", "sms.twilio_auth_token", "oauth.google_client_secret", "email.ses_secret_access_key", "email.ses_access_key_id"} {
		if !config.IsSecret(key) {
			t.Errorf("IsSecret(%q) = false", key)
		}
	}
	for _, key := range []string{"app_name", "email.smtp_username", "no_such_key"} {
		if config.IsSecret(key) {
			t.Errorf("IsSecret(%q) = true", key)
		}
	}
}
