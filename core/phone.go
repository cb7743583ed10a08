package regstack

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/regstack/regstack/core/token"
)

// e164 is the phone-number rule of domain.md §2.4. Digits are ASCII only
// and `$` is the true end, so no trailing newline slips into the column.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// PhoneSetup is the answer of StartPhoneSetup: the phone-setup pending
// token (purpose phone_setup, carrying the number) and its lifetime.
type PhoneSetup struct {
	PendingToken string
	ExpiresIn    int // seconds
}

// StartPhoneSetup is POST /phone/start (http-api.md §7.1): checks, in this
// order, the number (ErrPhoneFormat unless E.164), that the account has a
// password (ErrNoPasswordSet) and that current is it
// (ErrCurrentPasswordWrong, ErrBusy); then texts a phone_setup code to the
// new number (replacing any earlier one), mints the pending token and fires
// phone_setup_started(user, phone). A failed send answers ErrDelivery with
// the code deleted and no event. Nothing on the account changes until
// ConfirmPhoneSetup.
func (rs *RegStack) StartPhoneSetup(ctx context.Context, p *Principal, phone, current string) (PhoneSetup, error) {
	if p == nil || p.User == nil {
		return PhoneSetup{}, ErrAuthRequired
	}
	if !e164.MatchString(phone) {
		return PhoneSetup{}, ErrPhoneFormat
	}
	u := p.User
	if err := rs.checkCurrentPassword(ctx, u, current); err != nil {
		return PhoneSetup{}, err
	}
	if err := rs.issueCode(ctx, u, MFAKindPhoneSetup, phone); err != nil {
		return PhoneSetup{}, err
	}
	ttl := rs.cfg.MFAPendingTokenTTLSeconds
	tok, _, err := rs.tokens.Mint(token.PhoneSetup, u.ID, time.Duration(ttl)*time.Second, token.Extra{Phone: phone})
	if err != nil {
		return PhoneSetup{}, fmt.Errorf("start phone setup: mint pending token: %w", err)
	}
	rs.hooks.Fire(ctx, Event{Name: EventPhoneSetupStarted, User: snapshot(u), Phone: phone})
	return PhoneSetup{PendingToken: tok, ExpiresIn: ttl}, nil
}

// ConfirmPhoneSetup is POST /phone/confirm (http-api.md §7.2): decode the
// pending token (ErrPhoneSessionInvalid), check the code
// (ErrPhoneCodeMissing, ErrPhoneCodeLocked, ErrPhoneCodeExpired,
// ErrWrongCode(n)), re-check the user (ErrTokenAccountInactive), then set
// the token's number and turn MFA on, fire mfa_enabled and return the
// stored user. A correct code is consumed. Existing sessions stay valid.
func (rs *RegStack) ConfirmPhoneSetup(ctx context.Context, pendingToken, code string) (*User, error) {
	claims, err := rs.tokens.Decode(pendingToken, token.PhoneSetup)
	if err != nil {
		rs.logger.DebugContext(ctx, "phone-setup token rejected", "err", err)
		return nil, ErrPhoneSessionInvalid
	}
	check, err := rs.store.MFACodes().Verify(ctx, claims.Subject, MFAKindPhoneSetup, token.HashOpaque(code), rs.clock.Now())
	if err != nil {
		return nil, fmt.Errorf("confirm phone setup: verify code: %w", err)
	}
	switch check.Outcome {
	case MFAOK:
	case MFAMissing:
		return nil, ErrPhoneCodeMissing
	case MFALocked:
		return nil, ErrPhoneCodeLocked
	case MFAExpired:
		return nil, ErrPhoneCodeExpired
	case MFAWrong:
		return nil, ErrWrongCode(check.Remaining)
	default:
		return nil, fmt.Errorf("confirm phone setup: unknown outcome %d", check.Outcome)
	}
	u, err := rs.store.Users().GetByID(ctx, claims.Subject)
	if err != nil {
		return nil, fmt.Errorf("confirm phone setup: look up user: %w", err)
	}
	if u == nil || !u.IsActive {
		return nil, ErrTokenAccountInactive
	}
	phone := claims.Phone
	if err := rs.store.Users().SetPhone(ctx, u.ID, &phone); err != nil {
		return nil, fmt.Errorf("confirm phone setup: set phone: %w", err)
	}
	if err := rs.store.Users().SetMFAEnabled(ctx, u.ID, true); err != nil {
		return nil, fmt.Errorf("confirm phone setup: enable MFA: %w", err)
	}
	if u, err = rs.reloadUser(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("confirm phone setup: %w", err)
	}
	rs.fireUser(ctx, EventMFAEnabled, u)
	return u, nil
}

// DisablePhone is DELETE /phone (http-api.md §7.3): after the password
// checks (ErrNoPasswordSet, ErrCurrentPasswordWrong, ErrBusy) it clears the
// phone and the MFA flag, deletes every MFA code of the user (both kinds),
// then fires phone_setup_disabled and mfa_disabled, both with the updated
// user, which it returns.
func (rs *RegStack) DisablePhone(ctx context.Context, p *Principal, current string) (*User, error) {
	if p == nil || p.User == nil {
		return nil, ErrAuthRequired
	}
	u := p.User
	if err := rs.checkCurrentPassword(ctx, u, current); err != nil {
		return nil, err
	}
	if err := rs.store.Users().SetPhone(ctx, u.ID, nil); err != nil {
		return nil, fmt.Errorf("disable phone: clear phone: %w", err)
	}
	if err := rs.store.Users().SetMFAEnabled(ctx, u.ID, false); err != nil {
		return nil, fmt.Errorf("disable phone: disable MFA: %w", err)
	}
	if err := rs.store.MFACodes().Delete(ctx, u.ID, ""); err != nil {
		return nil, fmt.Errorf("disable phone: delete MFA codes: %w", err)
	}
	u, err := rs.reloadUser(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("disable phone: %w", err)
	}
	rs.fireUser(ctx, EventPhoneSetupDisabled, u)
	rs.fireUser(ctx, EventMFADisabled, u)
	return u, nil
}
