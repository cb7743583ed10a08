package oauth

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/regstack/regstack/wizards/configfile"
)

// Defaults the wizard starts from when regstack.toml does not say.
const (
	DefaultBaseURL   = "http://localhost:8000"
	DefaultAPIPrefix = "/api/auth"
)

// Wizard is one run of the OAuth setup wizard over a target directory.
type Wizard struct {
	Target configfile.Target
	// APIPrefix is where the host mounts regstack's JSON API (--api-prefix);
	// empty means the api_prefix of regstack.toml, else DefaultAPIPrefix.
	APIPrefix string
	// Log receives write failures; nil discards them.
	Log *slog.Logger
}

// State is the snapshot GET /api/state answers (cli.md §11.4).
type State struct {
	TargetDir     string `json:"target_dir"`
	APIPrefix     string `json:"api_prefix"`
	ExistingOAuth bool   `json:"existing_oauth"`
	BaseURL       string `json:"base_url"`
	RedirectURI   string `json:"redirect_uri"`
	ConfigFile    string `json:"config_file"`
	SecretsFile   string `json:"secrets_file"`
	NumSteps      int    `json:"num_steps"`
}

// State reads regstack.toml for what the wizard starts from: whether an
// [oauth] table exists (a file that does not parse has none), the base URL
// to prefill and the API prefix.
func (w Wizard) State() State {
	src, _ := os.ReadFile(w.Target.ConfigPath) // missing or unreadable: defaults
	existing, err := configfile.HasTable(src, "oauth")
	if err != nil {
		existing = false
	}
	base := lookupString(src, "base_url", DefaultBaseURL)
	prefix := w.apiPrefix(src)
	return State{
		TargetDir:     w.Target.Dir,
		APIPrefix:     prefix,
		ExistingOAuth: existing,
		BaseURL:       base,
		RedirectURI:   RedirectURI(base, prefix),
		ConfigFile:    filepath.Base(w.Target.ConfigPath),
		SecretsFile:   filepath.Base(w.Target.SecretsPath),
		NumSteps:      NumSteps,
	}
}

func (w Wizard) apiPrefix(src []byte) string {
	if w.APIPrefix != "" {
		return w.APIPrefix
	}
	return lookupString(src, "api_prefix", DefaultAPIPrefix)
}

// lookupString returns the top-level string key of the TOML src, or def
// when it is missing, empty, not a string or the file does not parse.
func lookupString(src []byte, key, def string) string {
	v, _, err := configfile.Lookup(src, "", key)
	if s, ok := v.(string); err == nil && ok && strings.TrimSpace(s) != "" {
		return s
	}
	return def
}

// RedirectURI is the callback URL Google must be told about — computed
// exactly as the server computes it: the base URL and the API prefix
// without trailing slashes, then /oauth/google/callback.
func RedirectURI(baseURL, apiPrefix string) string {
	return strings.TrimRight(baseURL, "/") + strings.TrimRight(apiPrefix, "/") + "/oauth/google/callback"
}
