package regstack

import (
	"context"
	"time"
)

// Blacklist holds revoked token ids (domain.md §5.3).
type Blacklist interface {
	// Revoke inserts jti; an existing jti is kept silently (idempotent).
	Revoke(ctx context.Context, jti string, exp time.Time) error
	// Claim inserts jti and reports whether this call inserted it. Of any
	// number of concurrent callers with one jti exactly one gets true:
	// single-use links call it before they change anything.
	Claim(ctx context.Context, jti string, exp time.Time) (bool, error)
	// IsRevoked is true when a row exists, whatever its exp.
	IsRevoked(ctx context.Context, jti string) (bool, error)
	// PurgeExpired deletes rows with exp < now.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}
