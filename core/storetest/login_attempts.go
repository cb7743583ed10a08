package storetest

import (
	"testing"
	"time"
)

// lockoutWindow is the login_lockout_window_seconds of these tests.
const lockoutWindow = 15 * time.Minute

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
}
