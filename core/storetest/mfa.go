package storetest

import (
	"fmt"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func sampleCode(userID, kind, code string, expiresAt time.Time, maxAttempts int) *regstack.MFACode {
	return &regstack.MFACode{
		UserID:      userID,
		Kind:        kind,
		CodeHash:    sha256Hex(code),
		ExpiresAt:   expiresAt,
		MaxAttempts: maxAttempts,
		CreatedAt:   epoch,
	}
}

func putCode(t *testing.T, e env, c *regstack.MFACode) *regstack.MFACode {
	t.Helper()
	must(t, "MFACodes().Put", e.store.MFACodes().Put(e.ctx, c))
	return c
}

func findCode(t *testing.T, e env, userID, kind string) *regstack.MFACode {
	t.Helper()
	c, err := e.store.MFACodes().Find(e.ctx, userID, kind)
	must(t, "MFACodes().Find", err)
	return c
}

func verifyCode(t *testing.T, e env, userID, kind, code string) regstack.MFACheck {
	t.Helper()
	got, err := e.store.MFACodes().Verify(e.ctx, userID, kind, sha256Hex(code), e.clock.Now())
	must(t, "MFACodes().Verify", err)
	return got
}

// wantOutcome fails t unless got has outcome want, and for MFAWrong also
// remaining guesses; the Remaining of other outcomes is unspecified.
func wantOutcome(t *testing.T, what string, got regstack.MFACheck, want regstack.MFAOutcome, remaining int) {
	t.Helper()
	if got.Outcome != want || (want == regstack.MFAWrong && got.Remaining != remaining) {
		w := outcomeName(want)
		if want == regstack.MFAWrong {
			w = fmt.Sprintf("WRONG(%d)", remaining)
		}
		t.Errorf("%s: Verify = %s, want %s", what, checkName(got), w)
	}
}

func outcomeName(o regstack.MFAOutcome) string {
	switch o {
	case regstack.MFAMissing:
		return "MISSING"
	case regstack.MFALocked:
		return "LOCKED"
	case regstack.MFAExpired:
		return "EXPIRED"
	case regstack.MFAWrong:
		return "WRONG"
	case regstack.MFAOK:
		return "OK"
	default:
		return fmt.Sprintf("MFAOutcome(%d)", int(o))
	}
}

func checkName(c regstack.MFACheck) string {
	if c.Outcome == regstack.MFAWrong {
		return fmt.Sprintf("WRONG(%d)", c.Remaining)
	}
	return outcomeName(c.Outcome)
}

const (
	mfaUser     = "user-with-codes"
	mfaOther    = "another-user"
	rightCode   = "123456"
	wrongCode   = "654321"
	maxAttempts = 5 // sms_code_max_attempts by default
)

func (s *suite) testMFACodes(t *testing.T) {
	t.Run("Put stores a code that Find returns with no attempts counted", func(t *testing.T) {
		e := s.env(t)
		c := putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		checkFields(t, "Find", c, findCode(t, e, mfaUser, regstack.MFAKindLoginMFA), "ID")
		for _, k := range []struct{ user, kind string }{
			{mfaUser, regstack.MFAKindPhoneSetup},
			{mfaOther, regstack.MFAKindLoginMFA},
		} {
			if got := findCode(t, e, k.user, k.kind); got != nil {
				t.Errorf("Find(%q, %q) = %+v, want nil", k.user, k.kind, got)
			}
		}
	})

	t.Run("Put replaces the code of the same user and kind and resets its attempts", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		setup := putCode(t, e, sampleCode(mfaUser, regstack.MFAKindPhoneSetup, "999999", epoch.Add(5*time.Minute), maxAttempts))
		wantOutcome(t, "wrong guess", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, wrongCode), regstack.MFAWrong, 4)
		now := e.clock.Advance(time.Minute)
		replacement := sampleCode(mfaUser, regstack.MFAKindLoginMFA, "111111", now.Add(5*time.Minute), 3)
		replacement.CreatedAt = now
		putCode(t, e, replacement)
		checkFields(t, "Find after Put", replacement, findCode(t, e, mfaUser, regstack.MFAKindLoginMFA), "ID")
		wantOutcome(t, "the replaced code", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAWrong, 2)
		checkFields(t, "the other kind", setup, findCode(t, e, mfaUser, regstack.MFAKindPhoneSetup), "ID")
		wantOutcome(t, "the new code", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, "111111"), regstack.MFAOK, 0)
	})

	t.Run("Verify reports MISSING when the user has no code of that kind", func(t *testing.T) {
		e := s.env(t)
		wantOutcome(t, "empty store", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAMissing, 0)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindPhoneSetup, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		putCode(t, e, sampleCode(mfaOther, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		wantOutcome(t, "codes of another kind and user only", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAMissing, 0)
	})

	t.Run("Verify accepts the correct code once and deletes it", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		wantOutcome(t, "first use", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAOK, 0)
		if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
			t.Errorf("Find after OK = %+v, want nil", got)
		}
		wantOutcome(t, "second use", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAMissing, 0)
	})

	t.Run("Verify counts wrong guesses down, then locks and deletes the code at max_attempts", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		for attempt := 1; attempt < maxAttempts; attempt++ {
			wantOutcome(t, fmt.Sprintf("wrong guess %d", attempt), verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, wrongCode), regstack.MFAWrong, maxAttempts-attempt)
			if c := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); c == nil || c.Attempts != attempt {
				t.Fatalf("after wrong guess %d Find = %+v, want a code with %d attempts", attempt, c, attempt)
			}
		}
		wantOutcome(t, "last wrong guess", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, wrongCode), regstack.MFALocked, 0)
		if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
			t.Errorf("Find after LOCKED = %+v, want nil (the code is deleted)", got)
		}
		wantOutcome(t, "the right code afterwards", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAMissing, 0)
	})

	t.Run("Verify locks on the first wrong guess when max_attempts is 1", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), 1))
		wantOutcome(t, "wrong guess", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, wrongCode), regstack.MFALocked, 0)
		if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
			t.Errorf("Find after LOCKED = %+v, want nil", got)
		}
	})

	t.Run("Verify accepts the correct code after fewer than max_attempts wrong guesses", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(5*time.Minute), maxAttempts))
		for range maxAttempts - 1 {
			verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, wrongCode)
		}
		wantOutcome(t, "right code", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAOK, 0)
	})

	for _, tt := range []struct {
		name string
		code string
	}{
		{"the correct code", rightCode},
		{"a wrong code", wrongCode},
	} {
		t.Run("Verify reports EXPIRED and deletes the code when expires_at is now, for "+tt.name, func(t *testing.T) {
			e := s.env(t)
			putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch, maxAttempts))
			wantOutcome(t, "at expires_at", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, tt.code), regstack.MFAExpired, 0)
			if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
				t.Errorf("Find after EXPIRED = %+v, want nil", got)
			}
			wantOutcome(t, "afterwards", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAMissing, 0)
		})
	}

	t.Run("Verify accepts the correct code one tick before expires_at", func(t *testing.T) {
		e := s.env(t)
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(s.opts.TimePrecision), maxAttempts))
		wantOutcome(t, "just before expiry", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFAOK, 0)
	})

	for _, tt := range []struct {
		name      string
		expiresAt time.Time
	}{
		{"while unexpired", epoch.Add(5 * time.Minute)},
		{"before checking expiry", epoch.Add(-time.Minute)},
	} {
		t.Run("Verify reports LOCKED and deletes a code whose attempts reached max_attempts, "+tt.name, func(t *testing.T) {
			e := s.env(t)
			// max_attempts 0 is the only way through the port to a stored
			// code with attempts >= max_attempts.
			putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, tt.expiresAt, 0))
			wantOutcome(t, "the correct code", verifyCode(t, e, mfaUser, regstack.MFAKindLoginMFA, rightCode), regstack.MFALocked, 0)
			if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
				t.Errorf("Find after LOCKED = %+v, want nil", got)
			}
		})
	}

	t.Run("Delete removes one kind, or every kind of the user when kind is empty", func(t *testing.T) {
		e := s.env(t)
		codes := map[[2]string]*regstack.MFACode{}
		for _, user := range []string{mfaUser, mfaOther} {
			for _, kind := range []string{regstack.MFAKindLoginMFA, regstack.MFAKindPhoneSetup} {
				codes[[2]string{user, kind}] = putCode(t, e, sampleCode(user, kind, rightCode, epoch.Add(time.Minute), maxAttempts))
			}
		}
		must(t, "Delete(login_mfa)", e.store.MFACodes().Delete(e.ctx, mfaUser, regstack.MFAKindLoginMFA))
		if got := findCode(t, e, mfaUser, regstack.MFAKindLoginMFA); got != nil {
			t.Errorf("Find(login_mfa) after Delete(login_mfa) = %+v, want nil", got)
		}
		checkFields(t, "phone_setup after Delete(login_mfa)", codes[[2]string{mfaUser, regstack.MFAKindPhoneSetup}], findCode(t, e, mfaUser, regstack.MFAKindPhoneSetup), "ID")
		must(t, "Delete(login_mfa) again", e.store.MFACodes().Delete(e.ctx, mfaUser, regstack.MFAKindLoginMFA))
		putCode(t, e, sampleCode(mfaUser, regstack.MFAKindLoginMFA, rightCode, epoch.Add(time.Minute), maxAttempts))
		must(t, `Delete("")`, e.store.MFACodes().Delete(e.ctx, mfaUser, ""))
		for _, kind := range []string{regstack.MFAKindLoginMFA, regstack.MFAKindPhoneSetup} {
			if got := findCode(t, e, mfaUser, kind); got != nil {
				t.Errorf(`Find(%q) after Delete("") = %+v, want nil`, kind, got)
			}
			checkFields(t, "the other user's "+kind, codes[[2]string{mfaOther, kind}], findCode(t, e, mfaOther, kind), "ID")
		}
		must(t, "Delete(unknown user)", e.store.MFACodes().Delete(e.ctx, "nobody", ""))
	})

	for _, b := range boundaryNow() {
		t.Run("PurgeExpired deletes codes with expires_at before now but not at now, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			rows := map[string]time.Time{
				"long-ago": b.now.Add(-24 * time.Hour),
				"before":   b.now.Add(-tick),
				"at":       b.now,
				"after":    b.now.Add(tick),
			}
			for user, exp := range rows {
				putCode(t, e, sampleCode(user, regstack.MFAKindLoginMFA, rightCode, exp, maxAttempts))
			}
			n, err := e.store.MFACodes().PurgeExpired(e.ctx, b.now)
			must(t, "PurgeExpired", err)
			if n != 2 {
				t.Errorf("PurgeExpired = %d, want 2", n)
			}
			for user, exp := range rows {
				got := findCode(t, e, user, regstack.MFAKindLoginMFA)
				if kept := !exp.Before(b.now); kept != (got != nil) {
					t.Errorf("code with expires_at - now = %v: present = %v, want %v", exp.Sub(b.now), got != nil, kept)
				}
			}
		})
	}
}
