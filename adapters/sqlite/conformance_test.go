package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"

	"github.com/regstack/regstack/adapters/sqlite"
)

// TestConformance runs the store contract suite on a file database (a
// fresh file per test) and on an in-memory one.
func TestConformance(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"on a file database", func(t *testing.T) string {
			return "sqlite:///" + filepath.ToSlash(filepath.Join(t.TempDir(), "x.db"))
		}},
		{"on an in-memory database", func(*testing.T) string { return "sqlite:///:memory:" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, clock regstack.Clock) regstack.Store {
				t.Helper()
				store, err := sqlite.Open(t.Context(), tt.url(t), regstack.StoreOptions{
					Clock:  clock,
					Logger: slog.New(slog.DiscardHandler),
				})
				if err != nil {
					t.Fatalf("sqlite.Open: %v", err)
				}
				t.Cleanup(func() {
					if err := store.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
				if err := store.InstallSchema(t.Context()); err != nil {
					t.Fatalf("InstallSchema: %v", err)
				}
				return store
			})
		})
	}
}
