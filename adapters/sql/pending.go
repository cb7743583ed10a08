package sqlstore

import (
	"context"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// pendingRow is a row of pending_registrations.
type pendingRow struct {
	bun.BaseModel `bun:"table:pending_registrations"`

	ID             string  `bun:"id,pk"`
	Email          string  `bun:"email"`
	HashedPassword string  `bun:"hashed_password"`
	FullName       *string `bun:"full_name"`
	TokenHash      string  `bun:"token_hash"`
	CreatedAt      sqlTime `bun:"created_at"`
	ExpiresAt      sqlTime `bun:"expires_at"`
}

const pendingColumns = "id, email, hashed_password, full_name, token_hash, created_at, expires_at"

func (r *pendingRow) pending() *regstack.PendingRegistration {
	return &regstack.PendingRegistration{
		ID:             r.ID,
		Email:          r.Email,
		HashedPassword: r.HashedPassword,
		FullName:       r.FullName,
		TokenHash:      r.TokenHash,
		CreatedAt:      r.CreatedAt.Time(),
		ExpiresAt:      r.ExpiresAt.Time(),
	}
}

// pending implements regstack.PendingStore (domain.md §5.2).
type pending struct{ base }

// Upsert replaces the row of p.Email, if any, by p under a new id, in one
// statement: concurrent upserts for one email serialise on the unique
// index and neither fails.
func (s pending) Upsert(ctx context.Context, p *regstack.PendingRegistration) error {
	created := s.now()
	if !p.CreatedAt.IsZero() {
		created = newSQLTime(p.CreatedAt)
	}
	expires := newSQLTime(p.ExpiresAt)
	id := newID()
	_, err := exec(ctx, s.db, "INSERT INTO pending_registrations ("+pendingColumns+") VALUES (?, ?, ?, ?, ?, ?, ?) "+
		"ON CONFLICT (email) DO UPDATE SET id = excluded.id, hashed_password = excluded.hashed_password, "+
		"full_name = excluded.full_name, token_hash = excluded.token_hash, "+
		"created_at = excluded.created_at, expires_at = excluded.expires_at",
		id, p.Email, p.HashedPassword, p.FullName, p.TokenHash, created, expires)
	if err != nil {
		return fmt.Errorf("sqlstore: upsert pending registration: %w", err)
	}
	p.ID = id
	p.CreatedAt, p.ExpiresAt = created.Time(), expires.Time()
	return nil
}

func (s pending) findBy(ctx context.Context, column, value string) (*regstack.PendingRegistration, error) {
	if !storable(value) {
		return nil, nil
	}
	var row pendingRow
	found, err := get(ctx, s.rdb, &row, "SELECT "+pendingColumns+" FROM pending_registrations WHERE "+column+" = ?", value)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find pending registration by %s: %w", column, err)
	}
	if !found {
		return nil, nil
	}
	return row.pending(), nil
}

// FindByTokenHash returns the row whatever its expiry.
func (s pending) FindByTokenHash(ctx context.Context, tokenHash string) (*regstack.PendingRegistration, error) {
	return s.findBy(ctx, "token_hash", tokenHash)
}

// FindByEmail returns the row whatever its expiry.
func (s pending) FindByEmail(ctx context.Context, email string) (*regstack.PendingRegistration, error) {
	return s.findBy(ctx, "email", email)
}

// ConsumeByTokenHash deletes the row and returns it, in one statement, so
// of concurrent callers exactly one gets it.
func (s pending) ConsumeByTokenHash(ctx context.Context, tokenHash string) (*regstack.PendingRegistration, error) {
	if !storable(tokenHash) {
		return nil, nil
	}
	var row pendingRow
	found, err := get(ctx, s.db, &row, "DELETE FROM pending_registrations WHERE token_hash = ? RETURNING "+pendingColumns, tokenHash)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: consume pending registration: %w", err)
	}
	if !found {
		return nil, nil
	}
	return row.pending(), nil
}

// DeleteByEmail removes the row of email, if any.
func (s pending) DeleteByEmail(ctx context.Context, email string) error {
	if !storable(email) {
		return nil
	}
	if _, err := exec(ctx, s.db, "DELETE FROM pending_registrations WHERE email = ?", email); err != nil {
		return fmt.Errorf("sqlstore: delete pending registration: %w", err)
	}
	return nil
}

// PurgeExpired deletes rows with expires_at < now.
func (s pending) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := exec(ctx, s.db, "DELETE FROM pending_registrations WHERE expires_at < ?", newSQLTime(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge pending registrations: %w", err)
	}
	return n, nil
}

// CountUnexpired counts rows with expires_at > now.
func (s pending) CountUnexpired(ctx context.Context, now time.Time) (int, error) {
	var n int
	if err := s.rdb.NewRaw("SELECT count(*) FROM pending_registrations WHERE expires_at > ?", newSQLTime(now)).Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("sqlstore: count pending registrations: %w", err)
	}
	return n, nil
}
