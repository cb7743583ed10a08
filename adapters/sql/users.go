package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// userRow is a row of users.
type userRow struct {
	bun.BaseModel `bun:"table:users"`

	ID                     string   `bun:"id,pk"`
	Email                  string   `bun:"email"`
	HashedPassword         *string  `bun:"hashed_password"`
	IsActive               bool     `bun:"is_active"`
	IsVerified             bool     `bun:"is_verified"`
	IsSuperuser            bool     `bun:"is_superuser"`
	FullName               *string  `bun:"full_name"`
	PhoneNumber            *string  `bun:"phone_number"`
	IsMFAEnabled           bool     `bun:"is_mfa_enabled"`
	CreatedAt              sqlTime  `bun:"created_at"`
	UpdatedAt              sqlTime  `bun:"updated_at"`
	LastLogin              *sqlTime `bun:"last_login"`
	TokensInvalidatedAfter *sqlTime `bun:"tokens_invalidated_after"`
}

const userColumns = "id, email, hashed_password, is_active, is_verified, is_superuser, full_name, phone_number, is_mfa_enabled, created_at, updated_at, last_login, tokens_invalidated_after"

func (r *userRow) user() *regstack.User {
	return &regstack.User{
		ID:                     r.ID,
		Email:                  r.Email,
		HashedPassword:         r.HashedPassword,
		IsActive:               r.IsActive,
		IsVerified:             r.IsVerified,
		IsSuperuser:            r.IsSuperuser,
		FullName:               r.FullName,
		PhoneNumber:            r.PhoneNumber,
		IsMFAEnabled:           r.IsMFAEnabled,
		CreatedAt:              r.CreatedAt.Time(),
		UpdatedAt:              r.UpdatedAt.Time(),
		LastLogin:              r.LastLogin.ptr(),
		TokensInvalidatedAfter: r.TokensInvalidatedAfter.ptr(),
	}
}

// users implements regstack.UserStore (domain.md §5.1).
type users struct{ base }

// Create inserts u under a new id, writing every column (the schema has no
// defaults). On success u carries the id and the times as stored.
func (s users) Create(ctx context.Context, u *regstack.User) error {
	now := s.now()
	created, updated := now, now
	if !u.CreatedAt.IsZero() {
		created = newSQLTime(u.CreatedAt)
	}
	if !u.UpdatedAt.IsZero() {
		updated = newSQLTime(u.UpdatedAt)
	}
	id := newID()
	_, err := exec(ctx, s.db, "INSERT INTO users ("+userColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		id, u.Email, u.HashedPassword, u.IsActive, u.IsVerified, u.IsSuperuser, u.FullName, u.PhoneNumber,
		u.IsMFAEnabled, created, updated, nullTimeArg(u.LastLogin), nullTimeArg(u.TokensInvalidatedAfter))
	if s.dialect.uniqueViolation(err) {
		return regstack.ErrUserExists
	}
	if err != nil {
		return fmt.Errorf("sqlstore: insert user: %w", err)
	}
	u.ID = id
	u.CreatedAt, u.UpdatedAt = created.Time(), updated.Time()
	u.LastLogin = asStored(u.LastLogin)
	u.TokensInvalidatedAfter = asStored(u.TokensInvalidatedAfter)
	return nil
}

func (s users) getBy(ctx context.Context, column, value string) (*regstack.User, error) {
	if !storable(value) {
		return nil, nil
	}
	var row userRow
	found, err := s.reads.query(ctx, &row, "SELECT "+userColumns+" FROM users WHERE "+column+" = ?", value)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get user by %s: %w", column, err)
	}
	if !found {
		return nil, nil
	}
	return row.user(), nil
}

// GetByEmail matches the email exactly (case-sensitive, domain.md §2.3).
func (s users) GetByEmail(ctx context.Context, email string) (*regstack.User, error) {
	return s.getBy(ctx, "email", email)
}

// GetByID returns the user or nil; any string is accepted as an id.
func (s users) GetByID(ctx context.Context, id string) (*regstack.User, error) {
	return s.getBy(ctx, "id", id)
}

// set runs one UPDATE of the user's row that also sets updated_at = now.
// assignments are "column = ?" items matching args. Unknown ids change
// nothing.
func (s users) set(ctx context.Context, what, id string, assignments string, args ...any) error {
	_, err := s.update(ctx, id, s.now(), assignments, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: set user %s: %w", what, err)
	}
	return nil
}

