package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// unknownUserIDs are ids no store assigned: well-formed for SQL (32 hex),
// well-formed for MongoDB (24 hex), and malformed for both.
var unknownUserIDs = []string{
	"00000000000000000000000000000000",
	"000000000000000000000000",
	"not-an-id",
	"",
}

// sampleUser is a password user with every nullable field set except the
// two timestamps that only sign-in and revocation write.
func sampleUser(email string) *regstack.User {
	return &regstack.User{
		Email:          email,
		HashedPassword: ptr("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"),
		IsActive:       true,
		FullName:       ptr("Ada Lovelace"),
		PhoneNumber:    ptr("+14155552671"),
	}
}

func createUser(t *testing.T, e env, u *regstack.User) *regstack.User {
	t.Helper()
	must(t, "Users().Create("+u.Email+")", e.store.Users().Create(e.ctx, u))
	return u
}

func getUser(t *testing.T, e env, id string) *regstack.User {
	t.Helper()
	u, err := e.store.Users().GetByID(e.ctx, id)
	must(t, "Users().GetByID", err)
	return u
}

// userMutation is one UserStore mutator and what it does to a user.
type userMutation struct {
	name   string
	from   func(u *regstack.User) // adjusts the user before it is created
	mutate func(ctx context.Context, us regstack.UserStore, id string) error
	expect func(u *regstack.User, now time.Time)
}

func userMutations() []userMutation {
	lastLogin := epoch.Add(-90 * time.Minute)
	cutoff := epoch.Add(-45 * time.Minute)
	return []userMutation{
		{
			name: "SetLastLogin sets last_login",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetLastLogin(ctx, id, lastLogin)
			},
			expect: func(u *regstack.User, _ time.Time) { u.LastLogin = &lastLogin },
		},
		{
			name: "SetTokensInvalidatedAfter sets tokens_invalidated_after",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetTokensInvalidatedAfter(ctx, id, cutoff)
			},
			expect: func(u *regstack.User, _ time.Time) { u.TokensInvalidatedAfter = &cutoff },
		},
		{
			name: "UpdatePassword sets the hash and tokens_invalidated_after to now",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.UpdatePassword(ctx, id, "$argon2id$v=19$m=65536,t=3,p=4$bmV3c2FsdA$bmV3aGFzaA")
			},
			expect: func(u *regstack.User, now time.Time) {
				u.HashedPassword = ptr("$argon2id$v=19$m=65536,t=3,p=4$bmV3c2FsdA$bmV3aGFzaA")
				u.TokensInvalidatedAfter = &now
			},
		},
		{
			name: "UpdatePassword gives an OAuth-only user a password",
			from: func(u *regstack.User) { u.HashedPassword = nil },
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.UpdatePassword(ctx, id, "$argon2id$v=19$m=65536,t=3,p=4$Zmlyc3Q$Zmlyc3Q")
			},
			expect: func(u *regstack.User, now time.Time) {
				u.HashedPassword = ptr("$argon2id$v=19$m=65536,t=3,p=4$Zmlyc3Q$Zmlyc3Q")
				u.TokensInvalidatedAfter = &now
			},
		},
		{
			name: "UpdateEmail sets the email and tokens_invalidated_after to now",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.UpdateEmail(ctx, id, "new@example.com")
			},
			expect: func(u *regstack.User, now time.Time) {
				u.Email = "new@example.com"
				u.TokensInvalidatedAfter = &now
			},
		},
		{
			name:   "SetActive(false) clears is_active",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error { return us.SetActive(ctx, id, false) },
			expect: func(u *regstack.User, _ time.Time) { u.IsActive = false },
		},
		{
			name:   "SetActive(true) sets is_active",
			from:   func(u *regstack.User) { u.IsActive = false },
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error { return us.SetActive(ctx, id, true) },
			expect: func(u *regstack.User, _ time.Time) { u.IsActive = true },
		},
		{
			name: "SetVerified(true) sets is_verified",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetVerified(ctx, id, true)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsVerified = true },
		},
		{
			name: "SetVerified(false) clears is_verified",
			from: func(u *regstack.User) { u.IsVerified = true },
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetVerified(ctx, id, false)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsVerified = false },
		},
		{
			name: "SetSuperuser(true) sets is_superuser",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetSuperuser(ctx, id, true)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsSuperuser = true },
		},
		{
			name: "SetSuperuser(false) clears is_superuser",
			from: func(u *regstack.User) { u.IsSuperuser = true },
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetSuperuser(ctx, id, false)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsSuperuser = false },
		},
		{
			name: "SetFullName with a value replaces full_name",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetFullName(ctx, id, ptr("Grace Hopper"))
			},
			expect: func(u *regstack.User, _ time.Time) { u.FullName = ptr("Grace Hopper") },
		},
		{
			name:   "SetFullName(nil) clears full_name",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error { return us.SetFullName(ctx, id, nil) },
			expect: func(u *regstack.User, _ time.Time) { u.FullName = nil },
		},
		{
			name: "SetPhone with a value replaces phone_number",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetPhone(ctx, id, ptr("+447700900123"))
			},
			expect: func(u *regstack.User, _ time.Time) { u.PhoneNumber = ptr("+447700900123") },
		},
		{
			name:   "SetPhone(nil) clears phone_number",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error { return us.SetPhone(ctx, id, nil) },
			expect: func(u *regstack.User, _ time.Time) { u.PhoneNumber = nil },
		},
		{
			name: "SetMFAEnabled(true) sets is_mfa_enabled",
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetMFAEnabled(ctx, id, true)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsMFAEnabled = true },
		},
		{
			name: "SetMFAEnabled(false) clears is_mfa_enabled",
			from: func(u *regstack.User) { u.IsMFAEnabled = true },
			mutate: func(ctx context.Context, us regstack.UserStore, id string) error {
				return us.SetMFAEnabled(ctx, id, false)
			},
			expect: func(u *regstack.User, _ time.Time) { u.IsMFAEnabled = false },
		},
	}
}

