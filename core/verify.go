package regstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// Verify is POST /verify (http-api.md §5.2): it consumes the pending row of
// rawToken and creates the verified user. An expired row stays consumed.
// When a user with that email already exists unverified (admin resend,
// §8.6) it is marked verified instead; when verified, the answer is
// ErrAlreadyRegistered. Returns ErrVerificationInvalid for unknown, used
// or expired tokens.
func (rs *RegStack) Verify(ctx context.Context, rawToken string) (*User, error) {
	// Consuming first makes the token single-use under concurrency: of two
	// parallel requests only one sees the row.
	p, err := rs.store.Pending().ConsumeByTokenHash(ctx, token.HashOpaque(rawToken))
	if err != nil {
		return nil, fmt.Errorf("verify: consume pending registration: %w", err)
	}
	if p == nil || !p.ExpiresAt.After(rs.clock.Now()) {
		return nil, ErrVerificationInvalid
	}
	u, err := rs.userFromPending(ctx, p)
	if errors.Is(err, ErrUserExists) {
		return rs.verifyExisting(ctx, p.Email)
	}
	if err != nil {
		// Not the user's fault: put the row back so the link still works.
		if rerr := rs.store.Pending().Upsert(ctx, p); rerr != nil {
			rs.logger.ErrorContext(ctx, "verify: could not restore pending registration", "err", rerr)
		}
		return nil, fmt.Errorf("verify: %w", err)
	}
	rs.fireUser(ctx, EventUserVerified, u)
	return u, nil
}

// verifyExisting completes a verification whose email already has a user:
// an unverified user (admin resend) becomes verified; a verified one means
// the link is stale.
func (rs *RegStack) verifyExisting(ctx context.Context, email string) (*User, error) {
	u, err := rs.store.Users().GetByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("verify: look up user: %w", err)
	}
	if u == nil || u.IsVerified {
		// nil: the user was deleted between the insert and this read;
		// the pending row is gone either way.
		return nil, ErrAlreadyRegistered
	}
	if err := rs.store.Users().SetVerified(ctx, u.ID, true); err != nil {
		return nil, fmt.Errorf("verify: mark user verified: %w", err)
	}
	if u, err = rs.reloadUser(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	rs.fireUser(ctx, EventUserVerified, u)
	return u, nil
}

// userFromPending creates the active, verified user a pending row
// describes (domain.md §3.2 creation paths). Returns ErrUserExists when the
// email is taken.
func (rs *RegStack) userFromPending(ctx context.Context, p *PendingRegistration) (*User, error) {
	now := rs.clock.Now()
	hash := p.HashedPassword
	u := &User{
		Email:          p.Email,
		HashedPassword: &hash,
		IsActive:       true,
		IsVerified:     true,
		FullName:       clonePtr(p.FullName),
		CreatedAt:      now,
		UpdatedAt:      now,
	}
	if err := rs.store.Users().Create(ctx, u); err != nil {
		if errors.Is(err, ErrUserExists) {
			return nil, ErrUserExists
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// reloadUser reads the stored user after a write, so callers return what
// the database holds (http-api.md §2.1 note). A user deleted in between is
// reported as ErrUserInactive.
func (rs *RegStack) reloadUser(ctx context.Context, id string) (*User, error) {
	u, err := rs.store.Users().GetByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reload user: %w", err)
	}
	if u == nil {
		return nil, ErrUserInactive
	}
	return u, nil
}

// ResendVerification is POST /resend-verification (§5.3): when the email
// has a pending registration and no user, the row gets a new token and
// lifetime and the link is sent again (expired rows too). Errors are for
// logging only: the endpoint always answers 202, and a failed send is
// logged here and not returned.
func (rs *RegStack) ResendVerification(ctx context.Context, email string) error {
	email, err := normalizeEmail(email)
	if err != nil {
		return err
	}
	u, err := rs.store.Users().GetByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("resend verification: look up user: %w", err)
	}
	if u != nil {
		rs.resendPad.wait(ctx)
		return nil
	}
	p, err := rs.store.Pending().FindByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("resend verification: look up pending registration: %w", err)
	}
	if p == nil {
		// Answer as slowly as a resend that sends, so the timing does not
		// tell whether a registration is pending (http-api.md §10.1).
		rs.resendPad.wait(ctx)
		return nil
	}
	// Wall time on purpose: this measures latency, not a domain instant.
	start := time.Now()
	defer func() { rs.resendPad.observe(time.Since(start)) }()
	if err := rs.sendVerification(ctx, p); err != nil && !errors.Is(err, ErrDelivery) {
		return fmt.Errorf("resend verification: %w", err)
	}
	return nil
}
