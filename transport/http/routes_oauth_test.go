package http_test

import (
	"context"
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
	rshttp "github.com/regstack/regstack/transport/http"
)

const (
	callbackPath  = "/oauth/google/callback"
	msgLastMethod = "Cannot unlink your only sign-in method. Set a password (use forgot-password) or link another provider first."
)

// oauthEnv is an environment with OAuth on and a google.Provider pointed
// at a local OpenID provider.
type oauthEnv struct {
	*env
	op     *oidctest.Provider
	events *events
}

// newOAuthEnv starts the provider and the environment; configure edits
// the configuration first.
func newOAuthEnv(t *testing.T, configure func(*config.Config)) *oauthEnv {
	t.Helper()
	op := oidctest.New(t)
	cfg := testConfig()
	cfg.EnableOAuth = true
	id, secret := oidctest.ClientID, oidctest.ClientSecret
	cfg.OAuth.GoogleClientID, cfg.OAuth.GoogleClientSecret = &id, &secret
	cfg.OAuth.GoogleIssuer = op.Issuer()
	cfg.OAuth.GoogleAuthorizationEndpoint = op.AuthorizationEndpoint()
	cfg.OAuth.GoogleTokenEndpoint = op.TokenEndpoint()
	cfg.OAuth.GoogleJWKSURI = op.JWKSURI()
	if configure != nil {
		configure(&cfg)
	}
	e := openOAuthEnv(t, cfg)
	o := &oauthEnv{env: e, op: op}
	o.events = recordEvents(e)
	for _, name := range []string{regstack.EventOAuthSigninStarted, regstack.EventOAuthSigninCompleted, regstack.EventOAuthAccountLinked, regstack.EventOAuthAccountUnlinked} {
		e.rs.On(name, func(_ context.Context, x regstack.Event) error {
			o.events.mu.Lock()
			defer o.events.mu.Unlock()
			o.events.got = append(o.events.got, x)
			return nil
		})
	}
	return o
}

// openOAuthEnv is openEnv with the Google provider registered.
func openOAuthEnv(t *testing.T, cfg config.Config) *env {
	t.Helper()
	e := openEnv(t, cfg, nil, func(logger *slog.Logger) []regstack.OAuthProvider {
		if !google.Configured(cfg) {
			return nil
		}
		// The provider checks ID tokens against the wall clock, like Google.
		g, err := google.New(cfg.OAuth, google.WithLogger(logger))
		if err != nil {
			t.Fatal(err)
		}
		return []regstack.OAuthProvider{g}
	})
	h, err := rshttp.NewHandler(e.rs)
	if err != nil {
		t.Fatal(err)
	}
	e.handler = h
	return e
}

// get is a GET of a path relative to api_prefix.
func (o *oauthEnv) get(path, tok string) response {
	o.t.Helper()
	return o.do(request{method: http.MethodGet, path: path, token: tok})
}

// authorizationURL runs /start (or /link/start with tok) and returns the
// provider URL the browser is sent to.
func (o *oauthEnv) authorizationURL(redirectTo, tok string) string {
	o.t.Helper()
	q := ""
	if redirectTo != "" {
		q = "?" + url.Values{"redirect_to": {redirectTo}}.Encode()
	}
	if tok != "" {
		res := o.do(request{method: http.MethodPost, path: "/oauth/google/link/start" + q, token: tok})
		expect(o.t, res, http.StatusOK, "")
		return res.JSON(o.t)["authorization_url"].(string)
	}
	res := o.get("/oauth/google/start"+q, "")
	expect(o.t, res, http.StatusFound, "")
	return res.Header.Get("Location")
}

// providerBack plays the browser at the provider and returns the callback
// path (relative to api_prefix) with its query.
func (o *oauthEnv) providerBack(authURL string) string {
	o.t.Helper()
	back := o.op.Visit(o.t, authURL)
	if back.Path != o.cfg.APIPrefix+callbackPath {
		o.t.Fatalf("provider redirected to %s, want the callback", back)
	}
	return callbackPath + "?" + back.RawQuery
}

// callback runs the callback and returns its Location.
func (o *oauthEnv) callback(path string) string {
	o.t.Helper()
	res := o.get(path, "")
	expect(o.t, res, http.StatusFound, "")
	return res.Header.Get("Location")
}

