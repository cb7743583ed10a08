package postgres_test

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// RecordAndCount serialises calls for one email with an advisory lock,
// which only helps when each count sees the rows committed while it
// waited: a database whose default isolation is REPEATABLE READ or
// SERIALIZABLE would take the snapshot before the lock is granted (and
// count too few, or fail with a serialisation error) unless the store
// asks for READ COMMITTED itself.
func TestRecordAndCountIgnoresTheDefaultIsolationLevel(t *testing.T) {
	for _, level := range []string{"repeatable read", "serializable"} {
		t.Run("default_transaction_isolation = "+level, func(t *testing.T) {
			u, _ := freshSchema(t)
			// pgx sends unknown URL parameters as run-time settings; like
			// libpq it reads "+" literally, so the space is %20.
			withLevel := withParam(mustParse(t, u), "default_transaction_isolation", level)
			withLevel.RawQuery = strings.ReplaceAll(withLevel.RawQuery, "+", "%20")
			st := openStore(t, withLevel.String(), nil)
			if err := st.InstallSchema(t.Context()); err != nil {
				t.Fatalf("InstallSchema: %v", err)
			}
			const calls = 40
			var (
				wg     sync.WaitGroup
				mu     sync.Mutex
				counts []int
			)
			now := time.Now()
			for range calls {
				wg.Go(func() {
					_, n, err := st.LoginAttempts().RecordAndCount(t.Context(), "race@example.com", now, nil, time.Hour)
					if err != nil {
						t.Errorf("RecordAndCount: %v", err)
						return
					}
					mu.Lock()
					counts = append(counts, n)
					mu.Unlock()
				})
			}
			wg.Wait()
			slices.Sort(counts)
			for i, n := range counts {
				if n != i+1 {
					t.Fatalf("counts = %v; want each of 1..%d once (every call sees the ones before it)", counts, calls)
				}
			}
		})
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
