package postgres_test

import (
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"
)

// TestConformance runs the store contract suite, each test on a store in
// a schema of its own.
func TestConformance(t *testing.T) {
	serverURL(t)
	start := time.Now()
	t.Cleanup(func() { t.Logf("conformance suite took %s", time.Since(start).Round(time.Millisecond)) })
	storetest.Run(t, func(t *testing.T, clock regstack.Clock) regstack.Store {
		t.Helper()
		u, _ := freshSchema(t)
		st := openStore(t, u, clock)
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		return st
	})
}
