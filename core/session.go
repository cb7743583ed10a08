package regstack

import (
	"context"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// startSession completes a sign-in (http-api.md §5.4 step 8, §5.5 step 4):
// mint a session token, set last_login to its iat, clear the lockout
// failures of the user's email (and of loginEmail, the address typed at
// login, when it differs), fire user_logged_in. The event's snapshot shows
// the previous last_login (domain.md §11.2).
func (rs *RegStack) startSession(ctx context.Context, u *User, loginEmail string) (Session, error) {
	ttl := rs.cfg.JWTTTLSeconds
	raw, claims, err := rs.tokens.Mint(token.Session, u.ID, time.Duration(ttl)*time.Second, token.Extra{})
	if err != nil {
		return Session{}, fmt.Errorf("mint session token: %w", err)
	}
	if err := rs.store.Users().SetLastLogin(ctx, u.ID, claims.IssuedAt); err != nil {
		return Session{}, fmt.Errorf("set last login: %w", err)
	}
	if err := rs.clearFailures(ctx, u.Email); err != nil {
		return Session{}, err
	}
	if loginEmail != "" && loginEmail != u.Email {
		if err := rs.clearFailures(ctx, loginEmail); err != nil {
			return Session{}, err
		}
	}
	rs.fireUser(ctx, EventUserLoggedIn, u)
	return Session{AccessToken: raw, ExpiresIn: ttl}, nil
}

// Authenticate resolves a raw session token — the transport has already
// stripped "Bearer " — with the five checks of http-api.md §4 in order:
// ErrAuthRequired (empty), ErrInvalidToken (any decode failure; the reason
// is only logged at debug), ErrTokenRevoked (logged out),
// ErrUserInactive (no such user or disabled), ErrSessionInvalidated (iat
// at or before tokens_invalidated_after, at microsecond precision).
func (rs *RegStack) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	if bearer == "" {
		return nil, ErrAuthRequired
	}
	claims, err := rs.tokens.Decode(bearer, token.Session)
	if err != nil {
		rs.logger.DebugContext(ctx, "session token rejected", "err", err)
		return nil, ErrInvalidToken
	}
	u, revoked, err := rs.readSession(ctx, claims.Subject, claims.ID)
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if revoked {
		return nil, ErrTokenRevoked
	}
	if u == nil || !u.IsActive {
		return nil, ErrUserInactive
	}
	if cut := u.TokensInvalidatedAfter; cut != nil &&
		!claims.IssuedAt.Truncate(time.Microsecond).After(cut.Truncate(time.Microsecond)) {
		return nil, ErrSessionInvalidated
	}
	return &Principal{User: u, Token: claims}, nil
}

// readSession is the blacklist check and the user lookup of Authenticate:
// one round trip when the store is a SessionReader, else the two reads in
// turn (the user is not read when the token is revoked).
func (rs *RegStack) readSession(ctx context.Context, userID, jti string) (*User, bool, error) {
	if sr, ok := rs.store.(SessionReader); ok {
		u, revoked, err := sr.ReadSession(ctx, userID, jti)
		if err != nil {
			return nil, false, fmt.Errorf("read session: %w", err)
		}
		return u, revoked, nil
	}
	revoked, err := rs.store.Blacklist().IsRevoked(ctx, jti)
	if err != nil {
		return nil, false, fmt.Errorf("blacklist lookup: %w", err)
	}
	if revoked {
		return nil, true, nil
	}
	u, err := rs.store.Users().GetByID(ctx, userID)
	if err != nil {
		return nil, false, fmt.Errorf("look up user: %w", err)
	}
	return u, false, nil
}

// Logout is POST /logout (§5.6): it blacklists the presented token's jti
// until its exp (idempotent) and fires user_logged_out. Other sessions of
// the user stay valid.
func (rs *RegStack) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.User == nil {
		return ErrAuthRequired
	}
	if err := rs.store.Blacklist().Revoke(ctx, p.Token.ID, p.Token.ExpiresAt); err != nil {
		return fmt.Errorf("logout: revoke token: %w", err)
	}
	rs.fireUser(ctx, EventUserLoggedOut, p.User)
	return nil
}
