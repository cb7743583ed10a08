package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// loginAttemptRow is a row of login_attempts without its auto-increment
// id (RecordAndCount reads that with RETURNING). "when" is a reserved
// word: SQL quotes it.
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

// RecordAndCount inserts a failed attempt and counts the email's attempts
// in the window in one write transaction. SQLite runs one write
// transaction at a time (they begin IMMEDIATE, across processes too);
// PostgreSQL first takes a per-email advisory lock. Either way concurrent
// calls for an email are serialised and each count is exactly the
// attempt's rank.
func (s loginAttempts) RecordAndCount(ctx context.Context, email string, when time.Time, ip *string, window time.Duration) (string, int, error) {
	var id int64
	var n int
	// READ COMMITTED whatever the database's default: under REPEATABLE
	// READ or SERIALIZABLE the snapshot would be taken before the advisory
	// lock is granted, and the count would miss the attempts of the calls
	// it waited for. (SQLite ignores the level; its write transaction
	// serialises the calls.)
	opts := &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	if s.db.Dialect().Name() != dialect.PG {
		opts = nil
	}
	err := s.db.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		if err := lockAttempts(ctx, tx, email); err != nil {
			return err
		}
		if _, err := get(ctx, tx, &id, `INSERT INTO login_attempts (email, "when", ip) VALUES (?, ?, ?) RETURNING id`, email, newSQLTime(when), ip); err != nil {
			return err
		}
		return tx.NewRaw(`SELECT count(*) FROM login_attempts WHERE email = ? AND "when" >= ?`, email, newSQLTime(when.Add(-window))).Scan(ctx, &n)
	})
	if err != nil {
		return "", 0, fmt.Errorf("sqlstore: record and count login failures: %w", err)
	}
	return strconv.FormatInt(id, 10), n, nil
}

// attemptsLockClass is the first key of the PostgreSQL advisory locks
// that serialise RecordAndCount per email ("lgin" in ASCII); the second
// is a hash of the email. Locks with two keys never meet the one-key
// schema lock.
const attemptsLockClass int32 = 0x6c67696e

// lockAttempts serialises RecordAndCount calls for email until tx ends.
// SQLite's write transaction is the lock already.
func lockAttempts(ctx context.Context, tx bun.Tx, email string) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(?))", attemptsLockClass, email); err != nil {
		return fmt.Errorf("lock the attempts of one email: %w", err)
	}
	return nil
}

// Withdraw deletes the attempt id; a missing one is fine.
func (s loginAttempts) Withdraw(ctx context.Context, id string) error {
	rowID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("sqlstore: withdraw login attempt: malformed id %q", id)
	}
	if _, err := exec(ctx, s.db, "DELETE FROM login_attempts WHERE id = ?", rowID); err != nil {
		return fmt.Errorf("sqlstore: withdraw login attempt: %w", err)
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
