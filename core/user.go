package regstack

import (
	"context"
	"time"
)

// User is an account (domain.md §3.2).
type User struct {
	ID             string
	Email          string
	HashedPassword *string // nil: OAuth-only user
	IsActive       bool
	IsVerified     bool
	IsSuperuser    bool
	FullName       *string
	PhoneNumber    *string
	IsMFAEnabled   bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastLogin      *time.Time
	// TokensInvalidatedAfter is the bulk-revocation cutoff: session tokens
	// with iat <= it are rejected (domain.md §6.5).
	TokensInvalidatedAfter *time.Time
}

// HasPassword reports whether the user can sign in with a password.
func (u *User) HasPassword() bool { return u.HashedPassword != nil && *u.HashedPassword != "" }

// MFARequired reports whether a password login must pass an SMS code.
func (u *User) MFARequired() bool {
	return u.IsMFAEnabled && u.PhoneNumber != nil && *u.PhoneNumber != ""
}

// UserFilter selects users for Count; nil fields are ignored.
type UserFilter struct {
	IsActive    *bool
	IsVerified  *bool
	IsSuperuser *bool
}

// UserStore persists users (domain.md §5.1). "Not found" is (nil, nil),
// never an error; a malformed id is "not found" for readers and a no-op for
// writers. Mutators set updated_at to the store clock's now.
type UserStore interface {
	// Create assigns the id, sets created_at/updated_at to now when zero and
	// inserts every field. Returns ErrUserExists if the email is taken.
	Create(ctx context.Context, u *User) error
	GetByEmail(ctx context.Context, email string) (*User, error)
	GetByID(ctx context.Context, id string) (*User, error)
	SetLastLogin(ctx context.Context, id string, when time.Time) error
	SetTokensInvalidatedAfter(ctx context.Context, id string, when time.Time) error
	// UpdatePassword sets the hash and tokens_invalidated_after = now in one
	// write, so the new password and the bulk revoke become visible together.
	UpdatePassword(ctx context.Context, id, hash string) error
	// UpdateEmail sets the email and tokens_invalidated_after = now in one
	// write. Returns ErrUserExists if the email is taken.
	UpdateEmail(ctx context.Context, id, email string) error
	SetActive(ctx context.Context, id string, active bool) error
	SetVerified(ctx context.Context, id string, verified bool) error
	SetSuperuser(ctx context.Context, id string, superuser bool) error
	SetFullName(ctx context.Context, id string, name *string) error
	SetPhone(ctx context.Context, id string, phone *string) error
	SetMFAEnabled(ctx context.Context, id string, enabled bool) error
	// Delete removes the user and reports whether a row was removed.
	Delete(ctx context.Context, id string) (bool, error)
	Count(ctx context.Context, f UserFilter) (int, error)
	// ListPaged orders by created_at descending, then id.
	ListPaged(ctx context.Context, skip, limit int) ([]*User, error)
}
