package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// blacklistRow is a row of token_blacklist without its auto-increment
// id, which nothing reads.
type blacklistRow struct {
	bun.BaseModel `bun:"table:token_blacklist"`

	JTI string  `bun:"jti"`
	Exp sqlTime `bun:"exp"`
}

// blacklist implements regstack.Blacklist (domain.md §5.3).
type blacklist struct{ base }

// insert adds jti unless present and reports whether this call added it;
// the unique index decides between concurrent callers.
func (s blacklist) insert(ctx context.Context, jti string, exp time.Time) (bool, error) {
	if !storable(jti) {
		return false, fmt.Errorf("sqlstore: blacklist: jti holds a NUL byte")
	}
	row := blacklistRow{JTI: jti, Exp: newSQLTime(exp)}
	n, err := exec(ctx, s.db, "INSERT INTO token_blacklist (jti, exp) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING", row.JTI, row.Exp)
	if err != nil {
		return false, fmt.Errorf("sqlstore: blacklist token: %w", err)
	}
	return n == 1, nil
}

// Revoke adds jti; an existing entry is kept as it is.
func (s blacklist) Revoke(ctx context.Context, jti string, exp time.Time) error {
	_, err := s.insert(ctx, jti, exp)
	return err
}

// Claim adds jti and reports whether this call was the one that added it.
func (s blacklist) Claim(ctx context.Context, jti string, exp time.Time) (bool, error) {
	return s.insert(ctx, jti, exp)
}

// IsRevoked reports whether jti is listed, whatever its exp.
func (s blacklist) IsRevoked(ctx context.Context, jti string) (bool, error) {
	if !storable(jti) {
		return false, nil
	}
	var one int
	found, err := s.reads.query(ctx, &one, "SELECT 1 FROM token_blacklist WHERE jti = ?", jti)
	if err != nil {
		return false, fmt.Errorf("sqlstore: look up blacklisted token: %w", err)
	}
	return found, nil
}

// PurgeExpired deletes entries with exp < now.
func (s blacklist) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := exec(ctx, s.db, "DELETE FROM token_blacklist WHERE exp < ?", newSQLTime(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge blacklist: %w", err)
	}
	return n, nil
}
