package google

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/regstack/regstack/core/config"
)

// Name is the provider name: the URL segment and the stored provider value.
const Name = "google"

// defaultIssuer is Google's issuer; its ID tokens may also carry the
// scheme-less form (domain.md §10.4 step 3).
const (
	defaultIssuer  = "https://accounts.google.com"
	bareIssuer     = "accounts.google.com"
	exchangeTimout = 10 * time.Second
	jwksTimeout    = 5 * time.Second
)

// scopes asked of Google (domain.md §10.4).
var scopes = []string{"openid", "email", "profile"}

// Provider is the Google OAuth provider; it implements
// regstack.OAuthProvider. Two providers share nothing.
type Provider struct {
	oauth  oauth2.Config
	issuer string
	client *http.Client
	logger *slog.Logger
	now    func() time.Time
	keys   *keyCache
}

// Option changes a Provider built by New.
type Option func(*Provider)

// WithLogger logs through l instead of slog.Default().
func WithLogger(l *slog.Logger) Option { return func(p *Provider) { p.logger = l } }

// WithHTTPClient uses c for the token endpoint and the JWKS (its own
// timeout, if any, applies on top of the spec's 10 s and 5 s).
func WithHTTPClient(c *http.Client) Option { return func(p *Provider) { p.client = c } }

// WithClock replaces the wall clock that ID-token exp and iat are checked
// against, and that ages the cached JWKS.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// New builds the provider from the [oauth] table. Client id and secret
// are required; the endpoint keys default to Google's (config.Default).
func New(cfg config.OAuthConfig, opts ...Option) (*Provider, error) {
	id, secret := deref(cfg.GoogleClientID), deref(cfg.GoogleClientSecret)
	if id == "" || secret == "" {
		return nil, errors.New("google: oauth.google_client_id and oauth.google_client_secret are required")
	}
	if cfg.GoogleIssuer == "" || cfg.GoogleAuthorizationEndpoint == "" || cfg.GoogleTokenEndpoint == "" || cfg.GoogleJWKSURI == "" {
		return nil, errors.New("google: oauth.google_issuer, google_authorization_endpoint, google_token_endpoint and google_jwks_uri must not be empty")
	}
	p := &Provider{
		oauth: oauth2.Config{
			ClientID:     id,
			ClientSecret: secret,
			Endpoint: oauth2.Endpoint{
				AuthURL:  cfg.GoogleAuthorizationEndpoint,
				TokenURL: cfg.GoogleTokenEndpoint,
				// The spec sends the credentials in the form body.
				AuthStyle: oauth2.AuthStyleInParams,
			},
			Scopes: scopes,
		},
		issuer: cfg.GoogleIssuer,
		client: &http.Client{},
		logger: slog.Default(),
		now:    time.Now,
	}
	for _, o := range opts {
		o(p)
	}
	p.keys = newKeyCache(cfg.GoogleJWKSURI, p.client, p.now, p.logger)
	return p, nil
}

// Configured reports whether cfg registers Google: enable_oauth and both
// client id and secret set (domain.md §10.1).
func Configured(cfg config.Config) bool {
	return cfg.EnableOAuth && deref(cfg.OAuth.GoogleClientID) != "" && deref(cfg.OAuth.GoogleClientSecret) != ""
}

// Name is "google".
func (p *Provider) Name() string { return Name }

// AuthorizationURL is the authorization endpoint with the query of
// domain.md §10.4: response_type, client_id, redirect_uri, scope, state,
// the S256 code challenge, nonce, prompt=select_account and
// access_type=online.
func (p *Provider) AuthorizationURL(redirectURI, state, codeChallenge, nonce string) string {
	c := p.oauth
	c.RedirectURL = redirectURI
	return c.AuthCodeURL(state,
		oauth2.SetAuthURLParam("code_challenge", codeChallenge),
		oauth2.SetAuthURLParam("code_challenge_method", "S256"),
		oauth2.SetAuthURLParam("nonce", nonce),
		oauth2.SetAuthURLParam("prompt", "select_account"),
		oauth2.AccessTypeOnline,
	)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
