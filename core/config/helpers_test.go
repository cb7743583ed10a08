package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/config"
)

// writeDir creates a temporary directory holding files (name → content).
// The secrets file gets mode 0600, as the tools write it.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if filepath.Base(name) == config.SecretsFileName {
			mode = 0o600
		}
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		// WriteFile keeps the mode of an existing file and umask applies.
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// load runs Load in dir with env as the whole environment and fails the
// test on error.
func load(t *testing.T, dir string, env map[string]string, overrides map[string]any) (config.Config, *config.Report) {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	cfg, report, err := config.Load(config.LoadOptions{Dir: dir, Env: env, Overrides: overrides})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if report == nil {
		t.Fatal("Load returned a nil report")
	}
	return cfg, report
}

// loadErr runs Load and returns its *config.Error, failing if there is
// none.
func loadErr(t *testing.T, opts config.LoadOptions) *config.Error {
	t.Helper()
	if opts.Env == nil {
		opts.Env = map[string]string{}
	}
	_, report, err := config.Load(opts)
	if report == nil {
		t.Fatal("Load returned a nil report")
	}
	var cerr *config.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Load error = %v (%T), want *config.Error", err, err)
	}
	return cerr
}

// problemFor finds the problem about key.
func problemFor(t *testing.T, err *config.Error, key string) config.Problem {
	t.Helper()
	for _, p := range err.Problems {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no problem for key %q in:\n%v", key, err)
	return config.Problem{}
}

// warningFor finds the warning about key whose message contains part.
func warningFor(t *testing.T, report *config.Report, key, part string) config.Warning {
	t.Helper()
	for _, w := range report.Warnings {
		if w.Key == key && strings.Contains(w.Message, part) {
			return w
		}
	}
	t.Fatalf("no warning for key %q containing %q in %v", key, part, report.Warnings)
	return config.Warning{}
}

func ptr[T any](v T) *T { return &v }
