package regstack

import (
	"context"
	"fmt"
)

// ChangePassword is POST /change-password (http-api.md §5.9). Returns
// ErrNoPasswordSet (OAuth-only), ErrCurrentPasswordWrong,
// ErrPasswordUnchanged or ErrBusy. On success every session of the user —
// including the caller's — is revoked by the same write that stores the
// hash, lockout failures are cleared and password_changed fires.
func (rs *RegStack) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	if p == nil || p.User == nil {
		return ErrAuthRequired
	}
	u := p.User
	if err := checkNewPassword(next); err != nil {
		return err
	}
	if err := rs.checkCurrentPassword(ctx, u, current); err != nil {
		return err
	}
	same, err := rs.checkPassword(ctx, next, u.HashedPassword)
	if err != nil {
		return err
	}
	if same {
		return ErrPasswordUnchanged
	}
	hash, err := rs.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	if err := rs.store.Users().UpdatePassword(ctx, u.ID, hash); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if err := rs.clearFailures(ctx, u.Email); err != nil {
		return err
	}
	rs.fireUser(ctx, EventPasswordChanged, u)
	return nil
}
