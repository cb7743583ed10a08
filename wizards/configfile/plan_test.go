package configfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

const sesSecret = "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY"

func writeFile(t *testing.T, path, data string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func oauthPlan(t *testing.T, target Target) *Plan {
	t.Helper()
	p, err := NewPlan(target)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MergeTOML([]Setting{{Key: "enable_oauth", Value: true}}); err != nil {
		t.Fatal(err)
	}
	if err := p.ReplaceTable("oauth", []Setting{{Table: "oauth", Key: "google_client_id", Value: "id-1.apps.googleusercontent.com"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.MergeEnv([]EnvVar{{secretName, "client-secret"}}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAPlanWritesAFreshDirectory(t *testing.T) {
	target, err := ResolveTarget(filepath.Join(t.TempDir(), "new", "app"))
	if err != nil {
		t.Fatal(err)
	}
	p := oauthPlan(t, target)
	if got := p.TableDiff("oauth"); got != "added [oauth] table" {
		t.Errorf("config diff %q", got)
	}
	if got := p.EnvDiff(secretName); got != "added "+secretName {
		t.Errorf("secrets diff %q", got)
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, target.ConfigPath), "enable_oauth = true\n\n[oauth]\ngoogle_client_id = \"id-1.apps.googleusercontent.com\"\n"; got != want {
		t.Errorf("regstack.toml:\n%s\nwant\n%s", got, want)
	}
	if got := readFile(t, target.SecretsPath); got != secretName+"=client-secret\n" {
		t.Errorf("secrets file %q", got)
	}
	if m := modeOf(t, target.SecretsPath); m != 0o600 {
		t.Errorf("secrets mode %v, want 0600", m)
	}
	cfg, _, err := config.Load(config.LoadOptions{ConfigPath: target.Dir, Env: map[string]string{}, Dir: target.Dir})
	if err != nil {
		t.Fatalf("the written files do not load: %v", err)
	}
	if !cfg.EnableOAuth || cfg.OAuth.GoogleClientSecret == nil || *cfg.OAuth.GoogleClientSecret != "client-secret" {
		t.Errorf("loaded enable_oauth=%v secret=%v", cfg.EnableOAuth, cfg.OAuth.GoogleClientSecret)
	}
	leftovers, _ := filepath.Glob(filepath.Join(target.Dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestAPlanKeepsModesButTightensTheSecrets(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.ConfigPath, "# mine\n[oauth]\ngoogle_client_id = \"old\"\n", 0o640)
	writeFile(t, target.SecretsPath, "# secrets\n"+secretName+"=old\n", 0o644)
	p := oauthPlan(t, target)
	if got := p.TableDiff("oauth"); got != "replaced [oauth] table" {
		t.Errorf("config diff %q", got)
	}
	if got := p.EnvDiff(secretName); got != "replaced "+secretName {
		t.Errorf("secrets diff %q", got)
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, target.ConfigPath); m != 0o640 {
		t.Errorf("config mode %v, want the old 0640", m)
	}
	if m := modeOf(t, target.SecretsPath); m != 0o600 {
		t.Errorf("secrets mode %v, want 0600", m)
	}
	if got := readFile(t, target.SecretsPath); got != "# secrets\n"+secretName+"=client-secret\n" {
		t.Errorf("secrets file %q", got)
	}
}

func TestAnUnchangedSecretsFileIsStillMadePrivate(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.SecretsPath, secretName+"=client-secret\n", 0o644)
	p := oauthPlan(t, target)
	if p.Secrets.Changed() {
		t.Fatal("the same secret counts as a change")
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}
	if m := modeOf(t, target.SecretsPath); m != 0o600 {
		t.Errorf("secrets mode %v, want 0600", m)
	}
}

func TestAPlanRefusesInvalidTOMLAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.ConfigPath, "a = 1\nb = = 2\nc = 3\n", 0o644)
	_, err := NewPlan(target)
	var ie *InvalidTOMLError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an InvalidTOMLError", err)
	}
	if !strings.HasPrefix(err.Error(), "regstack.toml is not valid TOML: line 2: ") {
		t.Errorf("message %q", err)
	}
	if _, err := os.Stat(target.SecretsPath); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a secrets file appeared")
	}
}

func TestAPlanRefusesAConfigThatWouldNotLoad(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	const before = "[email]\nbackend = \"console\"\n"
	writeFile(t, target.ConfigPath, before, 0o644)
	p, err := NewPlan(target)
	if err != nil {
		t.Fatal(err)
	}
	// An access key id without its secret breaks a config rule.
	if err := p.MergeTOML([]Setting{{Table: "email", Key: "backend", Value: "ses"}, {Table: "email", Key: "ses_access_key_id", Value: "AKIAEXAMPLE"}}); err != nil {
		t.Fatal(err)
	}
	err = p.Apply()
	if err == nil || !strings.Contains(err.Error(), "ses_access_key_id") {
		t.Fatalf("error %v, want the broken rule", err)
	}
	if !strings.Contains(err.Error(), target.ConfigPath+":") || strings.Contains(err.Error(), "regstack-check-") {
		t.Errorf("error %q does not name %s but a temporary copy", err, target.ConfigPath)
	}
	if got := readFile(t, target.ConfigPath); got != before {
		t.Errorf("the file changed: %q", got)
	}
	// With the secret beside it the same edit loads.
	if err := p.MergeEnv([]EnvVar{{sesSecret, "wJalr"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(); err != nil {
		t.Fatalf("with the secret: %v", err)
	}
	if strings.Contains(readFile(t, target.ConfigPath), "wJalr") {
		t.Error("the secret went into regstack.toml")
	}
}

func TestACheckNamesTheSecretsFileItself(t *testing.T) {
	target, _ := ResolveTarget(t.TempDir())
	p := oauthPlan(t, target)
	if err := p.MergeEnv([]EnvVar{{"REGSTACK_EMAIL__SMTP_PORT", "many"}}); err != nil {
		t.Fatal(err)
	}
	err := p.Check()
	if err == nil || !strings.Contains(err.Error(), target.SecretsPath+":") || strings.Contains(err.Error(), "regstack-check-") {
		t.Errorf("error %v, want the bad port at %s", err, target.SecretsPath)
	}
}

func TestAPlanDoesNotFixWhatWasAlreadyBroken(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.ConfigPath, "[email]\nbackend = \"carrier-pigeon\"\n", 0o644)
	p := oauthPlan(t, target)
	if err := p.Apply(); err != nil {
		t.Fatalf("a problem the file already had blocked the write: %v", err)
	}
}

func TestADryRunTouchesNothing(t *testing.T) {
	// Not even a temporary copy: with no usable temporary directory the
	// check still works.
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "no-such-tmp"))
	target, _ := ResolveTarget(filepath.Join(t.TempDir(), "absent"))
	p := oauthPlan(t, target)
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target.Dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the target directory exists after a check: %v", err)
	}
}

func TestAnUnchangedPlanWritesNothing(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.ConfigPath, "[email]\nbackend = \"ses\"\n", 0o644)
	p, err := NewPlan(target)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.MergeTOML([]Setting{{Table: "email", Key: "backend", Value: "ses"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveEnv([]string{sesSecret}); err != nil {
		t.Fatal(err)
	}
	if p.Config.Changed() || p.Secrets.Changed() {
		t.Fatal("an edit to the same values counts as a change")
	}
	if got := p.EnvDiff(sesSecret); got != "no secrets change" {
		t.Errorf("secrets diff %q", got)
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(target.SecretsPath); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a secrets file was created for nothing")
	}
}

func TestRemovingASecretSaysSo(t *testing.T) {
	dir := t.TempDir()
	target, _ := ResolveTarget(dir)
	writeFile(t, target.SecretsPath, sesSecret+"=x\nREGSTACK_JWT_SECRET=y\n", 0o600)
	p, err := NewPlan(target)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveEnv([]string{sesSecret}); err != nil {
		t.Fatal(err)
	}
	if got := p.EnvDiff(sesSecret); got != "removed "+sesSecret {
		t.Errorf("secrets diff %q", got)
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, target.SecretsPath); got != "REGSTACK_JWT_SECRET=y\n" {
		t.Errorf("secrets file %q", got)
	}
}

func TestASymlinkedConfigStaysALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "shared.toml")
	writeFile(t, real, "app_name = \"x\"\n", 0o644)
	app := filepath.Join(dir, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	target, _ := ResolveTarget(app)
	if err := os.Symlink(real, target.ConfigPath); err != nil {
		t.Fatal(err)
	}
	if err := oauthPlan(t, target).Apply(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(target.ConfigPath); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("regstack.toml is no longer a symlink (%v)", err)
	}
	if !strings.Contains(readFile(t, real), "enable_oauth = true") {
		t.Error("the link's target was not written")
	}
}

func TestResolveTarget(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "custom.conf")
	writeFile(t, file, "", 0o644)
	t.Chdir(dir)
	tests := []struct {
		name, flag, want string
	}{
		{"no flag is the current directory", "", dir},
		{"a .toml name is its directory", filepath.Join(dir, "sub", "regstack.toml"), filepath.Join(dir, "sub")},
		{"an existing file is its directory", file, dir},
		{"anything else is the directory itself", filepath.Join(dir, "etc", "app"), filepath.Join(dir, "etc", "app")},
		{"a relative directory is made absolute", "rel", filepath.Join(dir, "rel")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveTarget(tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := filepath.EvalSymlinks(tt.want)
			gotDir, _ := filepath.EvalSymlinks(filepath.Dir(got.ConfigPath))
			if got.Dir != tt.want && gotDir != want {
				t.Errorf("dir %q, want %q", got.Dir, tt.want)
			}
			if filepath.Base(got.ConfigPath) != "regstack.toml" || filepath.Base(got.SecretsPath) != "regstack.secrets.env" {
				t.Errorf("files %q %q", got.ConfigPath, got.SecretsPath)
			}
		})
	}
}
