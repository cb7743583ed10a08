// Package config holds regstack's one Config, its defaults, and the loader
// that layers programmatic overrides > REGSTACK_* environment >
// regstack.secrets.env > regstack.toml > defaults (spec/config.md).
package config

// Config is every key of spec/config.md. Field tags name the key: `key` is
// the TOML/env key within its table; `secret` marks values never logged or
// echoed in errors. Pointers keep "unset" distinct from the zero value where
// the spec needs it.
type Config struct {
	// §2.1 identity and hosting
	AppName      string  `key:"app_name"`
	BaseURL      string  `key:"base_url"`
	CookieDomain *string `key:"cookie_domain"` // accepted and ignored
	BehindProxy  bool    `key:"behind_proxy"`

	// §2.2 database
	DatabaseURL     string `key:"database_url" secret:"true"`
	MongoDBDatabase string `key:"mongodb_database"`

	// §2.3 MongoDB collection names
	UserCollection          string `key:"user_collection"`
	PendingCollection       string `key:"pending_collection"`
	BlacklistCollection     string `key:"blacklist_collection"`
	LoginAttemptCollection  string `key:"login_attempt_collection"`
	MFACodeCollection       string `key:"mfa_code_collection"`
	OAuthIdentityCollection string `key:"oauth_identity_collection"`
	OAuthStateCollection    string `key:"oauth_state_collection"`

	// §2.4 tokens
	JWTSecret                    string  `key:"jwt_secret" secret:"true"`
	JWTAlgorithm                 string  `key:"jwt_algorithm"` // HS256 | HS384 | HS512
	JWTTTLSeconds                int     `key:"jwt_ttl_seconds"`
	JWTAudience                  *string `key:"jwt_audience"`
	Transport                    string  `key:"transport"` // bearer only
	VerificationTokenTTLSeconds  int     `key:"verification_token_ttl_seconds"`
	PasswordResetTokenTTLSeconds int     `key:"password_reset_token_ttl_seconds"`
	EmailChangeTokenTTLSeconds   int     `key:"email_change_token_ttl_seconds"`

	// §2.5 SMS two-factor
	SMSCodeLength             int `key:"sms_code_length"`
	SMSCodeTTLSeconds         int `key:"sms_code_ttl_seconds"`
	SMSCodeMaxAttempts        int `key:"sms_code_max_attempts"`
	MFAPendingTokenTTLSeconds int `key:"mfa_pending_token_ttl_seconds"`

	// §2.6 feature flags
	RequireVerification   bool  `key:"require_verification"`
	AllowRegistration     bool  `key:"allow_registration"`
	EnablePasswordReset   bool  `key:"enable_password_reset"`
	EnableAccountDeletion bool  `key:"enable_account_deletion"`
	EnableAdminRouter     bool  `key:"enable_admin_router"`
	EnableUIRouter        *bool `key:"enable_ui_router"` // unset: false for hosts, true for `regstack serve`
	EnableSMS2FA          bool  `key:"enable_sms_2fa"`
	EnableOAuth           bool  `key:"enable_oauth"`

	// §2.7 lockout
	RateLimitDisabled         bool `key:"rate_limit_disabled"`
	LoginLockoutThreshold     int  `key:"login_lockout_threshold"`
	LoginLockoutWindowSeconds int  `key:"login_lockout_window_seconds"`
	LoginMaxPerMinute         int  `key:"login_max_per_minute"` // reserved, no effect
	LoginMaxPerHour           int  `key:"login_max_per_hour"`   // reserved, no effect

	// §2.11 UI, branding and paths
	APIPrefix         string   `key:"api_prefix"`
	UIPrefix          string   `key:"ui_prefix"`
	StaticPrefix      string   `key:"static_prefix"`
	ThemeCSSURL       *string  `key:"theme_css_url"`
	BrandLogoURL      *string  `key:"brand_logo_url"`
	BrandTagline      *string  `key:"brand_tagline"`
	ExtraTemplateDirs []string `key:"extra_template_dirs"`
	ExtraStaticDirs   []string `key:"extra_static_dirs"` // reserved

	// §2.12 per-route IP rate limits ("5/minute;20/hour"; nil = none)
	LoginRateLimit              *string `key:"login_rate_limit"`
	RegisterRateLimit           *string `key:"register_rate_limit"`
	ForgotPasswordRateLimit     *string `key:"forgot_password_rate_limit"`
	ResetPasswordRateLimit      *string `key:"reset_password_rate_limit"`
	VerifyRateLimit             *string `key:"verify_rate_limit"`
	ResendVerificationRateLimit *string `key:"resend_verification_rate_limit"`
	ChangePasswordRateLimit     *string `key:"change_password_rate_limit"`
	ChangeEmailRateLimit        *string `key:"change_email_rate_limit"`
	ConfirmEmailChangeRateLimit *string `key:"confirm_email_change_rate_limit"`
	DeleteAccountRateLimit      *string `key:"delete_account_rate_limit"`
	LoginMFAConfirmRateLimit    *string `key:"login_mfa_confirm_rate_limit"`
	OAuthExchangeRateLimit      *string `key:"oauth_exchange_rate_limit"`
	PhoneStartRateLimit         *string `key:"phone_start_rate_limit"`
	PhoneConfirmRateLimit       *string `key:"phone_confirm_rate_limit"`
	PhoneDisableRateLimit       *string `key:"phone_disable_rate_limit"`

	// §2.12 email links
	VerifyURLTemplate        *string `key:"verify_url_template"`
	PasswordResetURLTemplate *string `key:"password_reset_url_template"`
	EmailChangeURLTemplate   *string `key:"email_change_url_template"`
	EmailLinkPrefix          *string `key:"email_link_prefix"` // nil: ui_prefix when the UI is on; "" = none

	// §2.13 Go-only keys
	ExposeFeatures          bool    `key:"expose_features"`
	ReapIntervalSeconds     int     `key:"reap_interval_seconds"`
	HookTimeoutSeconds      int     `key:"hook_timeout_seconds"`
	Argon2MemoryKiB         int     `key:"argon2_memory_kib"`
	Argon2Iterations        int     `key:"argon2_iterations"`
	Argon2Parallelism       int     `key:"argon2_parallelism"`
	PasswordHashWorkers     int     `key:"password_hash_workers"` // 0 = GOMAXPROCS
	PasswordHashWaitSeconds float64 `key:"password_hash_wait_seconds"`

	Email EmailConfig `key:"email"`
	SMS   SMSConfig   `key:"sms"`
	OAuth OAuthConfig `key:"oauth"`
}

