package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// loginAttemptRow is a row of login_attempts without its auto-increment
// id, which nothing reads. "when" is a reserved word: SQL quotes it.
type loginAttemptRow struct {
	bun.BaseModel `bun:"table:login_attempts"`

	Email string  `bun:"email"`
	When  sqlTime `bun:"when"`
	IP    *string `bun:"ip"`
}

// loginAttempts implements regstack.LoginAttempts (domain.md §5.4, §8.3).
type loginAttempts struct{ base }

// RecordFailure inserts one failed attempt.
func (s loginAttempts) RecordFailure(ctx context.Context, email string, when time.Time, ip *string) error {
	row := loginAttemptRow{Email: email, When: newSQLTime(when), IP: ip}
	if _, err := exec(ctx, s.db, `INSERT INTO login_attempts (email, "when", ip) VALUES (?, ?, ?)`, row.Email, row.When, row.IP); err != nil {
		return fmt.Errorf("sqlstore: record login failure: %w", err)
	}
	return nil
}

// CountRecent counts the attempts of email with when >= now - window.
func (s loginAttempts) CountRecent(ctx context.Context, email string, window time.Duration, now time.Time) (int, error) {
	if !storable(email) {
		return 0, nil
	}
	var n int
	err := s.rdb.NewRaw(`SELECT count(*) FROM login_attempts WHERE email = ? AND "when" >= ?`, email, newSQLTime(now.Add(-window))).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: count login failures: %w", err)
	}
	return n, nil
}

// Clear deletes every attempt of email.
func (s loginAttempts) Clear(ctx context.Context, email string) error {
	if !storable(email) {
		return nil
	}
	if _, err := exec(ctx, s.db, "DELETE FROM login_attempts WHERE email = ?", email); err != nil {
		return fmt.Errorf("sqlstore: clear login failures: %w", err)
	}
	return nil
}

// PurgeExpired deletes attempts with when < now - window.
func (s loginAttempts) PurgeExpired(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	n, err := exec(ctx, s.db, `DELETE FROM login_attempts WHERE "when" < ?`, newSQLTime(now.Add(-window)))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge login failures: %w", err)
	}
	return n, nil
}