// flow runs start → provider → callback and returns the callback Location.
func (o *oauthEnv) flow(tok string) string {
	o.t.Helper()
	return o.callback(o.providerBack(o.authorizationURL("", tok)))
}

// completedID fails unless loc is the success redirect and returns the id.
func completedID(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/account/oauth-complete" || u.Query().Get("id") == "" {
		t.Fatalf("callback redirected to %q, want /account/oauth-complete?id=…", loc)
	}
	return u.Query().Get("id")
}

// failedWith fails unless loc is the failure redirect with that code.
func failedWith(t *testing.T, loc, code string) {
	t.Helper()
	if want := "/account/login?error=" + code; loc != want {
		t.Fatalf("callback redirected to %q, want %q", loc, want)
	}
}

// exchange posts the state id and returns the answer.
func (o *oauthEnv) exchange(id string) response {
	o.t.Helper()
	return o.post("/oauth/exchange", map[string]any{"id": id})
}

// signInToken runs a whole sign-in and returns the session token.
func (o *oauthEnv) signInToken() (string, map[string]any) {
	o.t.Helper()
	res := o.exchange(completedID(o.t, o.flow("")))
	expect(o.t, res, http.StatusOK, "")
	b := res.JSON(o.t)
	return b["access_token"].(string), b
}

func (o *oauthEnv) userByEmail(email string) *regstack.User {
	o.t.Helper()
	u, err := o.rs.Store().Users().GetByEmail(context.Background(), email)
	if err != nil {
		o.t.Fatal(err)
	}
	return u
}

func TestOAuthRouterMounting(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*config.Config)
		mounted   bool
	}{
		{name: "enable_oauth with credentials mounts the router", mounted: true},
		{name: "enable_oauth off unmounts it", configure: func(c *config.Config) { c.EnableOAuth = false }},
		{name: "no client secret unmounts it", configure: func(c *config.Config) { c.OAuth.GoogleClientSecret = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOAuthEnv(t, tt.configure)
			res := o.get("/oauth/google/start", "")
			f := o.get("/features", "").JSON(t)
			providers := f["oauth_providers"].([]any)
			if tt.mounted {
				expect(t, res, http.StatusFound, "")
				if f["routers"].(map[string]any)["oauth"] != true || len(providers) != 1 || providers[0] != "google" {
					t.Errorf("features = %v", f)
				}
				return
			}
			expect(t, res, http.StatusNotFound, "Not Found")
			if f["routers"].(map[string]any)["oauth"] != false || len(providers) != 0 {
				t.Errorf("features = %v", f)
			}
		})
	}
}

func TestOAuthStart(t *testing.T) {
	o := newOAuthEnv(t, nil)
	t.Run("an unknown provider is 404", func(t *testing.T) {
		expect(t, o.get("/oauth/github/start", ""), http.StatusNotFound, "OAuth provider 'github' is not configured.")
	})
	bad := []string{"//evil.example", "////evil.example", "/a\\b", "https://evil.example/x", "http://localhost:9999/x", "/a\x01b", "/a\nb", "relative"}
	for _, target := range bad {
		t.Run("redirect_to "+strings.ToValidUTF8(url.QueryEscape(target), "")+" is refused", func(t *testing.T) {
			res := o.get("/oauth/google/start?"+url.Values{"redirect_to": {target}}.Encode(), "")
			expect(t, res, http.StatusBadRequest, "redirect_to must be same-origin.")
		})
	}
	t.Run("the authorization URL names the client, callback, state, PKCE and nonce", func(t *testing.T) {
		u, err := url.Parse(o.authorizationURL("", ""))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("client_id") != oidctest.ClientID || q.Get("redirect_uri") != "http://localhost:8000/api/auth/oauth/google/callback" ||
			len(q.Get("state")) != 43 || q.Get("code_challenge_method") != "S256" || len(q.Get("nonce")) != 22 {
			t.Errorf("authorization URL query = %v", q)
		}
	})
	t.Run("same-origin targets are kept and returned by the exchange", func(t *testing.T) {
		for _, target := range []string{"/account/settings?x=1", "http://localhost:8000/account/me", "  "} {
			loc := o.callback(o.providerBack(o.authorizationURL(target, "")))
			res := o.exchange(completedID(t, loc))
			expect(t, res, http.StatusOK, "")
			want := strings.TrimSpace(target)
			if want == "" {
				want = "/account/me"
			}
			if got := res.JSON(t)["redirect_to"]; got != want {
				t.Errorf("redirect_to = %v, want %q", got, want)
			}
		}
	})
}

