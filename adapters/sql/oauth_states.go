package sqlstore

import (
	"context"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// oauthStateRow is a row of oauth_states (revision 0003).
type oauthStateRow struct {
	bun.BaseModel `bun:"table:oauth_states"`

	ID            string  `bun:"id,pk"`
	Provider      string  `bun:"provider"`
	CodeVerifier  string  `bun:"code_verifier"`
	Nonce         string  `bun:"nonce"`
	RedirectTo    string  `bun:"redirect_to"`
	Mode          string  `bun:"mode"`
	LinkingUserID *string `bun:"linking_user_id"`
	CreatedAt     sqlTime `bun:"created_at"`
	ExpiresAt     sqlTime `bun:"expires_at"`
	ResultToken   *string `bun:"result_token"`
	ResultWasNew  bool    `bun:"result_was_new"`
}

const oauthStateColumns = "id, provider, code_verifier, nonce, redirect_to, mode, linking_user_id, created_at, expires_at, result_token, result_was_new"

func (r *oauthStateRow) state() *regstack.OAuthState {
	return &regstack.OAuthState{
		ID:            r.ID,
		Provider:      r.Provider,
		CodeVerifier:  r.CodeVerifier,
		Nonce:         r.Nonce,
		RedirectTo:    r.RedirectTo,
		Mode:          r.Mode,
		LinkingUserID: r.LinkingUserID,
		CreatedAt:     r.CreatedAt.Time(),
		ExpiresAt:     r.ExpiresAt.Time(),
		ResultToken:   r.ResultToken,
		ResultWasNew:  r.ResultWasNew,
	}
}

// oauthStates implements regstack.OAuthStates (domain.md §5.7, §10.2).
type oauthStates struct{ base }

// Create inserts st under the caller's id; a duplicate id is an error.
func (s oauthStates) Create(ctx context.Context, st *regstack.OAuthState) error {
	created := s.now()
	if !st.CreatedAt.IsZero() {
		created = newSQLTime(st.CreatedAt)
	}
	expires := newSQLTime(st.ExpiresAt)
	_, err := exec(ctx, s.db, "INSERT INTO oauth_states ("+oauthStateColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		st.ID, st.Provider, st.CodeVerifier, st.Nonce, st.RedirectTo, st.Mode, st.LinkingUserID,
		created, expires, st.ResultToken, st.ResultWasNew)
	if err != nil {
		return fmt.Errorf("sqlstore: insert OAuth state: %w", err)
	}
	st.CreatedAt, st.ExpiresAt = created.Time(), expires.Time()
	return nil
}

// Find returns the state whatever its expiry, or nil.
func (s oauthStates) Find(ctx context.Context, id string) (*regstack.OAuthState, error) {
	if !storable(id) {
		return nil, nil
	}
	var row oauthStateRow
	found, err := get(ctx, s.rdb, &row, "SELECT "+oauthStateColumns+" FROM oauth_states WHERE id = ?", id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find OAuth state: %w", err)
	}
	if !found {
		return nil, nil
	}
	return row.state(), nil
}

// Complete records the callback's result only while none is recorded (a
// compare-and-set on result_token IS NULL) and reports whether it did.
func (s oauthStates) Complete(ctx context.Context, id, token string, wasNew bool, expiresAt time.Time) (bool, error) {
	if !storable(id) {
		return false, nil
	}
	n, err := exec(ctx, s.db, "UPDATE oauth_states SET result_token = ?, result_was_new = ?, expires_at = ? WHERE id = ? AND result_token IS NULL",
		token, wasNew, newSQLTime(expiresAt), id)
	if err != nil {
		return false, fmt.Errorf("sqlstore: complete OAuth state: %w", err)
	}
	return n == 1, nil
}

// Consume deletes the state and returns it, in one statement, so of
// concurrent callers exactly one gets it.
func (s oauthStates) Consume(ctx context.Context, id string) (*regstack.OAuthState, error) {
	if !storable(id) {
		return nil, nil
	}
	var row oauthStateRow
	found, err := get(ctx, s.db, &row, "DELETE FROM oauth_states WHERE id = ? RETURNING "+oauthStateColumns, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: consume OAuth state: %w", err)
	}
	if !found {
		return nil, nil
	}
	return row.state(), nil
}

// PurgeExpired deletes states with expires_at < now.
func (s oauthStates) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	n, err := exec(ctx, s.db, "DELETE FROM oauth_states WHERE expires_at < ?", newSQLTime(now))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge OAuth states: %w", err)
	}
	return n, nil
}
