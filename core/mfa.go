package regstack

import (
	"context"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// MFA code kinds (domain.md §9.1).
const (
	MFAKindPhoneSetup = "phone_setup"
	MFAKindLoginMFA   = "login_mfa"
)

// MFACode is a one-time SMS code, stored hashed (domain.md §3.6).
type MFACode struct {
	ID          int64
	UserID      string
	Kind        string
	CodeHash    string // lowercase hex SHA-256 of the digit string
	ExpiresAt   time.Time
	Attempts    int
	MaxAttempts int
	CreatedAt   time.Time
}

// MFAOutcome is the result of MFACodes.Verify (domain.md §9.4).
type MFAOutcome int

// The outcomes of MFACodes.Verify, in the order the checks run.
const (
	MFAMissing MFAOutcome = iota + 1
	MFALocked
	MFAExpired
	MFAWrong
	MFAOK
)

// MFACheck is what MFACodes.Verify reports: the outcome and, for MFAWrong,
// how many guesses remain.
type MFACheck struct {
	Outcome   MFAOutcome
	Remaining int
}

// MFACodes persists MFA codes (domain.md §5.5).
type MFACodes interface {
	// Put replaces the row for (UserID, Kind) with c (attempts = 0). Race-free.
	Put(ctx context.Context, c *MFACode) error
	// Verify runs domain.md §9.4 atomically (§9.5): at most MaxAttempts
	// wrong guesses are ever counted, a correct code yields MFAOK at most
	// once, and LOCKED/EXPIRED rows are deleted by whoever observes them.
	Verify(ctx context.Context, userID, kind, codeHash string, now time.Time) (MFACheck, error)
	// Delete removes the row of that kind, or every row of the user when
	// kind is "".
	Delete(ctx context.Context, userID, kind string) error
	Find(ctx context.Context, userID, kind string) (*MFACode, error)
	// PurgeExpired deletes rows with expires_at < now.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// issueCode runs domain.md §9.2 steps 1–3 for kind: store a fresh code for
// u (replacing any earlier one of that kind), then text it to `to`. The row
// is written before the send so a code that reached the phone can always
// be checked. When the send fails the row is deleted again and ErrDelivery
// returned: a code nobody received must not stay guessable (a deliberate
// deviation from §9.2, see docs/deviations.md).
func (rs *RegStack) issueCode(ctx context.Context, u *User, kind, to string) error {
	code := token.RandomDigits(rs.cfg.SMSCodeLength)
	now := rs.clock.Now()
	err := rs.store.MFACodes().Put(ctx, &MFACode{
		UserID:      u.ID,
		Kind:        kind,
		CodeHash:    token.HashOpaque(code),
		ExpiresAt:   now.Add(time.Duration(rs.cfg.SMSCodeTTLSeconds) * time.Second),
		MaxAttempts: rs.cfg.SMSCodeMaxAttempts,
		CreatedAt:   now,
	})
	if err != nil {
		return fmt.Errorf("store %s code: %w", kind, err)
	}
	if err := rs.sendSMS(ctx, kind, to, code); err != nil {
		// The request may already be cancelled; the cleanup must still run.
		if derr := rs.store.MFACodes().Delete(context.WithoutCancel(ctx), u.ID, kind); derr != nil {
			return fmt.Errorf("delete undelivered %s code: %w", kind, derr)
		}
		return err
	}
	return nil
}
