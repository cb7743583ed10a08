package oauth

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/regstack/regstack/wizards/configfile"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

func target(t *testing.T, dir string) configfile.Target {
	t.Helper()
	tg, err := configfile.ResolveTarget(dir)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

var defaultSettings = Settings{
	ClientID:     "12345-abc.apps.googleusercontent.com",
	ClientSecret: "GOCSPX-secretvalue1234",
}

func TestWriteIntoAnEmptyDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "app")
	tg := target(t, dir)
	res, err := Write(tg, defaultSettings, false)
	if err != nil {
		t.Fatal(err)
	}
	wantTOML := "enable_oauth = true\n\n[oauth]\ngoogle_client_id = \"12345-abc.apps.googleusercontent.com\"\n" +
		"auto_link_verified_emails = false\nenforce_mfa_on_oauth_signin = false\n"
	if got := readFile(t, tg.ConfigPath); got != wantTOML {
		t.Errorf("regstack.toml =\n%s\nwant\n%s", got, wantTOML)
	}
	if got := readFile(t, tg.SecretsPath); got != "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=GOCSPX-secretvalue1234\n" {
		t.Errorf("regstack.secrets.env = %q", got)
	}
	if info, _ := os.Stat(tg.SecretsPath); info.Mode().Perm() != 0o600 {
		t.Errorf("secrets mode = %v, want 0600", info.Mode().Perm())
	}
	want := WriteResult{
		ConfigPath: filepath.Join(dir, "regstack.toml"), ConfigDiff: "added [oauth] table",
		SecretsPath: filepath.Join(dir, "regstack.secrets.env"), SecretsDiff: "added REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET",
	}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
}

func TestWriteMergesWithoutClobbering(t *testing.T) {
	tests := []struct {
		name                  string
		toml, secrets         string // testdata names; "" = no file
		settings              Settings
		wantTOML, wantSecrets string // testdata names, or literal text with wantSecretsText
		wantSecretsText       string
		wantResult            WriteResult
	}{
		{
			name:            "an init-generated file gets enable_oauth after the last top-level key and [oauth] at the end",
			toml:            "init.toml",
			settings:        defaultSettings,
			wantTOML:        "init.golden.toml",
			wantSecretsText: "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=GOCSPX-secretvalue1234\n",
			wantResult:      WriteResult{ConfigDiff: "added [oauth] table", SecretsDiff: "added " + SecretEnvVar},
		},
		{
			name:    "a hand-edited file keeps every comment, key and table, and loses the stale [oauth] keys",
			toml:    "hand-edited.toml",
			secrets: "hand-edited.secrets.env",
			settings: Settings{
				ClientID:                "new-id.apps.googleusercontent.com",
				ClientSecret:            "GOCSPX-new-secret-5678",
				RedirectURI:             "https://staging.example.com/auth/google",
				EnforceMFAOnOAuthSignin: true,
			},
			wantTOML:    "hand-edited.golden.toml",
			wantSecrets: "hand-edited.golden.secrets.env",
			wantResult:  WriteResult{ConfigDiff: "replaced [oauth] table", SecretsDiff: "replaced " + SecretEnvVar, ReplacedExisting: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, t.TempDir())
			writeFile(t, tg.ConfigPath, golden(t, tt.toml), 0o640)
			if tt.secrets != "" {
				writeFile(t, tg.SecretsPath, golden(t, tt.secrets), 0o644)
			}
			res, err := Write(tg, tt.settings, false)
			if err != nil {
				t.Fatal(err)
			}
			tt.wantResult.ConfigPath, tt.wantResult.SecretsPath = tg.ConfigPath, tg.SecretsPath
			if res != tt.wantResult {
				t.Errorf("result = %+v, want %+v", res, tt.wantResult)
			}
			gotTOML := readFile(t, tg.ConfigPath)
			if want := golden(t, tt.wantTOML); gotTOML != want {
				t.Errorf("regstack.toml =\n%s\nwant\n%s", gotTOML, want)
			}
			wantSecrets := tt.wantSecretsText
			if tt.wantSecrets != "" {
				wantSecrets = golden(t, tt.wantSecrets)
			}
			gotSecrets := readFile(t, tg.SecretsPath)
			if gotSecrets != wantSecrets {
				t.Errorf("regstack.secrets.env =\n%s\nwant\n%s", gotSecrets, wantSecrets)
			}
			if ok, err := configfile.HasTable([]byte(gotTOML), "oauth"); err != nil || !ok {
				t.Errorf("the written regstack.toml does not parse with an [oauth] table: %v", err)
			}
			if info, _ := os.Stat(tg.ConfigPath); info.Mode().Perm() != 0o640 {
				t.Errorf("regstack.toml mode = %v, want its own 0640", info.Mode().Perm())
			}
			if info, _ := os.Stat(tg.SecretsPath); info.Mode().Perm() != 0o600 {
				t.Errorf("secrets mode = %v, want 0600", info.Mode().Perm())
			}

			// The second run replaces what the first wrote, byte for byte.
			res, err = Write(tg, tt.settings, false)
			if err != nil {
				t.Fatal(err)
			}
			if again := readFile(t, tg.ConfigPath); again != gotTOML {
				t.Errorf("a second run changed regstack.toml:\n%s", again)
			}
			if again := readFile(t, tg.SecretsPath); again != gotSecrets {
				t.Errorf("a second run changed regstack.secrets.env:\n%s", again)
			}
			if res.ConfigDiff != "replaced [oauth] table" || res.SecretsDiff != "replaced "+SecretEnvVar || !res.ReplacedExisting {
				t.Errorf("second run result = %+v, want both replaced", res)
			}
		})
	}
}

