package config

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MinJWTSecretLength is the shortest jwt_secret regstack starts with
// (config.md §2.4, upstream 0.9.0).
const MinJWTSecretLength = 32

// StartupError is a configuration that loads but cannot run (config.md §7).
// Its message is the upstream one where upstream has one, and never holds a
// secret.
type StartupError struct {
	// Key is the dotted key at fault.
	Key     string
	Message string
}

// Error returns the message alone, so the upstream wording is kept.
func (e *StartupError) Error() string { return e.Message }

// StartupErrors lists what stops a loaded configuration from starting
// (config.md §7): an empty or short jwt_secret, an unknown database_url
// scheme, a MongoDB URL with no database, the SMTP backend without a host,
// the Twilio backend without its credentials or sender. Load does not run
// these checks, so `regstack doctor` can load a configuration and report
// them; everything that starts regstack runs them and refuses to start when
// the list is not empty.
func (c *Config) StartupErrors() []error {
	var errs []error
	add := func(key, msg string) { errs = append(errs, &StartupError{Key: key, Message: msg}) }

	switch n := utf8.RuneCountInString(c.JWTSecret); {
	case n == 0:
		add("jwt_secret", "RegStackConfig.jwt_secret is empty. Run `regstack init` to generate one, or set REGSTACK_JWT_SECRET.")
	case n < MinJWTSecretLength:
		add("jwt_secret", fmt.Sprintf("jwt_secret is too short (%d chars; need ≥%d). Run `regstack init` to generate one, or set REGSTACK_JWT_SECRET.", n, MinJWTSecretLength))
	}

	switch c.DatabaseKind() {
	case "":
		add("database_url", fmt.Sprintf("Unrecognised database_url scheme: '%s'. Expected one of: sqlite+aiosqlite://, postgresql+asyncpg://, mongodb://.", schemeForMessage(c.DatabaseURL)))
	case KindMongoDB:
		if c.MongoDatabase() == "" {
			add("mongodb_database", "MongoDB URL has no database path and config.mongodb_database is unset. Use mongodb://host:port/dbname or set mongodb_database.")
		}
	}

	if c.Email.Backend == "smtp" && (c.Email.SMTPHost == nil || *c.Email.SMTPHost == "") {
		add("email.smtp_host", "EmailConfig.smtp_host is required for the SMTP backend.")
	}

	if c.SMS.Backend == "twilio" {
		if empty(c.SMS.TwilioAccountSID) || empty(c.SMS.TwilioAuthToken) {
			add("sms.twilio_account_sid", "Twilio backend needs both twilio_account_sid and twilio_auth_token.")
		}
		if empty(c.SMS.FromNumber) {
			add("sms.from_number", "Twilio backend needs a from_number.")
		}
	}
	return errs
}

func empty(s *string) bool { return s == nil || *s == "" }

// schemeForMessage shows only the scheme of database_url, never the rest,
// which may hold credentials; text that does not look like a scheme is not
// shown at all.
func schemeForMessage(url string) string {
	scheme, _, ok := strings.Cut(url, "://")
	if !ok || scheme == "" || strings.IndexFunc(scheme, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
	}) >= 0 {
		return "<not a URL>"
	}
	return scheme + "://"
}
