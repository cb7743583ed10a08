package regstack

import (
	"context"
	"time"
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
