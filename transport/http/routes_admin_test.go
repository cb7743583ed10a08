package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

const (
	rootEmail     = "root@example.com"
	msgUserAbsent = "User not found."
	msgLastAdmin  = "Cannot remove the last administrator."
)

// adminEnv is an environment with the admin router mounted.
func adminEnv(t *testing.T, configure ...func(*config.Config)) *env {
	t.Helper()
	return newEnv(t, func(c *config.Config) {
		c.EnableAdminRouter = true
		for _, f := range configure {
			f(c)
		}
	})
}

// admin bootstraps the superuser root@example.com and signs it in.
func (e *env) admin() (*regstack.User, string) {
	e.t.Helper()
	u, _, err := e.rs.BootstrapAdmin(context.Background(), rootEmail, password)
	if err != nil {
		e.t.Fatal(err)
	}
	return u, e.login(rootEmail, password)
}

// adminDo is a call with the admin's token.
func (e *env) adminDo(tok, method, path string, body any) response {
	e.t.Helper()
	req := request{method: method, path: path, token: tok}
	if body != nil {
		req.body = mustJSON(e.t, body)
	}
	return e.do(req)
}

// storeUser inserts a user with a password directly, with the flags edit sets.
func (e *env) storeUser(email string, edit func(*regstack.User)) *regstack.User {
	e.t.Helper()
	hash := "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	u := &regstack.User{Email: email, HashedPassword: &hash, IsActive: true, IsVerified: true}
	if edit != nil {
		edit(u)
	}
	if err := e.rs.Store().Users().Create(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// anyProblems parses a 422 body with any loc root (body, query, path).
func anyProblems(t *testing.T, res response) []problem {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status = %d, want 422; body %s", res.Status, res.Body)
	}
	var body struct {
		Detail []struct {
			Type string `json:"type"`
			Loc  []any  `json:"loc"`
			Msg  string `json:"msg"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatalf("422 body: %v\n%s", err, res.Body)
	}
	var out []problem
	for _, d := range body.Detail {
		if d.Msg == "" {
			t.Errorf("entry without msg: %+v", d)
		}
		parts := make([]string, len(d.Loc))
		for i, l := range d.Loc {
			parts[i] = fmt.Sprint(l)
		}
		out = append(out, problem{d.Type, strings.Join(parts, ".")})
	}
	return out
}

func TestAdminRouterMountingAndAccess(t *testing.T) {
	routes := []struct{ method, path string }{
		{http.MethodGet, "/admin/stats"},
		{http.MethodGet, "/admin/users"},
		{http.MethodGet, "/admin/users/0123456789abcdef0123456789abcdef"},
		{http.MethodPatch, "/admin/users/0123456789abcdef0123456789abcdef"},
		{http.MethodDelete, "/admin/users/0123456789abcdef0123456789abcdef"},
		{http.MethodPost, "/admin/users/0123456789abcdef0123456789abcdef/resend-verification"},
		{http.MethodPost, "/admin/pending/a@example.com/promote"},
	}

	t.Run("without enable_admin_router every admin route answers 404 Not Found", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.admin()
		for _, rt := range routes {
			expect(t, e.do(request{method: rt.method, path: rt.path, token: tok, body: `{}`}), http.StatusNotFound, "Not Found")
		}
	})

	e := adminEnv(t)
	_, userTok := e.signedIn("plain@example.com")
	tests := []struct {
		name      string
		token     string
		status    int
		detail    string
		challenge bool
	}{
		{"no token answers 401 with a challenge", "", http.StatusUnauthorized, "Authentication required.", true},
		{"a bad token answers 401 with a challenge", "not-a-jwt", http.StatusUnauthorized, "Invalid or expired token.", true},
		{"a non-admin answers 403", userTok, http.StatusForbidden, "Administrator privileges required.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, rt := range routes {
				// A bad body must not matter: authorisation comes first.
				res := e.do(request{method: rt.method, path: rt.path, token: tt.token, body: `{"bogus": 1}`})
				expect(t, res, tt.status, tt.detail)
				if got := res.Header.Get("WWW-Authenticate") == "Bearer"; got != tt.challenge {
					t.Errorf("%s %s: WWW-Authenticate present = %v, want %v", rt.method, rt.path, got, tt.challenge)
				}
			}
		})
	}

	t.Run("/features reports the admin router", func(t *testing.T) {
		res := e.do(request{method: http.MethodGet, path: "/features"})
		if got := res.JSON(t)["routers"].(map[string]any)["admin"]; got != true {
			t.Errorf("routers.admin = %v, want true", got)
		}
	})
}

// longSessions keeps the admin's token alive across day-long clock jumps.
func longSessions(c *config.Config) { c.JWTTTLSeconds = 7 * 86400 }

func TestAdminStats(t *testing.T) {
	e := adminEnv(t, longSessions)
	_, tok := e.admin()
	e.signUp("verified@example.com")
	e.storeUser("disabled@example.com", func(u *regstack.User) { u.IsActive = false })
	e.storeUser("unverified@example.com", func(u *regstack.User) { u.IsVerified = false })
	e.storeUser("sleeping-admin@example.com", func(u *regstack.User) { u.IsSuperuser, u.IsActive = true, false })
	expect(t, e.post("/register", map[string]any{"email": "stale@example.com", "password": password}), http.StatusCreated, "")
	e.clock.Advance(23 * time.Hour)
	for _, email := range []string{"p1@example.com", "p2@example.com"} {
		expect(t, e.post("/register", map[string]any{"email": email, "password": password}), http.StatusCreated, "")
	}
	e.clock.Advance(time.Hour) // the first pending row is now expired but not reaped

	res := e.adminDo(tok, http.MethodGet, "/admin/stats", nil)
	expect(t, res, http.StatusOK, "")
	want := `{"total_users":5,"active_users":3,"verified_users":4,"superusers":2,"pending_registrations":2}`
	if string(res.Body) != want {
		t.Errorf("stats = %s, want %s", res.Body, want)
	}
}

func TestAdminListUsers(t *testing.T) {
	e := adminEnv(t)
	_, tok := e.admin()
	emails := []string{rootEmail}
	for i := range 4 {
		e.clock.Advance(time.Second)
		email := fmt.Sprintf("u%d@example.com", i)
		e.storeUser(email, nil)
		emails = append(emails, email)
	}
	newestFirst := make([]string, len(emails))
	for i, em := range emails {
		newestFirst[len(emails)-1-i] = em
	}

	list := func(t *testing.T, query string) (got []string, body map[string]any) {
		t.Helper()
		res := e.adminDo(tok, http.MethodGet, "/admin/users"+query, nil)
		expect(t, res, http.StatusOK, "")
		body = res.JSON(t)
		for _, it := range body["items"].([]any) {
			u := it.(map[string]any)
			if _, leaked := u["hashed_password"]; leaked || u["id"] != u["_id"] {
				t.Errorf("item is not a UserPublic: %v", u)
			}
			got = append(got, u["email"].(string))
		}
		return got, body
	}

	tests := []struct {
		name, query string
		want        []string
		skip, limit float64
	}{
		{"the defaults list everyone newest first", "", newestFirst, 0, 50},
		{"skip and limit page through the list", "?skip=1&limit=2", newestFirst[1:3], 1, 2},
		{"a skip past the end is an empty page", "?skip=10", nil, 10, 50},
		{"limit 200 is allowed", "?limit=200", newestFirst, 0, 200},
		{"a repeated parameter counts with its last value", "?limit=1&limit=3", newestFirst[:3], 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, body := list(t, tt.query)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("emails = %v, want %v", got, tt.want)
			}
			if body["total"] != float64(len(emails)) || body["skip"] != tt.skip || body["limit"] != tt.limit {
				t.Errorf("total/skip/limit = %v/%v/%v, want %d/%v/%v", body["total"], body["skip"], body["limit"], len(emails), tt.skip, tt.limit)
			}
		})
	}

	invalid := []struct {
		name, query string
		want        []problem
	}{
		{"a negative skip", "?skip=-1", []problem{{"greater_than_equal", "query.skip"}}},
		{"a zero limit", "?limit=0", []problem{{"greater_than_equal", "query.limit"}}},
		{"a limit over 200", "?limit=201", []problem{{"less_than_equal", "query.limit"}}},
		{"a non-integer skip", "?skip=abc", []problem{{"int_parsing", "query.skip"}}},
		{"a fractional limit", "?limit=1.5", []problem{{"int_parsing", "query.limit"}}},
		{"both at once", "?skip=-5&limit=500", []problem{{"greater_than_equal", "query.skip"}, {"less_than_equal", "query.limit"}}},
	}
	for _, tt := range invalid {
		t.Run(tt.name+" answers 422", func(t *testing.T) {
			if got := anyProblems(t, e.adminDo(tok, http.MethodGet, "/admin/users"+tt.query, nil)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAdminGetUser(t *testing.T) {
	e := adminEnv(t)
	_, tok := e.admin()
	u := e.signUp("someone@example.com")

	res := e.adminDo(tok, http.MethodGet, "/admin/users/"+u.ID, nil)
	expect(t, res, http.StatusOK, "")
	if b := res.JSON(t); b["id"] != u.ID || b["email"] != "someone@example.com" {
		t.Errorf("unexpected user %s", res.Body)
	}
	for _, id := range []string{"0123456789abcdef0123456789abcdef", "not-an-id", "%00"} {
		t.Run("the id "+id+" answers 404", func(t *testing.T) {
			expect(t, e.adminDo(tok, http.MethodGet, "/admin/users/"+id, nil), http.StatusNotFound, msgUserAbsent)
		})
	}
}

func TestAdminPatchUser(t *testing.T) {
	t.Run("disabling a user kills every session at once; re-enabling does not revive them", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		u, userTok := e.signedIn("victim@example.com")
		ev := recordEvents(e)
		e.clock.Advance(time.Second)
		res := e.adminDo(tok, http.MethodPatch, "/admin/users/"+u.ID, map[string]any{"is_active": false})
		expect(t, res, http.StatusOK, "")
		b := res.JSON(t)
		if b["is_active"] != false || b["tokens_invalidated_after"] != "2025-01-01T12:00:01Z" || b["updated_at"] != "2025-01-01T12:00:01Z" {
			t.Errorf("unexpected user %s", res.Body)
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: userTok}), http.StatusUnauthorized, "User no longer active.")
		expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/"+u.ID, map[string]any{"is_active": true}), http.StatusOK, "")
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: userTok}), http.StatusUnauthorized,
			"Session was invalidated; please sign in again.")
		e.clock.Advance(time.Microsecond)
		e.login("victim@example.com", password)
		ev.only(t, regstack.EventUserLoggedIn) // the PATCHes fired nothing
	})

	t.Run("is_superuser promotes and demotes without touching sessions", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		u, userTok := e.signedIn("deputy@example.com")
		expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/"+u.ID, map[string]any{"is_superuser": true}), http.StatusOK, "")
		expect(t, e.adminDo(userTok, http.MethodGet, "/admin/stats", nil), http.StatusOK, "")
		res := e.adminDo(tok, http.MethodPatch, "/admin/users/"+u.ID, map[string]any{"is_superuser": false})
		expect(t, res, http.StatusOK, "")
		if b := res.JSON(t); b["is_superuser"] != false || b["tokens_invalidated_after"] != nil {
			t.Errorf("unexpected user %s", res.Body)
		}
		expect(t, e.adminDo(userTok, http.MethodGet, "/admin/stats", nil), http.StatusForbidden, "Administrator privileges required.")
	})

	t.Run("full_name and is_verified are set; null and absent change nothing", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		u := e.storeUser("n@example.com", func(u *regstack.User) { u.IsVerified = false })
		steps := []struct {
			name     string
			body     string
			wantName any
			verified bool
		}{
			{"set the name", `{"full_name": "Named"}`, "Named", false},
			{"null keeps it", `{"full_name": null, "is_active": null, "is_superuser": null}`, "Named", false},
			{"an empty body keeps it", `{}`, "Named", false},
			{"verify the user", `{"is_verified": true}`, "Named", true},
			{"a lax boolean as pydantic reads it", `{"is_verified": "no"}`, "Named", false},
		}
		for _, st := range steps {
			res := e.do(request{method: http.MethodPatch, path: "/admin/users/" + u.ID, token: tok, body: st.body})
			expect(t, res, http.StatusOK, "")
			if b := res.JSON(t); b["full_name"] != st.wantName || b["is_verified"] != st.verified {
				t.Errorf("%s: got %s", st.name, res.Body)
			}
		}
	})

	t.Run("the last active administrator cannot be disabled or demoted", func(t *testing.T) {
		e := adminEnv(t)
		root, tok := e.admin()
		e.storeUser("dormant@example.com", func(u *regstack.User) { u.IsSuperuser, u.IsActive = true, false })
		for _, body := range []map[string]any{{"is_active": false}, {"is_superuser": false}, {"is_active": false, "is_superuser": false}} {
			expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/"+root.ID, body), http.StatusConflict, msgLastAdmin)
		}
		if after := e.user(root.ID); !after.IsActive || !after.IsSuperuser || after.TokensInvalidatedAfter != nil {
			t.Errorf("a refused change was written: %+v", after)
		}
		expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/"+root.ID, map[string]any{"is_superuser": true, "full_name": "Root"}), http.StatusOK, "")

		second := e.storeUser("second@example.com", func(u *regstack.User) { u.IsSuperuser = true })
		expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/"+root.ID, map[string]any{"is_superuser": false}), http.StatusOK, "")
		expect(t, e.adminDo(tok, http.MethodGet, "/admin/stats", nil), http.StatusForbidden, "Administrator privileges required.")
		if _, err := e.rs.UpdateUser(context.Background(), second.ID, regstack.UserUpdate{IsActive: new(bool)}); err == nil || err.Error() != msgLastAdmin {
			t.Errorf("disabling the now last admin: %v, want %q", err, msgLastAdmin)
		}
	})

	t.Run("a refused PATCH answers 404 before anything else, or 422", func(t *testing.T) {
		e := adminEnv(t)
		root, tok := e.admin()
		expect(t, e.adminDo(tok, http.MethodPatch, "/admin/users/0123456789abcdef0123456789abcdef", map[string]any{"is_active": false}),
			http.StatusNotFound, msgUserAbsent)
		invalid := []struct {
			name, body string
			want       []problem
		}{
			{"an unreadable boolean", `{"is_active": "maybe"}`, []problem{{"bool_parsing", "body.is_active"}}},
			{"a list for a boolean", `{"is_superuser": []}`, []problem{{"bool_type", "body.is_superuser"}}},
			{"a name over 200 characters", `{"full_name": "` + strings.Repeat("n", 201) + `"}`, []problem{{"string_too_long", "body.full_name"}}},
			{"an unknown field", `{"email": "x@example.com"}`, []problem{{"extra_forbidden", "body.email"}}},
			{"no body", ``, []problem{{"missing", "body"}}},
		}
		for _, tt := range invalid {
			t.Run(tt.name, func(t *testing.T) {
				res := e.do(request{method: http.MethodPatch, path: "/admin/users/" + root.ID, token: tok, body: tt.body})
				if got := anyProblems(t, res); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("problems = %v, want %v", got, tt.want)
				}
			})
		}
	})
}

func TestAdminDeleteUser(t *testing.T) {
	t.Run("it deletes identities, user, pending row, lockout failures and MFA codes, then fires user_deleted", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		ctx := context.Background()
		st := e.rs.Store()
		u := e.storeUser("doomed@example.com", func(u *regstack.User) { u.IsVerified = false })
		expect(t, e.adminDo(tok, http.MethodPost, "/admin/users/"+u.ID+"/resend-verification", nil), http.StatusAccepted, "")
		if err := st.OAuthIdentities().Create(ctx, &regstack.OAuthIdentity{UserID: u.ID, Provider: "google", SubjectID: "g-1", LinkedAt: start}); err != nil {
			t.Fatal(err)
		}
		if err := st.LoginAttempts().RecordFailure(ctx, u.Email, start, nil); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{regstack.MFAKindLoginMFA, regstack.MFAKindPhoneSetup} {
			if err := st.MFACodes().Put(ctx, &regstack.MFACode{UserID: u.ID, Kind: kind, CodeHash: "h", ExpiresAt: start.Add(time.Hour), MaxAttempts: 5, CreatedAt: start}); err != nil {
				t.Fatal(err)
			}
		}
		ev := recordEvents(e)

		res := e.adminDo(tok, http.MethodDelete, "/admin/users/"+u.ID, nil)
		expect(t, res, http.StatusOK, "")
		if string(res.Body) != `{"message":"User doomed@example.com deleted."}` {
			t.Errorf("body = %s", res.Body)
		}
		if e.user(u.ID) != nil {
			t.Error("user kept")
		}
		if ids, _ := st.OAuthIdentities().ListForUser(ctx, u.ID); len(ids) != 0 {
			t.Errorf("identities kept: %v", ids)
		}
		if p, _ := st.Pending().FindByEmail(ctx, u.Email); p != nil {
			t.Error("pending registration kept")
		}
		if n, _ := st.LoginAttempts().CountRecent(ctx, u.Email, time.Hour, e.clock.Now()); n != 0 {
			t.Errorf("%d login failures kept", n)
		}
		for _, kind := range []string{regstack.MFAKindLoginMFA, regstack.MFAKindPhoneSetup} {
			if e.code(u.ID, kind) != nil {
				t.Errorf("%s code kept", kind)
			}
		}
		if x := ev.only(t, regstack.EventUserDeleted)[0]; x.User == nil || x.User.Email != u.Email {
			t.Errorf("user_deleted snapshot = %+v", x.User)
		}
		expect(t, e.adminDo(tok, http.MethodDelete, "/admin/users/"+u.ID, nil), http.StatusNotFound, msgUserAbsent)
	})

	t.Run("a deleted user's session stops working", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		u, userTok := e.signedIn("bye@example.com")
		expect(t, e.adminDo(tok, http.MethodDelete, "/admin/users/"+u.ID, nil), http.StatusOK, "")
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: userTok}), http.StatusUnauthorized, "User no longer active.")
	})

	t.Run("a malformed id answers 404", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		expect(t, e.adminDo(tok, http.MethodDelete, "/admin/users/xyz", nil), http.StatusNotFound, msgUserAbsent)
	})
}

func TestAdminResendVerification(t *testing.T) {
	t.Run("an unverified user gets a link that verifies the existing account", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		name := "Una"
		u := e.storeUser("una@example.com", func(u *regstack.User) { u.IsVerified, u.FullName = false, &name })
		ev := recordEvents(e)
		res := e.adminDo(tok, http.MethodPost, "/admin/users/"+u.ID+"/resend-verification", nil)
		expect(t, res, http.StatusAccepted, "")
		if string(res.Body) != `{"message":"Verification email sent to una@example.com."}` {
			t.Errorf("body = %s", res.Body)
		}
		x := ev.only(t, regstack.EventVerificationRequested)[0]
		if x.Email != u.Email || !strings.Contains(x.URL, "/verify?token=") || strings.Contains(x.URLWithoutToken, e.linkToken(u.Email)) {
			t.Errorf("verification_requested = %+v", x)
		}
		ev.reset()
		res = e.post("/verify", map[string]any{"token": e.linkToken(u.Email)})
		expect(t, res, http.StatusOK, "")
		if b := res.JSON(t); b["id"] != u.ID || b["is_verified"] != true || b["full_name"] != "Una" {
			t.Errorf("verify answered %s, want the existing user, verified", res.Body)
		}
		ev.only(t, regstack.EventUserVerified)
		expect(t, e.adminDo(tok, http.MethodPost, "/admin/users/"+u.ID+"/resend-verification", nil), http.StatusBadRequest, "User is already verified.")
	})

	t.Run("a refused resend answers 404 or 400 and sends nothing", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		verified := e.storeUser("done@example.com", nil)
		oauth := &regstack.User{Email: "oauth@example.com", IsActive: true}
		if err := e.rs.Store().Users().Create(context.Background(), oauth); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, id string
			status   int
			detail   string
		}{
			{"an unknown user", "0123456789abcdef0123456789abcdef", http.StatusNotFound, msgUserAbsent},
			{"a verified user", verified.ID, http.StatusBadRequest, "User is already verified."},
			{"an OAuth-only user", oauth.ID, http.StatusBadRequest,
				"User has no password (OAuth-only). Verify them directly via the user record instead of resending verification email."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				expect(t, e.adminDo(tok, http.MethodPost, "/admin/users/"+tt.id+"/resend-verification", nil), tt.status, tt.detail)
			})
		}
		if n := len(e.mail.Sent()); n != 0 {
			t.Errorf("%d emails sent", n)
		}
		// The admin verifies the OAuth-only user through PATCH instead.
		res := e.adminDo(tok, http.MethodPatch, "/admin/users/"+oauth.ID, map[string]any{"is_verified": true})
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["is_verified"] != true {
			t.Errorf("PATCH is_verified answered %s", res.Body)
		}
	})

	t.Run("a failed send answers 502 and keeps the pending row", func(t *testing.T) {
		cfg := testConfig()
		cfg.EnableAdminRouter = true
		e := newEnvWith(t, cfg, failingMailer{})
		_, tok := e.admin()
		u := e.storeUser("unlucky@example.com", func(u *regstack.User) { u.IsVerified = false })
		ev := recordEvents(e)
		expect(t, e.adminDo(tok, http.MethodPost, "/admin/users/"+u.ID+"/resend-verification", nil), http.StatusBadGateway, msgDelivery)
		if p, _ := e.rs.Store().Pending().FindByEmail(context.Background(), u.Email); p == nil {
			t.Error("pending row not kept")
		}
		ev.only(t)
	})
}

func TestAdminPromotePending(t *testing.T) {
	register := func(t *testing.T, e *env, email string) {
		t.Helper()
		expect(t, e.post("/register", map[string]any{"email": email, "password": password, "full_name": "Pat"}), http.StatusCreated, "")
	}

	t.Run("a live pending registration becomes a verified user who signs in with the registered password", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		register(t, e, "pat@example.com")
		ev := recordEvents(e)
		res := e.adminDo(tok, http.MethodPost, "/admin/pending/pat@EXAMPLE.com/promote", nil)
		expect(t, res, http.StatusCreated, "")
		b := res.JSON(t)
		if b["email"] != "pat@example.com" || b["is_verified"] != true || b["is_active"] != true || b["is_superuser"] != false || b["full_name"] != "Pat" {
			t.Errorf("unexpected user %s", res.Body)
		}
		ev.only(t, regstack.EventUserVerified)
		if p, _ := e.rs.Store().Pending().FindByEmail(context.Background(), "pat@example.com"); p != nil {
			t.Error("pending row kept")
		}
		e.login("pat@example.com", password)
		expect(t, e.adminDo(tok, http.MethodPost, "/admin/pending/pat@example.com/promote", nil), http.StatusNotFound,
			"No pending registration for pat@example.com.")
	})

	t.Run("a missing, unparsable or expired row answers 404 quoting the path", func(t *testing.T) {
		e := adminEnv(t, longSessions)
		_, tok := e.admin()
		register(t, e, "late@example.com")
		e.clock.Advance(24 * time.Hour)
		tests := []struct{ name, path, quoted string }{
			{"no row", "nobody@example.com", "nobody@example.com"},
			{"not an address", "not-an-email", "not-an-email"},
			{"an escaped slash", "a%2Fb@example.com", "a/b@example.com"},
			{"an expired row", "late@Example.com", "late@Example.com"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				expect(t, e.adminDo(tok, http.MethodPost, "/admin/pending/"+tt.path+"/promote", nil), http.StatusNotFound,
					"No pending registration for "+tt.quoted+".")
			})
		}
	})

	t.Run("an existing user answers 409 and the row is kept", func(t *testing.T) {
		e := adminEnv(t)
		_, tok := e.admin()
		register(t, e, "twin@example.com")
		e.storeUser("twin@example.com", nil)
		expect(t, e.adminDo(tok, http.MethodPost, "/admin/pending/twin@example.com/promote", nil), http.StatusConflict,
			"A user with email twin@example.com already exists.")
		if p, _ := e.rs.Store().Pending().FindByEmail(context.Background(), "twin@example.com"); p == nil {
			t.Error("pending row deleted")
		}
	})
}