// EmailConfig is the [email] table (config.md §2.8, §2.13).
type EmailConfig struct {
	Backend            string  `key:"backend"` // console | smtp | ses
	FromAddress        string  `key:"from_address"`
	FromName           *string `key:"from_name"` // nil: app_name
	SMTPHost           *string `key:"smtp_host"`
	SMTPPort           int     `key:"smtp_port"`
	SMTPStartTLS       bool    `key:"smtp_starttls"`
	SMTPUsername       *string `key:"smtp_username"`
	SMTPPassword       *string `key:"smtp_password" secret:"true"`
	SMTPTimeoutSeconds float64 `key:"smtp_timeout_seconds"`
	SMTPTLS            *string `key:"smtp_tls"` // starttls | implicit | none; nil: by port
	SESRegion          string  `key:"ses_region"`
	SESProfile         *string `key:"ses_profile"`
	LogBodies          *bool   `key:"log_bodies"` // nil: false for hosts, true for zero-config `serve`
	SESAccessKeyID     *string `key:"ses_access_key_id" secret:"true"`
	SESSecretAccessKey *string `key:"ses_secret_access_key" secret:"true"`
}

// SMSConfig is the [sms] table (config.md §2.9).
type SMSConfig struct {
	Backend          string  `key:"backend"` // null | sns | twilio
	FromNumber       *string `key:"from_number"`
	SNSRegion        string  `key:"sns_region"`
	TwilioAccountSID *string `key:"twilio_account_sid"`
	TwilioAuthToken  *string `key:"twilio_auth_token" secret:"true"`
	LogBodies        *bool   `key:"log_bodies"` // nil: false (0.8.2+)
}

