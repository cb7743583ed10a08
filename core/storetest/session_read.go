package storetest

import (
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// sessionReader returns the store as a regstack.SessionReader, skipping
// the test when the store does not offer that optional capability
// (Authenticate then makes the two reads itself, which the UserStore and
// Blacklist tests cover).
func sessionReader(t *testing.T, e env) regstack.SessionReader {
	t.Helper()
	sr, ok := e.store.(regstack.SessionReader)
	if !ok {
		t.Skipf("%T does not implement the optional regstack.SessionReader", e.store)
	}
	return sr
}

// readSession calls ReadSession and fails t on an error.
func readSession(t *testing.T, e env, sr regstack.SessionReader, userID, jti string) (*regstack.User, bool) {
	t.Helper()
	u, revoked, err := sr.ReadSession(e.ctx, userID, jti)
	must(t, "ReadSession", err)
	return u, revoked
}

// testSessionReader checks that ReadSession answers exactly what
// Blacklist().IsRevoked and Users().GetByID answer for the same keys.
func (s *suite) testSessionReader(t *testing.T) {
	t.Run("it returns the user as GetByID does, with every field, and an unrevoked jti", func(t *testing.T) {
		e := s.env(t)
		sr := sessionReader(t, e)
		full := sampleUser("full@example.com")
		full.IsVerified, full.IsSuperuser, full.IsMFAEnabled = true, true, true
		full.LastLogin = ptr(epoch.Add(-90*time.Minute + 123*time.Microsecond))
		full.TokensInvalidatedAfter = ptr(epoch.Add(-45 * time.Minute))
		oauthOnly := &regstack.User{Email: "oauth@example.com", IsActive: true}
		for _, u := range []*regstack.User{createUser(t, e, full), createUser(t, e, oauthOnly)} {
			got, revoked := readSession(t, e, sr, u.ID, "jti-never-revoked")
			if revoked {
				t.Errorf("ReadSession(%s) reports an unrevoked jti as revoked", u.Email)
			}
			checkFields(t, "ReadSession("+u.Email+")", getUser(t, e, u.ID), got)
		}
	})

	t.Run("it reports a revoked jti whatever its exp, with or without a user", func(t *testing.T) {
		e := s.env(t)
		sr := sessionReader(t, e)
		u := createUser(t, e, sampleUser("ada@example.com"))
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "live", epoch.Add(time.Hour)))
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "expired", epoch.Add(-time.Hour)))
		for _, jti := range []string{"live", "expired"} {
			got, revoked := readSession(t, e, sr, u.ID, jti)
			if !revoked {
				t.Errorf("ReadSession(user, %q) = not revoked, want revoked", jti)
			}
			if got == nil || got.ID != u.ID {
				t.Errorf("ReadSession(user, %q) returned user %v, want the user as well", jti, got)
			}
			for _, id := range unknownUserIDs {
				got, revoked := readSession(t, e, sr, id, jti)
				if !revoked || got != nil {
					t.Errorf("ReadSession(%q, %q) = %v, revoked %v; want no user, revoked", id, jti, got, revoked)
				}
			}
		}
		if _, revoked := readSession(t, e, sr, u.ID, "LIVE"); revoked {
			t.Error("ReadSession matches jtis regardless of case")
		}
	})

	t.Run("unknown, malformed and NUL-holding keys are not found, without an error", func(t *testing.T) {
		e := s.env(t)
		sr := sessionReader(t, e)
		u := createUser(t, e, sampleUser("ada@example.com"))
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "jti", epoch.Add(time.Hour)))
		for _, id := range append(unknownUserIDs, u.ID+"\x00", "\x00") {
			for _, jti := range []string{"other", "", "jti\x00", "\x00"} {
				got, revoked := readSession(t, e, sr, id, jti)
				if got != nil || revoked {
					t.Errorf("ReadSession(%q, %q) = %v, revoked %v; want neither", id, jti, got, revoked)
				}
			}
		}
	})

	t.Run("it sees a deactivation, a bulk revocation and a logout at once", func(t *testing.T) {
		e := s.env(t)
		sr := sessionReader(t, e)
		u := createUser(t, e, sampleUser("ada@example.com"))
		if got, revoked := readSession(t, e, sr, u.ID, "jti"); got == nil || !got.IsActive || revoked {
			t.Fatalf("before any change ReadSession = %v, revoked %v; want the active user, not revoked", got, revoked)
		}
		// A sub-second cutoff: bulk revocation compares at sub-second
		// precision (http-api.md §10.3), so the combined read must keep it.
		cutoff := epoch.Add(time.Minute + 7*time.Microsecond)
		must(t, "SetTokensInvalidatedAfter", e.store.Users().SetTokensInvalidatedAfter(e.ctx, u.ID, cutoff))
		must(t, "SetActive", e.store.Users().SetActive(e.ctx, u.ID, false))
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "jti", epoch.Add(time.Hour)))
		got, revoked := readSession(t, e, sr, u.ID, "jti")
		if got == nil || got.IsActive || !revoked {
			t.Fatalf("after the changes ReadSession = %+v, revoked %v; want the inactive user, revoked", got, revoked)
		}
		// At the store's precision, as GetByID reads it (MongoDB keeps
		// milliseconds, like the Python original).
		s.checkPrecise(t, "tokens_invalidated_after", cutoff, got.TokensInvalidatedAfter)
	})
}
