package regstack

import (
	"context"
	"fmt"
)

// Paging bounds of ListUsers (http-api.md §3.3).
const (
	// DefaultUserPageSize is the page size when a caller names none.
	DefaultUserPageSize = 50
	// MaxUserPageSize is the largest page ListUsers returns.
	MaxUserPageSize = 200
)

// The admin use cases (http-api.md §8). They trust their caller: the
// transport admits only superusers (RequireAdmin), and a host calling them
// directly is the administrator.

// Stats are the counts of GET /admin/stats (http-api.md §8.1).
type Stats struct {
	TotalUsers    int
	ActiveUsers   int
	VerifiedUsers int
	Superusers    int
	// PendingRegistrations counts only unexpired rows, so unreaped stale
	// ones never show.
	PendingRegistrations int
}

// Stats counts users by flag and the live pending registrations.
func (rs *RegStack) Stats(ctx context.Context) (Stats, error) {
	yes := true
	var s Stats
	counts := []struct {
		into *int
		f    UserFilter
	}{
		{&s.TotalUsers, UserFilter{}},
		{&s.ActiveUsers, UserFilter{IsActive: &yes}},
		{&s.VerifiedUsers, UserFilter{IsVerified: &yes}},
		{&s.Superusers, UserFilter{IsSuperuser: &yes}},
	}
	for _, c := range counts {
		n, err := rs.store.Users().Count(ctx, c.f)
		if err != nil {
			return Stats{}, fmt.Errorf("stats: count users: %w", err)
		}
		*c.into = n
	}
	n, err := rs.store.Pending().CountUnexpired(ctx, rs.clock.Now())
	if err != nil {
		return Stats{}, fmt.Errorf("stats: count pending registrations: %w", err)
	}
	s.PendingRegistrations = n
	return s, nil
}

// UserPage is one page of ListUsers.
type UserPage struct {
	Users []*User
	// Total counts every user, not just this page.
	Total int
	Skip  int
	Limit int
}

// ListUsers is GET /admin/users (http-api.md §8.2): newest first, skipping
// skip users and returning at most limit. Returns EINVALID when skip < 0 or
// limit is outside 1–MaxUserPageSize (the transport answers 422 first).
func (rs *RegStack) ListUsers(ctx context.Context, skip, limit int) (UserPage, error) {
	if skip < 0 {
		return UserPage{}, Errorf(EINVALID, "skip must be at least 0.")
	}
	if limit < 1 || limit > MaxUserPageSize {
		return UserPage{}, Errorf(EINVALID, "limit must be between 1 and %d.", MaxUserPageSize)
	}
	users, err := rs.store.Users().ListPaged(ctx, skip, limit)
	if err != nil {
		return UserPage{}, fmt.Errorf("list users: %w", err)
	}
	total, err := rs.store.Users().Count(ctx, UserFilter{})
	if err != nil {
		return UserPage{}, fmt.Errorf("list users: count: %w", err)
	}
	return UserPage{Users: users, Total: total, Skip: skip, Limit: limit}, nil
}

// GetUser is GET /admin/users/{id} (http-api.md §8.3). An unknown or
// malformed id is ErrUserNotFound.
func (rs *RegStack) GetUser(ctx context.Context, id string) (*User, error) {
	u, err := rs.store.Users().GetByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	if u == nil {
		return nil, ErrUserNotFound
	}
	return u, nil
}

// UserUpdate is an admin PATCH (http-api.md §8.4). A nil field means "no
// change"; in particular an admin cannot clear a name.
type UserUpdate struct {
	IsActive    *bool
	IsSuperuser *bool
	// IsVerified lets an admin verify an OAuth-only user, which the
	// resend-verification flow refuses (§8.6 Go note).
	IsVerified *bool
	FullName   *string
}

