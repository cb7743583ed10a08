package regstack

import (
	"context"
	"fmt"
)

// Login is POST /login (http-api.md §5.4), checks in the spec's order:
// lockout (ErrLocked, nothing looked up), unknown email or wrong password
// or OAuth-only account (ErrInvalidCredentials with the attempts left —
// one answer for all three), disabled (ErrAccountDisabled), unverified
// (ErrEmailNotVerified). Each of those records a lockout failure with
// in.IP. A user with MFA gets a code by SMS and an MFA-pending token
// (ErrDelivery if the SMS cannot be sent); anyone else a session.
//
// Under concurrency a login whose password was verified can still answer
// ErrLocked, when parallel failures reached the threshold meanwhile (see
// lockout.go).
func (rs *RegStack) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return LoginResult{}, err
	}
	if err := rs.checkLockout(ctx, email); err != nil {
		return LoginResult{}, err
	}
	u, err := rs.store.Users().GetByEmail(ctx, email)
	if err != nil {
		return LoginResult{}, fmt.Errorf("login: look up user: %w", err)
	}
	var hash *string
	if u != nil {
		hash = u.HashedPassword
	}
	// Verifying against nil still costs one Argon2 run, so an unknown
	// email takes as long as a wrong password.
	ok, err := rs.checkPassword(ctx, in.Password, hash)
	if err != nil {
		return LoginResult{}, err
	}
	if u == nil || !ok {
		return LoginResult{}, rs.invalidCredentials(ctx, email, in.IP)
	}
	if !u.IsActive {
		return LoginResult{}, rs.refuse(ctx, email, in.IP, ErrAccountDisabled)
	}
	if rs.cfg.RequireVerification && !u.IsVerified {
		return LoginResult{}, rs.refuse(ctx, email, in.IP, ErrEmailNotVerified)
	}
	// Parallel wrong guesses may have locked the email while this
	// password was verified; a right guess must not get through then.
	if err := rs.checkLockout(ctx, email); err != nil {
		return LoginResult{}, err
	}
	if u.MFARequired() {
		tok, err := rs.startLoginMFA(ctx, u)
		if err != nil {
			return LoginResult{}, err
		}
		return LoginResult{MFAPendingToken: tok, MFAExpiresIn: rs.cfg.MFAPendingTokenTTLSeconds}, nil
	}
	s, err := rs.startSession(ctx, u, email)
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Session: s}, nil
}

// refuse records a failure for a right password on an account that may not
// sign in (0.5.10), then answers with the account-state error — or with
// ErrLocked when parallel failures reached the threshold first.
func (rs *RegStack) refuse(ctx context.Context, email, ip string, answer *Error) error {
	if _, err := rs.recordFailure(ctx, email, ip); err != nil {
		return err
	}
	return answer
}
