package sqlite

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseURL(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		url    string
		path   string
		memory bool
		query  string
	}{
		{"a ./ path is relative to the working directory", "sqlite:///./x.db", filepath.Join(cwd, "x.db"), false, ""},
		{"a bare path is relative to the working directory", "sqlite:///x.db", filepath.Join(cwd, "x.db"), false, ""},
		{"a fourth slash makes the path absolute", "sqlite:////var/lib/app/x.db", "/var/lib/app/x.db", false, ""},
		{"the Python driver suffix is ignored", "sqlite+aiosqlite:///./regstack.db", filepath.Join(cwd, "regstack.db"), false, ""},
		{"the scheme is case-insensitive", "SQLite:////tmp/x.db", "/tmp/x.db", false, ""},
		{":memory: is in-memory", "sqlite:///:memory:", "", true, ""},
		{"the Python driver suffix works in memory too", "sqlite+aiosqlite:///:memory:", "", true, ""},
		{"no database at all is in-memory, as in SQLAlchemy", "sqlite://", "", true, ""},
		{"query parameters pass through", "sqlite:////tmp/x.db?mode=rwc", "/tmp/x.db", false, "mode=rwc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := parseURL(tt.url)
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.url, err)
			}
			if loc.path != tt.path || loc.memory != tt.memory || loc.params.Encode() != tt.query {
				t.Errorf("parseURL(%q) = %+v, want path %q memory %v query %q", tt.url, loc, tt.path, tt.memory, tt.query)
			}
		})
	}
}

func TestParseURLRefusesOtherURLs(t *testing.T) {
	for _, url := range []string{
		"postgresql://u:p@host/db",
		"sqlite:/x.db",
		"sqlite://host/x.db",
		"./x.db",
		"sqlite:///x.db?%zz",
	} {
		if loc, err := parseURL(url); err == nil {
			t.Errorf("parseURL(%q) = %+v, want an error", url, loc)
		}
	}
}

func TestDSNKeepsOddPathsIntact(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a b#c%20d.db") // taken literally, not URL-decoded
	st, err := Open(t.Context(), "sqlite:///"+path, defaultTestOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at %q: %v", path, err)
	}
}
