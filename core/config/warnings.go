package config

// Warning is something a configuration loads with but an operator should
// hear about (`regstack doctor` prints them): an unknown key, a secret kept
// in regstack.toml, a secrets file others can read, a key with no effect.
type Warning struct {
	// Key is the dotted key; empty for a whole-file warning.
	Key string
	Source
	Message string
}

// String renders the warning as "path:line: key: message".
func (w Warning) String() string { return locate(w.Source, w.Key, w.Message) }

// Report says what a Load found besides the values: which files were read,
// where each key came from, and the warnings.
type Report struct {
	// TOMLFile is the regstack.toml that was read; empty when none.
	TOMLFile string
	// SecretsFile is the regstack.secrets.env that was read; empty when none.
	SecretsFile string
	// Sources tells, for every key set by a layer above the defaults, which
	// layer set it. Keys left at their default are absent.
	Sources map[string]Source
	// Warnings are in the order found: TOML, secrets file, environment,
	// then checks of the merged configuration.
	Warnings []Warning
}

func (r *Report) warn(key string, src Source, msg string) {
	r.Warnings = append(r.Warnings, Warning{Key: key, Source: src, Message: msg})
}

// tomlSecretKeys are the secrets config.md §3 wants kept out of
// regstack.toml. ses_access_key_id is not among them: `regstack ses setup`
// itself writes it to the TOML.
var tomlSecretKeys = []string{
	"jwt_secret",
	"database_url",
	"email.smtp_password",
	"sms.twilio_auth_token",
	"oauth.google_client_secret",
	"email.ses_secret_access_key",
}

// noEffectKeys are accepted for compatibility but do nothing (§2.1, §2.7,
// §2.11).
var noEffectKeys = map[string]string{
	"cookie_domain":        "has no effect (reserved for cookie transport, removed upstream in 0.7.0)",
	"login_max_per_minute": "has no effect (reserved, removed upstream in 0.8.1); use login_rate_limit",
	"login_max_per_hour":   "has no effect (reserved, removed upstream in 0.8.1); use login_rate_limit",
	"extra_static_dirs":    "has no effect (reserved)",
}

// collectionKeys are the MongoDB collection names that SQL backends ignore
// (§2.3).
var collectionKeys = []string{
	"user_collection",
	"pending_collection",
	"blacklist_collection",
	"login_attempt_collection",
	"mfa_code_collection",
	"oauth_identity_collection",
	"oauth_state_collection",
}

// adviseMerged adds the warnings that depend on the merged configuration.
func (r *Report) adviseMerged(cfg *Config, tomlValues map[string]setting) {
	for _, key := range tomlSecretKeys {
		s, ok := tomlValues[key]
		if !ok {
			continue
		}
		text, isText := s.raw.(string)
		if !isText || text == "" {
			continue
		}
		if key == "database_url" && MaskURL(text) == text {
			// A URL without a password is not a secret worth moving.
			continue
		}
		r.warn(key, s.src, "secret stored in regstack.toml; move it to regstack.secrets.env (mode 0600) or the environment")
	}
	for _, key := range Keys() {
		if msg, ok := noEffectKeys[key]; ok {
			if src, set := r.Sources[key]; set {
				r.warn(key, src, msg)
			}
		}
	}
	switch cfg.DatabaseKind() {
	case KindSQLite, KindPostgres:
		defaults := Default()
		current, base := valueOf(cfg), valueOf(&defaults)
		for _, key := range collectionKeys {
			src, set := r.Sources[key]
			k := registry.keys[key]
			if set && current.FieldByIndex(k.index).String() != base.FieldByIndex(k.index).String() {
				r.warn(key, src, "MongoDB collection name is ignored by the SQL backends, which use fixed table names")
			}
		}
	}
}
