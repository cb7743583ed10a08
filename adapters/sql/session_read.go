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

// sessionQuery answers both questions of an authenticated request in one
// statement: the one-row derived table makes a row exist even when the
// user does not, so the blacklist answer always arrives, with the user's
// columns NULL when there is no such user. Each statement is a read
// transaction of its own; on SQLite starting one (the WAL read lock) is a
// good part of a small query's cost, so one statement instead of two is
// the saving. timeColumn renders the four time columns.
func sessionQuery(timeColumn func(string) string) string {
	return "SELECT EXISTS (SELECT 1 FROM token_blacklist WHERE jti = ?), " +
		"u.id, u.email, u.hashed_password, u.is_active, u.is_verified, u.is_superuser, u.full_name, u.phone_number, u.is_mfa_enabled, " +
		timeColumn("u.created_at") + ", " + timeColumn("u.updated_at") + ", " +
		timeColumn("u.last_login") + ", " + timeColumn("u.tokens_invalidated_after") +
		" FROM (SELECT 1 AS one) AS o LEFT JOIN users AS u ON u.id = ?"
}

// The session query of each dialect. On SQLite the time columns are read
// as plain text (a CAST has no declared type): for a column declared
// DATETIME the driver would first try several layouts of its own, each
// failed attempt allocating an error, before sqlTime parses the value
// anyway.
var (
	sessionQueryPG     = placeholders(dialect.PG, sessionQuery(func(c string) string { return c }))
	sessionQuerySQLite = sessionQuery(func(c string) string { return "CAST(" + c + " AS TEXT)" })
)

// ReadSession implements regstack.SessionReader: whether jti is revoked and
// the user with id userID (nil when there is none), in one query.
func (s *Store) ReadSession(ctx context.Context, userID, jti string) (*regstack.User, bool, error) {
	if !storable(userID, jti) {
		// No stored key holds a NUL byte: the separate reads answer "not
		// found" for such a key without asking the database.
		return s.readSessionApart(ctx, userID, jti)
	}
	query, queryCtx := sessionQueryPG, ctx
	if s.rdb.Dialect().Name() == dialect.SQLite {
		// Two index lookups in a WAL read, which waits for no writer: too
		// short to be worth cancelling, and a cancellable context costs
		// two goroutines per query (database/sql's and the driver's
		// watchers), more than the lookups themselves.
		query, queryCtx = sessionQuerySQLite, context.WithoutCancel(ctx)
	}
	rows, err := s.reads.rows(queryCtx, query, jti, userID)
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: read session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		// The one-row derived table always yields a row.
		if err := rows.Err(); err != nil {
			return nil, false, fmt.Errorf("sqlstore: read session: %w", err)
		}
		return nil, false, fmt.Errorf("sqlstore: read session: no row")
	}
	var (
		revoked                                 bool
		id, email                               sql.NullString
		hashed, fullName, phone                 *string
		active, verified, superuser, mfa        sql.NullBool
		created, updated, lastLogin, invalidate *looseTime
	)
	err = rows.Scan(&revoked,
		&id, &email, &hashed, &active, &verified, &superuser, &fullName, &phone,
		&mfa, &created, &updated, &lastLogin, &invalidate)
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: read session: %w", err)
	}
	if !id.Valid {
		return nil, revoked, nil
	}
	if created == nil || updated == nil {
		return nil, false, fmt.Errorf("sqlstore: read session: user row without created_at or updated_at")
	}
	return &regstack.User{
		ID:                     id.String,
		Email:                  email.String,
		HashedPassword:         hashed,
		IsActive:               active.Bool,
		IsVerified:             verified.Bool,
		IsSuperuser:            superuser.Bool,
		FullName:               fullName,
		PhoneNumber:            phone,
		IsMFAEnabled:           mfa.Bool,
		CreatedAt:              created.t.Time(),
		UpdatedAt:              updated.t.Time(),
		LastLogin:              lastLogin.ptr(),
		TokensInvalidatedAfter: invalidate.ptr(),
	}, revoked, nil
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
