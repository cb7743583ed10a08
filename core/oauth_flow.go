package regstack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/regstack/regstack/core/token"
)

// defaultRedirectPage is where a finished OAuth flow sends the browser when
// the start named no redirect_to: <ui_prefix>/me (http-api.md §9.2).
const defaultRedirectPage = "/me"

// Sizes of the random values of a state row (http-api.md §9.2 step 3).
const (
	stateIDBytes  = 32
	verifierBytes = 64
	nonceBytes    = 16
)

// StartOAuth is GET /oauth/{provider}/start (p nil, mode signin) and POST
// /oauth/{provider}/link/start (p the caller, mode link), http-api.md
// §9.2–9.3: check the provider (ErrOAuthProviderNotConfigured) and
// redirect_to (ErrRedirectNotSameOrigin), store a state row, fire
// oauth_signin_started and return the provider's authorization URL.
func (rs *RegStack) StartOAuth(ctx context.Context, provider, redirectTo string, p *Principal) (string, error) {
	prov, ok := rs.providers[provider]
	if !ok {
		return "", ErrOAuthProviderNotConfigured(provider)
	}
	target, err := rs.checkRedirectTo(redirectTo)
	if err != nil {
		return "", err
	}
	now := rs.clock.Now()
	st := &OAuthState{
		ID:           token.RandomURLSafe(stateIDBytes),
		Provider:     provider,
		CodeVerifier: token.RandomURLSafe(verifierBytes),
		Nonce:        token.RandomURLSafe(nonceBytes),
		RedirectTo:   target,
		Mode:         OAuthModeSignin,
		CreatedAt:    now,
		ExpiresAt:    now.Add(time.Duration(rs.cfg.OAuth.StateTTLSeconds) * time.Second),
	}
	ev := Event{Name: EventOAuthSigninStarted, Provider: provider, Mode: OAuthModeSignin}
	if p != nil {
		id := p.User.ID
		st.Mode, st.LinkingUserID = OAuthModeLink, &id
		ev.Mode, ev.User = OAuthModeLink, snapshot(p.User)
	}
	if err := rs.store.OAuthStates().Create(ctx, st); err != nil {
		return "", fmt.Errorf("oauth start: store state: %w", err)
	}
	rs.hooks.Fire(ctx, ev)
	return prov.AuthorizationURL(rs.oauthRedirectURI(provider), st.ID, token.PKCEChallenge(st.CodeVerifier), st.Nonce), nil
}

// checkRedirectTo applies http-api.md §9.2 step 2: trimmed; empty means
// <ui_prefix>/me; a backslash or a control character is refused; a
// relative target needs exactly one leading "/"; an absolute one must
// have base_url's scheme and host[:port].
func (rs *RegStack) checkRedirectTo(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return strings.TrimRight(rs.cfg.UIPrefix, "/") + defaultRedirectPage, nil
	}
	if strings.ContainsRune(s, '\\') || strings.ContainsFunc(s, unicode.IsControl) {
		return "", ErrRedirectNotSameOrigin
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", ErrRedirectNotSameOrigin
	}
	if u.Scheme == "" && u.Host == "" {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
			return "", ErrRedirectNotSameOrigin
		}
		return s, nil
	}
	base, err := url.Parse(rs.cfg.BaseURL)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return "", ErrRedirectNotSameOrigin
	}
	return s, nil
}

// oauthRedirectURI is the callback URL the provider sends the browser to:
// oauth.google_redirect_uri for Google when set, else
// <base_url><api_prefix>/oauth/<provider>/callback.
func (rs *RegStack) oauthRedirectURI(provider string) string {
	if provider == "google" && rs.cfg.OAuth.GoogleRedirectURI != nil && *rs.cfg.OAuth.GoogleRedirectURI != "" {
		return *rs.cfg.OAuth.GoogleRedirectURI
	}
	return strings.TrimRight(rs.cfg.BaseURL, "/") + strings.TrimRight(rs.cfg.APIPrefix, "/") + "/oauth/" + provider + "/callback"
}

// OAuthCallback is the provider's answer to a callback: the query
// parameters code, state and error.
type OAuthCallback struct {
	Provider string
	Code     string
	State    string
	Error    string
}

