package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regstack/regstack/wizards/ses/awstest"
)

const (
	sesKeyID  = "AKIAEXAMPLEKEY"
	sesSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// noAWS points every AWS endpoint of this process at a server that fails
// the test when called, with credentials in the environment, so a code
// path that tried to reach AWS would get as far as the network.
func noAWS(t *testing.T) {
	t.Helper()
	env, err := awstest.SDKEnv(t.TempDir(), awstest.Tripwire(t))
	if err != nil {
		t.Fatal(err)
	}
	awstest.Setenv(t, env)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", sesSecret)
}

// sesSummary is the JSON headless mode prints, in its key order.
type sesSummary struct {
	ConfigPath       string `json:"config_path"`
	ConfigDiff       string `json:"config_diff"`
	SecretsPath      string `json:"secrets_path"`
	SecretsDiff      string `json:"secrets_diff"`
	ReplacedExisting bool   `json:"replaced_existing"`
	DryRun           bool   `json:"dry_run"`
}

func decodeSummary(t *testing.T, stdout string) sesSummary {
	t.Helper()
	var s sesSummary
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("stdout is not the summary JSON: %v\n%s", err, stdout)
	}
	return s
}

func fileText(t *testing.T, path string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

func TestSESSetupDryRunPrintsTheSummaryAndTouchesNothing(t *testing.T) {
	noAWS(t)
	dir := filepath.Join(t.TempDir(), "app")
	r := runRegstack(t, "", "ses", "setup", "--dry-run", "--config", dir,
		"--region", "eu-west-1", "--from-address", "noreply@example.com", "--credential-source", "chain")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := "{\n" +
		`  "config_path": "` + filepath.Join(dir, "regstack.toml") + "\",\n" +
		`  "config_diff": "added [email] table",` + "\n" +
		`  "secrets_path": "` + filepath.Join(dir, "regstack.secrets.env") + "\",\n" +
		`  "secrets_diff": "no secrets change",` + "\n" +
		`  "replaced_existing": false,` + "\n" +
		`  "dry_run": true` + "\n}\n"
	if r.stdout != want {
		t.Errorf("stdout =\n%s\nwant\n%s", r.stdout, want)
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q, want nothing", r.stderr)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dry run created %s (%v)", dir, err)
	}
}

func TestSESSetupHeadlessWritesEachCredentialSource(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	toml, secrets := filepath.Join(dir, "regstack.toml"), filepath.Join(dir, "regstack.secrets.env")
	base := []string{"ses", "setup", "--headless", "--config", dir, "--region", "eu-west-1", "--from-address", "noreply@app.example.com"}

	// Explicit: the key id lands in the TOML, the secret in the secrets file.
	r := runRegstack(t, "", append(base, "--credential-source", "explicit", "--access-key-id", sesKeyID, "--secret-access-key", sesSecret)...)
	if r.code != 0 {
		t.Fatalf("explicit: exit %d, stderr %q", r.code, r.stderr)
	}
	got := decodeSummary(t, r.stdout)
	want := sesSummary{ConfigPath: toml, ConfigDiff: "added [email] table", SecretsPath: secrets, SecretsDiff: "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY"}
	if got != want {
		t.Errorf("explicit summary = %+v, want %+v", got, want)
	}
	text, _ := fileText(t, toml)
	wantTOML := "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@app.example.com\"\nses_region = \"eu-west-1\"\nses_access_key_id = \"" + sesKeyID + "\"\n"
	if text != wantTOML {
		t.Errorf("regstack.toml =\n%s\nwant\n%s", text, wantTOML)
	}
	if env, _ := fileText(t, secrets); env != "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY="+sesSecret+"\n" {
		t.Errorf("regstack.secrets.env = %q", env)
	}
	if info, err := os.Stat(secrets); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("secrets file mode = %v (%v), want 0600", info.Mode().Perm(), err)
	}

	// Profile: the key id and the secret go, the profile name comes.
	r = runRegstack(t, "", append(base, "--credential-source", "profile", "--profile", "dev")...)
	if r.code != 0 {
		t.Fatalf("profile: exit %d, stderr %q", r.code, r.stderr)
	}
	got = decodeSummary(t, r.stdout)
	want = sesSummary{ConfigPath: toml, ConfigDiff: "replaced [email] table", SecretsPath: secrets, SecretsDiff: "removed REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true}
	if got != want {
		t.Errorf("profile summary = %+v, want %+v", got, want)
	}
	text, _ = fileText(t, toml)
	if !strings.Contains(text, `ses_profile = "dev"`) || strings.Contains(text, "ses_access_key_id") {
		t.Errorf("regstack.toml after profile =\n%s", text)
	}
	if env, _ := fileText(t, secrets); strings.Contains(env, sesSecret) {
		t.Errorf("the secret is still in regstack.secrets.env: %q", env)
	}

	// Chain (the default): neither.
	r = runRegstack(t, "", base...)
	if r.code != 0 {
		t.Fatalf("chain: exit %d, stderr %q", r.code, r.stderr)
	}
	got = decodeSummary(t, r.stdout)
	want = sesSummary{ConfigPath: toml, ConfigDiff: "replaced [email] table", SecretsPath: secrets, SecretsDiff: "no secrets change", ReplacedExisting: true}
	if got != want {
		t.Errorf("chain summary = %+v, want %+v", got, want)
	}
	text, _ = fileText(t, toml)
	if want := "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@app.example.com\"\nses_region = \"eu-west-1\"\n"; text != want {
		t.Errorf("regstack.toml after chain =\n%s\nwant\n%s", text, want)
	}
}

