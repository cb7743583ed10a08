package storetest

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// writers is how many goroutines race for each race-free replace.
const writers = 50

func (s *suite) testConcurrency(t *testing.T) {
	t.Run(fmt.Sprintf("of %d concurrent ConsumeByTokenHash calls for one token exactly one gets the row", racers), func(t *testing.T) {
		e := s.env(t)
		upsertPending(t, e, samplePending("ada@example.com", "token-1", epoch.Add(time.Hour)))
		rows, errs := race(racers, func(int) (*regstack.PendingRegistration, error) {
			return e.store.Pending().ConsumeByTokenHash(e.ctx, sha256Hex("token-1"))
		})
		noErrors(t, "ConsumeByTokenHash", errs)
		if got := countIf(rows, func(p *regstack.PendingRegistration) bool { return p != nil }); got != 1 {
			t.Errorf("%d callers got the row, want exactly 1", got)
		}
		if left := findPendingByEmail(t, e, "ada@example.com"); left != nil {
			t.Errorf("the row is still there after the race")
		}
	})

	t.Run(fmt.Sprintf("of %d concurrent Claim calls for one jti exactly one reports true", racers), func(t *testing.T) {
		e := s.env(t)
		claimed, errs := race(racers, func(int) (bool, error) {
			return e.store.Blacklist().Claim(e.ctx, "jti-1", epoch.Add(time.Hour))
		})
		noErrors(t, "Claim", errs)
		if got := countIf(claimed, func(b bool) bool { return b }); got != 1 {
			t.Errorf("%d callers claimed the jti, want exactly 1", got)
		}
		if !isRevoked(t, e, "jti-1") {
			t.Errorf("IsRevoked = false after the race")
		}
	})

	t.Run(fmt.Sprintf("of %d concurrent Verify calls with the correct code exactly one is OK", racers), func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		checks, errs := race(racers, func(int) (regstack.MFACheck, error) {
			return e.store.MFACodes().Verify(e.ctx, mfaUser, regstack.MFAKindLoginMFA, sha256Hex(rightCode), e.clock.Now())
		})
		noErrors(t, "Verify", errs)
		tally := tallyOutcomes(checks)
		if tally[regstack.MFAOK] != 1 || tally[regstack.MFAMissing] != racers-1 {
			t.Errorf("outcomes %s, want exactly one OK and MISSING for the rest", tallyString(tally))
		}
		if left := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); left != nil {
			t.Errorf("the code is still there after the race: %+v", left)
		}
	})

	t.Run(fmt.Sprintf("of %d concurrent Verify calls with wrong codes at most max_attempts count", racers), func(t *testing.T) {
		if s.opts.SkipWrongGuessRace != "" {
			t.Skip(s.opts.SkipWrongGuessRace)
		}
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))

		// Watch the row while the racers run: attempts must never pass
		// max_attempts, not even for a moment.
		stop := make(chan struct{})
		var watcher sync.WaitGroup
		var mostSeen int
		var watchErr error
		watcher.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := e.store.MFACodes().Find(e.ctx, mfaUser, regstack.MFAKindLoginMFA)
				if err != nil {
					watchErr = err
					return
				}
				if c != nil {
					mostSeen = max(mostSeen, c.Attempts)
				}
			}
		})
		checks, errs := race(racers, func(i int) (regstack.MFACheck, error) {
			return e.store.MFACodes().Verify(e.ctx, mfaUser, regstack.MFAKindLoginMFA, sha256Hex(fmt.Sprintf("%06d", i+200000)), e.clock.Now())
		})
		close(stop)
		watcher.Wait()

		noErrors(t, "Verify", errs)
		if watchErr != nil {
			t.Errorf("Find while racing: %v", watchErr)
		}
		if mostSeen > maxAttempts {
			t.Errorf("the code's attempts reached %d, more than max_attempts %d", mostSeen, maxAttempts)
		}
		tally := tallyOutcomes(checks)
		remaining := map[int]int{} // remaining guesses reported → how often
		for _, c := range checks {
			if c.Outcome == regstack.MFAWrong {
				remaining[c.Remaining]++
			}
		}
		if !maps.Equal(remaining, map[int]int{1: 1, 2: 1, 3: 1, 4: 1}) {
			t.Errorf("WRONG outcomes reported remaining:count %v, want each of 4, 3, 2, 1 exactly once", remaining)
		}
		if tally[regstack.MFALocked] < 1 || tally[regstack.MFAWrong]+tally[regstack.MFALocked]+tally[regstack.MFAMissing] != racers {
			t.Errorf("outcomes %s, want 4 WRONG, at least one LOCKED, and LOCKED or MISSING for the rest", tallyString(tally))
		}
		if left := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); left != nil {
			t.Errorf("the locked code is still there after the race: %+v", left)
		}
	})

	t.Run(fmt.Sprintf("of %d concurrent Complete calls for one state exactly one applies", racers), func(t *testing.T) {
		e := s.env(t)
		createState(t, e, sampleState("state-1", epoch.Add(stateTTL)))
		applied, errs := race(racers, func(i int) (bool, error) {
			return e.store.OAuthStates().Complete(e.ctx, "state-1", fmt.Sprintf("jwt-%d", i), i%2 == 0, epoch.Add(time.Duration(i+1)*time.Second))
		})
		noErrors(t, "Complete", errs)
		winner := slices.Index(applied, true)
		if got := countIf(applied, func(b bool) bool { return b }); got != 1 {
			t.Fatalf("%d Complete calls applied, want exactly 1", got)
		}
		got := findState(t, e, "state-1")
		if got == nil {
			t.Fatalf("the state is gone after the race")
		}
		if got.ResultToken == nil || *got.ResultToken != fmt.Sprintf("jwt-%d", winner) ||
			got.ResultWasNew != (winner%2 == 0) || !got.ExpiresAt.Equal(epoch.Add(time.Duration(winner+1)*time.Second)) {
			t.Errorf("the state holds result %s, was_new %v, expires_at %v; want the winner's jwt-%d, %v, %v",
				show(got.ResultToken), got.ResultWasNew, got.ExpiresAt, winner, winner%2 == 0, epoch.Add(time.Duration(winner+1)*time.Second))
		}
	})

	t.Run(fmt.Sprintf("of %d concurrent Consume calls for one state exactly one gets the row", racers), func(t *testing.T) {
		e := s.env(t)
		createState(t, e, sampleState("state-1", epoch.Add(stateTTL)))
		rows, errs := race(racers, func(int) (*regstack.OAuthState, error) {
			return e.store.OAuthStates().Consume(e.ctx, "state-1")
		})
		noErrors(t, "Consume", errs)
		if got := countIf(rows, func(st *regstack.OAuthState) bool { return st != nil }); got != 1 {
			t.Errorf("%d callers got the row, want exactly 1", got)
		}
		if left := findState(t, e, "state-1"); left != nil {
			t.Errorf("the state is still there after the race")
		}
	})

	t.Run(fmt.Sprintf("%d concurrent Upserts for one email all succeed and leave exactly one row", writers), func(t *testing.T) {
		e := s.env(t)
		_, errs := race(writers, func(i int) (struct{}, error) {
			return struct{}{}, e.store.Pending().Upsert(e.ctx, samplePending("ada@example.com", fmt.Sprintf("token-%d", i), epoch.Add(time.Hour)))
		})
		noErrors(t, "Upsert", errs)
		n, err := e.store.Pending().CountUnexpired(e.ctx, epoch)
		must(t, "CountUnexpired", err)
		if n != 1 {
			t.Errorf("CountUnexpired = %d after the race, want 1", n)
		}
		row := findPendingByEmail(t, e, "ada@example.com")
		if row == nil {
			t.Fatalf("FindByEmail = nil after the race")
		}
		findable := 0
		for i := range writers {
			if p := findPendingByToken(t, e, sha256Hex(fmt.Sprintf("token-%d", i))); p != nil {
				findable++
				if p.TokenHash != row.TokenHash {
					t.Errorf("token-%d finds a row that FindByEmail does not return", i)
				}
			}
		}
		if findable != 1 {
			t.Errorf("%d of the racing tokens still work, want exactly 1", findable)
		}
	})

	t.Run(fmt.Sprintf("%d concurrent Puts for one user and kind all succeed and leave one working code", writers), func(t *testing.T) {
		e := s.env(t)
		_, errs := race(writers, func(i int) (struct{}, error) {
			c := sampleCode(mfaUser, regstack.MFAKindLoginMFA, fmt.Sprintf("%06d", i), epoch.Add(5*time.Minute), maxAttempts)
			return struct{}{}, e.store.MFACodes().Put(e.ctx, c)
		})
		noErrors(t, "Put", errs)
		c := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA)
		if c == nil {
			t.Fatalf("Find = nil after the race")
		}
		winner := -1
		for i := range writers {
			if sha256Hex(fmt.Sprintf("%06d", i)) == c.CodeHash {
				winner = i
			}
		}
		if winner < 0 || c.Attempts != 0 {
			t.Fatalf("the stored code is none of the racers' (attempts %d)", c.Attempts)
		}
		wantOutcome(t, "the surviving code", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, fmt.Sprintf("%06d", winner)), regstack.MFAOK, 0)
	})
}

func countIf[T any](xs []T, ok func(T) bool) int {
	n := 0
	for _, x := range xs {
		if ok(x) {
			n++
		}
	}
	return n
}

func tallyOutcomes(checks []regstack.MFACheck) map[regstack.MFAOutcome]int {
	tally := map[regstack.MFAOutcome]int{}
	for _, c := range checks {
		tally[c.Outcome]++
	}
	return tally
}

func tallyString(tally map[regstack.MFAOutcome]int) string {
	out := ""
	for _, o := range []regstack.MFAOutcome{regstack.MFAMissing, regstack.MFALocked, regstack.MFAExpired, regstack.MFAWrong, regstack.MFAOK} {
		if tally[o] > 0 {
			out += fmt.Sprintf(" %s×%d", outcomeName(o), tally[o])
		}
	}
	return "[" + out + " ]"
}
