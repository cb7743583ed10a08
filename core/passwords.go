package regstack

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/regstack/regstack/core/password"
)

// Password length limits in Unicode code points (http-api.md §3.1).
const (
	minPasswordLen = 8
	maxPasswordLen = 128
)

// checkNewPassword enforces the length rule of http-api.md §3.1 for library
// callers; over HTTP the transport answers 422 first.
func checkNewPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < minPasswordLen:
		return Errorf(EINVALID, "Password must be at least %d characters.", minPasswordLen)
	case n > maxPasswordLen:
		return Errorf(EINVALID, "Password must be at most %d characters.", maxPasswordLen)
	}
	return nil
}

// hashPassword hashes through the bounded pool; a saturated pool is the
// client-facing 503 of http-api.md §10.6.
func (rs *RegStack) hashPassword(ctx context.Context, pw string) (string, error) {
	h, err := rs.passwords.Hash(ctx, pw)
	if errors.Is(err, password.ErrBusy) {
		return "", ErrBusy
	}
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// checkPassword verifies through the pool. A nil hash (OAuth-only user,
// unknown email) never matches but costs as much as a real verification.
func (rs *RegStack) checkPassword(ctx context.Context, pw string, hash *string) (bool, error) {
	ok, err := rs.passwords.Verify(ctx, pw, hash)
	if errors.Is(err, password.ErrBusy) {
		return false, ErrBusy
	}
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}

// checkCurrentPassword is step 1–2 of every "confirm with your password"
// endpoint (http-api.md §5.9, §5.10, §5.12): no password set, then wrong.
func (rs *RegStack) checkCurrentPassword(ctx context.Context, u *User, current string) error {
	if !u.HasPassword() {
		return ErrNoPasswordSet
	}
	ok, err := rs.checkPassword(ctx, current, u.HashedPassword)
	if err != nil {
		return err
	}
	if !ok {
		return ErrCurrentPasswordWrong
	}
	return nil
}
