package regstack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regstack/regstack/core/token"
)

// ChangeEmail is POST /change-email (http-api.md §5.10). Returns
// ErrEmailUnchanged (same address, case-insensitively), ErrNoPasswordSet,
// ErrCurrentPasswordWrong or ErrBusy; otherwise nil, whether or not the
// address is taken and whether or not the email could be sent (both are
// only logged), so the answer never reveals another account. When sent,
// the link goes to the new address and email_change_requested fires.
// Nothing changes on the account until ConfirmEmailChange.
func (rs *RegStack) ChangeEmail(ctx context.Context, p *Principal, newEmail, current string) error {
	if p == nil || p.User == nil {
		return ErrAuthRequired
	}
	u := p.User
	newEmail, err := normalizeEmail(newEmail)
	if err != nil {
		return err
	}
	if strings.EqualFold(newEmail, u.Email) {
		return ErrEmailUnchanged
	}
	if err := rs.checkCurrentPassword(ctx, u, current); err != nil {
		return err
	}
	taken, err := rs.store.Users().GetByEmail(ctx, newEmail)
	if err != nil {
		return fmt.Errorf("change email: look up new address: %w", err)
	}
	if taken != nil {
		rs.logger.InfoContext(ctx, "email change refused: address already in use", "user_id", u.ID)
		// As slow as a change that sends, so the timing does not tell
		// whether the address is taken (http-api.md §10.1).
		rs.emailChangePad.wait(ctx)
		return nil
	}
	// Wall time on purpose: this measures latency, not a domain instant.
	start := time.Now()
	defer func() { rs.emailChangePad.observe(time.Since(start)) }()
	ttl := rs.cfg.EmailChangeTokenTTLSeconds
	tok, _, err := rs.tokens.Mint(token.EmailChange, u.ID, time.Duration(ttl)*time.Second, token.Extra{NewEmail: newEmail})
	if err != nil {
		return fmt.Errorf("change email: mint token: %w", err)
	}
	link := rs.linkURL(rs.cfg.EmailChangeURLTemplate, emailChangePath, tok)
	if err := rs.sendEmail(ctx, EmailChange, newEmail, u.FullName, link, ttl); err != nil {
		// Already logged; answering 502 here would tell the caller the
		// address is free.
		return nil
	}
	rs.hooks.Fire(ctx, Event{
		Name:            EventEmailChangeRequested,
		User:            snapshot(u),
		NewEmail:        newEmail,
		URL:             link,
		URLWithoutToken: redactToken(link, tok),
	})
	return nil
}

// ConfirmEmailChange is POST /confirm-email-change (§5.11). The link works
// once: its jti is claimed in the blacklist before the swap. Returns
// ErrEmailChangeInvalid (bad, expired or used token),
// ErrTokenAccountInactive, or ErrEmailInUse (the address was taken since
// the request; the link is then spent). On success the email is swapped
// together with a bulk revoke, the previous address's lockout failures are
// cleared and email_changed fires; the stored user is returned.
func (rs *RegStack) ConfirmEmailChange(ctx context.Context, tok string) (*User, error) {
	claims, err := rs.tokens.Decode(tok, token.EmailChange)
	if err != nil {
		rs.logger.DebugContext(ctx, "email-change token rejected", "err", err)
		return nil, ErrEmailChangeInvalid
	}
	// Read-only checks first, so a link is burnt only when it is about to
	// be used.
	revoked, err := rs.store.Blacklist().IsRevoked(ctx, claims.ID)
	if err != nil {
		return nil, fmt.Errorf("confirm email change: blacklist lookup: %w", err)
	}
	if revoked {
		return nil, ErrEmailChangeInvalid
	}
	u, err := rs.store.Users().GetByID(ctx, claims.Subject)
	if err != nil {
		return nil, fmt.Errorf("confirm email change: look up user: %w", err)
	}
	if u == nil || !u.IsActive {
		return nil, ErrTokenAccountInactive
	}
	claimed, err := rs.store.Blacklist().Claim(ctx, claims.ID, claims.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("confirm email change: claim token: %w", err)
	}
	if !claimed {
		return nil, ErrEmailChangeInvalid
	}
	previous := u.Email
	if err := rs.store.Users().UpdateEmail(ctx, u.ID, claims.NewEmail); err != nil {
		if errors.Is(err, ErrUserExists) {
			return nil, ErrEmailInUse
		}
		return nil, fmt.Errorf("confirm email change: %w", err)
	}
	if err := rs.clearFailures(ctx, previous); err != nil {
		return nil, err
	}
	if u, err = rs.reloadUser(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("confirm email change: %w", err)
	}
	rs.hooks.Fire(ctx, Event{Name: EventEmailChanged, User: snapshot(u), PreviousEmail: previous})
	return u, nil
}
