package storetest

import (
	"context"
	"regexp"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// Factory opens a fresh, empty store with its schema installed, whose
// writes read "now" from clock. It registers the store's Close (and the
// removal of anything it created) with t.Cleanup, and fails t when the
// store cannot be opened.
type Factory func(t *testing.T, clock regstack.Clock) regstack.Store

// Options describe what legitimately differs between backends.
type Options struct {
	// TimePrecision is the finest unit of time the store keeps:
	// time.Microsecond for SQL (the default), time.Millisecond for MongoDB.
	// Times written with finer detail come back truncated to it.
	TimePrecision time.Duration
	// UserID matches every id UserStore.Create assigns. The default is 32
	// lowercase hex characters (SQL); MongoDB passes 24 hex characters.
	UserID *regexp.Regexp
	// SkipWrongGuessRace, when not empty, skips the race of concurrent
	// wrong MFA guesses with this text as the reason. Only for a server
	// that cannot count them atomically (FerretDB v1, whose findAndModify
	// is a read and a separate write); the reason must name that limit.
	SkipWrongGuessRace string
	// UnserialisedRecordAndCount, when not empty, holds
	// LoginAttempts.RecordAndCount only to its weaker guarantee under
	// concurrency: at most the lockout threshold of racing calls count
	// within it, possibly fewer (none when every racer inserts before any
	// counts). Only for a store without transactions (MongoDB); the text
	// says why and is logged.
	UnserialisedRecordAndCount string
}

// Run runs the whole conformance suite against stores from open with the
// SQL defaults of Options.
func Run(t *testing.T, open Factory) {
	t.Helper()
	RunWithOptions(t, open, Options{})
}

// RunWithOptions runs the whole conformance suite against stores from open.
// Every leaf test opens its own store.
func RunWithOptions(t *testing.T, open Factory, opts Options) {
	t.Helper()
	if opts.TimePrecision <= 0 {
		opts.TimePrecision = time.Microsecond
	}
	if opts.UserID == nil {
		opts.UserID = regexp.MustCompile(`^[0-9a-f]{32}$`)
	}
	s := &suite{open: open, opts: opts}
	t.Run("UserStore", s.testUsers)
	t.Run("PendingStore", s.testPending)
	t.Run("Blacklist", s.testBlacklist)
	t.Run("LoginAttempts", s.testLoginAttempts)
	t.Run("MFACodes", s.testMFACodes)
	t.Run("OAuthIdentities", s.testOAuthIdentities)
	t.Run("OAuthStates", s.testOAuthStates)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("SessionReader", s.testSessionReader)
}

// suite carries what every test of one Run needs.
type suite struct {
	open Factory
	opts Options
}

// env is one test's store and the clock it reads.
type env struct {
	ctx   context.Context
	clock *Clock
	store regstack.Store
}

// epoch is where every test's clock starts. It has whole milliseconds so
// that equality checks hold on every backend; the precision tests add
// their own sub-millisecond parts.
var epoch = time.Date(2030, time.March, 4, 5, 6, 7, 891_000_000, time.UTC)

// env opens a fresh store whose clock stands at epoch.
func (s *suite) env(t *testing.T) env {
	t.Helper()
	clock := NewClock(epoch)
	st := s.open(t, clock)
	if st == nil {
		t.Fatal("the factory returned a nil store")
	}
	return env{ctx: t.Context(), clock: clock, store: st}
}

// boundaryNow lists the instants the expiry-boundary tests run at: a whole
// second catches encodings that drop a zero fraction (which sort wrongly as
// text), a sub-second instant catches those that drop the fraction.
func boundaryNow() []struct {
	name string
	now  time.Time
} {
	return []struct {
		name string
		now  time.Time
	}{
		{"at a whole second", time.Date(2030, time.March, 4, 5, 6, 7, 0, time.UTC)},
		{"at a sub-second instant", epoch},
	}
}
