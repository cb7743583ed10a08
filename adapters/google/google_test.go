package google_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/google"
	"github.com/regstack/regstack/adapters/google/oidctest"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/token"
)

const redirectURI = "http://localhost:8000/api/auth/oauth/google/callback"

// newProvider is a google.Provider pointed at op, logging into logs.
func newProvider(t *testing.T, op *oidctest.Provider, logs *bytes.Buffer) *google.Provider {
	t.Helper()
	id, secret := oidctest.ClientID, oidctest.ClientSecret
	cfg := config.Default().OAuth
	cfg.GoogleClientID, cfg.GoogleClientSecret = &id, &secret
	cfg.GoogleIssuer = op.Issuer()
	cfg.GoogleAuthorizationEndpoint = op.AuthorizationEndpoint()
	cfg.GoogleTokenEndpoint = op.TokenEndpoint()
	cfg.GoogleJWKSURI = op.JWKSURI()
	opts := []google.Option{}
	if logs != nil {
		opts = append(opts, google.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	}
	p, err := google.New(cfg, opts...)
	if err != nil {
		t.Fatalf("google.New: %v", err)
	}
	return p
}

func TestNewRequiresClientCredentials(t *testing.T) {
	id := "x"
	cfg := config.Default().OAuth
	cfg.GoogleClientID = &id
	if _, err := google.New(cfg); err == nil {
		t.Fatal("New without a client secret succeeded")
	}
}

func TestAuthorizationURLCarriesTheParametersOfTheSpec(t *testing.T) {
	op := oidctest.New(t)
	p := newProvider(t, op, nil)
	raw := p.AuthorizationURL(redirectURI, "state-1", "challenge-1", "nonce-1")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != op.AuthorizationEndpoint() {
		t.Errorf("endpoint = %s, want %s", got, op.AuthorizationEndpoint())
	}
	want := map[string]string{
		"response_type": "code", "client_id": oidctest.ClientID, "redirect_uri": redirectURI,
		"scope": "openid email profile", "state": "state-1", "code_challenge": "challenge-1",
		"code_challenge_method": "S256", "nonce": "nonce-1", "prompt": "select_account", "access_type": "online",
	}
	q := u.Query()
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if len(q) != len(want) {
		t.Errorf("query has %d parameters, want %d: %s", len(q), len(want), u.RawQuery)
	}
	if !strings.Contains(u.RawQuery, "scope=openid+email+profile") {
		t.Errorf("scope is not form-encoded with '+': %s", u.RawQuery)
	}
}

// authorize runs the browser step and returns the code, verifier and nonce.
func authorize(t *testing.T, op *oidctest.Provider, p *google.Provider) (code, verifier, nonce string) {
	t.Helper()
	verifier, nonce = token.RandomURLSafe(64), token.RandomURLSafe(16)
	back := op.Visit(t, p.AuthorizationURL(redirectURI, "st", token.PKCEChallenge(verifier), nonce))
	code = back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", back)
	}
	return code, verifier, nonce
}

func TestExchangeAndVerifyAGoodSignIn(t *testing.T) {
	op := oidctest.New(t)
	p := newProvider(t, op, nil)
	code, verifier, nonce := authorize(t, op, p)
	if n := op.JWKSFetches(); n != 0 {
		t.Fatalf("JWKS fetched %d times before any callback; want a lazy fetch", n)
	}
	toks, err := p.ExchangeCode(context.Background(), code, redirectURI, verifier)
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	info, err := p.VerifyIDToken(context.Background(), toks.IDToken, nonce)
	if err != nil {
		t.Fatalf("VerifyIDToken: %v", err)
	}
	if info.SubjectID != "100000000000000000001" || info.Email == nil || *info.Email != "alice@example.com" ||
		!info.EmailVerified || info.FullName == nil || *info.FullName != "Alice Example" {
		t.Errorf("user info = %+v", info)
	}
	if _, err := p.ExchangeCode(context.Background(), code, redirectURI, verifier); !errors.Is(err, regstack.ErrOAuthTokenExchange) {
		t.Errorf("second exchange of one code: err = %v, want ErrOAuthTokenExchange", err)
	}
}

func TestExchangeFailures(t *testing.T) {
	tests := []struct {
		name      string
		behaviour oidctest.Behaviour
		verifier  string // "" = the right one
	}{
		{name: "a 500 from the token endpoint fails", behaviour: oidctest.Behaviour{TokenStatus: http.StatusInternalServerError}},
		{name: "a 400 from the token endpoint fails", behaviour: oidctest.Behaviour{TokenStatus: http.StatusBadRequest}},
		{name: "a response without id_token fails", behaviour: oidctest.Behaviour{OmitIDToken: true}},
		{name: "a wrong PKCE verifier fails", verifier: "not-the-verifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := oidctest.New(t)
			var logs bytes.Buffer
			p := newProvider(t, op, &logs)
			code, verifier, _ := authorize(t, op, p)
			if tt.verifier != "" {
				verifier = tt.verifier
			}
			op.SetBehaviour(tt.behaviour)
			_, err := p.ExchangeCode(context.Background(), code, redirectURI, verifier)
			if !errors.Is(err, regstack.ErrOAuthTokenExchange) {
				t.Fatalf("err = %v, want ErrOAuthTokenExchange", err)
			}
			if strings.Contains(err.Error(), "LEAKED") || strings.Contains(logs.String(), "LEAKED") {
				t.Errorf("the token endpoint's body leaked: err %q, logs %q", err, logs.String())
			}
		})
	}
}