func TestWriteDryRunTouchesNothing(t *testing.T) {
	t.Run("a missing directory is not created", func(t *testing.T) {
		tg := target(t, filepath.Join(t.TempDir(), "missing"))
		res, err := Write(tg, defaultSettings, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(tg.Dir); !os.IsNotExist(err) {
			t.Errorf("a dry run created %s", tg.Dir)
		}
		if res.ConfigDiff != "added [oauth] table" {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("existing files are left as they are", func(t *testing.T) {
		tg := target(t, t.TempDir())
		writeFile(t, tg.ConfigPath, golden(t, "hand-edited.toml"), 0o644)
		res, err := Write(tg, defaultSettings, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, tg.ConfigPath); got != golden(t, "hand-edited.toml") {
			t.Error("a dry run changed regstack.toml")
		}
		if _, err := os.Stat(tg.SecretsPath); !os.IsNotExist(err) {
			t.Error("a dry run created regstack.secrets.env")
		}
		if res.ConfigDiff != "replaced [oauth] table" || res.SecretsDiff != "added "+SecretEnvVar || !res.ReplacedExisting {
			t.Errorf("result = %+v", res)
		}
	})
}

func TestWriteRefusesATOMLFileThatDoesNotParse(t *testing.T) {
	tg := target(t, t.TempDir())
	const broken = "app_name = \"x\"\n[oauth\ngoogle_client_id = 1\n"
	writeFile(t, tg.ConfigPath, broken, 0o644)
	_, err := Write(tg, defaultSettings, false)
	var invalid *configfile.InvalidTOMLError
	if !errors.As(err, &invalid) {
		t.Fatalf("Write error = %v, want an InvalidTOMLError", err)
	}
	if got := err.Error(); len(got) < len("regstack.toml is not valid TOML: ") || got[:len("regstack.toml is not valid TOML: ")] != "regstack.toml is not valid TOML: " {
		t.Errorf("error = %q, want it to start with \"regstack.toml is not valid TOML: \"", got)
	}
	if got := readFile(t, tg.ConfigPath); got != broken {
		t.Error("regstack.toml changed")
	}
	if _, err := os.Stat(tg.SecretsPath); !os.IsNotExist(err) {
		t.Error("the secrets file was written although the TOML was refused")
	}
}

func TestStateReadsTheExistingConfiguration(t *testing.T) {
	tests := []struct {
		name       string
		toml       string // "" = no file
		apiPrefix  string
		wantState  State
		wantPrefix string
	}{
		{
			name:      "without a file the defaults apply",
			wantState: State{ExistingOAuth: false, BaseURL: DefaultBaseURL, APIPrefix: DefaultAPIPrefix, RedirectURI: "http://localhost:8000/api/auth/oauth/google/callback"},
		},
		{
			name:      "the file's base URL, API prefix and [oauth] table are found",
			toml:      "base_url = \"https://app.example.com/\"\napi_prefix = \"/auth\"\n[oauth]\ngoogle_client_id = \"x\"\n",
			wantState: State{ExistingOAuth: true, BaseURL: "https://app.example.com/", APIPrefix: "/auth", RedirectURI: "https://app.example.com/auth/oauth/google/callback"},
		},
		{
			name:      "the --api-prefix flag wins over the file",
			toml:      "api_prefix = \"/auth\"\n",
			apiPrefix: "/v2/auth",
			wantState: State{BaseURL: DefaultBaseURL, APIPrefix: "/v2/auth", RedirectURI: "http://localhost:8000/v2/auth/oauth/google/callback"},
		},
		{
			name:      "dotted oauth keys count as an existing table",
			toml:      "oauth.google_client_id = \"x\"\n",
			wantState: State{ExistingOAuth: true, BaseURL: DefaultBaseURL, APIPrefix: DefaultAPIPrefix, RedirectURI: "http://localhost:8000/api/auth/oauth/google/callback"},
		},
		{
			name:      "a file that does not parse has no table",
			toml:      "[oauth\nbase_url = \"https://x\"\n",
			wantState: State{BaseURL: DefaultBaseURL, APIPrefix: DefaultAPIPrefix, RedirectURI: "http://localhost:8000/api/auth/oauth/google/callback"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, t.TempDir())
			if tt.toml != "" {
				writeFile(t, tg.ConfigPath, tt.toml, 0o644)
			}
			want := tt.wantState
			want.TargetDir, want.ConfigFile, want.SecretsFile, want.NumSteps = tg.Dir, "regstack.toml", "regstack.secrets.env", 12
			if got := (Wizard{Target: tg, APIPrefix: tt.apiPrefix}).State(); got != want {
				t.Errorf("State = %+v\nwant    %+v", got, want)
			}
		})
	}
}

// golden reads testdata/name.
func golden(t *testing.T, name string) string {
	t.Helper()
	return readFile(t, filepath.Join("testdata", name))
}
