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
		UnserialisedRecordAndCount: "the adapter uses no transactions (standalone servers and FerretDB v1 have none), " +
			"so RecordAndCount inserts, then counts: racers whose inserts all land before any count all count past the threshold",
	}
	if isFerretDB(t) {
		opts.SkipWrongGuessRace = "the server is FerretDB, whose findAndModify is a read and a separate write (measured on v1.24.2), " +
			"so the guarded $inc that counts a wrong MFA guess is not atomic there and concurrent wrong guesses can exceed max_attempts; MongoDB applies it atomically"
	}
	storetest.RunWithOptions(t, func(t *testing.T, clock regstack.Clock) regstack.Store {
		t.Helper()
		st, _ := installed(t, clock)
		return st
	}, opts)
}
