package regstack

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/regstack/regstack/core/token"
)

// ForgotPassword is POST /forgot-password (http-api.md §6.1). For an
// existing active user (OAuth-only included: reset doubles as "set a first
// password") it emails a reset link and fires password_reset_requested.
// Errors are for logging only: the endpoint always answers 202, and a
// failed send is logged here and not returned. Returns ErrResetDisabled
// when enable_password_reset is off.
//
// Timing: the mail is sent synchronously (hooks must see it sent), which
// makes the "account exists" branch slower. To blunt that side channel the
// other branch waits as long as that branch has recently taken (a moving
// average per instance, capped at maxResetPad).
func (rs *RegStack) ForgotPassword(ctx context.Context, email string) error {
	if !rs.cfg.EnablePasswordReset {
		return ErrResetDisabled
	}
	email, err := normalizeEmail(email)
	if err != nil {
		return err
	}
	u, err := rs.store.Users().GetByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("forgot password: look up user: %w", err)
	}
	if u == nil || !u.IsActive {
		rs.resetPad.wait(ctx)
		return nil
	}
	// Wall time on purpose: this measures latency, not a domain instant.
	start := time.Now()
	defer func() { rs.resetPad.observe(time.Since(start)) }()

	ttl := rs.cfg.PasswordResetTokenTTLSeconds
	tok, _, err := rs.tokens.Mint(token.PasswordReset, u.ID, time.Duration(ttl)*time.Second, token.Extra{})
	if err != nil {
		return fmt.Errorf("forgot password: mint token: %w", err)
	}
	link := rs.linkURL(rs.cfg.PasswordResetURLTemplate, resetPath, tok)
	if err := rs.sendEmail(ctx, EmailPasswordReset, u.Email, u.FullName, link, ttl); err != nil {
		return nil // logged by sendEmail; the answer must not differ
	}
	rs.hooks.Fire(ctx, Event{
		Name:            EventPasswordResetRequested,
		User:            snapshot(u),
		URL:             link,
		URLWithoutToken: redactToken(link, tok),
	})
	return nil
}

// ResetPassword is POST /reset-password (§6.2). Returns ErrResetDisabled,
// ErrResetInvalid (bad, expired or already used link),
// ErrResetAccountInactive or ErrBusy. The link works once: its jti is
// claimed in the blacklist after the read-only checks and the hashing, and
// before anything changes. On success every session dies (the new hash and
// the bulk revoke are one write), lockout failures are cleared and
// password_reset_completed fires.
func (rs *RegStack) ResetPassword(ctx context.Context, tok, newPassword string) error {
	if !rs.cfg.EnablePasswordReset {
		return ErrResetDisabled
	}
	if err := checkNewPassword(newPassword); err != nil {
		return err
	}
	claims, err := rs.tokens.Decode(tok, token.PasswordReset)
	if err != nil {
		rs.logger.DebugContext(ctx, "reset token rejected", "err", err)
		return ErrResetInvalid
	}
	revoked, err := rs.store.Blacklist().IsRevoked(ctx, claims.ID)
	if err != nil {
		return fmt.Errorf("reset password: blacklist lookup: %w", err)
	}
	if revoked {
		return ErrResetInvalid
	}
	u, err := rs.store.Users().GetByID(ctx, claims.Subject)
	if err != nil {
		return fmt.Errorf("reset password: look up user: %w", err)
	}
	if u == nil || !u.IsActive {
		return ErrResetAccountInactive
	}
	// Hash before claiming, so a saturated pool (ErrBusy) does not burn
	// the link.
	hash, err := rs.hashPassword(ctx, newPassword)
	if err != nil {
		return err
	}
	claimed, err := rs.store.Blacklist().Claim(ctx, claims.ID, claims.ExpiresAt)
	if err != nil {
		return fmt.Errorf("reset password: claim token: %w", err)
	}
	if !claimed {
		return ErrResetInvalid
	}
	if err := rs.store.Users().UpdatePassword(ctx, u.ID, hash); err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if err := rs.clearFailures(ctx, u.Email); err != nil {
		return err
	}
	rs.fireUser(ctx, EventPasswordResetCompleted, u)
	return nil
}

// maxResetPad bounds the wait of the no-account branch of ForgotPassword,
// so a mail server that hangs once cannot stall every such request.
const maxResetPad = 5 * time.Second

// latencyPad keeps an exponentially weighted moving average of how long
// an operation takes, so a cheaper branch can wait as long. Per instance;
// the zero value is ready.
type latencyPad struct {
	mu  sync.Mutex
	avg time.Duration
}

func (p *latencyPad) observe(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.avg == 0 {
		p.avg = d
		return
	}
	p.avg += (d - p.avg) / 8
}

// wait sleeps for the current average (at most maxResetPad), or until ctx
// is done.
func (p *latencyPad) wait(ctx context.Context) {
	p.mu.Lock()
	d := min(p.avg, maxResetPad)
	p.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
