package regstack

import (
	"context"
	"time"
)

// PendingRegistration is a registration waiting for its email link
// (domain.md §3.3). At most one exists per email.
type PendingRegistration struct {
	ID             string
	Email          string
	HashedPassword string
	FullName       *string
	TokenHash      string // lowercase hex SHA-256 of the raw verification token
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// PendingStore persists pending registrations (domain.md §5.2).
type PendingStore interface {
	// Upsert replaces any row with p.Email by p. Race-free: concurrent
	// upserts for one email leave exactly one row and neither fails.
	Upsert(ctx context.Context, p *PendingRegistration) error
	// FindByTokenHash ignores expiry.
	FindByTokenHash(ctx context.Context, tokenHash string) (*PendingRegistration, error)
	// FindByEmail ignores expiry.
	FindByEmail(ctx context.Context, email string) (*PendingRegistration, error)
	// ConsumeByTokenHash reads and deletes the row in one atomic step; of
	// concurrent callers exactly one gets it. (nil, nil) when absent.
	ConsumeByTokenHash(ctx context.Context, tokenHash string) (*PendingRegistration, error)
	DeleteByEmail(ctx context.Context, email string) error
	// PurgeExpired deletes rows with expires_at < now.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
	// CountUnexpired counts rows with expires_at > now.
	CountUnexpired(ctx context.Context, now time.Time) (int, error)
}
