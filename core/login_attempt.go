package regstack

import (
	"context"
	"time"
)

// LoginAttempts records failed password logins for the lockout
// (domain.md §5.4, §8.3). Emails match exactly.
type LoginAttempts interface {
	RecordFailure(ctx context.Context, email string, when time.Time, ip *string) error
	// CountRecent counts rows of email with when >= now - window.
	CountRecent(ctx context.Context, email string, window time.Duration, now time.Time) (int, error)
	Clear(ctx context.Context, email string) error
	// PurgeExpired deletes rows with when < now - window.
	PurgeExpired(ctx context.Context, now time.Time, window time.Duration) (int, error)
}