func TestOAuthSignIn(t *testing.T) {
	t.Run("a new user is created without a password and signed in", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		tok, b := o.signInToken()
		if b["was_new_account"] != true || b["token_type"] != "bearer" || b["expires_in"] != float64(7200) ||
			b["mfa_required"] != false || b["mfa_pending_token"] != nil {
			t.Errorf("exchange body = %v", b)
		}
		me := o.get("/me", tok)
		expect(t, me, http.StatusOK, "")
		if m := me.JSON(t); m["email"] != "alice@example.com" || m["is_verified"] != true || m["full_name"] != "Alice Example" || m["last_login"] == nil {
			t.Errorf("/me = %v", m)
		}
		if u := o.userByEmail("alice@example.com"); u.HasPassword() {
			t.Error("an OAuth sign-up got a password")
		}
		evs := o.events.only(t, regstack.EventOAuthSigninStarted, regstack.EventUserRegistered, regstack.EventOAuthSigninCompleted)
		if c := evs[2]; c.Provider != "google" || c.Mode != "signin" || !c.WasNew || c.MFARequired || c.User == nil {
			t.Errorf("oauth_signin_completed = %+v", c)
		}
		if s := evs[0]; s.Provider != "google" || s.Mode != "signin" || s.User != nil {
			t.Errorf("oauth_signin_started = %+v", s)
		}
	})
	t.Run("a returning user signs in to the same account", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		o.signInToken()
		_, b := o.signInToken()
		if b["was_new_account"] != false {
			t.Errorf("second sign-in was_new_account = %v", b["was_new_account"])
		}
		n, _ := o.rs.Store().Users().Count(context.Background(), regstack.UserFilter{})
		if n != 1 {
			t.Errorf("%d users, want 1", n)
		}
	})
	t.Run("email_verified=false creates an unverified user", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		o.op.SetUser(oidctest.User{Subject: "s2", Email: "bob@example.com", EmailVerified: false})
		o.signInToken()
		if u := o.userByEmail("bob@example.com"); u == nil || u.IsVerified {
			t.Errorf("user = %+v, want an unverified user", u)
		}
	})
	t.Run("no email gives the placeholder address", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		o.op.SetUser(oidctest.User{Subject: "s3"})
		o.signInToken()
		if u := o.userByEmail("google-s3@oauth.invalid"); u == nil {
			t.Error("no user with the placeholder email")
		}
	})
	t.Run("registration_disabled refuses a new account and writes nothing", func(t *testing.T) {
		o := newOAuthEnv(t, func(c *config.Config) { c.AllowRegistration = false })
		failedWith(t, o.flow(""), "registration_disabled")
		if n, _ := o.rs.Store().Users().Count(context.Background(), regstack.UserFilter{}); n != 0 {
			t.Errorf("%d users written", n)
		}
	})
	t.Run("an inactive user cannot sign in", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		o.signInToken()
		u := o.userByEmail("alice@example.com")
		if err := o.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		failedWith(t, o.flow(""), "user_inactive")
	})
}