// CompleteOAuth is GET /oauth/{provider}/callback (http-api.md §9.4). It
// returns the state id to hand to the SPA on success, or the `error=` code
// of the failed check. Failures other than the listed ones (store errors)
// are logged and reported as oauth_failed; the callback never answers
// anything but a redirect.
func (rs *RegStack) CompleteOAuth(ctx context.Context, in OAuthCallback) (stateID, failure string) {
	if in.Error != "" {
		rs.logger.InfoContext(ctx, "OAuth provider reported an error", "provider", in.Provider, "error", sanitizeProviderError(in.Error))
		return "", OAuthErrFailed
	}
	if in.Code == "" || in.State == "" {
		return "", OAuthErrMissingCodeOrState
	}
	prov, ok := rs.providers[in.Provider]
	if !ok {
		return "", OAuthErrUnknownProvider
	}
	st, err := rs.store.OAuthStates().Find(ctx, in.State)
	if err != nil {
		return "", rs.oauthInternal(ctx, "look up state", err)
	}
	if st == nil || st.Provider != in.Provider || st.ResultToken != nil {
		return "", OAuthErrBadState
	}
	if st.ExpiresAt.Before(rs.clock.Now()) {
		return "", OAuthErrStateExpired
	}
	toks, err := prov.ExchangeCode(ctx, in.Code, rs.oauthRedirectURI(in.Provider), st.CodeVerifier)
	if err != nil {
		return "", rs.providerFailure(ctx, in.Provider, err)
	}
	info, err := prov.VerifyIDToken(ctx, toks.IDToken, st.Nonce)
	if err != nil {
		return "", rs.providerFailure(ctx, in.Provider, err)
	}
	if info.SubjectID == "" {
		return "", OAuthErrIDTokenFailed
	}
	res, failure, err := rs.resolveIdentity(ctx, st, info)
	if err != nil {
		return "", rs.oauthInternal(ctx, "resolve identity", err)
	}
	if failure != "" {
		return "", failure
	}
	return rs.finishOAuth(ctx, st, res)
}

// resolved is the outcome of identity resolution.
type resolved struct {
	user   *User
	wasNew bool
	linked bool // an identity was attached to an existing user
}

// finishOAuth runs the end of http-api.md §9.4: touch the identity, mint
// the session (or, at the MFA gate, issue the code and the MFA-pending
// token), complete the state row, fire the hooks.
func (rs *RegStack) finishOAuth(ctx context.Context, st *OAuthState, res resolved) (string, string) {
	u := res.user
	now := rs.clock.Now()
	var (
		result    string
		expiresAt time.Time
		mfa       bool
	)
	if rs.cfg.OAuth.EnforceMFAOnOAuthSignin && st.Mode == OAuthModeSignin && u.MFARequired() {
		tok, err := rs.startLoginMFA(ctx, u)
		if err != nil {
			return "", rs.oauthInternal(ctx, "start MFA", err)
		}
		result, mfa = tok, true
		expiresAt = now.Add(time.Duration(rs.cfg.MFAPendingTokenTTLSeconds) * time.Second)
	} else {
		raw, claims, err := rs.tokens.Mint(token.Session, u.ID, time.Duration(rs.cfg.JWTTTLSeconds)*time.Second, token.Extra{})
		if err != nil {
			return "", rs.oauthInternal(ctx, "mint session", err)
		}
		if err := rs.store.Users().SetLastLogin(ctx, u.ID, claims.IssuedAt); err != nil {
			return "", rs.oauthInternal(ctx, "set last login", err)
		}
		result = raw
		expiresAt = now.Add(time.Duration(rs.cfg.OAuth.CompletionTTLSeconds) * time.Second)
	}
	applied, err := rs.store.OAuthStates().Complete(ctx, st.ID, result, res.wasNew, expiresAt)
	if err != nil {
		return "", rs.oauthInternal(ctx, "complete state", err)
	}
	if !applied {
		// A concurrent callback with the same state won.
		return "", OAuthErrBadState
	}
	rs.hooks.Fire(ctx, Event{
		Name: EventOAuthSigninCompleted, User: snapshot(u), Provider: st.Provider,
		Mode: st.Mode, WasNew: res.wasNew, MFARequired: mfa,
	})
	if res.linked {
		rs.hooks.Fire(ctx, Event{Name: EventOAuthAccountLinked, User: snapshot(u), Provider: st.Provider})
	}
	return st.ID, ""
}

// providerFailure maps a provider error to its callback code (rows 6–8).
func (rs *RegStack) providerFailure(ctx context.Context, provider string, err error) string {
	rs.logger.WarnContext(ctx, "OAuth provider step failed", "provider", provider, "err", err)
	switch {
	case errors.Is(err, ErrOAuthTokenExchange):
		return OAuthErrTokenExchangeFailed
	case errors.Is(err, ErrOAuthIDToken):
		return OAuthErrIDTokenFailed
	}
	return OAuthErrFailed
}

// oauthInternal logs an unexpected failure of the callback.
func (rs *RegStack) oauthInternal(ctx context.Context, step string, err error) string {
	rs.logger.ErrorContext(ctx, "OAuth callback failed", "step", step, "err", err)
	return OAuthErrFailed
}

// sanitizeProviderError makes the provider's error parameter safe to log:
// control characters removed, at most 200 characters (http-api.md §9.4).
func sanitizeProviderError(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}
