package http

import (
	"net/http"
	"net/url"
	"strings"

	regstack "github.com/regstack/regstack/core"
)

// oauthProviders is the body of GET /oauth/providers (http-api.md §9.1).
type oauthProviders struct {
	Available []string         `json:"available"`
	Linked    []linkedIdentity `json:"linked"`
}

// linkedIdentity is one entry of `linked`.
type linkedIdentity struct {
	Provider   string  `json:"provider"`
	Email      *string `json:"email"`
	LinkedAt   string  `json:"linked_at"`
	LastUsedAt *string `json:"last_used_at"`
}

// oauthExchanged is the 200 of POST /oauth/exchange (§9.5).
type oauthExchanged struct {
	AccessToken     string  `json:"access_token"`
	RedirectTo      string  `json:"redirect_to"`
	WasNewAccount   bool    `json:"was_new_account"`
	TokenType       string  `json:"token_type"`
	ExpiresIn       int     `json:"expires_in"`
	MFARequired     bool    `json:"mfa_required"`
	MFAPendingToken *string `json:"mfa_pending_token"`
}

// authorizationURL is the 200 of POST /oauth/{provider}/link/start (§9.3).
type authorizationURL struct {
	AuthorizationURL string `json:"authorization_url"`
}

// stateID is the `id` of POST /oauth/exchange: 8–128 characters.
var stateID = field{name: "id", kind: kindString, required: true, minLen: 8, maxLen: 128, secret: true}

// oauthRoutes is the OAuth router (http-api.md §9), mounted iff
// enable_oauth and at least one provider is registered.
func (a *api) oauthRoutes() []route {
	return []route{
		{pattern: "GET /oauth/providers", access: userOnly, serve: a.oauthProviders},
		{pattern: "GET /oauth/{provider}/start", serve: a.oauthStart},
		{pattern: "POST /oauth/{provider}/link/start", access: userOnly, serve: a.oauthLinkStart},
		{pattern: "GET /oauth/{provider}/callback", serve: a.oauthCallback},
		{
			pattern:  "POST /oauth/exchange",
			body:     schema{stateID},
			limitKey: "oauth_exchange_rate_limit", limit: a.cfg.OAuthExchangeRateLimit,
			serve: a.oauthExchange,
		},
		{pattern: "DELETE /oauth/{provider}/link", access: userOnly, serve: a.oauthUnlink},
	}
}

func (a *api) oauthProviders(w http.ResponseWriter, r *http.Request, c *call) error {
	ids, err := a.rs.OAuthAccounts(r.Context(), c.principal)
	if err != nil {
		return err
	}
	out := oauthProviders{Available: a.rs.ProviderNames(), Linked: make([]linkedIdentity, 0, len(ids))}
	for _, i := range ids {
		var used *string
		if i.LastUsedAt != nil {
			s := isoOffset(*i.LastUsedAt)
			used = &s
		}
		out.Linked = append(out.Linked, linkedIdentity{Provider: i.Provider, Email: i.Email, LinkedAt: isoOffset(i.LinkedAt), LastUsedAt: used})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) oauthStart(w http.ResponseWriter, r *http.Request, _ *call) error {
	to, err := a.rs.StartOAuth(r.Context(), r.PathValue("provider"), r.URL.Query().Get("redirect_to"), nil)
	if err != nil {
		return err
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (a *api) oauthLinkStart(w http.ResponseWriter, r *http.Request, c *call) error {
	to, err := a.rs.StartOAuth(r.Context(), r.PathValue("provider"), r.URL.Query().Get("redirect_to"), c.principal)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authorizationURL{to})
	return nil
}

// oauthCallback always redirects: to <ui_prefix>/oauth-complete?id=<state>
// on success, else to <ui_prefix>/login?error=<code> (§9.4).
func (a *api) oauthCallback(w http.ResponseWriter, r *http.Request, _ *call) error {
	q := r.URL.Query()
	id, failure := a.rs.CompleteOAuth(r.Context(), regstack.OAuthCallback{
		Provider: r.PathValue("provider"),
		Code:     q.Get("code"),
		State:    q.Get("state"),
		Error:    q.Get("error"),
	})
	ui := strings.TrimRight(a.cfg.UIPrefix, "/")
	to := ui + "/oauth-complete?" + url.Values{"id": {id}}.Encode()
	if failure != "" {
		to = ui + "/login?" + url.Values{"error": {failure}}.Encode()
	}
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

func (a *api) oauthExchange(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := a.rs.ExchangeOAuth(r.Context(), c.body.str("id"))
	if err != nil {
		return err
	}
	out := oauthExchanged{
		AccessToken:   res.AccessToken,
		RedirectTo:    res.RedirectTo,
		WasNewAccount: res.WasNew,
		TokenType:     "bearer",
		ExpiresIn:     res.ExpiresIn,
		MFARequired:   res.MFARequired,
	}
	if res.MFARequired {
		out.MFAPendingToken = &res.MFAPendingToken
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) oauthUnlink(w http.ResponseWriter, r *http.Request, c *call) error {
	provider := r.PathValue("provider")
	if err := a.rs.UnlinkOAuth(r.Context(), c.principal, provider); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{"Unlinked " + provider + "."})
	return nil
}
