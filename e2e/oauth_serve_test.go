package e2e_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regstack/regstack/adapters/google/oidctest"
)

// oauthTOML turns on OAuth (pointed at a local OpenID provider), the MFA
// gate and SMS 2FA, with console email and null SMS logging their bodies.
const oauthTOML = `database_url = %q
enable_oauth = true
enable_sms_2fa = true
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1

[email]
backend = "console"
log_bodies = true

[sms]
backend = "null"
log_bodies = true

[oauth]
google_client_id = %q
enforce_mfa_on_oauth_signin = true
google_issuer = %q
google_authorization_endpoint = %q
google_token_endpoint = %q
google_jwks_uri = %q
`

// browser follows redirects by hand, keeping cookies, the way a user's
// browser would walk the OAuth dance.
type browser struct {
	t      *testing.T
	client *http.Client
	origin string // the regstack server
}

func newBrowser(t *testing.T, origin string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, origin: origin, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// fetch sends one request and returns the status and the Location header.
func (b *browser) fetch(method, rawURL, bearer string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// dance goes from the provider's authorization URL to the page regstack
// finally sends the browser to, and returns that Location.
func (b *browser) dance(authURL string) string {
	b.t.Helper()
	status, back := b.fetch("GET", authURL, "")
	if status != http.StatusFound {
		b.t.Fatalf("authorize answered %d", status)
	}
	// The callback URL is built from base_url; the server under test
	// listens on a free port, so the browser is sent to it instead.
	u, err := url.Parse(back)
	if err != nil {
		b.t.Fatal(err)
	}
	status, loc := b.fetch("GET", b.origin+u.Path+"?"+u.RawQuery, "")
	if status != http.StatusFound {
		b.t.Fatalf("callback answered %d, want 302", status)
	}
	return loc
}

// signIn runs GET /oauth/google/start through to the exchange.
func (b *browser) signIn(c *apiClient) apiResponse {
	b.t.Helper()
	status, auth := b.fetch("GET", c.base+"/oauth/google/start", "")
	if status != http.StatusFound || !strings.HasPrefix(auth, "http") {
		b.t.Fatalf("start answered %d %q", status, auth)
	}
	return c.call("POST", "/oauth/exchange", "", map[string]any{"id": completionID(b.t, b.dance(auth))})
}

func completionID(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/account/oauth-complete" || u.Query().Get("id") == "" {
		t.Fatalf("the callback sent the browser to %q, want /account/oauth-complete?id=…", loc)
	}
	return u.Query().Get("id")
}

// TestServeOAuth drives sign-in, linking, the MFA gate and unlinking
// through the real `regstack serve` against a local OpenID provider.
func TestServeOAuth(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	op := oidctest.New(t)

	t.Run("without enable_oauth the router is not mounted", func(t *testing.T) {
		t.Parallel()
		srv := startServe(t, bin, t.TempDir())
		c := &apiClient{t: t, base: srv.URL + "/api/auth"}
		c.call("GET", "/oauth/google/start", "", nil).wantDetail(404, "Not Found")
		c.call("POST", "/oauth/exchange", "", map[string]any{"id": "12345678"}).wantDetail(404, "Not Found")
	})

	t.Run("sign-in, link, MFA gate and unlink work end to end", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		const (
			secret = "serve-oauth-secret-0123456789-abcdef-xyz"
			bobPW  = "bob password 1"
			phone  = "+14155550123"
		)
		dbURL := "sqlite:///" + filepath.Join(dir, "regstack.db")
		writeFile(t, filepath.Join(dir, "regstack.toml"), fmt.Sprintf(oauthTOML, dbURL, oidctest.ClientID,
			op.Issuer(), op.AuthorizationEndpoint(), op.TokenEndpoint(), op.JWKSURI()), 0o644)
		writeFile(t, filepath.Join(dir, "regstack.secrets.env"),
			"REGSTACK_JWT_SECRET="+secret+"\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+oidctest.ClientSecret+"\n", 0o600)
		srv := startServe(t, bin, dir)
		logs := &logReader{t: t, srv: srv}
		c := &apiClient{t: t, base: srv.URL + "/api/auth"}
		br := newBrowser(t, srv.URL)

		f := c.call("GET", "/features", "", nil)
		f.want(200)
		if r, _ := f.body["routers"].(map[string]any); r["oauth"] != true {
			t.Fatalf("features = %s, want routers.oauth true", f.raw)
		}

		// A new user signs up through Google.
		op.SetUser(oidctest.User{Subject: "g-alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice"})
		ex := br.signIn(c)
		ex.want(200)
		if ex.body["was_new_account"] != true || ex.body["mfa_required"] != false {
			t.Fatalf("exchange = %s", ex.raw)
		}
		alice, _ := ex.body["access_token"].(string)
		me := c.call("GET", "/me", alice, nil)
		me.want(200)
		if me.body["email"] != "alice@example.com" || me.body["full_name"] != "Alice" {
			t.Fatalf("me = %s", me.raw)
		}
		c.call("DELETE", "/oauth/google/link", alice, nil).
			wantDetail(400, "Cannot unlink your only sign-in method. Set a password (use forgot-password) or link another provider first.")

		// A password user links Google and turns on SMS 2FA.
		c.call("POST", "/register", "", map[string]any{"email": "bob@example.com", "password": bobPW}).want(201)
		c.call("POST", "/verify", "", map[string]any{"token": logs.next(verifyLink, 2)}).want(200)
		bob := c.login("bob@example.com", bobPW)
		op.SetUser(oidctest.User{Subject: "g-bob", Email: "bob.g@example.com", EmailVerified: true})
		ls := c.call("POST", "/oauth/google/link/start", bob, nil)
		ls.want(200)
		authURL, _ := ls.body["authorization_url"].(string)
		c.call("POST", "/oauth/exchange", "", map[string]any{"id": completionID(t, br.dance(authURL))}).want(200)
		started := c.call("POST", "/phone/start", bob, map[string]any{"phone_number": phone, "current_password": bobPW})
		started.want(202)
		c.call("POST", "/phone/confirm", "", map[string]any{"pending_token": started.body["pending_token"], "code": logs.next(setupCode, 1)}).want(200)

		// Signing in with Google now stops at the MFA gate.
		ex = br.signIn(c)
		ex.want(200)
		pending, _ := ex.body["mfa_pending_token"].(string)
		if ex.body["mfa_required"] != true || ex.body["access_token"] != "" || pending == "" {
			t.Fatalf("exchange at the MFA gate = %s", ex.raw)
		}
		done := c.call("POST", "/login/mfa-confirm", "", map[string]any{"mfa_pending_token": pending, "code": logs.next(signInCode, 1)})
		done.want(200)
		bobAgain, _ := done.body["access_token"].(string)
		prov := c.call("GET", "/oauth/providers", bobAgain, nil)
		prov.want(200)
		if linked, _ := prov.body["linked"].([]any); len(linked) != 1 {
			t.Fatalf("providers = %s", prov.raw)
		}
		c.call("DELETE", "/oauth/google/link", bobAgain, nil).want(200)
		c.call("DELETE", "/oauth/google/link", bobAgain, nil).wantDetail(404, "That provider is not linked to your account.")

		for _, s := range []string{secret, oidctest.ClientSecret, bobPW, alice, bobAgain} {
			if strings.Contains(srv.Log(), s) {
				t.Fatalf("the server log contains a secret (%.6s…)", s)
			}
		}
	})
}
