package regstack

import (
	"context"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// startLoginMFA is the MFA step of a sign-in (http-api.md §5.4 step 7,
// domain.md §9.2; also the OAuth MFA gate): issue a fresh login_mfa code
// to the user's phone (replacing any earlier one), mint the MFA-pending
// token and fire mfa_login_started (no code in the payload). A failed send
// answers ErrDelivery with the code deleted and no event (issueCode).
func (rs *RegStack) startLoginMFA(ctx context.Context, u *User) (string, error) {
	if err := rs.issueCode(ctx, u, MFAKindLoginMFA, *u.PhoneNumber); err != nil {
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
