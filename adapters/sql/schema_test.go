package sqlstore

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun/dialect"
)

var spaces = regexp.MustCompile(`\s+`)

// alembicDDL reads the schema statements of a golden Alembic run: split
// on ";", comments, transaction control and alembic_version bookkeeping
// rows left out, whitespace collapsed.
func alembicDDL(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	var out []string
	for _, stmt := range strings.Split(strings.Join(lines, "\n"), ";") {
		stmt = normalise(stmt)
		switch {
		case stmt == "", stmt == "BEGIN", stmt == "COMMIT",
			strings.HasPrefix(stmt, "INSERT INTO alembic_version"),
			strings.HasPrefix(stmt, "UPDATE alembic_version"):
			continue
		}
		out = append(out, stmt)
	}
	return out
}

func normalise(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// upgradeDDL is what Migrate runs on an empty database, without the
// alembic_version rows.
func upgradeDDL(name dialect.Name) []string {
	out := []string{normalise(createTable(name, versionTable, versionTable.name))}
	for _, rev := range revisions {
		for _, stmt := range rev.steps(name) {
			out = append(out, normalise(stmt))
		}
	}
	return out
}

func TestMigrationsEmitWhatAlembicEmits(t *testing.T) {
	tests := []struct {
		name    string
		dialect dialect.Name
		golden  string
	}{
		{"SQLite statements equal Alembic's", dialect.SQLite, "testdata/alembic_sqlite.sql"},
		{"PostgreSQL statements equal Alembic's", dialect.PG, "testdata/alembic_postgresql.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := alembicDDL(t, tt.golden)
			got := upgradeDDL(tt.dialect)
			if !slices.Equal(got, want) {
				for i := range max(len(got), len(want)) {
					var g, w string
					if i < len(got) {
						g = got[i]
					}
					if i < len(want) {
						w = want[i]
					}
					if g != w {
						t.Errorf("statement %d:\n got: %s\nwant: %s", i, g, w)
					}
				}
			}
		})
	}
}

func TestRevisionChainIsLinearAndEndsAtHead(t *testing.T) {
	ids := make([]string, len(revisions))
	for i, r := range revisions {
		ids[i] = r.id
	}
	if want := []string{"0001", "0002", "0003"}; !slices.Equal(ids, want) {
		t.Fatalf("revisions = %v, want %v", ids, want)
	}
	if ids[len(ids)-1] != HeadRevision {
		t.Fatalf("HeadRevision = %s, want the last revision %s", HeadRevision, ids[len(ids)-1])
	}
}
