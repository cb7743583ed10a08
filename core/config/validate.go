package config

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/regstack/regstack/core/emailaddr"
)

// maxURLLength is pydantic's limit for HTTP URLs (§2.1).
const maxURLLength = 2083

// Validate checks every type, enum and range rule of config.md §2 and
// returns an *Error listing each bad key, or nil. It normalises
// email.from_address (§2.8) and base_url (§2.1) in place. Load runs it;
// hosts that build a Config by hand call it themselves. The start-up checks
// of §7 are separate: StartupErrors.
func (c *Config) Validate() error {
	if problems := c.check(func(string) Source { return Source{} }, nil); len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// validator collects problems, attributing each to where its key was set.
type validator struct {
	cfg      *Config
	srcOf    func(key string) Source
	skip     map[string]bool // keys that already failed to parse
	problems []Problem
}

func (c *Config) check(srcOf func(string) Source, skip map[string]bool) []Problem {
	v := &validator{cfg: c, srcOf: srcOf, skip: skip}
	v.run()
	return v.problems
}

func (v *validator) fail(key, format string, args ...any) {
	v.problems = append(v.problems, Problem{Key: key, Source: v.srcOf(key), Message: fmt.Sprintf(format, args...)})
}

// shown renders a value for a message, or hides it for a secret key.
func shown(key string, value any) string {
	if IsSecret(key) {
		return ""
	}
	return fmt.Sprintf(" (got %s)", quoteValue(value))
}

func quoteValue(value any) string {
	if s, ok := value.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(value)
}

func (v *validator) active(key string) bool { return !v.skip[key] }

func (v *validator) oneOf(key, value string, allowed ...string) {
	if !v.active(key) {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = strconv.Quote(a)
	}
	v.fail(key, "must be one of %s%s", strings.Join(quoted, ", "), shown(key, value))
}

func (v *validator) between(key string, value, lo, hi int) {
	if v.active(key) && (value < lo || value > hi) {
		v.fail(key, "must be between %d and %d%s", lo, hi, shown(key, value))
	}
}

func (v *validator) atLeast(key string, value, lo int) {
	if v.active(key) && value < lo {
		v.fail(key, "must be at least %d%s", lo, shown(key, value))
	}
}

func (v *validator) positive(key string, value float64) {
	if v.active(key) && value <= 0 {
		v.fail(key, "must be greater than 0%s", shown(key, value))
	}
}

func (v *validator) run() {
	c := v.cfg

	// §2.1
	if v.active("base_url") {
		if normalized, err := normalizeBaseURL(c.BaseURL); err != nil {
			v.fail("base_url", "%v%s", err, shown("base_url", c.BaseURL))
		} else {
			c.BaseURL = normalized
		}
	}

	// §2.4
	v.oneOf("jwt_algorithm", c.JWTAlgorithm, "HS256", "HS384", "HS512")
	v.between("jwt_ttl_seconds", c.JWTTTLSeconds, 60, 30*24*3600)
	if v.active("transport") && c.Transport != "bearer" {
		if c.Transport == "cookie" {
			v.fail("transport", `"cookie" is not supported (removed upstream in 0.7.0); use "bearer"`)
		} else {
			v.oneOf("transport", c.Transport, "bearer")
		}
	}
	v.atLeast("verification_token_ttl_seconds", c.VerificationTokenTTLSeconds, 60)
	v.atLeast("password_reset_token_ttl_seconds", c.PasswordResetTokenTTLSeconds, 60)
	v.atLeast("email_change_token_ttl_seconds", c.EmailChangeTokenTTLSeconds, 60)

	// §2.5
	v.between("sms_code_length", c.SMSCodeLength, 4, 10)
	v.between("sms_code_ttl_seconds", c.SMSCodeTTLSeconds, 30, 1800)
	v.between("sms_code_max_attempts", c.SMSCodeMaxAttempts, 1, 20)
	v.between("mfa_pending_token_ttl_seconds", c.MFAPendingTokenTTLSeconds, 60, 1800)

	// §2.7
	v.atLeast("login_lockout_threshold", c.LoginLockoutThreshold, 1)
	v.atLeast("login_lockout_window_seconds", c.LoginLockoutWindowSeconds, 10)
	v.atLeast("login_max_per_minute", c.LoginMaxPerMinute, 1)
	v.atLeast("login_max_per_hour", c.LoginMaxPerHour, 1)

	// §2.8
	v.oneOf("email.backend", c.Email.Backend, "console", "smtp", "ses")
	if v.active("email.from_address") {
		if addr, err := emailaddr.Normalize(c.Email.FromAddress); err != nil {
			v.fail("email.from_address", "%v%s", err, shown("email.from_address", c.Email.FromAddress))
		} else {
			c.Email.FromAddress = addr
		}
	}
	v.between("email.smtp_port", c.Email.SMTPPort, 1, 65535)
	v.positive("email.smtp_timeout_seconds", c.Email.SMTPTimeoutSeconds)
	if c.Email.SMTPTLS != nil {
		v.oneOf("email.smtp_tls", *c.Email.SMTPTLS, "starttls", "implicit", "none")
	}
	v.sesCredentials()

	// §2.9
	v.oneOf("sms.backend", c.SMS.Backend, "null", "sns", "twilio")

	// §2.10
	v.optionalURL("oauth.google_redirect_uri", c.OAuth.GoogleRedirectURI)
	v.atLeast("oauth.state_ttl_seconds", c.OAuth.StateTTLSeconds, 30)
	v.atLeast("oauth.completion_ttl_seconds", c.OAuth.CompletionTTLSeconds, 5)
	v.requiredURL("oauth.google_authorization_endpoint", c.OAuth.GoogleAuthorizationEndpoint)
	v.requiredURL("oauth.google_token_endpoint", c.OAuth.GoogleTokenEndpoint)
	v.requiredURL("oauth.google_jwks_uri", c.OAuth.GoogleJWKSURI)

	// §2.11
	v.prefix("api_prefix", c.APIPrefix)
	v.prefix("ui_prefix", c.UIPrefix)
	v.prefix("static_prefix", c.StaticPrefix)

	// §2.12
	v.rateLimits()

	// §2.13
	v.atLeast("reap_interval_seconds", c.ReapIntervalSeconds, 0)
	v.atLeast("hook_timeout_seconds", c.HookTimeoutSeconds, 0)
	v.atLeast("argon2_memory_kib", c.Argon2MemoryKiB, 8192)
	v.atLeast("argon2_iterations", c.Argon2Iterations, 1)
	v.between("argon2_parallelism", c.Argon2Parallelism, 1, 255)
	v.atLeast("password_hash_workers", c.PasswordHashWorkers, 0)
	v.positive("password_hash_wait_seconds", c.PasswordHashWaitSeconds)
}

// sesCredentials: an explicit key pair comes whole and not with a profile
// (§2.8, upstream 0.7.0).
func (v *validator) sesCredentials() {
	e := v.cfg.Email
	id, secret := !empty(e.SESAccessKeyID), !empty(e.SESSecretAccessKey)
	switch {
	case id != secret:
		key := "email.ses_access_key_id"
		if secret {
			key = "email.ses_secret_access_key"
		}
		v.fail(key, "email.ses_access_key_id and email.ses_secret_access_key must be set together")
	case id && !empty(e.SESProfile):
		v.fail("email.ses_profile", "cannot be combined with email.ses_access_key_id / email.ses_secret_access_key; use one or the other")
	}
}

func (v *validator) prefix(key, value string) {
	if v.active(key) && (!strings.HasPrefix(value, "/") || strings.HasSuffix(value, "/")) {
		v.fail(key, `must start with "/" and not end with "/"%s`, shown(key, value))
	}
}

func (v *validator) requiredURL(key, value string) {
	if !v.active(key) {
		return
	}
	if _, err := normalizeBaseURL(value); err != nil {
		v.fail(key, "%v%s", err, shown(key, value))
	}
}

func (v *validator) optionalURL(key string, value *string) {
	if value != nil {
		v.requiredURL(key, *value)
	}
}

// rateLimitKeys are the per-route limit keys of §2.12; each must parse
// when set.
func (v *validator) rateLimits() {
	cfg := reflect.ValueOf(v.cfg).Elem()
	for _, key := range Keys() {
		if !strings.HasSuffix(key, "_rate_limit") || !v.active(key) {
			continue
		}
		p := cfg.FieldByIndex(registry.keys[key].index).Interface().(*string)
		if p == nil {
			continue
		}
		if _, err := ParseRateLimit(*p); err != nil {
			v.fail(key, "%v", err)
		}
	}
}

// normalizeBaseURL checks an absolute http(s) URL with a host, at most 2083
// characters, without query or fragment, and lower-cases its scheme and
// host and drops a default port, as pydantic does (§2.1).
func normalizeBaseURL(raw string) (string, error) {
	const want = "must be an absolute http or https URL with a host"
	if len(raw) > maxURLLength {
		return "", fmt.Errorf("must be at most %d characters", maxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%s", want)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return "", fmt.Errorf("must not have a query or fragment")
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	return u.String(), nil
}
