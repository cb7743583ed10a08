package google

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"golang.org/x/oauth2"

	regstack "github.com/regstack/regstack/core"
)

// ExchangeCode trades the authorization code for tokens at the token
// endpoint (domain.md §10.4): a form POST with the PKCE verifier and the
// client credentials, Accept: application/json, 10 s timeout. A non-200
// answer or a body without access_token or id_token wraps
// regstack.ErrOAuthTokenExchange. The response body may hold a live
// access token, so it never reaches an error and is logged at debug only.
func (p *Provider) ExchangeCode(ctx context.Context, code, redirectURI, codeVerifier string) (regstack.OAuthTokens, error) {
	ctx, cancel := context.WithTimeout(ctx, exchangeTimout)
	defer cancel()
	c := p.oauth
	c.RedirectURL = redirectURI
	ctx = context.WithValue(ctx, oauth2.HTTPClient, p.jsonClient())
	tok, err := c.Exchange(ctx, code, oauth2.VerifierOption(codeVerifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			p.logger.LogAttrs(ctx, slog.LevelDebug, "google token endpoint answer",
				slog.Int("status", re.Response.StatusCode), slog.String("body", string(re.Body)))
			return regstack.OAuthTokens{}, fmt.Errorf("%w: HTTP %d", regstack.ErrOAuthTokenExchange, re.Response.StatusCode)
		}
		// Other errors come from the transport or the decoder, whose
		// messages quote no body; still only the kind is kept.
		return regstack.OAuthTokens{}, fmt.Errorf("%w: %s", regstack.ErrOAuthTokenExchange, transportReason(ctx, err))
	}
	idToken, _ := tok.Extra("id_token").(string)
	if tok.AccessToken == "" || idToken == "" {
		return regstack.OAuthTokens{}, fmt.Errorf("%w: response without access_token or id_token", regstack.ErrOAuthTokenExchange)
	}
	return regstack.OAuthTokens{AccessToken: tok.AccessToken, IDToken: idToken, RefreshToken: tok.RefreshToken}, nil
}

// transportReason names a failed exchange without any response content.
func transportReason(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "timed out or cancelled"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return "request failed"
}

// jsonClient is the provider's client with Accept: application/json on
// every request, as the token endpoint contract asks.
func (p *Provider) jsonClient() *http.Client {
	c := *p.client
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = acceptJSON{base}
	return &c
}

type acceptJSON struct{ next http.RoundTripper }

func (t acceptJSON) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept", "application/json")
	return t.next.RoundTrip(r)
}
