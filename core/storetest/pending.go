package storetest

import (
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func samplePending(email, token string, expiresAt time.Time) *regstack.PendingRegistration {
	return &regstack.PendingRegistration{
		Email:          email,
		HashedPassword: "$argon2id$v=19$m=65536,t=3,p=4$cGVuZGluZw$cGVuZGluZw",
		FullName:       ptr("Ada Lovelace"),
		TokenHash:      sha256Hex(token),
		CreatedAt:      epoch,
		ExpiresAt:      expiresAt,
	}
}

func upsertPending(t *testing.T, e env, p *regstack.PendingRegistration) *regstack.PendingRegistration {
	t.Helper()
	must(t, "Pending().Upsert("+p.Email+")", e.store.Pending().Upsert(e.ctx, p))
	return p
}

func findPendingByEmail(t *testing.T, e env, email string) *regstack.PendingRegistration {
	t.Helper()
	p, err := e.store.Pending().FindByEmail(e.ctx, email)
	must(t, "Pending().FindByEmail", err)
	return p
}

func findPendingByToken(t *testing.T, e env, tokenHash string) *regstack.PendingRegistration {
	t.Helper()
	p, err := e.store.Pending().FindByTokenHash(e.ctx, tokenHash)
	must(t, "Pending().FindByTokenHash", err)
	return p
}

func (s *suite) testPending(t *testing.T) {
	for _, tt := range []struct {
		name     string
		fullName *string
	}{
		{"with a full name", ptr("Ada Lovelace")},
		{"without a full name", nil},
	} {
		t.Run("Upsert stores a row that both finders return, "+tt.name, func(t *testing.T) {
			e := s.env(t)
			p := samplePending("ada@example.com", "token-1", epoch.Add(24*time.Hour))
			p.FullName = tt.fullName
			upsertPending(t, e, p)
			checkFields(t, "FindByEmail", p, findPendingByEmail(t, e, "ada@example.com"), "ID")
			checkFields(t, "FindByTokenHash", p, findPendingByToken(t, e, sha256Hex("token-1")), "ID")
		})
	}

	t.Run("Upsert replaces the row of the same email so the old token stops working", func(t *testing.T) {
		e := s.env(t)
		upsertPending(t, e, samplePending("ada@example.com", "token-1", epoch.Add(24*time.Hour)))
		now := e.clock.Advance(time.Hour)
		second := &regstack.PendingRegistration{
			Email:          "ada@example.com",
			HashedPassword: "$argon2id$v=19$m=65536,t=3,p=4$c2Vjb25k$c2Vjb25k",
			TokenHash:      sha256Hex("token-2"),
			CreatedAt:      now,
			ExpiresAt:      now.Add(24 * time.Hour),
		}
		upsertPending(t, e, second)
		if old := findPendingByToken(t, e, sha256Hex("token-1")); old != nil {
			t.Errorf("FindByTokenHash(old token) still finds a row after the replacing Upsert")
		}
		checkFields(t, "FindByTokenHash(new token)", second, findPendingByToken(t, e, sha256Hex("token-2")), "ID")
		checkFields(t, "FindByEmail", second, findPendingByEmail(t, e, "ada@example.com"), "ID")
		n, err := e.store.Pending().CountUnexpired(e.ctx, now)
		must(t, "CountUnexpired", err)
		if n != 1 {
			t.Errorf("CountUnexpired = %d after two upserts of one email, want 1", n)
		}
	})

	t.Run("FindByEmail and FindByTokenHash ignore expiry", func(t *testing.T) {
		e := s.env(t)
		p := upsertPending(t, e, samplePending("ada@example.com", "token-1", epoch.Add(-time.Hour)))
		checkFields(t, "FindByEmail(expired row)", p, findPendingByEmail(t, e, "ada@example.com"), "ID")
		checkFields(t, "FindByTokenHash(expired row)", p, findPendingByToken(t, e, sha256Hex("token-1")), "ID")
	})

	t.Run("FindByEmail matches the exact, case-sensitive email and keeps case variants apart", func(t *testing.T) {
		e := s.env(t)
		upper := upsertPending(t, e, samplePending("Ada@example.com", "token-1", epoch.Add(time.Hour)))
		if got := findPendingByEmail(t, e, "ada@example.com"); got != nil {
			t.Errorf("FindByEmail(lower-case variant) found the row of %q", got.Email)
		}
		lower := upsertPending(t, e, samplePending("ada@example.com", "token-2", epoch.Add(time.Hour)))
		checkFields(t, "FindByEmail(Ada@)", upper, findPendingByEmail(t, e, "Ada@example.com"), "ID")
		checkFields(t, "FindByEmail(ada@)", lower, findPendingByEmail(t, e, "ada@example.com"), "ID")
		if got := findPendingByEmail(t, e, "nobody@example.com"); got != nil {
			t.Errorf("FindByEmail(unknown) = %+v, want nil", got)
		}
		if got := findPendingByToken(t, e, sha256Hex("no such token")); got != nil {
			t.Errorf("FindByTokenHash(unknown) = %+v, want nil", got)
		}
	})

	t.Run("ConsumeByTokenHash returns the row once, even when expired, and deletes it", func(t *testing.T) {
		e := s.env(t)
		p := upsertPending(t, e, samplePending("ada@example.com", "token-1", epoch.Add(-time.Minute)))
		other := upsertPending(t, e, samplePending("grace@example.com", "token-2", epoch.Add(time.Hour)))
		got, err := e.store.Pending().ConsumeByTokenHash(e.ctx, sha256Hex("token-1"))
		must(t, "ConsumeByTokenHash", err)
		checkFields(t, "ConsumeByTokenHash", p, got, "ID")
		again, err := e.store.Pending().ConsumeByTokenHash(e.ctx, sha256Hex("token-1"))
		if err != nil || again != nil {
			t.Errorf("second ConsumeByTokenHash = %+v, %v; want nil, nil", again, err)
		}
		if left := findPendingByEmail(t, e, "ada@example.com"); left != nil {
			t.Errorf("FindByEmail after ConsumeByTokenHash still finds the row")
		}
		checkFields(t, "the other row", other, findPendingByEmail(t, e, "grace@example.com"), "ID")
		none, err := e.store.Pending().ConsumeByTokenHash(e.ctx, sha256Hex("no such token"))
		if err != nil || none != nil {
			t.Errorf("ConsumeByTokenHash(unknown) = %+v, %v; want nil, nil", none, err)
		}
	})

	t.Run("DeleteByEmail removes that email's row only", func(t *testing.T) {
		e := s.env(t)
		upsertPending(t, e, samplePending("ada@example.com", "token-1", epoch.Add(time.Hour)))
		other := upsertPending(t, e, samplePending("grace@example.com", "token-2", epoch.Add(time.Hour)))
		must(t, "DeleteByEmail", e.store.Pending().DeleteByEmail(e.ctx, "ada@example.com"))
		if got := findPendingByEmail(t, e, "ada@example.com"); got != nil {
			t.Errorf("FindByEmail after DeleteByEmail still finds the row")
		}
		if got := findPendingByToken(t, e, sha256Hex("token-1")); got != nil {
			t.Errorf("FindByTokenHash after DeleteByEmail still finds the row")
		}
		must(t, "DeleteByEmail(unknown)", e.store.Pending().DeleteByEmail(e.ctx, "nobody@example.com"))
		must(t, "DeleteByEmail(case variant)", e.store.Pending().DeleteByEmail(e.ctx, "Grace@example.com"))
		checkFields(t, "the other row", other, findPendingByEmail(t, e, "grace@example.com"), "ID")
	})

	for _, b := range boundaryNow() {
		t.Run("PurgeExpired deletes rows with expires_at before now but not at now, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			rows := map[string]time.Time{
				"long-ago@example.com": b.now.Add(-24 * time.Hour),
				"before@example.com":   b.now.Add(-tick),
				"at@example.com":       b.now,
				"after@example.com":    b.now.Add(tick),
			}
			for email, exp := range rows {
				upsertPending(t, e, samplePending(email, "token-"+email, exp))
			}
			n, err := e.store.Pending().PurgeExpired(e.ctx, b.now)
			must(t, "PurgeExpired", err)
			if n != 2 {
				t.Errorf("PurgeExpired = %d, want 2", n)
			}
			for email, exp := range rows {
				got := findPendingByEmail(t, e, email)
				if kept := !exp.Before(b.now); kept != (got != nil) {
					t.Errorf("row with expires_at - now = %v: present = %v, want %v", exp.Sub(b.now), got != nil, kept)
				}
			}
			n, err = e.store.Pending().PurgeExpired(e.ctx, b.now)
			must(t, "PurgeExpired", err)
			if n != 0 {
				t.Errorf("second PurgeExpired = %d, want 0", n)
			}
		})

		t.Run("CountUnexpired counts rows with expires_at after now but not at now, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			for email, exp := range map[string]time.Time{
				"before@example.com": b.now.Add(-tick),
				"at@example.com":     b.now,
				"after@example.com":  b.now.Add(tick),
				"later@example.com":  b.now.Add(time.Hour),
			} {
				upsertPending(t, e, samplePending(email, "token-"+email, exp))
			}
			for range 2 { // counting must not delete anything
				n, err := e.store.Pending().CountUnexpired(e.ctx, b.now)
				must(t, "CountUnexpired", err)
				if n != 2 {
					t.Errorf("CountUnexpired = %d, want 2", n)
				}
			}
		})
	}
}
