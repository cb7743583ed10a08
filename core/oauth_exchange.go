package regstack

import (
	"context"
	"fmt"

	"github.com/regstack/regstack/core/token"
)

// OAuthExchange is the answer of POST /oauth/exchange (http-api.md §9.5):
// a session, or (MFARequired) an MFA-pending token to confirm with the SMS
// code at /login/mfa-confirm.
type OAuthExchange struct {
	AccessToken     string
	RedirectTo      string
	WasNew          bool
	ExpiresIn       int
	MFARequired     bool
	MFAPendingToken string
}

// ExchangeOAuth trades a completed state id for its result, once: the row
// is consumed atomically, so of concurrent callers exactly one wins.
// Returns ErrOAuthStateNotFound (absent, or the callback has not completed
// it — the row is deleted anyway) or ErrOAuthStateExpired.
func (rs *RegStack) ExchangeOAuth(ctx context.Context, id string) (OAuthExchange, error) {
	st, err := rs.store.OAuthStates().Consume(ctx, id)
	if err != nil {
		return OAuthExchange{}, fmt.Errorf("oauth exchange: consume state: %w", err)
	}
	if st == nil || st.ResultToken == nil {
		return OAuthExchange{}, ErrOAuthStateNotFound
	}
	if st.ExpiresAt.Before(rs.clock.Now()) {
		return OAuthExchange{}, ErrOAuthStateExpired
	}
	out := OAuthExchange{RedirectTo: st.RedirectTo, WasNew: st.ResultWasNew}
	// The two result kinds differ only by their signing key (domain.md
	// §10.6): no extra column, so Python can still read the row.
	if _, err := rs.tokens.Decode(*st.ResultToken, token.LoginMFA); err == nil {
		out.MFARequired = true
		out.MFAPendingToken = *st.ResultToken
		out.ExpiresIn = rs.cfg.MFAPendingTokenTTLSeconds
		return out, nil
	}
	out.AccessToken = *st.ResultToken
	out.ExpiresIn = rs.cfg.JWTTTLSeconds
	return out, nil
}