func TestOAuthExistingEmail(t *testing.T) {
	tests := []struct {
		name     string
		autoLink bool
		verified any
		want     string // "" = linked and signed in
	}{
		{name: "refuse is the default for a password user's email", verified: true, want: "email_in_use"},
		{name: "auto-link links a verified email", autoLink: true, verified: true},
		{name: "auto-link refuses an unverified email", autoLink: true, verified: false, want: "email_in_use"},
		{name: "auto-link refuses the string false", autoLink: true, verified: "false", want: "email_in_use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOAuthEnv(t, func(c *config.Config) { c.OAuth.AutoLinkVerifiedEmails = tt.autoLink })
			u := o.signUp("alice@example.com")
			o.op.SetUser(oidctest.User{Subject: "g1", Email: "alice@example.com", EmailVerified: tt.verified})
			o.events.reset()
			loc := o.flow("")
			ids, _ := o.rs.Store().OAuthIdentities().ListForUser(context.Background(), u.ID)
			if tt.want != "" {
				failedWith(t, loc, tt.want)
				if len(ids) != 0 {
					t.Errorf("identity written on refusal")
				}
				return
			}
			res := o.exchange(completedID(t, loc))
			expect(t, res, http.StatusOK, "")
			me := o.get("/me", res.JSON(t)["access_token"].(string)).JSON(t)
			if me["id"] != u.ID || len(ids) != 1 {
				t.Errorf("signed in as %v with %d identities, want %s with 1", me["id"], len(ids), u.ID)
			}
			o.events.only(t, regstack.EventOAuthSigninStarted, regstack.EventOAuthSigninCompleted, regstack.EventOAuthAccountLinked)
			// The password still works.
			o.login("alice@example.com", password)
		})
	}
}

func TestOAuthLinkAndUnlink(t *testing.T) {
	o := newOAuthEnv(t, nil)
	u, tok := o.signedIn("carol@example.com")
	o.op.SetUser(oidctest.User{Subject: "g-carol", Email: "carol.g@example.com", EmailVerified: true})
	o.events.reset()

	t.Run("link/start needs a session", func(t *testing.T) {
		expect(t, o.do(request{method: http.MethodPost, path: "/oauth/google/link/start"}), http.StatusUnauthorized, "Authentication required.")
	})
	t.Run("linking attaches the identity and answers a session", func(t *testing.T) {
		res := o.exchange(completedID(t, o.flow(tok)))
		expect(t, res, http.StatusOK, "")
		if me := o.get("/me", res.JSON(t)["access_token"].(string)).JSON(t); me["id"] != u.ID {
			t.Errorf("link session is for %v", me["id"])
		}
		evs := o.events.only(t, regstack.EventOAuthSigninStarted, regstack.EventOAuthSigninCompleted, regstack.EventOAuthAccountLinked)
		if evs[0].Mode != "link" || evs[0].User == nil || evs[0].User.ID != u.ID || evs[1].Mode != "link" || evs[2].Provider != "google" {
			t.Errorf("events = %+v", evs)
		}
	})
	t.Run("providers lists available and linked", func(t *testing.T) {
		res := o.get("/oauth/providers", tok)
		expect(t, res, http.StatusOK, "")
		b := res.JSON(t)
		linked := b["linked"].([]any)
		if av := b["available"].([]any); len(av) != 1 || av[0] != "google" || len(linked) != 1 {
			t.Fatalf("providers = %s", res.Body)
		}
		l := linked[0].(map[string]any)
		if l["provider"] != "google" || l["email"] != "carol.g@example.com" || !strings.HasSuffix(l["linked_at"].(string), "+00:00") {
			t.Errorf("linked = %v", l)
		}
	})
	t.Run("linking again is already_linked", func(t *testing.T) {
		failedWith(t, o.flow(tok), "already_linked")
	})
	t.Run("linking an identity of another user is identity_in_use", func(t *testing.T) {
		_, other := o.signedIn("dave@example.com")
		failedWith(t, o.flow(other), "identity_in_use")
	})
	t.Run("signing in with the linked identity reaches the password user", func(t *testing.T) {
		_, b := o.signInToken()
		if me := o.get("/me", b["access_token"].(string)).JSON(t); me["id"] != u.ID {
			t.Errorf("signed in as %v", me["id"])
		}
	})
	t.Run("unlinking removes the identity", func(t *testing.T) {
		o.events.reset()
		res := o.do(request{method: http.MethodDelete, path: "/oauth/google/link", token: tok})
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["message"] != "Unlinked google." {
			t.Errorf("body %s", res.Body)
		}
		if evs := o.events.only(t, regstack.EventOAuthAccountUnlinked); evs[0].Provider != "google" || evs[0].User.ID != u.ID {
			t.Errorf("event = %+v", evs[0])
		}
		expect(t, o.do(request{method: http.MethodDelete, path: "/oauth/google/link", token: tok}), http.StatusNotFound, "That provider is not linked to your account.")
	})
}