func (s *suite) testUsers(t *testing.T) {
	t.Run("Create assigns an id of the backend's format and stores every field", func(t *testing.T) {
		e := s.env(t)
		u := sampleUser("ada@example.com")
		u.IsVerified, u.IsSuperuser, u.IsMFAEnabled = true, true, true
		u.LastLogin = ptr(epoch.Add(-time.Hour))
		u.TokensInvalidatedAfter = ptr(epoch.Add(-2 * time.Hour))
		want := *u
		want.CreatedAt, want.UpdatedAt = epoch, epoch
		createUser(t, e, u)
		if !s.opts.UserID.MatchString(u.ID) {
			t.Fatalf("Create set ID = %q, want a match for %s", u.ID, s.opts.UserID)
		}
		want.ID = u.ID
		checkFields(t, "GetByID", &want, getUser(t, e, u.ID))
		byEmail, err := e.store.Users().GetByEmail(e.ctx, "ada@example.com")
		must(t, "GetByEmail", err)
		checkFields(t, "GetByEmail", &want, byEmail)
	})

	t.Run("Create keeps created_at and updated_at that the caller set", func(t *testing.T) {
		e := s.env(t)
		u := sampleUser("ada@example.com")
		u.CreatedAt, u.UpdatedAt = epoch.Add(-48*time.Hour), epoch.Add(-24*time.Hour)
		createUser(t, e, u)
		got := getUser(t, e, u.ID)
		checkFields(t, "GetByID", u, got)
	})

	t.Run("Create gives every user a different id", func(t *testing.T) {
		e := s.env(t)
		a := createUser(t, e, sampleUser("a@example.com"))
		b := createUser(t, e, sampleUser("b@example.com"))
		if a.ID == b.ID {
			t.Fatalf("two users got the same id %q", a.ID)
		}
	})

	t.Run("Create refuses a taken email with ErrUserExists", func(t *testing.T) {
		e := s.env(t)
		first := createUser(t, e, sampleUser("ada@example.com"))
		dup := sampleUser("ada@example.com")
		dup.FullName = ptr("Impostor")
		err := e.store.Users().Create(e.ctx, dup)
		if !errors.Is(err, regstack.ErrUserExists) {
			t.Fatalf("Create with a taken email: err = %v, want ErrUserExists", err)
		}
		n, err := e.store.Users().Count(e.ctx, regstack.UserFilter{})
		must(t, "Count", err)
		if n != 1 {
			t.Errorf("Count = %d after the refused Create, want 1", n)
		}
		checkFields(t, "the first user", first, getUser(t, e, first.ID))
	})

	t.Run("an OAuth-only user reads back with every nullable field nil", func(t *testing.T) {
		e := s.env(t)
		u := &regstack.User{Email: "oauth@example.com", IsActive: true, IsVerified: true}
		createUser(t, e, u)
		got := getUser(t, e, u.ID)
		checkFields(t, "GetByID", u, got)
		if got != nil && got.HasPassword() {
			t.Errorf("HasPassword() = true for a user created without a password")
		}
	})

	t.Run("GetByEmail matches the exact, case-sensitive email", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("Ada@example.com"))
		for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", "Ada@example.com ", " Ada@example.com", "Ada@example.co"} {
			got, err := e.store.Users().GetByEmail(e.ctx, email)
			must(t, "GetByEmail", err)
			if got != nil {
				t.Errorf("GetByEmail(%q) found the user with email %q, want nil", email, got.Email)
			}
		}
		other := createUser(t, e, sampleUser("ada@example.com"))
		if other.ID == u.ID {
			t.Fatalf("emails differing in case share the id %q", u.ID)
		}
		for email, id := range map[string]string{"Ada@example.com": u.ID, "ada@example.com": other.ID} {
			got, err := e.store.Users().GetByEmail(e.ctx, email)
			must(t, "GetByEmail", err)
			if got == nil || got.ID != id {
				t.Errorf("GetByEmail(%q) = %v, want the user with id %q", email, got, id)
			}
		}
	})

	t.Run("GetByID and GetByEmail return nil without error for unknown keys", func(t *testing.T) {
		e := s.env(t)
		createUser(t, e, sampleUser("ada@example.com"))
		for _, id := range unknownUserIDs {
			got, err := e.store.Users().GetByID(e.ctx, id)
			if err != nil || got != nil {
				t.Errorf("GetByID(%q) = %v, %v; want nil, nil", id, got, err)
			}
		}
		got, err := e.store.Users().GetByEmail(e.ctx, "nobody@example.com")
		if err != nil || got != nil {
			t.Errorf("GetByEmail(unknown) = %v, %v; want nil, nil", got, err)
		}
	})

	for _, m := range userMutations() {
		t.Run(m.name+" and updated_at to now, leaving the rest alone", func(t *testing.T) {
			e := s.env(t)
			u := sampleUser("ada@example.com")
			if m.from != nil {
				m.from(u)
			}
			createUser(t, e, u)
			bystander := createUser(t, e, sampleUser("bystander@example.com"))
			now := e.clock.Advance(time.Hour)
			must(t, m.name, m.mutate(e.ctx, e.store.Users(), u.ID))
			want := *u
			m.expect(&want, now)
			want.UpdatedAt = now
			checkFields(t, "the mutated user", &want, getUser(t, e, u.ID))
			checkFields(t, "another user", bystander, getUser(t, e, bystander.ID))
		})
	}

	t.Run("every mutator on an unknown or malformed id is a silent no-op", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("ada@example.com"))
		e.clock.Advance(time.Hour)
		for _, m := range userMutations() {
			for _, id := range unknownUserIDs {
				if err := m.mutate(e.ctx, e.store.Users(), id); err != nil {
					t.Errorf("%s on id %q: err = %v, want nil", m.name, id, err)
				}
			}
		}
		for _, id := range unknownUserIDs {
			removed, err := e.store.Users().Delete(e.ctx, id)
			if err != nil || removed {
				t.Errorf("Delete(%q) = %v, %v; want false, nil", id, removed, err)
			}
		}
		checkFields(t, "the existing user", u, getUser(t, e, u.ID))
		n, err := e.store.Users().Count(e.ctx, regstack.UserFilter{})
		must(t, "Count", err)
		if n != 1 {
			t.Errorf("Count = %d, want 1 (the mutators created rows)", n)
		}
	})

	t.Run("UpdateEmail refuses a taken email with ErrUserExists and changes nothing", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("ada@example.com"))
		other := createUser(t, e, sampleUser("grace@example.com"))
		e.clock.Advance(time.Hour)
		err := e.store.Users().UpdateEmail(e.ctx, u.ID, "grace@example.com")
		if !errors.Is(err, regstack.ErrUserExists) {
			t.Fatalf("UpdateEmail to a taken email: err = %v, want ErrUserExists", err)
		}
		checkFields(t, "the user", u, getUser(t, e, u.ID))
		checkFields(t, "the owner of the email", other, getUser(t, e, other.ID))
	})

	t.Run("UpdateEmail makes the user findable by the new email only", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("ada@example.com"))
		must(t, "UpdateEmail", e.store.Users().UpdateEmail(e.ctx, u.ID, "countess@example.com"))
		old, err := e.store.Users().GetByEmail(e.ctx, "ada@example.com")
		must(t, "GetByEmail(old)", err)
		if old != nil {
			t.Errorf("GetByEmail(old email) found a user after UpdateEmail")
		}
		cur, err := e.store.Users().GetByEmail(e.ctx, "countess@example.com")
		must(t, "GetByEmail(new)", err)
		if cur == nil || cur.ID != u.ID {
			t.Errorf("GetByEmail(new email) = %v, want the user %q", cur, u.ID)
		}
		// The old email is free again.
		createUser(t, e, sampleUser("ada@example.com"))
	})

	t.Run("Delete removes the user and reports whether it did", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("ada@example.com"))
		keep := createUser(t, e, sampleUser("grace@example.com"))
		removed, err := e.store.Users().Delete(e.ctx, u.ID)
		if err != nil || !removed {
			t.Fatalf("Delete(existing) = %v, %v; want true, nil", removed, err)
		}
		if got := getUser(t, e, u.ID); got != nil {
			t.Errorf("GetByID after Delete = %+v, want nil", got)
		}
		removed, err = e.store.Users().Delete(e.ctx, u.ID)
		if err != nil || removed {
			t.Errorf("Delete(already deleted) = %v, %v; want false, nil", removed, err)
		}
		checkFields(t, "the other user", keep, getUser(t, e, keep.ID))
		// The email is free again.
		createUser(t, e, sampleUser("ada@example.com"))
	})

	t.Run("Count applies every combination of filters", func(t *testing.T) {
		e := s.env(t)
		for i, flags := range []struct{ active, verified, super bool }{
			{true, true, true},
			{true, true, false},
			{true, false, false},
			{false, true, false},
			{false, false, false},
		} {
			u := sampleUser(string(rune('a'+i)) + "@example.com")
			u.IsActive, u.IsVerified, u.IsSuperuser = flags.active, flags.verified, flags.super
			createUser(t, e, u)
		}
		yes, no := ptr(true), ptr(false)
		tests := []struct {
			name   string
			filter regstack.UserFilter
			want   int
		}{
			{"no filter", regstack.UserFilter{}, 5},
			{"active", regstack.UserFilter{IsActive: yes}, 3},
			{"inactive", regstack.UserFilter{IsActive: no}, 2},
			{"verified", regstack.UserFilter{IsVerified: yes}, 3},
			{"unverified", regstack.UserFilter{IsVerified: no}, 2},
			{"superuser", regstack.UserFilter{IsSuperuser: yes}, 1},
			{"not superuser", regstack.UserFilter{IsSuperuser: no}, 4},
			{"active and verified", regstack.UserFilter{IsActive: yes, IsVerified: yes}, 2},
			{"inactive and verified", regstack.UserFilter{IsActive: no, IsVerified: yes}, 1},
			{"active, verified, superuser", regstack.UserFilter{IsActive: yes, IsVerified: yes, IsSuperuser: yes}, 1},
			{"unverified superuser", regstack.UserFilter{IsVerified: no, IsSuperuser: yes}, 0},
			{"active non-superuser", regstack.UserFilter{IsActive: yes, IsSuperuser: no}, 2},
		}
		for _, tt := range tests {
			got, err := e.store.Users().Count(e.ctx, tt.filter)
			must(t, "Count", err)
			if got != tt.want {
				t.Errorf("Count(%s) = %d, want %d", tt.name, got, tt.want)
			}
		}
	})

	t.Run("ListPaged orders by created_at descending and ties by id, and pages with skip and limit", func(t *testing.T) {
		e := s.env(t)
		list, err := e.store.Users().ListPaged(e.ctx, 0, 10)
		must(t, "ListPaged on an empty store", err)
		if len(list) != 0 {
			t.Fatalf("ListPaged on an empty store returned %d users", len(list))
		}
		tie := epoch.Add(-2 * time.Hour)
		created := map[string]time.Time{}
		for i, at := range []time.Time{tie, epoch.Add(-3 * time.Hour), tie, epoch.Add(-time.Hour), tie} {
			u := sampleUser(string(rune('a'+i)) + "@example.com")
			u.CreatedAt, u.UpdatedAt = at, at
			createUser(t, e, u)
			created[u.ID] = at
		}
		full, err := e.store.Users().ListPaged(e.ctx, 0, 100)
		must(t, "ListPaged", err)
		if len(full) != 5 {
			t.Fatalf("ListPaged(0, 100) returned %d users, want 5", len(full))
		}
		ids := make([]string, len(full))
		for i, u := range full {
			ids[i] = u.ID
			if !u.CreatedAt.Equal(created[u.ID]) {
				t.Errorf("user %q has created_at %v, want %v", u.ID, u.CreatedAt, created[u.ID])
			}
			checkUTC(t, "ListPaged", u)
		}
		for i := 1; i < len(full); i++ {
			if full[i].CreatedAt.After(full[i-1].CreatedAt) {
				t.Errorf("position %d (created %v) comes after an older user (created %v)", i, full[i].CreatedAt, full[i-1].CreatedAt)
			}
		}
		// domain.md leaves the direction of the id tie-break open; it must
		// be one direction so that paging is stable.
		ties := ids[1:4]
		if !slices.IsSorted(ties) && !slices.IsSortedFunc(ties, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("users created at the same instant are not ordered by id: %q", ties)
		}
		var paged []string
		for skip := 0; skip < 6; skip += 2 {
			page, err := e.store.Users().ListPaged(e.ctx, skip, 2)
			must(t, "ListPaged", err)
			for _, u := range page {
				paged = append(paged, u.ID)
			}
		}
		if !slices.Equal(paged, ids) {
			t.Errorf("pages of 2 give %q, want %q", paged, ids)
		}
		mid, err := e.store.Users().ListPaged(e.ctx, 1, 3)
		must(t, "ListPaged", err)
		var midIDs []string
		for _, u := range mid {
			midIDs = append(midIDs, u.ID)
		}
		if !slices.Equal(midIDs, ids[1:4]) {
			t.Errorf("ListPaged(1, 3) = %q, want %q", midIDs, ids[1:4])
		}
		past, err := e.store.Users().ListPaged(e.ctx, 5, 10)
		must(t, "ListPaged", err)
		if len(past) != 0 {
			t.Errorf("ListPaged past the end returned %d users", len(past))
		}
	})

	t.Run("times written in another zone come back as the same instant in UTC", func(t *testing.T) {
		e := s.env(t)
		india := time.FixedZone("IST", 5*3600+1800)
		u := sampleUser("ada@example.com")
		u.CreatedAt = epoch.Add(-time.Hour).In(india)
		u.UpdatedAt = epoch.Add(-time.Minute).In(india)
		createUser(t, e, u)
		login := epoch.Add(-10 * time.Minute).In(india)
		cutoff := epoch.Add(-20 * time.Minute).In(time.FixedZone("PST", -8*3600))
		must(t, "SetLastLogin", e.store.Users().SetLastLogin(e.ctx, u.ID, login))
		must(t, "SetTokensInvalidatedAfter", e.store.Users().SetTokensInvalidatedAfter(e.ctx, u.ID, cutoff))
		want := *u
		want.LastLogin, want.TokensInvalidatedAfter, want.UpdatedAt = &login, &cutoff, epoch
		checkFields(t, "GetByID", &want, getUser(t, e, u.ID))
	})

	t.Run("last_login and tokens_invalidated_after keep sub-second precision", func(t *testing.T) {
		e := s.env(t)
		u := createUser(t, e, sampleUser("ada@example.com"))
		login := time.Date(2030, time.March, 4, 5, 6, 7, 654_321_000, time.UTC)
		cutoff := time.Date(2030, time.March, 4, 5, 6, 8, 123_456_000, time.UTC)
		must(t, "SetLastLogin", e.store.Users().SetLastLogin(e.ctx, u.ID, login))
		must(t, "SetTokensInvalidatedAfter", e.store.Users().SetTokensInvalidatedAfter(e.ctx, u.ID, cutoff))
		got := getUser(t, e, u.ID)
		s.checkPrecise(t, "last_login", login, got.LastLogin)
		s.checkPrecise(t, "tokens_invalidated_after", cutoff, got.TokensInvalidatedAfter)
	})

	for _, m := range []struct {
		name   string
		mutate func(ctx context.Context, us regstack.UserStore, id string) error
	}{
		{"UpdatePassword", func(ctx context.Context, us regstack.UserStore, id string) error {
			return us.UpdatePassword(ctx, id, "$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3")
		}},
		{"UpdateEmail", func(ctx context.Context, us regstack.UserStore, id string) error {
			return us.UpdateEmail(ctx, id, "new@example.com")
		}},
	} {
		t.Run(m.name+" writes the bulk-revoke cutoff at the clock's sub-second now", func(t *testing.T) {
			e := s.env(t)
			u := createUser(t, e, sampleUser("ada@example.com"))
			now := time.Date(2030, time.March, 4, 6, 0, 0, 123_456_000, time.UTC)
			e.clock.Set(now)
			must(t, m.name, m.mutate(e.ctx, e.store.Users(), u.ID))
			got := getUser(t, e, u.ID)
			s.checkPrecise(t, "tokens_invalidated_after", now, got.TokensInvalidatedAfter)
			s.checkPrecise(t, "updated_at", now, &got.UpdatedAt)
		})
	}
}

// checkPrecise fails t unless got is want truncated to the store's
// precision, exactly, and in UTC.
func (s *suite) checkPrecise(t *testing.T, field string, want time.Time, got *time.Time) {
	t.Helper()
	w := want.Truncate(s.opts.TimePrecision)
	switch {
	case got == nil:
		t.Errorf("%s is nil, want %s", field, w.Format(time.RFC3339Nano))
	case !got.Equal(w):
		t.Errorf("%s = %s, want %s (wrote %s; precision %v)", field, got.Format(time.RFC3339Nano), w.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano), s.opts.TimePrecision)
	case got.Location() != time.UTC:
		t.Errorf("%s has location %q, want UTC", field, got.Location())
	}
}
