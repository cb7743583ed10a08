// Package oidctest is a small OpenID provider for tests, served in-process
// on loopback: discovery, JWKS, an authorize endpoint that approves at once
// for the configured user (no login form) and a token endpoint that signs
// RS256 ID tokens carrying the claims Google puts in them (email,
// email_verified, name, nonce). Every failure case is a switch on the
// provider; nothing is global, so tests run in parallel.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Client credentials the provider accepts.
const (
	ClientID     = "test-client.apps.example"
	ClientSecret = "test-client-secret"
)

// User is who the authorize endpoint signs in. EmailVerified is put in the
// token as given (a bool, a string, or nil to leave the claim out); an
// empty Email leaves the email claim out.
type User struct {
	Subject       string
	Email         string
	EmailVerified any
	Name          string
}

// Behaviour switches failure modes on; the zero value is a well-behaved
// provider.
type Behaviour struct {
	// AuthorizeError makes the authorize endpoint redirect back with
	// error=<value> (for example "access_denied") instead of a code.
	AuthorizeError string
	// TokenStatus, when non-zero, makes the token endpoint answer that
	// status with an error body that carries a fake access token.
	TokenStatus int
	// OmitIDToken leaves id_token out of a 200 token response.
	OmitIDToken bool
	// ForgeSignature signs ID tokens with a key that is not in the JWKS
	// but carries the current key id.
	ForgeSignature bool
	// Claims edits the ID token's claims just before signing.
	Claims func(map[string]any)
}

// Provider is a running test OpenID provider.
type Provider struct {
	srv *httptest.Server

	mu        sync.Mutex
	user      User
	behaviour Behaviour
	keys      []signingKey // published; the last one signs
	forger    signingKey
	grants    map[string]grant
	nextKid   int

	jwksFetches atomic.Int64
}

type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

type grant struct {
	redirectURI, nonce, challenge string
	user                          User
}

// New starts a provider; it stops when the test ends.
func New(t testing.TB) *Provider {
	t.Helper()
	p := &Provider{
		grants: map[string]grant{},
		user:   User{Subject: "100000000000000000001", Email: "alice@example.com", EmailVerified: true, Name: "Alice Example"},
	}
	p.keys = []signingKey{p.newKey(t)}
	p.forger = signingKey{kid: p.keys[0].kid, priv: p.newKey(t).priv}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *Provider) newKey(t testing.TB) signingKey {
	t.Helper()
	// 2048 bits: jwx refuses smaller RSA keys for RS256.
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("oidctest: generate key: %v", err)
	}
	p.nextKid++
	return signingKey{kid: fmt.Sprintf("key-%d", p.nextKid), priv: priv}
}

// Issuer is the provider's issuer URL (its base URL).
func (p *Provider) Issuer() string { return p.srv.URL }

// AuthorizationEndpoint is the URL of the authorize endpoint.
func (p *Provider) AuthorizationEndpoint() string { return p.srv.URL + "/authorize" }

// TokenEndpoint is the URL of the token endpoint.
func (p *Provider) TokenEndpoint() string { return p.srv.URL + "/token" }

// JWKSURI is the URL of the key set.
func (p *Provider) JWKSURI() string { return p.srv.URL + "/jwks" }

// JWKSFetches counts the key-set downloads so far.
func (p *Provider) JWKSFetches() int { return int(p.jwksFetches.Load()) }

// SetUser sets who the next authorizations sign in.
func (p *Provider) SetUser(u User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.user = u
}

// SetBehaviour replaces the failure switches.
func (p *Provider) SetBehaviour(b Behaviour) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.behaviour = b
}

// RotateKey publishes a new key with a new id and signs with it from now
// on; the old key stays published.
func (p *Provider) RotateKey(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = append(p.keys, p.newKey(t))
}

