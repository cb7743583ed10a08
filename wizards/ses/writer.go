package ses

import (
	"fmt"
	"os"

	"github.com/regstack/regstack/wizards/configfile"
)

// The table and keys the wizard manages (cli.md §14.4).
const (
	emailTable = "email"
	// SecretEnvName is the secrets-file line of the explicit secret.
	SecretEnvName = "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY"
)

// Settings is what the wizard writes (cli.md §14.4).
type Settings struct {
	Region      string
	FromAddress string
	// Source is SourceProfile, SourceExplicit or SourceChain.
	Source string
	// Profile is written in profile mode, AccessKeyID in explicit mode;
	// SecretAccessKey (explicit mode) goes to the secrets file only.
	Profile, AccessKeyID, SecretAccessKey string
}

// Summary says what a write changed, or would change on a dry run: the
// JSON of headless mode and of /api/write (cli.md §9, §14.4).
type Summary struct {
	ConfigPath       string `json:"config_path"`
	ConfigDiff       string `json:"config_diff"`
	SecretsPath      string `json:"secrets_path"`
	SecretsDiff      string `json:"secrets_diff"`
	ReplacedExisting bool   `json:"replaced_existing"`
}

// Existing reports whether t's regstack.toml already configures SES — it
// parses and [email].backend is "ses" (cli.md §13.5) — and the
// [email].from_address it holds, the sender's prefill. A missing or
// unparsable file gives false and "".
func Existing(t configfile.Target) (ses bool, fromAddress string) {
	src, err := os.ReadFile(t.ConfigPath)
	if err != nil {
		return false, ""
	}
	backend, _, err := configfile.Lookup(src, emailTable, "backend")
	if err != nil {
		return false, ""
	}
	from, _, _ := configfile.Lookup(src, emailTable, "from_address")
	b, _ := backend.(string)
	f, _ := from.(string)
	return b == "ses", f
}

// Write merges s into t's files (cli.md §14.4) and returns what changed:
// [email] is edited in place — backend, from_address and ses_region set,
// ses_profile kept only in profile mode and ses_access_key_id only in
// explicit mode — and the explicit secret is set in, or otherwise removed
// from, regstack.secrets.env. Everything else in both files stays as it
// was. The result must load with core/config. With dryRun nothing is
// written, not even the directory.
//
// A regstack.toml that does not parse is a *configfile.InvalidTOMLError
// and nothing is written.
func Write(t configfile.Target, s Settings, dryRun bool) (Summary, error) {
	plan, err := configfile.NewPlan(t)
	if err != nil {
		return Summary{}, err
	}
	var profile, keyID any // nil removes the key
	switch s.Source {
	case SourceProfile:
		profile = s.Profile
	case SourceExplicit:
		keyID = s.AccessKeyID
	case SourceChain:
	default:
		return Summary{}, fmt.Errorf("ses: unknown credential source %q", s.Source)
	}
	err = plan.MergeTOML([]configfile.Setting{
		{Table: emailTable, Key: "backend", Value: "ses"},
		{Table: emailTable, Key: "from_address", Value: s.FromAddress},
		{Table: emailTable, Key: "ses_region", Value: s.Region},
		{Table: emailTable, Key: "ses_profile", Value: profile},
		{Table: emailTable, Key: "ses_access_key_id", Value: keyID},
	})
	if err != nil {
		return Summary{}, err
	}
	if s.Source == SourceExplicit {
		err = plan.MergeEnv([]configfile.EnvVar{{Name: SecretEnvName, Value: s.SecretAccessKey}})
	} else {
		err = plan.RemoveEnv([]string{SecretEnvName})
	}
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{
		ConfigPath:  t.ConfigPath,
		ConfigDiff:  plan.TableDiff(emailTable),
		SecretsPath: t.SecretsPath,
		SecretsDiff: plan.EnvDiff(SecretEnvName),
	}
	// Replaced or removed: the line was there before.
	sum.ReplacedExisting = plan.HadTable(emailTable) || configfile.HasEnv(plan.Secrets.Old, SecretEnvName)
	if dryRun {
		return sum, plan.Check()
	}
	return sum, plan.Apply()
}
