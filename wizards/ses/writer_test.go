package ses_test

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/ses"
)

var update = flag.Bool("update", false, "rewrite the writer's golden files in testdata/writer")

const (
	exampleKeyID  = "AKIAEXAMPLEKEY"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// target is a fresh target directory for t, with the given files.
func target(t *testing.T, toml, env []byte) configfile.Target {
	t.Helper()
	dir := t.TempDir()
	tg, err := configfile.ResolveTarget(dir)
	if err != nil {
		t.Fatal(err)
	}
	if toml != nil {
		if err := os.WriteFile(tg.ConfigPath, toml, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if env != nil {
		if err := os.WriteFile(tg.SecretsPath, env, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return tg
}

// readOrNil is a file's bytes, nil when it does not exist.
func readOrNil(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/writer/<dir>/<name>, or rewrites it
// under -update. A missing golden file means "no such file": got must be
// nil.
func golden(t *testing.T, dir, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "writer", dir, name)
	if *update {
		if got == nil {
			_ = os.Remove(path)
			return
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readOrNil(t, path)
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func settings(source string) ses.Settings {
	s := ses.Settings{Region: "eu-west-1", FromAddress: "noreply@app.example.com", Source: source}
	switch source {
	case ses.SourceProfile:
		s.Profile = "prod"
	case ses.SourceExplicit:
		s.AccessKeyID, s.SecretAccessKey = exampleKeyID, exampleSecret
	}
	return s
}

func TestWriteMergesIntoExistingFiles(t *testing.T) {
	tests := []struct {
		dir         string
		name        string
		settings    ses.Settings
		want        ses.Summary // paths are filled in
		wantAgain   ses.Summary // a second identical run
		wantProfile string
		wantKeyID   string
		wantSecret  string
	}{
		{
			dir:         "init-explicit",
			name:        "explicit keys edit an init-generated [email] in place and add the secret line",
			settings:    settings(ses.SourceExplicit),
			want:        ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true},
			wantAgain:   ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "replaced REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true},
			wantKeyID:   exampleKeyID,
			wantSecret:  exampleSecret,
			wantProfile: "",
		},
		{
			dir:         "hand-written",
			name:        "a profile keeps every comment, quoting style and unrelated table and key of a hand-written file",
			settings:    settings(ses.SourceProfile),
			want:        ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "no secrets change", ReplacedExisting: true},
			wantAgain:   ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "no secrets change", ReplacedExisting: true},
			wantProfile: "prod",
		},
		{
			dir:       "chain-after-explicit",
			name:      "the default chain removes an earlier explicit key id and its secret",
			settings:  settings(ses.SourceChain),
			want:      ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "removed REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true},
			wantAgain: ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "no secrets change", ReplacedExisting: true},
		},
		{
			dir:         "dotted",
			name:        "an [email] written as dotted keys is edited in that form",
			settings:    settings(ses.SourceProfile),
			want:        ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "no secrets change", ReplacedExisting: true},
			wantAgain:   ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "no secrets change", ReplacedExisting: true},
			wantProfile: "prod",
		},
		{
			dir:        "crlf-secrets",
			name:       "a CRLF secrets file keeps its line ends and ends with one secret line",
			settings:   settings(ses.SourceExplicit),
			want:       ses.Summary{ConfigDiff: "added [email] table", SecretsDiff: "replaced REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true},
			wantAgain:  ses.Summary{ConfigDiff: "replaced [email] table", SecretsDiff: "replaced REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY", ReplacedExisting: true},
			wantKeyID:  exampleKeyID,
			wantSecret: exampleSecret,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := filepath.Join("testdata", "writer", tt.dir)
			tg := target(t, readOrNil(t, filepath.Join(base, "before.toml")), readOrNil(t, filepath.Join(base, "before.env")))

			got, err := ses.Write(tg, tt.settings, false)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			tt.want.ConfigPath, tt.want.SecretsPath = tg.ConfigPath, tg.SecretsPath
			if got != tt.want {
				t.Errorf("summary = %+v, want %+v", got, tt.want)
			}
			toml, env := readOrNil(t, tg.ConfigPath), readOrNil(t, tg.SecretsPath)
			golden(t, tt.dir, "after.toml", toml)
			golden(t, tt.dir, "after.env", env)
			if env != nil {
				if info, err := os.Stat(tg.SecretsPath); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("secrets file mode = %v (%v), want 0600", info.Mode().Perm(), err)
				}
			}
			if bytes.Contains(toml, []byte(exampleSecret)) {
				t.Error("the secret access key is in regstack.toml")
			}

			loaded := loadEmail(t, tg)
			if loaded.Backend != "ses" || loaded.SESRegion != "eu-west-1" || loaded.FromAddress != "noreply@app.example.com" {
				t.Errorf("loaded [email] = backend %q, region %q, from %q", loaded.Backend, loaded.SESRegion, loaded.FromAddress)
			}
			if s := deref(loaded.SESProfile); s != tt.wantProfile {
				t.Errorf("loaded ses_profile = %q, want %q", s, tt.wantProfile)
			}
			if s := deref(loaded.SESAccessKeyID); s != tt.wantKeyID {
				t.Errorf("loaded ses_access_key_id = %q, want %q", s, tt.wantKeyID)
			}
			if s := deref(loaded.SESSecretAccessKey); s != tt.wantSecret {
				t.Errorf("loaded ses_secret_access_key is wrong (%d bytes, want %d)", len(s), len(tt.wantSecret))
			}

			again, err := ses.Write(tg, tt.settings, false)
			if err != nil {
				t.Fatalf("second Write: %v", err)
			}
			tt.wantAgain.ConfigPath, tt.wantAgain.SecretsPath = tg.ConfigPath, tg.SecretsPath
			if again != tt.wantAgain {
				t.Errorf("second summary = %+v, want %+v", again, tt.wantAgain)
			}
			if b := readOrNil(t, tg.ConfigPath); !bytes.Equal(b, toml) {
				t.Errorf("a second identical run changed regstack.toml:\n%s", b)
			}
			if b := readOrNil(t, tg.SecretsPath); !bytes.Equal(b, env) {
				t.Errorf("a second identical run changed regstack.secrets.env:\n%s", b)
			}
		})
	}
}

// loadEmail loads the target's files as the server would, without the
// process environment.
func loadEmail(t *testing.T, tg configfile.Target) config.EmailConfig {
	t.Helper()
	cfg, _, err := config.Load(config.LoadOptions{ConfigPath: tg.ConfigPath, SecretsPath: tg.SecretsPath, Dir: tg.Dir, Env: map[string]string{}})
	if err != nil {
		t.Fatalf("the written files do not load: %v", err)
	}
	return cfg.Email
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestWriteIntoAFreshDirectory(t *testing.T) {
	tests := []struct {
		name     string
		source   string
		wantTOML string
		wantEnv  string // "": no secrets file
		want     ses.Summary
	}{
		{
			name:     "the default chain writes only the TOML",
			source:   ses.SourceChain,
			wantTOML: "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@app.example.com\"\nses_region = \"eu-west-1\"\n",
			want:     ses.Summary{ConfigDiff: "added [email] table", SecretsDiff: "no secrets change"},
		},
		{
			name:     "a profile writes its name",
			source:   ses.SourceProfile,
			wantTOML: "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@app.example.com\"\nses_region = \"eu-west-1\"\nses_profile = \"prod\"\n",
			want:     ses.Summary{ConfigDiff: "added [email] table", SecretsDiff: "no secrets change"},
		},
		{
			name:     "explicit keys write the key id to the TOML and the secret to a 0600 secrets file",
			source:   ses.SourceExplicit,
			wantTOML: "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@app.example.com\"\nses_region = \"eu-west-1\"\nses_access_key_id = \"" + exampleKeyID + "\"\n",
			wantEnv:  "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY=" + exampleSecret + "\n",
			want:     ses.Summary{ConfigDiff: "added [email] table", SecretsDiff: "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := configfile.ResolveTarget(filepath.Join(t.TempDir(), "etc", "app"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ses.Write(tg, settings(tt.source), false)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			tt.want.ConfigPath, tt.want.SecretsPath = tg.ConfigPath, tg.SecretsPath
			if got != tt.want {
				t.Errorf("summary = %+v, want %+v", got, tt.want)
			}
			if b := string(readOrNil(t, tg.ConfigPath)); b != tt.wantTOML {
				t.Errorf("regstack.toml =\n%s\nwant\n%s", b, tt.wantTOML)
			}
			env := readOrNil(t, tg.SecretsPath)
			switch {
			case tt.wantEnv == "" && env != nil:
				t.Errorf("a secrets file was written:\n%s", env)
			case tt.wantEnv != "":
				if string(env) != tt.wantEnv {
					t.Errorf("regstack.secrets.env =\n%s\nwant\n%s", env, tt.wantEnv)
				}
				if info, err := os.Stat(tg.SecretsPath); err != nil || info.Mode().Perm() != 0o600 {
					t.Errorf("secrets file mode = %v (%v), want 0600", info.Mode().Perm(), err)
				}
			}
		})
	}
}

func TestWriteDryRunTouchesNothing(t *testing.T) {
	tg, err := configfile.ResolveTarget(filepath.Join(t.TempDir(), "not-yet"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ses.Write(tg, settings(ses.SourceExplicit), true)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	want := ses.Summary{
		ConfigPath: tg.ConfigPath, ConfigDiff: "added [email] table",
		SecretsPath: tg.SecretsPath, SecretsDiff: "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY",
	}
	if got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	if _, err := os.Stat(tg.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dry run created the target directory (%v)", err)
	}
}

func TestWriteKeepsModesAndTightensTheSecretsFile(t *testing.T) {
	tg := target(t, []byte("app_name = \"MyApp\"\n"), []byte("REGSTACK_JWT_SECRET=x\n"))
	if err := os.Chmod(tg.ConfigPath, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tg.SecretsPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ses.Write(tg, settings(ses.SourceExplicit), false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for path, want := range map[string]fs.FileMode{tg.ConfigPath: 0o640, tg.SecretsPath: 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s mode = %v (%v), want %v", filepath.Base(path), info.Mode().Perm(), err, want)
		}
	}
}

func TestWriteRefusesFilesItCannotEditSafely(t *testing.T) {
	tests := []struct {
		name    string
		toml    string
		invalid bool // an *InvalidTOMLError, else ErrUnsupported
	}{
		{"a regstack.toml that does not parse", "app_name = \"MyApp\n[email\n", true},
		{"a duplicate table", "[email]\nbackend = \"console\"\n[email]\nfrom_name = \"x\"\n", true},
		{"an [email] written as an inline table", "email = { backend = \"console\" }\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := []byte("REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY=old\n")
			tg := target(t, []byte(tt.toml), env)
			_, err := ses.Write(tg, settings(ses.SourceChain), false)
			var bad *configfile.InvalidTOMLError
			switch {
			case tt.invalid && !errors.As(err, &bad):
				t.Errorf("Write error = %v, want an *InvalidTOMLError", err)
			case tt.invalid && bad.Error()[:len("regstack.toml is not valid TOML: ")] != "regstack.toml is not valid TOML: ":
				t.Errorf("error text = %q", bad.Error())
			case !tt.invalid && !errors.Is(err, configfile.ErrUnsupported):
				t.Errorf("Write error = %v, want one wrapping ErrUnsupported", err)
			}
			if b := readOrNil(t, tg.ConfigPath); string(b) != tt.toml {
				t.Errorf("regstack.toml changed:\n%s", b)
			}
			if b := readOrNil(t, tg.SecretsPath); !bytes.Equal(b, env) {
				t.Errorf("regstack.secrets.env changed:\n%s", b)
			}
		})
	}
}

func TestExisting(t *testing.T) {
	tests := []struct {
		name     string
		toml     *string
		wantSES  bool
		wantFrom string
	}{
		{"no file", nil, false, ""},
		{"an SES table", ptr("[email]\nbackend = \"ses\"\nfrom_address = \"noreply@example.com\"\n"), true, "noreply@example.com"},
		{"an SMTP table still prefills the sender", ptr("[email]\nbackend = \"smtp\"\nfrom_address = \"mail@example.com\"\n"), false, "mail@example.com"},
		{"dotted keys", ptr("email.backend = \"ses\"\n"), true, ""},
		{"no [email] table", ptr("app_name = \"x\"\n"), false, ""},
		{"a file that does not parse", ptr("[email]\nbackend = \"ses\n"), false, ""},
		{"a sender that is not a string", ptr("[email]\nbackend = \"ses\"\nfrom_address = 42\n"), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var toml []byte
			if tt.toml != nil {
				toml = []byte(*tt.toml)
			}
			gotSES, gotFrom := ses.Existing(target(t, toml, nil))
			if gotSES != tt.wantSES || gotFrom != tt.wantFrom {
				t.Errorf("Existing = %v, %q; want %v, %q", gotSES, gotFrom, tt.wantSES, tt.wantFrom)
			}
		})
	}
}

func TestSecretEnvNameIsTheLoadersName(t *testing.T) {
	if want := config.EnvName("email.ses_secret_access_key"); ses.SecretEnvName != want {
		t.Errorf("SecretEnvName = %q, the loader reads %q", ses.SecretEnvName, want)
	}
}

func ptr(s string) *string { return &s }