// Visit plays the browser at the authorize endpoint: it requests authURL
// (what /oauth/{p}/start redirected to) and returns the URL the provider
// sends the browser back to.
func (p *Provider) Visit(t testing.TB, authURL string) *url.URL {
	t.Helper()
	c := p.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(authURL)
	if err != nil {
		t.Fatalf("oidctest: authorize: %v", err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("oidctest: authorize answered %d, want 302", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatalf("oidctest: authorize Location: %v", err)
	}
	return back
}

// Claims are the ID-token claims the provider would issue for u and nonce
// now, before Behaviour.Claims.
func (p *Provider) Claims(u User, nonce string) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss":   p.srv.URL,
		"aud":   ClientID,
		"azp":   ClientID,
		"sub":   u.Subject,
		"iat":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"nonce": nonce,
	}
	if u.Email != "" {
		c["email"] = u.Email
	}
	if u.EmailVerified != nil {
		c["email_verified"] = u.EmailVerified
	}
	if u.Name != "" {
		c["name"] = u.Name
	}
	return c
}

// Sign signs claims as an RS256 compact JWS with the current key (or the
// forger's key when ForgeSignature is on).
func (p *Provider) Sign(t testing.TB, claims map[string]any) string {
	t.Helper()
	s, err := p.sign(claims)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	return s
}

func (p *Provider) sign(claims map[string]any) (string, error) {
	p.mu.Lock()
	k := p.keys[len(p.keys)-1]
	if p.behaviour.ForgeSignature {
		k = p.forger
	}
	p.mu.Unlock()
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	h := jws.NewHeaders()
	if err := h.Set(jws.KeyIDKey, k.kid); err != nil {
		return "", err
	}
	if err := h.Set(jws.TypeKey, "JWT"); err != nil {
		return "", err
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.RS256, k.priv, jws.WithProtectedHeaders(h)))
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	return string(out), nil
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.srv.URL,
		"authorization_endpoint":                p.AuthorizationEndpoint(),
		"token_endpoint":                        p.TokenEndpoint(),
		"jwks_uri":                              p.JWKSURI(),
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	p.jwksFetches.Add(1)
	p.mu.Lock()
	keys := append([]signingKey(nil), p.keys...)
	p.mu.Unlock()
	set := jwk.NewSet()
	for _, k := range keys {
		pub, err := jwk.FromRaw(k.priv.Public())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = pub.Set(jwk.KeyIDKey, k.kid)
		_ = pub.Set(jwk.AlgorithmKey, jwa.RS256)
		_ = pub.Set(jwk.KeyUsageKey, "sig")
		_ = set.AddKey(pub)
	}
	writeJSON(w, http.StatusOK, set)
}

// authorize approves at once: it redirects to redirect_uri with a fresh
// code (or the configured error) and the state.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Scheme == "" {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	b, u := p.behaviour, p.user
	ret := url.Values{"state": {q.Get("state")}}
	if b.AuthorizeError != "" {
		ret.Set("error", b.AuthorizeError)
	} else {
		code := randomString()
		p.grants[code] = grant{redirectURI: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), user: u}
		ret.Set("code", code)
	}
	p.mu.Unlock()
	back.RawQuery = ret.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token redeems a code once, checking the client, redirect_uri and PKCE
// verifier like a real provider.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	p.mu.Lock()
	b := p.behaviour
	g, ok := p.grants[r.PostForm.Get("code")]
	delete(p.grants, r.PostForm.Get("code"))
	p.mu.Unlock()
	if b.TokenStatus != 0 {
		// A body with a token-looking value lets tests prove it is never
		// logged above debug or put in an error.
		writeJSON(w, b.TokenStatus, map[string]any{"error": "server_error", "access_token": "LEAKED-ACCESS-TOKEN"})
		return
	}
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "authorization_code":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	case f.Get("client_id") != ClientID || f.Get("client_secret") != ClientSecret:
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	case !ok || f.Get("redirect_uri") != g.redirectURI || s256(f.Get("code_verifier")) != g.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	claims := p.Claims(g.user, g.nonce)
	if b.Claims != nil {
		b.Claims(claims)
	}
	resp := map[string]any{"access_token": randomString(), "token_type": "Bearer", "expires_in": 3599, "scope": "openid email profile"}
	if !b.OmitIDToken {
		idt, err := p.sign(claims)
		if err != nil {
			tokenError(w, http.StatusInternalServerError, "server_error")
			return
		}
		resp["id_token"] = idt
	}
	writeJSON(w, http.StatusOK, resp)
}

func tokenError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
