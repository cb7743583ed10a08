package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun/dialect"
)

var _ regstack.SessionReader = (*Store)(nil)

// The session queries answer both questions of an authenticated request
// in one statement: the one-row derived table makes a row exist even when
// the user does not, so the blacklist answer always arrives, with the
// user's columns NULL when there is no such user. Each statement is a read
// transaction of its own; on SQLite starting one (the WAL read lock) is a
// good part of a small query's cost, so one statement instead of two is
// the saving.

// sessionQueryPG is the session query on PostgreSQL.
var sessionQueryPG = placeholders(dialect.PG, "SELECT EXISTS (SELECT 1 FROM token_blacklist WHERE jti = ?), "+
	"u.id, u.email, u.hashed_password, u.is_active, u.is_verified, u.is_superuser, u.full_name, u.phone_number, u.is_mfa_enabled, "+
	"u.created_at, u.updated_at, u.last_login, u.tokens_invalidated_after"+
	" FROM (SELECT 1 AS one) AS o LEFT JOIN users AS u ON u.id = ?")

// sessionQuerySQLite is the session query packed for SQLite, where every
// column of a result costs the driver two strings and several calls into
// the transpiled library (each behind its mutex): the blacklist answer and
// the four flags travel as bits of one integer, the four times as one text.
// (In SQLite | and << bind alike, left to right: every shift is in
// parentheses.)
//
// Bit 5 says a flag column holds something other than 0, 1 or NULL, and a
// time travels as "" for NULL or "t" and its text, the four joined by "|":
// either way a row the packing cannot carry exactly (a stray value, a "|"
// in a time) is read again the plain way, so it reads as GetByID reads it.
var sessionQuerySQLite = "SELECT (EXISTS (SELECT 1 FROM token_blacklist WHERE jti = ?))" +
	" | (coalesce(u.is_active = 1, 0) << 1) | (coalesce(u.is_verified = 1, 0) << 2)" +
	" | (coalesce(u.is_superuser = 1, 0) << 3) | (coalesce(u.is_mfa_enabled = 1, 0) << 4)" +
	" | (((u.is_active NOT IN (0, 1) OR u.is_verified NOT IN (0, 1) OR u.is_superuser NOT IN (0, 1)" +
	" OR u.is_mfa_enabled NOT IN (0, 1)) IS 1) << 5), " +
	"u.id, u.email, u.hashed_password, u.full_name, u.phone_number, " +
	packedTime("u.created_at") + " || '|' || " + packedTime("u.updated_at") + " || '|' || " +
	packedTime("u.last_login") + " || '|' || " + packedTime("u.tokens_invalidated_after") +
	" FROM (SELECT 1 AS one) AS o LEFT JOIN users AS u ON u.id = ?"

// packedTime renders a time column for sessionQuerySQLite. (A CAST has no
// declared type, so the driver hands the text over as it is, without first
// trying layouts of its own.)
func packedTime(col string) string {
	return "(CASE WHEN " + col + " IS NULL THEN '' ELSE 't' || CAST(" + col + " AS TEXT) END)"
}

// The bits of sessionQuerySQLite's first column.
const (
	packedRevoked = 1 << iota
	packedActive
	packedVerified
	packedSuperuser
	packedMFA
	packedStray
)

// ReadSession implements regstack.SessionReader: whether jti is revoked and
// the user with id userID (nil when there is none), in one query.
func (s *Store) ReadSession(ctx context.Context, userID, jti string) (*regstack.User, bool, error) {
	if !storable(userID, jti) {
		// No stored key holds a NUL byte: the separate reads answer "not
		// found" for such a key without asking the database.
		return s.readSessionApart(ctx, userID, jti)
	}
	if s.rdb.Dialect().Name() == dialect.SQLite {
		// Two index lookups in a WAL read, which waits for no writer: too
		// short to be worth cancelling, and a cancellable context costs
		// two goroutines per query (database/sql's and the driver's
		// watchers), more than the lookups themselves.
		return s.readSessionPacked(context.WithoutCancel(ctx), userID, jti)
	}
	var (
		row                              sessionRow
		active, verified, superuser, mfa sql.NullBool
		created, updated, lastLogin, inv *looseTime
	)
	err := s.readSessionRow(ctx, sessionQueryPG, jti, userID, &row.revoked,
		&row.id, &row.email, &row.hashed, &active, &verified, &superuser, &row.fullName, &row.phone,
		&mfa, &created, &updated, &lastLogin, &inv)
	if err != nil {
		return nil, false, err
	}
	row.active, row.verified, row.superuser, row.mfa = active.Bool, verified.Bool, superuser.Bool, mfa.Bool
	row.created, row.updated = created.ptr(), updated.ptr()
	row.lastLogin, row.invalidate = lastLogin.ptr(), inv.ptr()
	return row.user()
}

