package regstack

import (
	"context"
	"fmt"
)

// DeleteAccount is DELETE /account (http-api.md §5.12). Returns
// ErrDeletionDisabled, ErrNoPasswordSet (OAuth-only users set a password
// through reset first), ErrCurrentPasswordWrong or ErrBusy. On success the
// user and everything keyed to it is gone (deleteUser) and user_deleted
// fires; the caller's token then fails with ErrUserInactive.
func (rs *RegStack) DeleteAccount(ctx context.Context, p *Principal, current string) error {
	if p == nil || p.User == nil {
		return ErrAuthRequired
	}
	if !rs.cfg.EnableAccountDeletion {
		return ErrDeletionDisabled
	}
	if err := rs.checkCurrentPassword(ctx, p.User, current); err != nil {
		return err
	}
	return rs.deleteUser(ctx, p.User)
}

// deleteUser runs the cascade of domain.md §5.9 in its order — OAuth
// identities, the user, the pending row of its email, its lockout
// failures, its MFA codes — so a crash part-way never leaves identities
// pointing at a missing user, then fires user_deleted with the snapshot of
// the deleted user. Shared by self-service and admin deletion.
func (rs *RegStack) deleteUser(ctx context.Context, u *User) error {
	if _, err := rs.store.OAuthIdentities().DeleteByUserID(ctx, u.ID); err != nil {
		return fmt.Errorf("delete user: identities: %w", err)
	}
	if _, err := rs.store.Users().Delete(ctx, u.ID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if err := rs.store.Pending().DeleteByEmail(ctx, u.Email); err != nil {
		return fmt.Errorf("delete user: pending registration: %w", err)
	}
	if err := rs.clearFailures(ctx, u.Email); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	if err := rs.store.MFACodes().Delete(ctx, u.ID, ""); err != nil {
		return fmt.Errorf("delete user: MFA codes: %w", err)
	}
	rs.fireUser(ctx, EventUserDeleted, u)
	return nil
}
