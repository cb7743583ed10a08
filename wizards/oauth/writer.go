package oauth

import (
	"strings"

	"github.com/regstack/regstack/wizards/configfile"
)

// SecretEnvVar is the secrets-file variable that holds the client secret.
const SecretEnvVar = "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET"

// Settings is what the wizard writes.
type Settings struct {
	ClientID     string
	ClientSecret string
	// RedirectURI overrides the redirect URI the server computes; empty
	// leaves it out of the file.
	RedirectURI             string
	AutoLinkVerifiedEmails  bool
	EnforceMFAOnOAuthSignin bool
}

// SettingsFrom takes the settings out of inputs that passed ValidateAll:
// the client ID and redirect URI trimmed, the secret exactly as typed.
func SettingsFrom(in Inputs) Settings {
	str := func(k string) string { s, _ := in[k].(string); return s }
	b := func(k string) bool { v, _ := in[k].(bool); return v }
	return Settings{
		ClientID:                strings.TrimSpace(str("client_id")),
		ClientSecret:            str("client_secret"),
		RedirectURI:             strings.TrimSpace(str("custom_redirect_uri")),
		AutoLinkVerifiedEmails:  b("auto_link_verified_emails"),
		EnforceMFAOnOAuthSignin: b("enforce_mfa_on_oauth_signin"),
	}
}

// WriteResult says what a write changed, or would change on a dry run.
type WriteResult struct {
	ConfigPath       string `json:"config_path"`
	ConfigDiff       string `json:"config_diff"`
	SecretsPath      string `json:"secrets_path"`
	SecretsDiff      string `json:"secrets_diff"`
	ReplacedExisting bool   `json:"replaced_existing"`
}

// table returns the [oauth] table the wizard writes, in the order of
// cli.md §14.3. TTL settings are not written: their defaults apply.
func (s Settings) table() []configfile.Setting {
	out := []configfile.Setting{{Table: "oauth", Key: "google_client_id", Value: s.ClientID}}
	if s.RedirectURI != "" {
		out = append(out, configfile.Setting{Table: "oauth", Key: "google_redirect_uri", Value: s.RedirectURI})
	}
	return append(out,
		configfile.Setting{Table: "oauth", Key: "auto_link_verified_emails", Value: s.AutoLinkVerifiedEmails},
		configfile.Setting{Table: "oauth", Key: "enforce_mfa_on_oauth_signin", Value: s.EnforceMFAOnOAuthSignin},
	)
}

// Write merges s into the target's two files — top-level enable_oauth =
// true, the [oauth] table replaced wholesale, the client secret set,
// everything else kept byte for byte — and, unless dryRun, writes them
// atomically, the secrets file with mode 0600. A dry run checks the same
// result and touches nothing, not even the directory. A regstack.toml that
// does not parse is a *configfile.InvalidTOMLError and nothing is written.
func Write(t configfile.Target, s Settings, dryRun bool) (WriteResult, error) {
	p, err := configfile.NewPlan(t)
	if err != nil {
		return WriteResult{}, err
	}
	if err := p.MergeTOML([]configfile.Setting{{Key: "enable_oauth", Value: true}}); err != nil {
		return WriteResult{}, err
	}
	if err := p.ReplaceTable("oauth", s.table()); err != nil {
		return WriteResult{}, err
	}
	if err := p.MergeEnv([]configfile.EnvVar{{Name: SecretEnvVar, Value: s.ClientSecret}}); err != nil {
		return WriteResult{}, err
	}
	res := WriteResult{
		ConfigPath:       t.ConfigPath,
		ConfigDiff:       p.TableDiff("oauth"),
		SecretsPath:      t.SecretsPath,
		SecretsDiff:      p.EnvDiff(SecretEnvVar),
		ReplacedExisting: p.HadTable("oauth") || configfile.HasEnv(p.Secrets.Old, SecretEnvVar),
	}
	if dryRun {
		err = p.Check()
	} else {
		err = p.Apply()
	}
	if err != nil {
		return WriteResult{}, err
	}
	return res, nil
}