// readSessionPacked is ReadSession through sessionQuerySQLite.
func (s *Store) readSessionPacked(ctx context.Context, userID, jti string) (*regstack.User, bool, error) {
	var (
		row   sessionRow
		flags int64
		times string
	)
	if err := s.readSessionRow(ctx, sessionQuerySQLite, jti, userID, &flags,
		&row.id, &row.email, &row.hashed, &row.fullName, &row.phone, &times); err != nil {
		return nil, false, err
	}
	row.revoked = flags&packedRevoked != 0
	if !row.id.Valid {
		return nil, row.revoked, nil
	}
	parts := strings.Split(times, "|")
	if flags&packedStray != 0 || len(parts) != 4 {
		return s.readSessionApart(ctx, userID, jti)
	}
	row.active, row.verified = flags&packedActive != 0, flags&packedVerified != 0
	row.superuser, row.mfa = flags&packedSuperuser != 0, flags&packedMFA != 0
	for i, dst := range []**time.Time{&row.created, &row.updated, &row.lastLogin, &row.invalidate} {
		if parts[i] == "" {
			continue
		}
		var lt looseTime
		if err := lt.Scan(parts[i][1:]); err != nil {
			return nil, false, fmt.Errorf("sqlstore: read session: %w", err)
		}
		*dst = lt.ptr()
	}
	return row.user()
}

// readSessionRow runs a session query and scans its one row into dest.
func (s *Store) readSessionRow(ctx context.Context, query, jti, userID string, dest ...any) error {
	rows, err := s.reads.rows(ctx, query, jti, userID)
	if err != nil {
		return fmt.Errorf("sqlstore: read session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		// The one-row derived table always yields a row.
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: read session: %w", err)
		}
		return fmt.Errorf("sqlstore: read session: no row")
	}
	err = rows.Scan(dest...)
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return fmt.Errorf("sqlstore: read session: %w", err)
	}
	return nil
}

// sessionRow is what a session query read, whichever its shape.
type sessionRow struct {
	revoked                                 bool
	id, email                               sql.NullString
	hashed, fullName, phone                 *string
	active, verified, superuser, mfa        bool
	created, updated, lastLogin, invalidate *time.Time
}

// user returns the row's user, nil when there is none.
func (r *sessionRow) user() (*regstack.User, bool, error) {
	if !r.id.Valid {
		return nil, r.revoked, nil
	}
	if r.created == nil || r.updated == nil {
		return nil, false, fmt.Errorf("sqlstore: read session: user row without created_at or updated_at")
	}
	return &regstack.User{
		ID:                     r.id.String,
		Email:                  r.email.String,
		HashedPassword:         r.hashed,
		IsActive:               r.active,
		IsVerified:             r.verified,
		IsSuperuser:            r.superuser,
		FullName:               r.fullName,
		PhoneNumber:            r.phone,
		IsMFAEnabled:           r.mfa,
		CreatedAt:              *r.created,
		UpdatedAt:              *r.updated,
		LastLogin:              r.lastLogin,
		TokensInvalidatedAfter: r.invalidate,
	}, r.revoked, nil
}

// readSessionApart is ReadSession as the two separate reads.
func (s *Store) readSessionApart(ctx context.Context, userID, jti string) (*regstack.User, bool, error) {
	revoked, err := s.Blacklist().IsRevoked(ctx, jti)
	if err != nil {
		return nil, false, err
	}
	u, err := s.Users().GetByID(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	return u, revoked, nil
}

// looseTime reads a time column as sqlTime does, and also in the layouts
// that the SQLite driver accepts for a DATETIME column but ParseTime does
// not (Go's time.String form, minutes without seconds, a bare date), so the
// session query reads every row exactly as GetByID, which goes through the
// driver's parsing, reads it.
type looseTime struct{ t sqlTime }

// driverOnlyLayouts are the layouts of the SQLite driver's that ParseTime
// lacks; a value without a zone is UTC.
var driverOnlyLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Scan implements sql.Scanner.
func (lt *looseTime) Scan(src any) error {
	err := lt.t.Scan(src)
	text, isText := src.(string)
	if b, ok := src.([]byte); ok {
		text, isText = string(b), true
	}
	if err == nil || !isText {
		return err
	}
	// The driver reads a final Z as "no zone", which is UTC as well.
	text = strings.TrimSuffix(text, "Z")
	for _, layout := range driverOnlyLayouts {
		if t, perr := time.Parse(layout, text); perr == nil {
			lt.t = sqlTime(t.UTC())
			return nil
		}
	}
	return err
}

func (lt *looseTime) ptr() *time.Time {
	if lt == nil {
		return nil
	}
	return lt.t.ptr()
}