// OAuthConfig is the [oauth] table (config.md §2.10, §2.13).
type OAuthConfig struct {
	GoogleClientID              *string `key:"google_client_id"`
	GoogleClientSecret          *string `key:"google_client_secret" secret:"true"`
	GoogleRedirectURI           *string `key:"google_redirect_uri"`
	AutoLinkVerifiedEmails      bool    `key:"auto_link_verified_emails"`
	EnforceMFAOnOAuthSignin     bool    `key:"enforce_mfa_on_oauth_signin"`
	StateTTLSeconds             int     `key:"state_ttl_seconds"`
	CompletionTTLSeconds        int     `key:"completion_ttl_seconds"`
	GoogleIssuer                string  `key:"google_issuer"`
	GoogleAuthorizationEndpoint string  `key:"google_authorization_endpoint"`
	GoogleTokenEndpoint         string  `key:"google_token_endpoint"`
	GoogleJWKSURI               string  `key:"google_jwks_uri"`
}

// Default returns the built-in defaults of config.md §2.
func Default() Config {
	return Config{
		AppName:                      "RegStack",
		BaseURL:                      "http://localhost:8000",
		DatabaseURL:                  "sqlite+aiosqlite:///./regstack.db",
		MongoDBDatabase:              "regstack",
		UserCollection:               "users",
		PendingCollection:            "pending_registrations",
		BlacklistCollection:          "token_blacklist",
		LoginAttemptCollection:       "login_attempts",
		MFACodeCollection:            "mfa_codes",
		OAuthIdentityCollection:      "oauth_identities",
		OAuthStateCollection:         "oauth_states",
		JWTAlgorithm:                 "HS256",
		JWTTTLSeconds:                7200,
		Transport:                    "bearer",
		VerificationTokenTTLSeconds:  86400,
		PasswordResetTokenTTLSeconds: 1800,
		EmailChangeTokenTTLSeconds:   3600,
		SMSCodeLength:                6,
		SMSCodeTTLSeconds:            300,
		SMSCodeMaxAttempts:           5,
		MFAPendingTokenTTLSeconds:    600,
		RequireVerification:          true,
		AllowRegistration:            true,
		EnablePasswordReset:          true,
		EnableAccountDeletion:        true,
		LoginLockoutThreshold:        5,
		LoginLockoutWindowSeconds:    900,
		LoginMaxPerMinute:            5,
		LoginMaxPerHour:              20,
		APIPrefix:                    "/api/auth",
		UIPrefix:                     "/account",
		StaticPrefix:                 "/regstack-static",
		ExposeFeatures:               true,
		ReapIntervalSeconds:          3600,
		Argon2MemoryKiB:              65536,
		Argon2Iterations:             3,
		Argon2Parallelism:            4,
		PasswordHashWaitSeconds:      10,
		Email: EmailConfig{
			Backend:            "console",
			FromAddress:        "noreply@example.com",
			SMTPPort:           587,
			SMTPStartTLS:       true,
			SMTPTimeoutSeconds: 10,
			SESRegion:          "eu-west-1",
		},
		SMS: SMSConfig{
			Backend:   "null",
			SNSRegion: "eu-west-1",
		},
		OAuth: OAuthConfig{
			StateTTLSeconds:             300,
			CompletionTTLSeconds:        30,
			GoogleIssuer:                "https://accounts.google.com",
			GoogleAuthorizationEndpoint: "https://accounts.google.com/o/oauth2/v2/auth",
			GoogleTokenEndpoint:         "https://oauth2.googleapis.com/token",
			GoogleJWKSURI:               "https://www.googleapis.com/oauth2/v3/certs",
		},
	}
}

// EmailFromName is the display name for From: headers: email.from_name, or
// app_name when unset (0.7.0+).
func (c *Config) EmailFromName() string {
	if c.Email.FromName != nil {
		return *c.Email.FromName
	}
	return c.AppName
}
