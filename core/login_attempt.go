package regstack

import (
	"context"
	"time"
)

// LoginAttempts records failed password logins for the lockout
// (domain.md §5.4, §8.3). Emails match exactly.
type LoginAttempts interface {
	// RecordFailure inserts one failed attempt (domain.md §5.4): the plain
	// insert of the store contract, for hosts and tools that import
	// failures. Login records through RecordAndCount.
	RecordFailure(ctx context.Context, email string, when time.Time, ip *string) error
	// RecordAndCount inserts a failed attempt of email at when and returns
	// its id and count, the attempts of email with when >= when - window,
	// the new one included. It is atomic with respect to other
	// RecordAndCount calls: of concurrent calls for one email, the k-th
	// whose attempt is recorded returns a count of at least k, so at most
	// threshold of them ever see count <= threshold. Stores that serialise
	// the calls per email (the SQL stores) return exactly k; one without
	// transactions (MongoDB) may return more, so that under a burst fewer
	// callers than threshold see count <= threshold.
	RecordAndCount(ctx context.Context, email string, when time.Time, ip *string, window time.Duration) (id string, count int, err error)
	// Withdraw deletes the one attempt id returned by RecordAndCount. An
	// attempt already gone (cleared, purged or withdrawn) is not an error.
	Withdraw(ctx context.Context, id string) error
	// CountRecent counts rows of email with when >= now - window.
	CountRecent(ctx context.Context, email string, window time.Duration, now time.Time) (int, error)
	Clear(ctx context.Context, email string) error
	// PurgeExpired deletes rows with when < now - window.
	PurgeExpired(ctx context.Context, now time.Time, window time.Duration) (int, error)
}
