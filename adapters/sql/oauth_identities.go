package sqlstore

import (
	"context"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// oauthIdentityRow is a row of oauth_identities.
type oauthIdentityRow struct {
	bun.BaseModel `bun:"table:oauth_identities"`

	ID         string   `bun:"id,pk"`
	UserID     string   `bun:"user_id"`
	Provider   string   `bun:"provider"`
	SubjectID  string   `bun:"subject_id"`
	Email      *string  `bun:"email"`
	LinkedAt   sqlTime  `bun:"linked_at"`
	LastUsedAt *sqlTime `bun:"last_used_at"`
}

const oauthIdentityColumns = "id, user_id, provider, subject_id, email, linked_at, last_used_at"

func (r *oauthIdentityRow) identity() *regstack.OAuthIdentity {
	return &regstack.OAuthIdentity{
		ID:         r.ID,
		UserID:     r.UserID,
		Provider:   r.Provider,
		SubjectID:  r.SubjectID,
		Email:      r.Email,
		LinkedAt:   r.LinkedAt.Time(),
		LastUsedAt: r.LastUsedAt.ptr(),
	}
}

// oauthIdentities implements regstack.OAuthIdentities (domain.md §5.6).
type oauthIdentities struct{ base }

// Create inserts i under a new id. Either unique constraint (one user per
// external account, one account per provider and user) violated:
// ErrIdentityLinked.
func (s oauthIdentities) Create(ctx context.Context, i *regstack.OAuthIdentity) error {
	linked := s.now()
	if !i.LinkedAt.IsZero() {
		linked = newSQLTime(i.LinkedAt)
	}
	id := newID()
	_, err := exec(ctx, s.db, "INSERT INTO oauth_identities ("+oauthIdentityColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		id, i.UserID, i.Provider, i.SubjectID, i.Email, linked, nullTimeArg(i.LastUsedAt))
	if s.dialect.uniqueViolation(err) {
		return regstack.ErrIdentityLinked
	}
	if err != nil {
		return fmt.Errorf("sqlstore: insert OAuth identity: %w", err)
	}
	i.ID = id
	i.LinkedAt = linked.Time()
	i.LastUsedAt = asStored(i.LastUsedAt)
	return nil
}

// FindBySubject returns the identity of the external account or nil.
func (s oauthIdentities) FindBySubject(ctx context.Context, provider, subjectID string) (*regstack.OAuthIdentity, error) {
	if !storable(provider, subjectID) {
		return nil, nil
	}
	var row oauthIdentityRow
	found, err := get(ctx, s.rdb, &row, "SELECT "+oauthIdentityColumns+" FROM oauth_identities WHERE provider = ? AND subject_id = ?", provider, subjectID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find OAuth identity: %w", err)
	}
	if !found {
		return nil, nil
	}
	return row.identity(), nil
}

// ListForUser returns the user's identities, oldest link first.
func (s oauthIdentities) ListForUser(ctx context.Context, userID string) ([]*regstack.OAuthIdentity, error) {
	out := []*regstack.OAuthIdentity{}
	if !storable(userID) {
		return out, nil
	}
	var rows []oauthIdentityRow
	if err := s.rdb.NewRaw("SELECT "+oauthIdentityColumns+" FROM oauth_identities WHERE user_id = ? ORDER BY linked_at, id", userID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("sqlstore: list OAuth identities: %w", err)
	}
	for i := range rows {
		out = append(out, rows[i].identity())
	}
	return out, nil
}

// Delete removes the user's identity at provider and reports whether one
// was removed.
func (s oauthIdentities) Delete(ctx context.Context, userID, provider string) (bool, error) {
	if !storable(userID, provider) {
		return false, nil
	}
	n, err := exec(ctx, s.db, "DELETE FROM oauth_identities WHERE user_id = ? AND provider = ?", userID, provider)
	if err != nil {
		return false, fmt.Errorf("sqlstore: delete OAuth identity: %w", err)
	}
	return n > 0, nil
}

// DeleteByUserID removes every identity of the user and returns how many.
func (s oauthIdentities) DeleteByUserID(ctx context.Context, userID string) (int, error) {
	if !storable(userID) {
		return 0, nil
	}
	n, err := exec(ctx, s.db, "DELETE FROM oauth_identities WHERE user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete OAuth identities: %w", err)
	}
	return n, nil
}

// TouchLastUsed sets last_used_at of the external account's identity.
func (s oauthIdentities) TouchLastUsed(ctx context.Context, provider, subjectID string, when time.Time) error {
	if !storable(provider, subjectID) {
		return nil
	}
	if _, err := exec(ctx, s.db, "UPDATE oauth_identities SET last_used_at = ? WHERE provider = ? AND subject_id = ?", newSQLTime(when), provider, subjectID); err != nil {
		return fmt.Errorf("sqlstore: touch OAuth identity: %w", err)
	}
	return nil
}