func (s users) update(ctx context.Context, id string, now sqlTime, assignments string, args ...any) (int, error) {
	if !storable(id) {
		return 0, nil
	}
	args = append(args, now, id)
	return exec(ctx, s.db, "UPDATE users SET "+assignments+", updated_at = ? WHERE id = ?", args...)
}

// SetLastLogin sets last_login.
func (s users) SetLastLogin(ctx context.Context, id string, when time.Time) error {
	return s.set(ctx, "last login", id, "last_login = ?", newSQLTime(when))
}

// SetTokensInvalidatedAfter sets the bulk-revocation cutoff.
func (s users) SetTokensInvalidatedAfter(ctx context.Context, id string, when time.Time) error {
	return s.set(ctx, "revocation cutoff", id, "tokens_invalidated_after = ?", newSQLTime(when))
}

// UpdatePassword sets the hash and revokes every earlier session in the
// same statement.
func (s users) UpdatePassword(ctx context.Context, id, hash string) error {
	now := s.now()
	if _, err := s.update(ctx, id, now, "hashed_password = ?, tokens_invalidated_after = ?", hash, now); err != nil {
		return fmt.Errorf("sqlstore: set user password: %w", err)
	}
	return nil
}

// UpdateEmail sets the email and revokes every earlier session in the same
// statement.
func (s users) UpdateEmail(ctx context.Context, id, email string) error {
	if !storable(email) {
		return fmt.Errorf("sqlstore: set user email: email holds a NUL byte")
	}
	now := s.now()
	_, err := s.update(ctx, id, now, "email = ?, tokens_invalidated_after = ?", email, now)
	if s.dialect.uniqueViolation(err) {
		return regstack.ErrUserExists
	}
	if err != nil {
		return fmt.Errorf("sqlstore: set user email: %w", err)
	}
	return nil
}

// SetActive sets is_active.
func (s users) SetActive(ctx context.Context, id string, active bool) error {
	return s.set(ctx, "active", id, "is_active = ?", active)
}

// SetVerified sets is_verified.
func (s users) SetVerified(ctx context.Context, id string, verified bool) error {
	return s.set(ctx, "verified", id, "is_verified = ?", verified)
}

// SetSuperuser sets is_superuser.
func (s users) SetSuperuser(ctx context.Context, id string, superuser bool) error {
	return s.set(ctx, "superuser", id, "is_superuser = ?", superuser)
}

// SetFullName sets or (nil) clears full_name.
func (s users) SetFullName(ctx context.Context, id string, name *string) error {
	return s.set(ctx, "full name", id, "full_name = ?", name)
}

// SetPhone sets or (nil) clears phone_number.
func (s users) SetPhone(ctx context.Context, id string, phone *string) error {
	return s.set(ctx, "phone", id, "phone_number = ?", phone)
}

// SetMFAEnabled sets is_mfa_enabled.
func (s users) SetMFAEnabled(ctx context.Context, id string, enabled bool) error {
	return s.set(ctx, "MFA flag", id, "is_mfa_enabled = ?", enabled)
}

// Delete removes the user and reports whether a row was removed.
func (s users) Delete(ctx context.Context, id string) (bool, error) {
	if !storable(id) {
		return false, nil
	}
	n, err := exec(ctx, s.db, "DELETE FROM users WHERE id = ?", id)
	if err != nil {
		return false, fmt.Errorf("sqlstore: delete user: %w", err)
	}
	return n > 0, nil
}

// Count counts the users matching every set filter.
func (s users) Count(ctx context.Context, f regstack.UserFilter) (int, error) {
	var where []string
	var args []any
	for _, c := range []struct {
		column string
		value  *bool
	}{
		{"is_active", f.IsActive},
		{"is_verified", f.IsVerified},
		{"is_superuser", f.IsSuperuser},
	} {
		if c.value != nil {
			where = append(where, c.column+" = ?")
			args = append(args, *c.value)
		}
	}
	query := "SELECT count(*) FROM users"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := s.rdb.NewRaw(query, args...).Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("sqlstore: count users: %w", err)
	}
	return n, nil
}

// ListPaged returns up to limit users after skipping skip, newest first;
// the id breaks ties so pages never overlap.
func (s users) ListPaged(ctx context.Context, skip, limit int) ([]*regstack.User, error) {
	if limit <= 0 {
		return []*regstack.User{}, nil
	}
	skip = max(skip, 0)
	var rows []userRow
	err := s.rdb.NewRaw("SELECT "+userColumns+" FROM users ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", limit, skip).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list users: %w", err)
	}
	out := make([]*regstack.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}
