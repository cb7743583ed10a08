package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// lockoutWindow is the login_lockout_window_seconds of these tests.
const lockoutWindow = 15 * time.Minute

// lockoutThreshold is the login_lockout_threshold of these tests.
const lockoutThreshold = 5

// recorders is how many goroutines race to record failures of one email:
// enough to overrun the threshold many times over, few enough that a store
// which counts every racer's attempt (Mongo) stays fast.
const recorders = 100

// recordAndCount records one failure and returns its id and count.
func recordAndCount(t *testing.T, e env, email string) (string, int) {
	t.Helper()
	id, n, err := e.store.LoginAttempts().RecordAndCount(e.ctx, email, e.clock.Now(), nil, lockoutWindow)
	must(t, "LoginAttempts().RecordAndCount", err)
	if id == "" {
		t.Fatal("RecordAndCount returned an empty id")
	}
	return id, n
}

func countRecent(t *testing.T, e env, email string, window time.Duration) int {
	t.Helper()
	n, err := e.store.LoginAttempts().CountRecent(e.ctx, email, window, e.clock.Now())
	must(t, "LoginAttempts().CountRecent", err)
	return n
}

func (s *suite) testLoginAttempts(t *testing.T) {
	t.Run("CountRecent counts the attempts of the exact, case-sensitive email", func(t *testing.T) {
		e := s.env(t)
		la := e.store.LoginAttempts()
		for i, email := range []string{"ada@example.com", "ada@example.com", "Ada@example.com", "grace@example.com", "ada@example.com"} {
			var ip *string
			if i%2 == 0 {
				ip = ptr("203.0.113.7")
			}
			must(t, "RecordFailure", la.RecordFailure(e.ctx, email, epoch.Add(-time.Duration(i)*time.Second), ip))
		}
		for email, want := range map[string]int{
			"ada@example.com":    3,
			"Ada@example.com":    1,
			"grace@example.com":  1,
			"nobody@example.com": 0,
		} {
			if got := countRecent(t, e, email, lockoutWindow); got != want {
				t.Errorf("CountRecent(%q) = %d, want %d", email, got, want)
			}
		}
	})

	for _, b := range boundaryNow() {
		t.Run("CountRecent counts attempts at exactly now minus the window, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			edge := b.now.Add(-lockoutWindow)
			for _, when := range []time.Time{edge.Add(-time.Hour), edge.Add(-tick), edge, edge.Add(tick), b.now} {
				must(t, "RecordFailure", e.store.LoginAttempts().RecordFailure(e.ctx, "ada@example.com", when, nil))
			}
			if got := countRecent(t, e, "ada@example.com", lockoutWindow); got != 3 {
				t.Errorf("CountRecent = %d, want 3 (at the window's edge, inside, and now)", got)
			}
		})

		t.Run("PurgeExpired deletes attempts before now minus the window but not at it, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			edge := b.now.Add(-lockoutWindow)
			for _, when := range []time.Time{edge.Add(-time.Hour), edge.Add(-tick), edge, edge.Add(tick), b.now} {
				must(t, "RecordFailure", e.store.LoginAttempts().RecordFailure(e.ctx, "ada@example.com", when, nil))
			}
			n, err := e.store.LoginAttempts().PurgeExpired(e.ctx, b.now, lockoutWindow)
			must(t, "PurgeExpired", err)
			if n != 2 {
				t.Errorf("PurgeExpired = %d, want 2", n)
			}
			// A window of years counts every row left.
			if got := countRecent(t, e, "ada@example.com", 10*365*24*time.Hour); got != 3 {
				t.Errorf("%d attempts left after PurgeExpired, want 3", got)
			}
		})
	}

	t.Run("Clear deletes every attempt of that email only", func(t *testing.T) {
		e := s.env(t)
		la := e.store.LoginAttempts()
		for _, email := range []string{"ada@example.com", "ada@example.com", "Ada@example.com", "grace@example.com"} {
			must(t, "RecordFailure", la.RecordFailure(e.ctx, email, epoch, nil))
		}
		must(t, "Clear", la.Clear(e.ctx, "ada@example.com"))
		must(t, "Clear(unknown)", la.Clear(e.ctx, "nobody@example.com"))
		for email, want := range map[string]int{"ada@example.com": 0, "Ada@example.com": 1, "grace@example.com": 1} {
			if got := countRecent(t, e, email, lockoutWindow); got != want {
				t.Errorf("CountRecent(%q) after Clear = %d, want %d", email, got, want)
			}
		}
	})

	t.Run("RecordAndCount records a failure and counts the window with it", func(t *testing.T) {
		e := s.env(t)
		la := e.store.LoginAttempts()
		// One attempt before the window, one at its edge, one of another email.
		must(t, "RecordFailure", la.RecordFailure(e.ctx, "ada@example.com", epoch.Add(-lockoutWindow-s.opts.TimePrecision), nil))
		must(t, "RecordFailure", la.RecordFailure(e.ctx, "ada@example.com", epoch.Add(-lockoutWindow), nil))
		must(t, "RecordFailure", la.RecordFailure(e.ctx, "grace@example.com", epoch, nil))
		var ids []string
		for want := 2; want <= 4; want++ {
			id, got := recordAndCount(t, e, "ada@example.com")
			if got != want {
				t.Errorf("RecordAndCount #%d counted %d, want %d", want-1, got, want)
			}
			if slices.Contains(ids, id) {
				t.Errorf("RecordAndCount returned the id %q twice", id)
			}
			ids = append(ids, id)
		}
		if got := countRecent(t, e, "ada@example.com", lockoutWindow); got != 4 {
			t.Errorf("CountRecent = %d after three more failures, want 4", got)
		}
		if _, got := recordAndCount(t, e, "Ada@example.com"); got != 1 {
			t.Errorf("RecordAndCount for another spelling counted %d, want 1 (emails match exactly)", got)
		}
	})

	t.Run("Withdraw deletes that one attempt, and a second Withdraw is no error", func(t *testing.T) {
		e := s.env(t)
		la := e.store.LoginAttempts()
		first, _ := recordAndCount(t, e, "ada@example.com")
		recordAndCount(t, e, "ada@example.com")
		other, _ := recordAndCount(t, e, "grace@example.com")
		must(t, "Withdraw", la.Withdraw(e.ctx, first))
		if got := countRecent(t, e, "ada@example.com", lockoutWindow); got != 1 {
			t.Errorf("CountRecent = %d after withdrawing one of two, want 1", got)
		}
		must(t, "Withdraw again", la.Withdraw(e.ctx, first))
		if got := countRecent(t, e, "ada@example.com", lockoutWindow); got != 1 {
			t.Errorf("CountRecent = %d after withdrawing an attempt twice, want 1", got)
		}
		if got := countRecent(t, e, "grace@example.com", lockoutWindow); got != 1 {
			t.Errorf("another email's attempt went with the withdrawal: CountRecent = %d", got)
		}
		must(t, "Clear", la.Clear(e.ctx, "grace@example.com"))
		must(t, "Withdraw after Clear", la.Withdraw(e.ctx, other))
	})

	t.Run(fmt.Sprintf("of %d concurrent RecordAndCount calls for one email at most the threshold count within it", recorders), func(t *testing.T) {
		e := s.env(t)
		la := e.store.LoginAttempts()
		// What Login does: a failure counted past the threshold is a
		// locked attempt, withdrawn at once.
		counts, errs := race(recorders, func(int) (int, error) {
			id, n, err := la.RecordAndCount(e.ctx, "ada@example.com", e.clock.Now(), nil, lockoutWindow)
			if err != nil || n <= lockoutThreshold {
				return n, err
			}
			return n, la.Withdraw(e.ctx, id)
		})
		noErrors(t, "RecordAndCount", errs)
		var admitted []int
		for _, n := range counts {
			if n <= lockoutThreshold {
				admitted = append(admitted, n)
			}
		}
		slices.Sort(admitted)
		if len(admitted) > lockoutThreshold {
			t.Fatalf("%d failures counted within the threshold of %d", len(admitted), lockoutThreshold)
		}
		if got := countRecent(t, e, "ada@example.com", lockoutWindow); got != len(admitted) {
			t.Errorf("%d attempts left, want the %d admitted ones", got, len(admitted))
		}
		if s.opts.UnserialisedRecordAndCount != "" {
			t.Logf("%d admitted (at most %d; fewer are allowed here: %s)", len(admitted), lockoutThreshold, s.opts.UnserialisedRecordAndCount)
			return
		}
		if want := []int{1, 2, 3, 4, 5}; !slices.Equal(admitted, want) {
			t.Errorf("admitted counts %v, want exactly %v (serialised calls count their rank)", admitted, want)
		}
	})
}
