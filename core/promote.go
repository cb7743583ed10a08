package regstack

import (
	"context"
	"errors"
	"fmt"
)

// PromotePending turns a live pending registration into an active,
// verified user with the registered password and name (http-api.md §8.7):
// the admin rescue of a lost link. email is normalised before the lookup;
// an unparsable value, no row, or an expired row (expires_at <= now) is
// ErrNoPendingRegistration, and an existing user ErrPromoteUserExists (the
// row is kept), both quoting email as received. On success the row is
// deleted, user_verified fires and the stored user is returned.
func (rs *RegStack) PromotePending(ctx context.Context, email string) (*User, error) {
	norm, err := normalizeEmail(email)
	if err != nil {
		return nil, ErrNoPendingRegistration(email)
	}
	p, err := rs.store.Pending().FindByEmail(ctx, norm)
	if err != nil {
		return nil, fmt.Errorf("promote pending: look up: %w", err)
	}
	if p == nil || !p.ExpiresAt.After(rs.clock.Now()) {
		return nil, ErrNoPendingRegistration(email)
	}
	u, err := rs.userFromPending(ctx, p)
	if errors.Is(err, ErrUserExists) {
		return nil, ErrPromoteUserExists(email)
	}
	if err != nil {
		return nil, fmt.Errorf("promote pending: %w", err)
	}
	if err := rs.store.Pending().DeleteByEmail(ctx, norm); err != nil {
		return nil, fmt.Errorf("promote pending: delete pending registration: %w", err)
	}
	rs.fireUser(ctx, EventUserVerified, u)
	return u, nil
}
