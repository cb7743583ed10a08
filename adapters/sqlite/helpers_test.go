package sqlite_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"

	"github.com/regstack/regstack/adapters/sqlite"
)

// The instants of the Python fixture (testdata/python_0002.sql).
var (
	pyEpoch      = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	aliceID      = "0f8fad5bd9cb469fa16570867728950e"
	bobID        = "7c9e6679742540de944be07fc1f90ae7"
	pyCodeHash   = "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92" // SHA-256 of "123456"
	pyArgon2Hash = "$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$hTsnKkTbFCHAKWJmmlXrCZTzyrOF7RxMeSU+7hm6tJ4"
)

// migrator is what `regstack migrate` needs beyond regstack.Store.
type migrator interface {
	Migrate(ctx context.Context, target string) error
	CurrentRevision(ctx context.Context) (string, error)
}

// tempDBPath is a database file in a fresh temporary directory.
func tempDBPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "regstack.db")
}

// openFileStore opens the store on the database file at path (closed at
// cleanup) without installing the schema.
func openFileStore(t *testing.T, path string, clock regstack.Clock) regstack.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), "sqlite:///"+filepath.ToSlash(path), regstack.StoreOptions{
		Clock:  clock,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// installedStore opens path and migrates it to head.
func installedStore(t *testing.T, path string, clock regstack.Clock) regstack.Store {
	t.Helper()
	st := openFileStore(t, path, clock)
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatalf("InstallSchema: %v", err)
	}
	return st
}

// rawDB opens path with the driver alone, for looking behind the store.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// runScript executes a testdata SQL script against a new database file
// and returns the file's path.
func runScript(t *testing.T, script string) string {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	path := tempDBPath(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), string(body)); err != nil {
		t.Fatalf("load %s: %v", script, err)
	}
	return path
}

// loadPythonFixture is a copy of the database Python 0.5.0 made.
func loadPythonFixture(t *testing.T) string {
	t.Helper()
	return runScript(t, "python_0002.sql")
}

var whitespace = regexp.MustCompile(`\s+`)

// schemaOf lists sqlite_master (tables, indexes and the automatic indexes
// behind UNIQUE constraints) with whitespace collapsed, sorted.
func schemaOf(t *testing.T, path string) []string {
	t.Helper()
	rows, err := rawDB(t, path).QueryContext(t.Context(),
		"SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, name, tbl, ddl string
		if err := rows.Scan(&typ, &name, &tbl, &ddl); err != nil {
			t.Fatal(err)
		}
		ddl = strings.TrimSpace(whitespace.ReplaceAllString(ddl, " "))
		out = append(out, typ+" "+name+" ON "+tbl+": "+ddl)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// rawString runs a one-value query behind the store's back.
func rawString(t *testing.T, path, query string, args ...any) string {
	t.Helper()
	var v sql.NullString
	if err := rawDB(t, path).QueryRowContext(t.Context(), query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v.String
}

func newClock(now time.Time) *storetest.Clock { return storetest.NewClock(now) }

func ptr[T any](v T) *T { return &v }
