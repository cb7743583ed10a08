package regstack

import (
	"context"
	"errors"
	"fmt"
)

// BootstrapAdmin creates an active, verified superuser, or promotes an
// existing user keeping its password, active and verified flags (cli.md
// §3, domain.md §3.2); created reports which. A user that already is a
// superuser is returned unchanged. Returns EINVALID for a bad email or a
// password outside 8–128 characters (checked before any I/O). Fires no
// event.
func (rs *RegStack) BootstrapAdmin(ctx context.Context, email, password string) (u *User, created bool, err error) {
	if err := checkNewPassword(password); err != nil {
		return nil, false, err
	}
	email, err = normalizeEmail(email)
	if err != nil {
		return nil, false, err
	}
	for range 2 {
		existing, err := rs.store.Users().GetByEmail(ctx, email)
		if err != nil {
			return nil, false, fmt.Errorf("bootstrap admin: look up user: %w", err)
		}
		if existing != nil {
			if existing.IsSuperuser {
				return existing, false, nil
			}
			if err := rs.store.Users().SetSuperuser(ctx, existing.ID, true); err != nil {
				return nil, false, fmt.Errorf("bootstrap admin: promote: %w", err)
			}
			u, err := rs.reloadUser(ctx, existing.ID)
			if err != nil {
				return nil, false, fmt.Errorf("bootstrap admin: %w", err)
			}
			return u, false, nil
		}
		hash, err := rs.hashPassword(ctx, password)
		if err != nil {
			return nil, false, err
		}
		now := rs.clock.Now()
		u = &User{
			Email:          email,
			HashedPassword: &hash,
			IsActive:       true,
			IsVerified:     true,
			IsSuperuser:    true,
			CreatedAt:      now,
			UpdatedAt:      now,
		}
		err = rs.store.Users().Create(ctx, u)
		if err == nil {
			return u, true, nil
		}
		if !errors.Is(err, ErrUserExists) {
			return nil, false, fmt.Errorf("bootstrap admin: create user: %w", err)
		}
		// Someone created the user between the lookup and the insert:
		// promote that one instead.
	}
	return nil, false, errors.New("bootstrap admin: the user was created and deleted concurrently; try again")
}