func TestSESSetupHeadlessExplicitThenChainRemovesBoth(t *testing.T) {
	noAWS(t)
	dir := t.TempDir()
	base := []string{"ses", "setup", "--headless", "--config", filepath.Join(dir, "regstack.toml"), "--region", "us-east-1", "--from-address", "noreply@example.com"}
	if r := runRegstack(t, "", append(base, "--credential-source", "explicit", "--access-key-id", sesKeyID, "--secret-access-key", sesSecret)...); r.code != 0 {
		t.Fatalf("explicit: exit %d, stderr %q", r.code, r.stderr)
	}
	r := runRegstack(t, "", append(base, "--credential-source", "chain")...)
	if r.code != 0 {
		t.Fatalf("chain: exit %d, stderr %q", r.code, r.stderr)
	}
	if s := decodeSummary(t, r.stdout); s.SecretsDiff != "removed REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY" || !s.ReplacedExisting {
		t.Errorf("summary = %+v, want the secret removed and replaced_existing", s)
	}
	text, _ := fileText(t, filepath.Join(dir, "regstack.toml"))
	env, _ := fileText(t, filepath.Join(dir, "regstack.secrets.env"))
	if strings.Contains(text, "ses_access_key_id") || strings.Contains(env, "SES_SECRET") {
		t.Errorf("the explicit credentials survived:\n%s\n%s", text, env)
	}
}

func TestSESSetupHeadlessRefusals(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		toml       string
		wantCode   int
		wantStderr string // exact, or a prefix when it ends in "…"
	}{
		{
			name:       "an unknown region",
			args:       []string{"--region", "xx-nowhere-1", "--from-address", "noreply@example.com"},
			wantCode:   2,
			wantStderr: "error: 'xx-nowhere-1' is not a known SES region. Try us-east-1, eu-west-1, etc.\n",
		},
		{
			name:       "no region",
			args:       []string{"--from-address", "noreply@example.com"},
			wantCode:   2,
			wantStderr: "Validation failed:\n  - ses_region: Region is required.\n",
		},
		{
			name:       "no sender",
			args:       []string{"--region", "eu-west-1"},
			wantCode:   2,
			wantStderr: "Validation failed:\n  - from_address: Sender address is required.\n",
		},
		{
			name:       "a malformed sender",
			args:       []string{"--region", "eu-west-1", "--from-address", "noreply@localhost"},
			wantCode:   2,
			wantStderr: "Validation failed:\n  - from_address: Sender must look like noreply@your-domain.example.\n",
		},
		{
			name:     "explicit keys missing both halves",
			args:     []string{"--region", "eu-west-1", "--from-address", "noreply@example.com", "--credential-source", "explicit"},
			wantCode: 2,
			wantStderr: "Validation failed:\n  - ses_access_key_id: Access key ID is required.\n" +
				"  - ses_secret_access_key: Secret access key is required.\n",
		},
		{
			name:       "a profile source without a profile",
			args:       []string{"--region", "eu-west-1", "--from-address", "noreply@example.com", "--credential-source", "profile"},
			wantCode:   2,
			wantStderr: "Validation failed:\n  - ses_profile: Profile name is required.\n",
		},
		{
			name:       "an unknown credential source",
			args:       []string{"--region", "eu-west-1", "--from-address", "noreply@example.com", "--credential-source", "role"},
			wantCode:   2,
			wantStderr: "Error: Invalid value for '--credential-source': 'role' is not one of 'profile', 'explicit', 'chain'.\n",
		},
		{
			name:       "a regstack.toml that does not parse",
			args:       []string{"--region", "eu-west-1", "--from-address", "noreply@example.com"},
			toml:       "[email]\nbackend = \"console\n",
			wantCode:   1,
			wantStderr: "error: regstack.toml is not valid TOML: …",
		},
		{
			name:       "an [email] written as an inline table",
			args:       []string{"--region", "eu-west-1", "--from-address", "noreply@example.com"},
			toml:       "email = { backend = \"console\" }\n",
			wantCode:   1,
			wantStderr: "Error: [email] is written as an inline table…",
		},
		{
			name:       "--browser with --headless",
			args:       []string{"--browser", "--region", "eu-west-1", "--from-address", "noreply@example.com"},
			wantCode:   2,
			wantStderr: "Error: --browser and --headless are mutually exclusive.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noAWS(t)
			dir := t.TempDir()
			if tt.toml != "" {
				if err := os.WriteFile(filepath.Join(dir, "regstack.toml"), []byte(tt.toml), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := runRegstack(t, "", append([]string{"ses", "setup", "--headless", "--config", dir}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			if prefix, ok := strings.CutSuffix(tt.wantStderr, "…"); ok {
				if !strings.HasPrefix(r.stderr, prefix) || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr = %q, want one line starting %q", r.stderr, prefix)
				}
			} else if r.stderr != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", r.stderr, tt.wantStderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if text, _ := fileText(t, filepath.Join(dir, "regstack.toml")); text != tt.toml {
				t.Errorf("regstack.toml changed to %q", text)
			}
			if _, ok := fileText(t, filepath.Join(dir, "regstack.secrets.env")); ok {
				t.Error("a secrets file was written")
			}
		})
	}
}

