package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	sqlstore "github.com/regstack/regstack/adapters/sql"
)

// migrateRun is what one `regstack migrate …` printed and returned.
type migrateRun struct {
	code           int
	stdout, stderr string
}

// runMigrate runs `regstack migrate --config dir args…` through Main.
func runMigrate(t *testing.T, dir string, args ...string) migrateRun {
	t.Helper()
	var out, errOut bytes.Buffer
	argv := append([]string{"regstack", "migrate", "--config", dir}, args...)
	code := Main(argv, strings.NewReader(""), &out, &errOut)
	return migrateRun{code: code, stdout: out.String(), stderr: errOut.String()}
}

// migrateConfig writes a regstack.toml naming databaseURL into a new
// temporary directory and returns the directory.
func migrateConfig(t *testing.T, databaseURL string) string {
	t.Helper()
	dir := t.TempDir()
	toml := fmt.Sprintf("database_url = %q\n", databaseURL)
	if err := os.WriteFile(filepath.Join(dir, "regstack.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sqliteMigrateConfig is a configuration on a SQLite file that does not
// exist yet; it returns the directory and the database path.
func sqliteMigrateConfig(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "regstack.db")
	return migrateConfig(t, "sqlite:///"+filepath.ToSlash(db)), db
}

// expect checks the exit code and that stdout and stderr contain the
// given lines (each as a whole line).
func (r migrateRun) expect(t *testing.T, code int, stdoutLines, stderrLines []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, l := range stdoutLines {
		if !hasLine(r.stdout, l) {
			t.Errorf("stdout lacks the line %q:\n%s", l, r.stdout)
		}
	}
	for _, l := range stderrLines {
		if !hasLine(r.stderr, l) {
			t.Errorf("stderr lacks the line %q:\n%s", l, r.stderr)
		}
	}
}

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// sqliteRevision reads alembic_version behind the store's back.
func sqliteRevision(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rev string
	if err := db.QueryRowContext(t.Context(), "SELECT version_num FROM alembic_version").Scan(&rev); err != nil {
		t.Fatalf("read alembic_version: %v", err)
	}
	return rev
}

func TestMigrateOnSQLite(t *testing.T) {
	head := sqlstore.HeadRevision

	t.Run("a fresh database goes to head, and a second run changes nothing", func(t *testing.T) {
		dir, db := sqliteMigrateConfig(t)
		runMigrate(t, dir).expect(t, 0, []string{
			"upgrading sqlite:///" + filepath.ToSlash(db) + " from (empty) to head…",
			"now at " + head,
		}, nil)
		if got := sqliteRevision(t, db); got != head {
			t.Errorf("alembic_version = %s, want %s", got, head)
		}
		again := runMigrate(t, dir, "--target", "head")
		again.expect(t, 0, []string{"already at head (" + head + ")"}, nil)
		if strings.Contains(again.stdout, "upgrading") {
			t.Errorf("a database at head was upgraded again:\n%s", again.stdout)
		}
	})

	t.Run("--target walks the revisions one by one", func(t *testing.T) {
		dir, db := sqliteMigrateConfig(t)
		runMigrate(t, dir, "--target", "0001").expect(t, 0, []string{"now at 0001"}, nil)
		runMigrate(t, dir, "--target", "0001").expect(t, 0, []string{"already at 0001 (" + head + ")"}, nil)
		runMigrate(t, dir, "--target", "+1").expect(t, 0, []string{
			"upgrading sqlite:///" + filepath.ToSlash(db) + " from 0001 to +1…",
			"now at 0002",
		}, nil)
		if got := sqliteRevision(t, db); got != "0002" {
			t.Errorf("alembic_version = %s, want 0002", got)
		}
		runMigrate(t, dir, "--target", "+1").expect(t, 0, []string{"now at 0003"}, nil)
		runMigrate(t, dir, "--target", "+1").expect(t, 1, nil, []string{
			"upgrade failed: relative revision +1 from 0003 goes past the head revision " + head,
		})
	})

	t.Run("+2 from an empty database lands on the second revision", func(t *testing.T) {
		dir, _ := sqliteMigrateConfig(t)
		runMigrate(t, dir, "--target", "+2").expect(t, 0, []string{"now at 0002"}, nil)
	})

	t.Run("a target below the current revision is refused", func(t *testing.T) {
		dir, db := sqliteMigrateConfig(t)
		runMigrate(t, dir).expect(t, 0, nil, nil)
		runMigrate(t, dir, "--target", "0001").expect(t, 1, nil, []string{"upgrade failed: downgrades are not supported"})
		if got := sqliteRevision(t, db); got != head {
			t.Errorf("alembic_version = %s after a refused downgrade, want %s", got, head)
		}
	})

	t.Run("an unknown target fails and leaves the database alone", func(t *testing.T) {
		dir, db := sqliteMigrateConfig(t)
		runMigrate(t, dir, "--target", "9999").expect(t, 1, nil, []string{
			`upgrade failed: unknown target revision "9999" (this build knows head, 0001, 0002, 0003, or +N)`,
		})
		if _, err := os.Stat(db); err == nil {
			if rev := revisionIfAny(t, db); rev != "" {
				t.Errorf("alembic_version = %s after a failed run, want none", rev)
			}
		}
	})

	t.Run("a database at a revision this build does not know fails naming it", func(t *testing.T) {
		dir, db := sqliteMigrateConfig(t)
		runMigrate(t, dir).expect(t, 0, nil, nil)
		setSQLiteRevision(t, db, "0004")
		r := runMigrate(t, dir)
		r.expect(t, 1, nil, nil)
		if !strings.HasPrefix(r.stderr, "upgrade failed: ") || !strings.Contains(r.stderr, "revision 0004") {
			t.Errorf("stderr = %q, want an upgrade failure naming revision 0004", r.stderr)
		}
		if got := sqliteRevision(t, db); got != "0004" {
			t.Errorf("alembic_version = %s, want it left at 0004", got)
		}
	})

	t.Run("a missing configuration file is a usage error", func(t *testing.T) {
		r := runMigrate(t, filepath.Join(t.TempDir(), "nope.toml"))
		r.expect(t, 2, nil, nil)
	})
}

func revisionIfAny(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rev string
	err = db.QueryRowContext(t.Context(), "SELECT version_num FROM alembic_version").Scan(&rev)
	if err != nil {
		return ""
	}
	return rev
}

func setSQLiteRevision(t *testing.T, path, rev string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "UPDATE alembic_version SET version_num = ?", rev); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateSkipsMongoDB(t *testing.T) {
	// Nothing listens at this address: the command must not even connect.
	dir := migrateConfig(t, "mongodb://app:s3cret-pw@127.0.0.1:1/app")
	runMigrate(t, dir).expect(t, 0, []string{
		"skip: mongo backends use install_schema() at app start; nothing to migrate.",
	}, nil)
}

func TestMigrateReportsAnUnopenableDatabaseWithoutItsPassword(t *testing.T) {
	const secret = "s3cret-pw-123"
	dir := migrateConfig(t, "postgresql+asyncpg://app:"+secret+"@127.0.0.1:1/app")
	r := runMigrate(t, dir)
	r.expect(t, 1, nil, nil)
	if !strings.HasPrefix(r.stderr, "upgrade failed: open database: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one upgrade-failed line", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, secret) {
		t.Errorf("the password shows:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
}

func TestResolveTarget(t *testing.T) {
	tests := []struct {
		name, target, current, want, err string
	}{
		{"head from an empty database", "head", "", "0003", ""},
		{"an empty target means head", "", "0001", "0003", ""},
		{"a revision id", "0002", "0001", "0002", ""},
		{"the current revision", "0002", "0002", "0002", ""},
		{"+1 from an empty database", "+1", "", "0001", ""},
		{"+1 from 0002", "+1", "0002", "0003", ""},
		{"+1 past head", "+1", "0003", "", "goes past the head revision 0003"},
		{"+0 is not a step", "+0", "0001", "", `invalid relative revision "+0"`},
		{"+x is not a step", "+x", "0001", "", `invalid relative revision "+x"`},
		{"-1 is a downgrade", "-1", "0002", "", "downgrades are not supported"},
		{"base is a downgrade", "base", "0002", "", "downgrades are not supported"},
		{"an older revision is a downgrade", "0001", "0003", "", "downgrades are not supported"},
		{"an unknown revision", "0009", "", "", `unknown target revision "0009"`},
		{"an unknown current revision", "head", "0004", "", "at revision 0004, which this build does not know"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveTarget(tt.target, tt.current)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("resolveTarget(%q, %q) = %q, %v; want an error containing %q", tt.target, tt.current, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("resolveTarget(%q, %q) = %q, %v; want %q", tt.target, tt.current, got, err, tt.want)
			}
		})
	}
	if _, err := resolveTarget("0001", "0003"); !errors.Is(err, errDowngrade) {
		t.Errorf("a downgrade error is %v, want errDowngrade", err)
	}
}

// TestMigrateOnPostgreSQL runs migrate against the server of
// REGSTACK_TEST_POSTGRES_URL, in a schema of its own.
func TestMigrateOnPostgreSQL(t *testing.T) {
	const urlVar = "REGSTACK_TEST_POSTGRES_URL"
	raw := os.Getenv(urlVar)
	if raw == "" {
		msg := urlVar + " is unset: start a server with scripts/services.sh (start_services) to run migrate against PostgreSQL"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s does not parse: %v", urlVar, err)
	}
	u.Scheme = "postgres"
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatalf("connect to %s: %v", urlVar, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "rs_cli_" + hex.EncodeToString(b)
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })

	// The password is for masking only: the test server trusts this user.
	const secret = "not-shown-pw"
	if u.User == nil {
		t.Fatalf("%s names no user", urlVar)
	}
	withPassword := *u
	withPassword.Scheme = "postgresql+asyncpg"
	withPassword.User = url.UserPassword(u.User.Username(), secret)
	q := withPassword.Query()
	q.Set("search_path", schema)
	withPassword.RawQuery = q.Encode()
	masked := strings.Replace(withPassword.String(), ":"+secret+"@", ":***@", 1)
	dir := migrateConfig(t, withPassword.String())

	r := runMigrate(t, dir, "--target", "0001")
	r.expect(t, 0, []string{"upgrading " + masked + " from (empty) to 0001…", "now at 0001"}, nil)
	runMigrate(t, dir, "--target", "+1").expect(t, 0, []string{"now at 0002"}, nil)
	r2 := runMigrate(t, dir)
	r2.expect(t, 0, []string{"upgrading " + masked + " from 0002 to head…", "now at " + sqlstore.HeadRevision}, nil)
	runMigrate(t, dir).expect(t, 0, []string{"already at head (" + sqlstore.HeadRevision + ")"}, nil)
	for _, out := range []string{r.stdout, r.stderr, r2.stdout, r2.stderr} {
		if strings.Contains(out, secret) {
			t.Errorf("the password shows in %q", out)
		}
	}
	var rev string
	if err := conn.QueryRow(t.Context(), "SELECT version_num FROM "+schema+".alembic_version").Scan(&rev); err != nil || rev != sqlstore.HeadRevision {
		t.Errorf("alembic_version = %q, %v; want %s", rev, err, sqlstore.HeadRevision)
	}
}
