package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// mfaCodeRow is a row of mfa_codes.
type mfaCodeRow struct {
	bun.BaseModel `bun:"table:mfa_codes"`

	ID          int64   `bun:"id,pk,autoincrement"`
	UserID      string  `bun:"user_id"`
	Kind        string  `bun:"kind"`
	CodeHash    string  `bun:"code_hash"`
	ExpiresAt   sqlTime `bun:"expires_at"`
	Attempts    int     `bun:"attempts"`
	MaxAttempts int     `bun:"max_attempts"`
	CreatedAt   sqlTime `bun:"created_at"`
}

const mfaCodeColumns = "id, user_id, kind, code_hash, expires_at, attempts, max_attempts, created_at"

func (r *mfaCodeRow) code() *regstack.MFACode {
	return &regstack.MFACode{
		ID:          r.ID,
		UserID:      r.UserID,
		Kind:        r.Kind,
		CodeHash:    r.CodeHash,
		ExpiresAt:   r.ExpiresAt.Time(),
		Attempts:    r.Attempts,
		MaxAttempts: r.MaxAttempts,
		CreatedAt:   r.CreatedAt.Time(),
	}
}

// mfaCodes implements regstack.MFACodes (domain.md §5.5, §9).
type mfaCodes struct{ base }

// Put replaces the code of (c.UserID, c.Kind) in one statement, so the
// old code stops working at once and concurrent Puts cannot fail.
func (s mfaCodes) Put(ctx context.Context, c *regstack.MFACode) error {
	created := s.now()
	if !c.CreatedAt.IsZero() {
		created = newSQLTime(c.CreatedAt)
	}
	expires := newSQLTime(c.ExpiresAt)
	var id int64
	_, err := get(ctx, s.db, &id, "INSERT INTO mfa_codes (user_id, kind, code_hash, expires_at, attempts, max_attempts, created_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, kind) DO UPDATE SET code_hash = excluded.code_hash, "+
		"expires_at = excluded.expires_at, attempts = excluded.attempts, max_attempts = excluded.max_attempts, "+
		"created_at = excluded.created_at RETURNING id",
		c.UserID, c.Kind, c.CodeHash, expires, c.Attempts, c.MaxAttempts, created)
	if err != nil {
		return fmt.Errorf("sqlstore: put MFA code: %w", err)
	}
	c.ID = id
	c.CreatedAt, c.ExpiresAt = created.Time(), expires.Time()
	return nil
}

// errMFAContention: the code was replaced under Verify again and again.
var errMFAContention = errors.New("sqlstore: verify MFA code: the code kept changing while it was checked")

// Verify runs domain.md §9.4 with the conditional statements of §9.5.
// Each statement is atomic on its own: the DELETE consumes a correct
// code at most once, the UPDATE counts a wrong guess only while guesses
// remain, and only when neither applies does a plain read tell MISSING,
// LOCKED and EXPIRED apart (deleting LOCKED and EXPIRED rows).
func (s mfaCodes) Verify(ctx context.Context, userID, kind, codeHash string, now time.Time) (regstack.MFACheck, error) {
	if !storable(userID, kind, codeHash) {
		return regstack.MFACheck{Outcome: regstack.MFAMissing}, nil
	}
	at := newSQLTime(now)
	// A concurrent Put can slip a fresh code in between the statements;
	// the read then sees a live row and the checks start over.
	for range 3 {
		var consumed mfaCodeRow
		found, err := get(ctx, s.db, &consumed, "DELETE FROM mfa_codes WHERE user_id = ? AND kind = ? AND code_hash = ? "+
			"AND attempts < max_attempts AND expires_at > ? RETURNING id", userID, kind, codeHash, at)
		if err != nil {
			return regstack.MFACheck{}, fmt.Errorf("sqlstore: consume MFA code: %w", err)
		}
		if found {
			return regstack.MFACheck{Outcome: regstack.MFAOK}, nil
		}

		var counted mfaCodeRow
		found, err = get(ctx, s.db, &counted, "UPDATE mfa_codes SET attempts = attempts + 1 WHERE user_id = ? AND kind = ? "+
			"AND code_hash <> ? AND attempts < max_attempts AND expires_at > ? RETURNING id, attempts, max_attempts",
			userID, kind, codeHash, at)
		if err != nil {
			return regstack.MFACheck{}, fmt.Errorf("sqlstore: count MFA guess: %w", err)
		}
		if found {
			remaining := counted.MaxAttempts - counted.Attempts
			if remaining > 0 {
				return regstack.MFACheck{Outcome: regstack.MFAWrong, Remaining: remaining}, nil
			}
			return s.discard(ctx, counted.ID, regstack.MFALocked, at)
		}

		var row mfaCodeRow
		found, err = get(ctx, s.db, &row, "SELECT "+mfaCodeColumns+" FROM mfa_codes WHERE user_id = ? AND kind = ?", userID, kind)
		if err != nil {
			return regstack.MFACheck{}, fmt.Errorf("sqlstore: read MFA code: %w", err)
		}
		switch {
		case !found:
			return regstack.MFACheck{Outcome: regstack.MFAMissing}, nil
		case row.Attempts >= row.MaxAttempts:
			return s.discard(ctx, row.ID, regstack.MFALocked, at)
		case !row.ExpiresAt.Time().After(at.Time()):
			return s.discard(ctx, row.ID, regstack.MFAExpired, at)
		}
	}
	return regstack.MFACheck{}, errMFAContention
}

// discard deletes the row that was found locked or expired and reports
// outcome. The guard repeats the finding, so a fresh code that a
// concurrent Put wrote into the same row survives.
func (s mfaCodes) discard(ctx context.Context, id int64, outcome regstack.MFAOutcome, at sqlTime) (regstack.MFACheck, error) {
	guard := "attempts >= max_attempts"
	args := []any{id}
	if outcome == regstack.MFAExpired {
		guard = "expires_at <= ?"
		args = append(args, at)
	}
	if _, err := exec(ctx, s.db, "DELETE FROM mfa_codes WHERE id = ? AND "+guard, args...); err != nil {
		return regstack.MFACheck{}, fmt.Errorf("sqlstore: delete spent MFA code: %w", err)
	}
	return regstack.MFACheck{Outcome: outcome}, nil
}

// Delete removes the code of kind, or every code of the user when kind is "".
func (s mfaCodes) Delete(ctx context.Context, userID, kind string) error {
	if !storable(userID, kind) {
		return nil
	}
	var err error
	if kind == "" {
		_, err = exec(ctx, s.db, "DELETE FROM mfa_codes WHERE user_id = ?", userID)
	} else {
		_, err = exec(ctx, s.db, "DELETE FROM mfa_codes WHERE user_id = ? AND kind = ?", userID, kind)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: delete MFA codes: %w", err)
	}
	return nil
}

// Find returns the code of (userID, kind) or nil.
func (s mfaCodes) Find(ctx context.Context, userID, kind string) (*regstack.MFACode, error) {
	if !storable(userID, kind) {
		return nil, nil
	}
	var row mfaCodeRow
	found, err := get(ctx, s.rdb, &row, "SELECT "+mfaCodeColumns+" FROM mfa_codes WHERE user_id = ? AND kind = ?", userID, kind)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find MFA code: %w", err)
	}
	if !found {
		return nil, nil
	}
	return row.code(), nil
}

// PurgeExpired deletes codes with expires_at < now.
func (s mfaCodes) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := exec(ctx, s.db, "DELETE FROM mfa_codes WHERE expires_at < ?", newSQLTime(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge MFA codes: %w", err)
	}
	return n, nil
}