func TestSESSetupDeprecatedAliases(t *testing.T) {
	flags := []string{"--region", "eu-west-1", "--from-address", "noreply@example.com"}
	t.Run("--print-only warns and writes like --headless", func(t *testing.T) {
		noAWS(t)
		dir := t.TempDir()
		r := runRegstack(t, "", append([]string{"ses", "setup", "--print-only", "--config", dir}, flags...)...)
		if r.code != 0 || r.stderr != printOnlyDeprecation+"\n" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if s := decodeSummary(t, r.stdout); s.DryRun {
			t.Error("--print-only ran dry")
		}
		if _, ok := fileText(t, filepath.Join(dir, "regstack.toml")); !ok {
			t.Error("--print-only wrote nothing")
		}
	})
	t.Run("--target warns and names the directory", func(t *testing.T) {
		noAWS(t)
		dir := t.TempDir()
		r := runRegstack(t, "", append([]string{"ses", "setup", "--headless", "--target", dir}, flags...)...)
		if r.code != 0 || r.stderr != targetDeprecation+"\n" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if s := decodeSummary(t, r.stdout); s.ConfigPath != filepath.Join(dir, "regstack.toml") {
			t.Errorf("config_path = %q", s.ConfigPath)
		}
	})
	t.Run("--config with --target is a usage error", func(t *testing.T) {
		noAWS(t)
		dir := t.TempDir()
		r := runRegstack(t, "", append([]string{"ses", "setup", "--headless", "--config", dir, "--target", dir}, flags...)...)
		if r.code != 2 || r.stderr != "Error: "+configTargetClash+"\n" {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestSESSetupWithoutAWindowPointsAtTheOtherModes(t *testing.T) {
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		// A desktop build on a desktop would open the window for real.
		t.Setenv("DISPLAY", "")
		t.Setenv("WAYLAND_DISPLAY", "")
	}
	noAWS(t)
	r := runRegstack(t, "", "ses", "setup", "--config", t.TempDir())
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !strings.HasPrefix(r.stderr, "Error: ") || !strings.Contains(r.stderr, "--headless") || !strings.Contains(r.stderr, "--browser") {
		t.Errorf("stderr = %q, want an error naming --headless and --browser", r.stderr)
	}
}

func TestSESSetupHelpListsTheFlags(t *testing.T) {
	r := runRegstack(t, "", "ses", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "setup") {
		t.Errorf("ses --help: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runRegstack(t, "", "ses", "setup", "--help")
	var missing []string
	for _, f := range []string{"--config", "--target", "--port", "--headless", "--dry-run", "--print-only", "--browser",
		"--region", "--from-address", "--credential-source", "--profile", "--access-key-id", "--secret-access-key"} {
		if !strings.Contains(r.stdout, f) {
			missing = append(missing, f)
		}
	}
	if r.code != 0 || !reflect.DeepEqual(missing, []string(nil)) {
		t.Errorf("ses setup --help: exit %d, missing %v", r.code, missing)
	}
}