func TestOAuthOnlyUser(t *testing.T) {
	o := newOAuthEnv(t, nil)
	tok, _ := o.signInToken()
	t.Run("password login gives the generic 401", func(t *testing.T) {
		res := o.post("/login", map[string]any{"email": "alice@example.com", "password": password})
		expect(t, res, http.StatusUnauthorized, "")
		if !strings.HasPrefix(res.Detail(t), "Invalid email or password.") {
			t.Errorf("detail = %q", res.Detail(t))
		}
	})
	t.Run("change-password points at forgot-password", func(t *testing.T) {
		res := o.do(request{method: http.MethodPost, path: "/change-password", token: tok,
			body: mustJSON(t, map[string]any{"current_password": "whatever1", "new_password": "a new password"})})
		expect(t, res, http.StatusBadRequest, msgNoPassword)
	})
	t.Run("unlinking the only sign-in method is refused", func(t *testing.T) {
		expect(t, o.do(request{method: http.MethodDelete, path: "/oauth/google/link", token: tok}), http.StatusBadRequest, msgLastMethod)
	})
	t.Run("reset sets a first password, after which unlinking works", func(t *testing.T) {
		expect(t, o.post("/forgot-password", map[string]any{"email": "alice@example.com"}), http.StatusAccepted, "")
		expect(t, o.post("/reset-password", map[string]any{"token": o.linkToken("alice@example.com"), "new_password": password}), http.StatusOK, "")
		// The reset revoked every session issued up to now.
		o.clock.Advance(time.Second)
		fresh := o.login("alice@example.com", password)
		expect(t, o.do(request{method: http.MethodDelete, path: "/oauth/google/link", token: fresh}), http.StatusOK, "")
	})
}

func TestOAuthCallbackFailures(t *testing.T) {
	tests := []struct {
		name string
		// run returns the callback's Location.
		run  func(t *testing.T, o *oauthEnv) string
		want string
	}{
		{
			name: "error=access_denied from the provider", want: "oauth_failed",
			run: func(t *testing.T, o *oauthEnv) string {
				o.op.SetBehaviour(oidctest.Behaviour{AuthorizeError: "access_denied"})
				return o.flow("")
			},
		},
		{
			name: "a missing code", want: "missing_code_or_state",
			run: func(t *testing.T, o *oauthEnv) string { return o.callback(callbackPath + "?state=abc") },
		},
		{
			name: "an unknown provider", want: "unknown_provider",
			run: func(t *testing.T, o *oauthEnv) string { return o.callback("/oauth/github/callback?state=abc&code=x") },
		},
		{
			name: "an unknown state", want: "bad_state",
			run: func(t *testing.T, o *oauthEnv) string { return o.callback(callbackPath + "?state=nope&code=x") },
		},
		{
			name: "a replayed callback", want: "bad_state",
			run: func(t *testing.T, o *oauthEnv) string {
				auth := o.authorizationURL("", "")
				first := o.providerBack(auth)
				completedID(t, o.callback(first))
				// The same state with a new, valid code.
				second := o.providerBack(auth)
				return o.callback(second)
			},
		},
		{
			name: "an expired state", want: "state_expired",
			run: func(t *testing.T, o *oauthEnv) string {
				back := o.providerBack(o.authorizationURL("", ""))
				o.clock.Advance(301 * time.Second)
				return o.callback(back)
			},
		},
		{
			name: "a token endpoint error", want: "token_exchange_failed",
			run: func(t *testing.T, o *oauthEnv) string {
				o.op.SetBehaviour(oidctest.Behaviour{TokenStatus: http.StatusInternalServerError})
				return o.flow("")
			},
		},
		{
			name: "a wrong nonce", want: "id_token_failed",
			run: func(t *testing.T, o *oauthEnv) string {
				o.op.SetBehaviour(oidctest.Behaviour{Claims: func(c map[string]any) { c["nonce"] = "other" }})
				return o.flow("")
			},
		},
		{
			name: "a bad signature", want: "id_token_failed",
			run: func(t *testing.T, o *oauthEnv) string {
				o.op.SetBehaviour(oidctest.Behaviour{ForgeSignature: true})
				return o.flow("")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" redirects with "+tt.want, func(t *testing.T) {
			o := newOAuthEnv(t, nil)
			failedWith(t, tt.run(t, o), tt.want)
			for line := range strings.SplitSeq(o.logs.String(), "\n") {
				if strings.Contains(line, "LEAKED") && !strings.Contains(line, `"level":"DEBUG"`) {
					t.Errorf("the provider's token response reached the log above debug: %s", line)
				}
			}
		})
	}
}

func TestOAuthUnknownKidRefreshesTheJWKS(t *testing.T) {
	o := newOAuthEnv(t, nil)
	o.signInToken()
	o.op.RotateKey(t)
	o.signInToken()
	if n := o.op.JWKSFetches(); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (first use, then the new kid)", n)
	}
}

