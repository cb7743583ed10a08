package regstack

import (
	"context"
	"fmt"
	"time"
)

// The per-email login lockout (domain.md §8.3, http-api.md §10.2). Emails
// are the normalised submitted address, whether or not a user has it.
//
// The check before the password verification cannot hold alone under
// concurrency: N parallel wrong guesses all pass it before the first
// (slow) verification ends and records a failure. So a failure is
// recorded and counted in one atomic step, and a login whose failure is
// counted past the threshold answers 429 instead of 401 or 403; a right
// password is checked against the count again before it signs in. Of any
// burst, then, no more answers reveal a verified password than the
// threshold allows, and parallel logins with the right password are not
// held up by one another.

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

// recordFailure records a failed login with ip ("" records none) and
// returns the failures in the window, this one included (0, nil when the
// lockout is off). When concurrent failures reached the threshold first it
// withdraws the record — a locked attempt is no failure — and returns
// ErrLocked.
func (rs *RegStack) recordFailure(ctx context.Context, email, ip string) (int, error) {
	if rs.cfg.RateLimitDisabled {
		return 0, nil
	}
	var ipp *string
	if ip != "" {
		ipp = &ip
	}
	attempts := rs.store.LoginAttempts()
	id, n, err := attempts.RecordAndCount(ctx, email, rs.clock.Now(), ipp, rs.lockoutWindow())
	if err != nil {
		return 0, fmt.Errorf("record login failure: %w", err)
	}
	if n > rs.cfg.LoginLockoutThreshold {
		// Even when ctx is cancelled: a row left behind counts.
		if err := attempts.Withdraw(context.WithoutCancel(ctx), id); err != nil {
			return 0, fmt.Errorf("withdraw a locked login attempt: %w", err)
		}
		return 0, ErrLocked(rs.cfg.LoginLockoutWindowSeconds)
	}
	return n, nil
}

// invalidCredentials records a failure and builds the 401 of http-api.md
// §5.4 with the attempts left, counted with this failure (or ErrLocked,
// see recordFailure).
func (rs *RegStack) invalidCredentials(ctx context.Context, email, ip string) error {
	n, err := rs.recordFailure(ctx, email, ip)
	if err != nil {
		return err
	}
	if rs.cfg.RateLimitDisabled {
		return ErrInvalidCredentials(0)
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
