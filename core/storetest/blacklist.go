package storetest

import (
	"testing"
	"time"
)

func isRevoked(t *testing.T, e env, jti string) bool {
	t.Helper()
	revoked, err := e.store.Blacklist().IsRevoked(e.ctx, jti)
	must(t, "Blacklist().IsRevoked", err)
	return revoked
}

func (s *suite) testBlacklist(t *testing.T) {
	t.Run("Revoke is idempotent and IsRevoked sees only revoked jtis", func(t *testing.T) {
		e := s.env(t)
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "jti-1", epoch.Add(time.Hour)))
		must(t, "Revoke again", e.store.Blacklist().Revoke(e.ctx, "jti-1", epoch.Add(2*time.Hour)))
		if !isRevoked(t, e, "jti-1") {
			t.Errorf("IsRevoked(revoked jti) = false")
		}
		for _, jti := range []string{"jti-2", "JTI-1", ""} {
			if isRevoked(t, e, jti) {
				t.Errorf("IsRevoked(%q) = true for a jti never revoked", jti)
			}
		}
	})

	t.Run("IsRevoked is true whatever the exp", func(t *testing.T) {
		e := s.env(t)
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "old", epoch.Add(-24*time.Hour)))
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "now", epoch))
		for _, jti := range []string{"old", "now"} {
			if !isRevoked(t, e, jti) {
				t.Errorf("IsRevoked(%q) = false for a revoked jti whose exp has passed", jti)
			}
		}
	})

	t.Run("Claim reports true for the first call only", func(t *testing.T) {
		e := s.env(t)
		for i, want := range []bool{true, false, false} {
			got, err := e.store.Blacklist().Claim(e.ctx, "jti-1", epoch.Add(time.Hour))
			must(t, "Claim", err)
			if got != want {
				t.Errorf("Claim call %d = %v, want %v", i+1, got, want)
			}
		}
		if !isRevoked(t, e, "jti-1") {
			t.Errorf("IsRevoked(claimed jti) = false")
		}
		other, err := e.store.Blacklist().Claim(e.ctx, "jti-2", epoch.Add(time.Hour))
		must(t, "Claim", err)
		if !other {
			t.Errorf("Claim of a second jti = false, want true")
		}
	})

	t.Run("Claim reports false for a jti already revoked, and Revoke accepts a claimed jti", func(t *testing.T) {
		e := s.env(t)
		must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, "revoked", epoch.Add(time.Hour)))
		claimed, err := e.store.Blacklist().Claim(e.ctx, "revoked", epoch.Add(time.Hour))
		must(t, "Claim", err)
		if claimed {
			t.Errorf("Claim(revoked jti) = true, want false")
		}
		ok, err := e.store.Blacklist().Claim(e.ctx, "claimed", epoch.Add(time.Hour))
		must(t, "Claim", err)
		if !ok {
			t.Fatalf("Claim(new jti) = false, want true")
		}
		must(t, "Revoke(claimed jti)", e.store.Blacklist().Revoke(e.ctx, "claimed", epoch.Add(time.Hour)))
	})

	for _, b := range boundaryNow() {
		t.Run("PurgeExpired deletes entries with exp before now but not at now, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			rows := map[string]time.Time{
				"long-ago": b.now.Add(-24 * time.Hour),
				"before":   b.now.Add(-tick),
				"at":       b.now,
				"after":    b.now.Add(tick),
			}
			for jti, exp := range rows {
				must(t, "Revoke", e.store.Blacklist().Revoke(e.ctx, jti, exp))
			}
			n, err := e.store.Blacklist().PurgeExpired(e.ctx, b.now)
			must(t, "PurgeExpired", err)
			if n != 2 {
				t.Errorf("PurgeExpired = %d, want 2", n)
			}
			for jti, exp := range rows {
				if kept := !exp.Before(b.now); isRevoked(t, e, jti) != kept {
					t.Errorf("entry with exp - now = %v: present = %v, want %v", exp.Sub(b.now), !kept, kept)
				}
			}
		})
	}
}
