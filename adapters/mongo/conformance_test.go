package mongo_test

import (
	"regexp"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"
)

// TestConformance runs the store contract suite, each leaf test in a
// database of its own.
func TestConformance(t *testing.T) {
	opts := storetest.Options{
		TimePrecision: time.Millisecond,
		UserID:        regexp.MustCompile(`^[0-9a-f]{24}$`),
	}
	if v := ferretDBVersion(t); v != "" {
		opts.SkipWrongGuessRace = "FerretDB " + v + " runs findAndModify as a separate read and write, so a guarded $inc is not atomic there and concurrent wrong MFA guesses can exceed max_attempts; MongoDB applies it atomically"
	}
	storetest.RunWithOptions(t, func(t *testing.T, clock regstack.Clock) regstack.Store {
		t.Helper()
		st, _ := installed(t, clock)
		return st
	}, opts)
}
