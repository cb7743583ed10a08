package regstack

import (
	"context"
	"fmt"
	"time"
)

// The per-email login lockout (domain.md §8.3, http-api.md §10.2). Emails
// are the normalised submitted address, whether or not a user has it.

func (rs *RegStack) lockoutWindow() time.Duration {
	return time.Duration(rs.cfg.LoginLockoutWindowSeconds) * time.Second
}

// checkLockout returns ErrLocked when email has threshold or more failures
// in the window. Retry-After is the full window, as upstream.
func (rs *RegStack) checkLockout(ctx context.Context, email string) error {
	if rs.cfg.RateLimitDisabled {
		return nil
	}
	n, err := rs.store.LoginAttempts().CountRecent(ctx, email, rs.lockoutWindow(), rs.clock.Now())
	if err != nil {
		return fmt.Errorf("count login failures: %w", err)
	}
	if n >= rs.cfg.LoginLockoutThreshold {
		return ErrLocked(rs.cfg.LoginLockoutWindowSeconds)
	}
	return nil
}

// recordFailure notes a failed login (nothing when the lockout is off).
// ip "" records none.
func (rs *RegStack) recordFailure(ctx context.Context, email, ip string) error {
	if rs.cfg.RateLimitDisabled {
		return nil
	}
	var ipp *string
	if ip != "" {
		ipp = &ip
	}
	if err := rs.store.LoginAttempts().RecordFailure(ctx, email, rs.clock.Now(), ipp); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// invalidCredentials records a failure and builds the 401 of http-api.md
// §5.4 with the attempts left, counted after the recording.
func (rs *RegStack) invalidCredentials(ctx context.Context, email, ip string) error {
	if err := rs.recordFailure(ctx, email, ip); err != nil {
		return err
	}
	if rs.cfg.RateLimitDisabled {
		return ErrInvalidCredentials(0)
	}
	n, err := rs.store.LoginAttempts().CountRecent(ctx, email, rs.lockoutWindow(), rs.clock.Now())
	if err != nil {
		return fmt.Errorf("count login failures: %w", err)
	}
	return ErrInvalidCredentials(rs.cfg.LoginLockoutThreshold - n)
}

// clearFailures forgets every failure of email; it runs also while the
// lockout is off, so turning it back on does not resurrect old rows.
func (rs *RegStack) clearFailures(ctx context.Context, email string) error {
	if err := rs.store.LoginAttempts().Clear(ctx, email); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}
