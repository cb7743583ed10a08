package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// testJWTSecret is 40 characters: long enough for every check.
const testJWTSecret = "test-secret-0123456789-abcdefghijklmnopq"

// cliResult is what one run of Main produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runRegstack runs `regstack args…` through Main with stdin as input.
func runRegstack(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(append([]string{"regstack"}, args...), strings.NewReader(stdin), &out, &errOut)
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// testInstall is a configuration directory: regstack.toml and
// regstack.secrets.env in a temporary directory, with a SQLite database
// next to them that does not exist yet.
type testInstall struct {
	dir    string
	dbPath string
}

// newTestInstall writes a console-email SQLite configuration. extraTOML is
// appended to the top level (before any table); extraEmail to [email];
// secrets are extra lines of regstack.secrets.env.
func newTestInstall(t *testing.T, extraTOML, extraEmail string, secrets ...string) testInstall {
	t.Helper()
	dir := t.TempDir()
	in := testInstall{dir: dir, dbPath: filepath.Join(dir, "regstack.db")}
	toml := fmt.Sprintf(`app_name = "DoctorTest"
database_url = "sqlite:///%s"
argon2_memory_kib = 8192
argon2_iterations = 1
%s
[email]
backend = "console"
from_address = "noreply@mail.example.com"
%s`, in.dbPath, extraTOML, extraEmail)
	writeTestFile(t, filepath.Join(dir, "regstack.toml"), toml)
	lines := append([]string{"REGSTACK_JWT_SECRET=" + testJWTSecret}, secrets...)
	writeTestFile(t, filepath.Join(dir, "regstack.secrets.env"), strings.Join(lines, "\n")+"\n")
	return in
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// config loads the install's configuration as the commands do.
func (in testInstall) config(t *testing.T) config.Config {
	t.Helper()
	cfg, _, err := loadConfig(in.dir)
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	return cfg
}

// open opens the install's store; it is closed when the test ends.
func (in testInstall) open(t *testing.T) regstack.Store {
	t.Helper()
	st, err := openStore(context.Background(), in.config(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// migrate installs the schema at head, as `regstack migrate` would.
func (in testInstall) migrate(t *testing.T) {
	t.Helper()
	st, err := openStore(context.Background(), in.config(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer st.Close()
	if err := st.InstallSchema(context.Background()); err != nil {
		t.Fatalf("install schema: %v", err)
	}
}

// regstack builds an instance over the install's store.
func (in testInstall) regstack(t *testing.T) *regstack.RegStack {
	t.Helper()
	rs, err := regstack.New(in.config(t), regstack.Options{Store: in.open(t), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// lines splits output into its lines.
func lines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
