package regstack

import (
	"context"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// startLoginMFA is the MFA step of a sign-in (http-api.md §5.4 step 7,
// domain.md §9.2; also the OAuth MFA gate): store a fresh login_mfa code
// (replacing any earlier one), text it to the user's phone, mint the
// MFA-pending token and fire mfa_login_started (no code in the payload).
// The code row is written before the send, so a failed send answers
// ErrDelivery with the row left in place and no event.
func (rs *RegStack) startLoginMFA(ctx context.Context, u *User) (string, error) {
	code := token.RandomDigits(rs.cfg.SMSCodeLength)
	now := rs.clock.Now()
	err := rs.store.MFACodes().Put(ctx, &MFACode{
		UserID:      u.ID,
		Kind:        MFAKindLoginMFA,
		CodeHash:    token.HashOpaque(code),
		ExpiresAt:   now.Add(time.Duration(rs.cfg.SMSCodeTTLSeconds) * time.Second),
		MaxAttempts: rs.cfg.SMSCodeMaxAttempts,
		CreatedAt:   now,
	})
	if err != nil {
		return "", fmt.Errorf("store login code: %w", err)
	}
	if err := rs.sendSMS(ctx, MFAKindLoginMFA, *u.PhoneNumber, code); err != nil {
		return "", err
	}
	tok, _, err := rs.tokens.Mint(token.LoginMFA, u.ID, time.Duration(rs.cfg.MFAPendingTokenTTLSeconds)*time.Second, token.Extra{})
	if err != nil {
		return "", fmt.Errorf("mint MFA-pending token: %w", err)
	}
	rs.fireUser(ctx, EventMFALoginStarted, u)
	return tok, nil
}

// ConfirmMFA is POST /login/mfa-confirm (§5.5): decode the MFA-pending
// token (ErrMFASessionInvalid), check the code (ErrLoginCodeMissing,
// ErrLoginCodeLocked, ErrLoginCodeExpired, ErrWrongCode(n)), re-check the
// user (ErrTokenAccountInactive), then complete the sign-in. A correct code
// is consumed.
func (rs *RegStack) ConfirmMFA(ctx context.Context, pendingToken, code string) (Session, error) {
	claims, err := rs.tokens.Decode(pendingToken, token.LoginMFA)
	if err != nil {
		rs.logger.DebugContext(ctx, "MFA-pending token rejected", "err", err)
		return Session{}, ErrMFASessionInvalid
	}
	check, err := rs.store.MFACodes().Verify(ctx, claims.Subject, MFAKindLoginMFA, token.HashOpaque(code), rs.clock.Now())
	if err != nil {
		return Session{}, fmt.Errorf("confirm MFA: verify code: %w", err)
	}
	switch check.Outcome {
	case MFAOK:
	case MFAMissing:
		return Session{}, ErrLoginCodeMissing
	case MFALocked:
		return Session{}, ErrLoginCodeLocked
	case MFAExpired:
		return Session{}, ErrLoginCodeExpired
	case MFAWrong:
		return Session{}, ErrWrongCode(check.Remaining)
	default:
		return Session{}, fmt.Errorf("confirm MFA: unknown outcome %d", check.Outcome)
	}
	u, err := rs.store.Users().GetByID(ctx, claims.Subject)
	if err != nil {
		return Session{}, fmt.Errorf("confirm MFA: look up user: %w", err)
	}
	if u == nil || !u.IsActive {
		return Session{}, ErrTokenAccountInactive
	}
	return rs.startSession(ctx, u, "")
}