func TestOAuthExchange(t *testing.T) {
	t.Run("GET is 405", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		expect(t, o.get("/oauth/exchange", ""), http.StatusMethodNotAllowed, "Method Not Allowed")
	})
	t.Run("a replayed exchange is 404", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		id := completedID(t, o.flow(""))
		expect(t, o.exchange(id), http.StatusOK, "")
		expect(t, o.exchange(id), http.StatusNotFound, "OAuth state not found or already consumed.")
	})
	t.Run("an uncompleted state is 404 and consumed", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		auth, _ := url.Parse(o.authorizationURL("", ""))
		id := auth.Query().Get("state")
		expect(t, o.exchange(id), http.StatusNotFound, "OAuth state not found or already consumed.")
		failedWith(t, o.callback(o.providerBack(auth.String())), "bad_state")
	})
	t.Run("after completion_ttl_seconds the result has expired", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		id := completedID(t, o.flow(""))
		o.clock.Advance(31 * time.Second)
		expect(t, o.exchange(id), http.StatusBadRequest, "OAuth state has expired.")
	})
	t.Run("of concurrent exchanges of one state exactly one wins", func(t *testing.T) {
		o := newOAuthEnv(t, nil)
		id := completedID(t, o.flow(""))
		const n = 8
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				statuses[i] = o.serve(newJSONRequest(t, o.env, "/oauth/exchange", mustJSON(t, map[string]any{"id": id}))).Status
			})
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case http.StatusOK:
				ok++
			case http.StatusNotFound:
			default:
				t.Errorf("status %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("%d exchanges won, want 1 (%v)", ok, statuses)
		}
	})
}

func TestOAuthMFAGate(t *testing.T) {
	o := newOAuthEnv(t, func(c *config.Config) { c.OAuth.EnforceMFAOnOAuthSignin = true; c.EnableSMS2FA = true })
	o.signInToken()
	u := o.userByEmail("alice@example.com")
	phone := newPhone
	ctx := context.Background()
	if err := o.rs.Store().Users().SetPhone(ctx, u.ID, &phone); err != nil {
		t.Fatal(err)
	}
	if err := o.rs.Store().Users().SetMFAEnabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	o.events.reset()
	res := o.exchange(completedID(t, o.flow("")))
	expect(t, res, http.StatusOK, "")
	b := res.JSON(t)
	pending, _ := b["mfa_pending_token"].(string)
	if b["mfa_required"] != true || b["access_token"] != "" || pending == "" || b["expires_in"] != float64(o.cfg.MFAPendingTokenTTLSeconds) {
		t.Fatalf("exchange = %v", b)
	}
	evs := o.events.only(t, regstack.EventOAuthSigninStarted, regstack.EventMFALoginStarted, regstack.EventOAuthSigninCompleted)
	if !evs[2].MFARequired {
		t.Error("oauth_signin_completed.mfa_required = false")
	}
	res = o.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": pending, "code": o.lastSMSCode()})
	expect(t, res, http.StatusOK, "")
	expect(t, o.get("/me", res.JSON(t)["access_token"].(string)), http.StatusOK, "")

	t.Run("link mode is exempt", func(t *testing.T) {
		_, tok := o.signedIn("erin@example.com")
		o.op.SetUser(oidctest.User{Subject: "g-erin", Email: "erin.g@example.com", EmailVerified: true})
		res := o.exchange(completedID(t, o.flow(tok)))
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["mfa_required"] != false {
			t.Errorf("link flow hit the MFA gate: %s", res.Body)
		}
	})
}