func TestVerifyIDToken(t *testing.T) {
	const nonce = "the-nonce"
	tests := []struct {
		name  string
		edit  func(c map[string]any)
		forge bool
		ok    bool
		check func(t *testing.T, info regstack.OAuthUserInfo)
	}{
		{name: "a well-formed token passes", ok: true},
		{name: "a wrong nonce fails", edit: func(c map[string]any) { c["nonce"] = "other" }},
		{name: "a missing nonce fails", edit: func(c map[string]any) { delete(c, "nonce") }},
		{name: "a forged signature fails", forge: true},
		{name: "another issuer fails", edit: func(c map[string]any) { c["iss"] = "https://evil.example" }},
		{name: "the bare Google issuer is refused for a non-Google issuer", edit: func(c map[string]any) { c["iss"] = "accounts.google.com" }},
		{name: "another audience fails", edit: func(c map[string]any) { c["aud"] = "someone-else" }},
		{name: "an audience list containing the client passes", edit: func(c map[string]any) { c["aud"] = []string{"x", oidctest.ClientID} }, ok: true},
		{name: "an expired token fails", edit: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Second).Unix() }},
		{name: "a token issued in the future fails", edit: func(c map[string]any) { c["iat"] = time.Now().Add(time.Minute).Unix() }},
		{name: "an empty sub fails", edit: func(c map[string]any) { c["sub"] = "" }},
		{name: "a numeric sub fails", edit: func(c map[string]any) { c["sub"] = 42 }},
		{
			name: "email_verified as the string true counts", edit: func(c map[string]any) { c["email_verified"] = "true" }, ok: true,
			check: func(t *testing.T, info regstack.OAuthUserInfo) {
				if !info.EmailVerified {
					t.Error("EmailVerified = false")
				}
			},
		},
		{
			name: "email_verified as the string false does not count", edit: func(c map[string]any) { c["email_verified"] = "false" }, ok: true,
			check: func(t *testing.T, info regstack.OAuthUserInfo) {
				if info.EmailVerified {
					t.Error("EmailVerified = true")
				}
			},
		},
		{
			name: "a non-string email is dropped", edit: func(c map[string]any) { c["email"] = 7; c["name"] = false }, ok: true,
			check: func(t *testing.T, info regstack.OAuthUserInfo) {
				if info.Email != nil || info.FullName != nil {
					t.Errorf("info = %+v", info)
				}
			},
		},
	}
	op := oidctest.New(t)
	p := newProvider(t, op, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := op.Claims(oidctest.User{Subject: "sub-1", Email: "a@example.com", EmailVerified: true, Name: "A"}, nonce)
			if tt.edit != nil {
				tt.edit(c)
			}
			op.SetBehaviour(oidctest.Behaviour{ForgeSignature: tt.forge})
			defer op.SetBehaviour(oidctest.Behaviour{})
			info, err := p.VerifyIDToken(context.Background(), op.Sign(t, c), nonce)
			if !tt.ok {
				if !errors.Is(err, regstack.ErrOAuthIDToken) {
					t.Fatalf("err = %v, want ErrOAuthIDToken", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("VerifyIDToken: %v", err)
			}
			if tt.check != nil {
				tt.check(t, info)
			}
		})
	}
}

func TestAnUnknownKidRefreshesTheJWKS(t *testing.T) {
	op := oidctest.New(t)
	p := newProvider(t, op, nil)
	ctx := context.Background()
	u := oidctest.User{Subject: "s"}
	if _, err := p.VerifyIDToken(ctx, op.Sign(t, op.Claims(u, "n")), "n"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyIDToken(ctx, op.Sign(t, op.Claims(u, "n")), "n"); err != nil {
		t.Fatal(err)
	}
	if n := op.JWKSFetches(); n != 1 {
		t.Fatalf("JWKS fetched %d times for a known key, want 1", n)
	}
	op.RotateKey(t)
	if _, err := p.VerifyIDToken(ctx, op.Sign(t, op.Claims(u, "n")), "n"); err != nil {
		t.Fatalf("token signed with the rotated key: %v", err)
	}
	if n := op.JWKSFetches(); n != 2 {
		t.Fatalf("JWKS fetched %d times after a rotation, want 2", n)
	}
}

func TestConcurrentColdVerificationsFetchTheJWKSOnce(t *testing.T) {
	op := oidctest.New(t)
	p := newProvider(t, op, nil)
	tok := op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n"))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := p.VerifyIDToken(context.Background(), tok, "n")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := op.JWKSFetches(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
}

func TestAnUnreachableJWKSFailsVerification(t *testing.T) {
	op := oidctest.New(t)
	id, secret := oidctest.ClientID, oidctest.ClientSecret
	cfg := config.Default().OAuth
	cfg.GoogleClientID, cfg.GoogleClientSecret = &id, &secret
	cfg.GoogleIssuer = op.Issuer()
	cfg.GoogleJWKSURI = op.Issuer() + "/no-such-jwks"
	p, err := google.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.VerifyIDToken(context.Background(), op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")), "n")
	if !errors.Is(err, regstack.ErrOAuthIDToken) {
		t.Fatalf("err = %v, want ErrOAuthIDToken", err)
	}
}