// UpdateUser applies an admin PATCH (http-api.md §8.4) and returns the
// stored user. Returns ErrUserNotFound first, EINVALID for a name over 200
// characters, and ErrLastAdmin when the change would leave no active
// superuser. Disabling (IsActive false) also sets tokens_invalidated_after
// to now, so every session of the user dies at once. Fires no event.
func (rs *RegStack) UpdateUser(ctx context.Context, id string, up UserUpdate) (*User, error) {
	u, err := rs.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkFullName(up.FullName); err != nil {
		return nil, err
	}
	users := rs.store.Users()
	removesAdmin := u.IsActive && u.IsSuperuser &&
		((up.IsActive != nil && !*up.IsActive) || (up.IsSuperuser != nil && !*up.IsSuperuser))
	if removesAdmin {
		// Refuse early without writing in the common case…
		n, err := rs.activeAdmins(ctx)
		if err != nil {
			return nil, err
		}
		if n <= 1 {
			return nil, ErrLastAdmin
		}
	}
	if up.IsActive != nil {
		if err := users.SetActive(ctx, u.ID, *up.IsActive); err != nil {
			return nil, fmt.Errorf("update user: set active: %w", err)
		}
	}
	if up.IsSuperuser != nil {
		if err := users.SetSuperuser(ctx, u.ID, *up.IsSuperuser); err != nil {
			return nil, fmt.Errorf("update user: set superuser: %w", err)
		}
	}
	if removesAdmin {
		// …and recount after the write, so two admins removing each other
		// at once cannot both succeed: whoever sees none left undoes its
		// own change.
		n, err := rs.activeAdmins(ctx)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if err := users.SetActive(ctx, u.ID, u.IsActive); err != nil {
				return nil, fmt.Errorf("update user: restore active: %w", err)
			}
			if err := users.SetSuperuser(ctx, u.ID, u.IsSuperuser); err != nil {
				return nil, fmt.Errorf("update user: restore superuser: %w", err)
			}
			return nil, ErrLastAdmin
		}
	}
	if up.IsActive != nil && !*up.IsActive {
		if err := users.SetTokensInvalidatedAfter(ctx, u.ID, rs.clock.Now()); err != nil {
			return nil, fmt.Errorf("update user: revoke sessions: %w", err)
		}
	}
	if up.IsVerified != nil {
		if err := users.SetVerified(ctx, u.ID, *up.IsVerified); err != nil {
			return nil, fmt.Errorf("update user: set verified: %w", err)
		}
	}
	if up.FullName != nil {
		if err := users.SetFullName(ctx, u.ID, up.FullName); err != nil {
			return nil, fmt.Errorf("update user: set full name: %w", err)
		}
	}
	u, err = rs.reloadUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("update user: %w", err)
	}
	return u, nil
}

// activeAdmins counts the active superusers.
func (rs *RegStack) activeAdmins(ctx context.Context) (int, error) {
	yes := true
	n, err := rs.store.Users().Count(ctx, UserFilter{IsActive: &yes, IsSuperuser: &yes})
	if err != nil {
		return 0, fmt.Errorf("count active administrators: %w", err)
	}
	return n, nil
}

// DeleteUser is DELETE /admin/users/{id} (http-api.md §8.5): the cascade
// of DELETE /account (OAuth identities, the user, its pending row, its
// lockout failures, its MFA codes), then user_deleted. Returns
// ErrUserNotFound, or the deleted user.
func (rs *RegStack) DeleteUser(ctx context.Context, id string) (*User, error) {
	u, err := rs.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := rs.deleteUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ResendVerificationFor is POST /admin/users/{id}/resend-verification
// (http-api.md §8.6). Returns ErrUserNotFound, ErrUserAlreadyVerified or
// ErrUserOAuthOnly; otherwise it stores a pending registration for the
// user's email (its password hash and name, a new token), emails the
// verification link and fires verification_requested. The user row stays:
// the link then marks it verified (Verify). A failed send answers
// ErrDelivery with the pending row kept. Returns the user.
func (rs *RegStack) ResendVerificationFor(ctx context.Context, id string) (*User, error) {
	u, err := rs.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.IsVerified {
		return nil, ErrUserAlreadyVerified
	}
	if !u.HasPassword() {
		return nil, ErrUserOAuthOnly
	}
	p := &PendingRegistration{Email: u.Email, HashedPassword: *u.HashedPassword, FullName: clonePtr(u.FullName)}
	if err := rs.sendVerification(ctx, p); err != nil {
		return nil, err
	}
	return u, nil
}
