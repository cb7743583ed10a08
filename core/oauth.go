package regstack

import (
	"context"
	"time"
)

// OAuth state modes (domain.md §3.8).
const (
	OAuthModeSignin = "signin"
	OAuthModeLink   = "link"
)

// OAuthIdentity links a user to one external account (domain.md §3.7).
type OAuthIdentity struct {
	ID         string
	UserID     string
	Provider   string
	SubjectID  string
	Email      *string
	LinkedAt   time.Time
	LastUsedAt *time.Time
}

// OAuthState is one in-flight OAuth flow; ID is the `state` parameter
// (domain.md §3.8).
type OAuthState struct {
	ID            string
	Provider      string
	CodeVerifier  string
	Nonce         string
	RedirectTo    string
	Mode          string
	LinkingUserID *string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	ResultToken   *string
	ResultWasNew  bool
}

// OAuthIdentities persists identities (domain.md §5.6).
type OAuthIdentities interface {
	// Create assigns the id; either unique constraint violated → ErrIdentityLinked.
	Create(ctx context.Context, i *OAuthIdentity) error
	FindBySubject(ctx context.Context, provider, subjectID string) (*OAuthIdentity, error)
	// ListForUser orders by linked_at ascending.
	ListForUser(ctx context.Context, userID string) ([]*OAuthIdentity, error)
	Delete(ctx context.Context, userID, provider string) (bool, error)
	DeleteByUserID(ctx context.Context, userID string) (int, error)
	TouchLastUsed(ctx context.Context, provider, subjectID string, when time.Time) error
}

// OAuthStates persists OAuth flow state (domain.md §5.7).
type OAuthStates interface {
	// Create inserts with the caller's id; a duplicate id is an error.
	Create(ctx context.Context, s *OAuthState) error
	// Find ignores expiry.
	Find(ctx context.Context, id string) (*OAuthState, error)
	// Complete sets result_token, result_was_new and expires_at only if
	// result_token is still null, and reports whether it applied.
	Complete(ctx context.Context, id, token string, wasNew bool, expiresAt time.Time) (bool, error)
	// Consume reads and deletes in one atomic step: of concurrent callers
	// exactly one gets the row. (nil, nil) when absent.
	Consume(ctx context.Context, id string) (*OAuthState, error)
	// PurgeExpired deletes rows with expires_at < now.
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// OAuthUserInfo is what a provider vouches for after ID-token
// verification (domain.md §10.1).
type OAuthUserInfo struct {
	SubjectID     string
	Email         *string
	EmailVerified bool
	FullName      *string
	PictureURL    *string
}

// OAuthTokens is the result of a code exchange.
type OAuthTokens struct {
	AccessToken  string
	IDToken      string
	RefreshToken string
}

// OAuthProvider is an external identity provider (domain.md §10.1).
type OAuthProvider interface {
	// Name is the lowercase ASCII provider name (URL segment, stored value).
	Name() string
	AuthorizationURL(redirectURI, state, codeChallenge, nonce string) string
	ExchangeCode(ctx context.Context, code, redirectURI, codeVerifier string) (OAuthTokens, error)
	VerifyIDToken(ctx context.Context, idToken, expectedNonce string) (OAuthUserInfo, error)
}
