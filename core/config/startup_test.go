package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

func TestStartupErrors(t *testing.T) {
	const goodSecret = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		modify func(*config.Config)
		key    string
		msg    string
	}{
		{"an empty jwt_secret", func(c *config.Config) { c.JWTSecret = "" }, "jwt_secret",
			"RegStackConfig.jwt_secret is empty. Run `regstack init` to generate one, or set REGSTACK_JWT_SECRET."},
		{"a 31-character jwt_secret", func(c *config.Config) { c.JWTSecret = goodSecret[:31] }, "jwt_secret",
			"jwt_secret is too short (31 chars; need ≥32). Run `regstack init` to generate one, or set REGSTACK_JWT_SECRET."},
		{"a short secret counted in characters, not bytes", func(c *config.Config) { c.JWTSecret = strings.Repeat("é", 31) }, "jwt_secret",
			"jwt_secret is too short (31 chars; need ≥32). Run `regstack init` to generate one, or set REGSTACK_JWT_SECRET."},
		{"an unknown database scheme", func(c *config.Config) { c.DatabaseURL = "mysql://root:hunter2@db/app" }, "database_url",
			"Unrecognised database_url scheme: 'mysql://'. Expected one of: sqlite+aiosqlite://, postgresql+asyncpg://, mongodb://."},
		{"a database_url that is not a URL", func(c *config.Config) { c.DatabaseURL = "hunter2" }, "database_url",
			"Unrecognised database_url scheme: '<not a URL>'. Expected one of: sqlite+aiosqlite://, postgresql+asyncpg://, mongodb://."},
		{"a MongoDB URL without a database and no mongodb_database", func(c *config.Config) {
			c.DatabaseURL = "mongodb://u:p@db.example.com:27017/?authSource=admin"
			c.MongoDBDatabase = ""
		}, "mongodb_database",
			"MongoDB URL has no database path and config.mongodb_database is unset. Use mongodb://host:port/dbname or set mongodb_database."},
		{"the SMTP backend without a host", func(c *config.Config) { c.Email.Backend = "smtp" }, "email.smtp_host",
			"EmailConfig.smtp_host is required for the SMTP backend."},
		{"Twilio without an auth token", func(c *config.Config) {
			c.SMS.Backend, c.SMS.TwilioAccountSID, c.SMS.FromNumber = "twilio", ptr("AC1"), ptr("+15555550100")
		}, "sms.twilio_account_sid", "Twilio backend needs both twilio_account_sid and twilio_auth_token."},
		{"Twilio without a from_number", func(c *config.Config) {
			c.SMS.Backend, c.SMS.TwilioAccountSID, c.SMS.TwilioAuthToken = "twilio", ptr("AC1"), ptr("tok")
		}, "sms.from_number", "Twilio backend needs a from_number."},
	}
	for _, tt := range tests {
		t.Run(tt.name+" stops start-up", func(t *testing.T) {
			cfg := config.Default()
			cfg.JWTSecret = goodSecret
			tt.modify(&cfg)
			errs := cfg.StartupErrors()
			if len(errs) != 1 {
				t.Fatalf("StartupErrors = %v, want exactly one", errs)
			}
			var se *config.StartupError
			if !errors.As(errs[0], &se) || se.Key != tt.key || se.Error() != tt.msg {
				t.Errorf("got %#v, want key %q message %q", errs[0], tt.key, tt.msg)
			}
		})
	}

	t.Run("a complete configuration starts", func(t *testing.T) {
		for _, url := range []string{
			"sqlite+aiosqlite:///./regstack.db", "sqlite:///:memory:", "SQLITE:////var/lib/x.db",
			"postgresql+asyncpg://u:p@db/app", "postgresql://u@db/app", "postgres://db/app",
			"mongodb://db/app", "mongodb+srv://u:p@cluster0.example.net/app?retryWrites=true",
		} {
			cfg := config.Default()
			cfg.JWTSecret = goodSecret
			cfg.DatabaseURL = url
			if errs := cfg.StartupErrors(); len(errs) != 0 {
				t.Errorf("%s: StartupErrors = %v", url, errs)
			}
		}
	})

	t.Run("a MongoDB URL without a database uses mongodb_database", func(t *testing.T) {
		cfg := config.Default()
		cfg.JWTSecret = goodSecret
		cfg.DatabaseURL = "mongodb://db.example.com:27017"
		if errs := cfg.StartupErrors(); len(errs) != 0 || cfg.MongoDatabase() != "regstack" {
			t.Errorf("StartupErrors = %v, MongoDatabase = %q", errs, cfg.MongoDatabase())
		}
	})

	t.Run("loading does not run the start-up checks", func(t *testing.T) {
		cfg, _ := load(t, t.TempDir(), map[string]string{"REGSTACK_JWT_SECRET": "short"}, nil)
		if len(cfg.StartupErrors()) != 1 {
			t.Errorf("want the short secret reported by StartupErrors, not by Load")
		}
	})
}
