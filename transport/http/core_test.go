package http_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

func TestRegister(t *testing.T) {
	t.Run("with verification on it answers 201 pending_verification and emails a link", func(t *testing.T) {
		e := newEnv(t, nil)
		res := e.post("/register", map[string]any{"email": "Alice@Example.COM", "password": password, "full_name": "Alice"})
		expect(t, res, http.StatusCreated, "")
		body := res.JSON(t)
		want := map[string]any{
			"status":     "pending_verification",
			"email":      "Alice@example.com",
			"expires_at": "2025-01-02T12:00:00+00:00",
		}
		for k, v := range want {
			if body[k] != v {
				t.Errorf("%s = %v, want %v", k, body[k], v)
			}
		}
		if len(body) != len(want) {
			t.Errorf("body has extra keys: %s", res.Body)
		}
		if e.mailsTo("Alice@example.com") != 1 {
			t.Errorf("want one verification email, got %d", e.mailsTo("Alice@example.com"))
		}
	})

	t.Run("with verification off it answers 201 with the verified user", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.RequireVerification = false })
		res := e.post("/register", map[string]any{"email": "bob@example.com", "password": password})
		expect(t, res, http.StatusCreated, "")
		u := res.JSON(t)
		if u["id"] == "" || u["id"] != u["_id"] {
			t.Errorf("id %v and _id %v must be equal and set", u["id"], u["_id"])
		}
		if u["is_verified"] != true || u["is_active"] != true || u["is_superuser"] != false {
			t.Errorf("flags wrong: %s", res.Body)
		}
		if u["created_at"] != "2025-01-01T12:00:00Z" || u["updated_at"] != "2025-01-01T12:00:00Z" {
			t.Errorf("datetimes = %v / %v, want 2025-01-01T12:00:00Z", u["created_at"], u["updated_at"])
		}
		if _, ok := u["hashed_password"]; ok {
			t.Error("hashed_password must never be sent")
		}
		for _, k := range []string{"full_name", "phone_number", "last_login", "tokens_invalidated_after"} {
			if v, ok := u[k]; !ok || v != nil {
				t.Errorf("%s = %v (present %v), want null", k, v, ok)
			}
		}
	})

	t.Run("a datetime with microseconds is sent with six fractional digits", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.RequireVerification = false })
		e.clock.Advance(123400 * time.Microsecond)
		res := e.post("/register", map[string]any{"email": "micro@example.com", "password": password})
		expect(t, res, http.StatusCreated, "")
		if got := res.JSON(t)["created_at"]; got != "2025-01-01T12:00:00.123400Z" {
			t.Errorf("created_at = %v, want 2025-01-01T12:00:00.123400Z", got)
		}
	})

	t.Run("when registration is disabled it answers 403", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.AllowRegistration = false })
		expect(t, e.post("/register", map[string]any{"email": "a@example.com", "password": password}),
			http.StatusForbidden, "Registration is disabled.")
	})

	t.Run("an existing user's email answers 409", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("taken@example.com")
		expect(t, e.post("/register", map[string]any{"email": "taken@example.com", "password": password}),
			http.StatusConflict, "An account with that email already exists.")
	})

	t.Run("a second registration replaces the pending one and its link", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/register", map[string]any{"email": "p@example.com", "password": password}), http.StatusCreated, "")
		first := e.linkToken("p@example.com")
		expect(t, e.post("/register", map[string]any{"email": "p@example.com", "password": password}), http.StatusCreated, "")
		expect(t, e.post("/verify", map[string]any{"token": first}), http.StatusBadRequest,
			"Verification link is invalid or has expired. Request a new one.")
		expect(t, e.post("/verify", map[string]any{"token": e.linkToken("p@example.com")}), http.StatusOK, "")
	})
}

func TestVerify(t *testing.T) {
	const invalid = "Verification link is invalid or has expired. Request a new one."

	t.Run("a valid link answers 200 with the new user and works once", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/register", map[string]any{"email": "v@example.com", "password": password, "full_name": "Vee"}), http.StatusCreated, "")
		tok := e.linkToken("v@example.com")
		res := e.post("/verify", map[string]any{"token": tok})
		expect(t, res, http.StatusOK, "")
		u := res.JSON(t)
		if u["email"] != "v@example.com" || u["is_verified"] != true || u["full_name"] != "Vee" {
			t.Errorf("unexpected user %s", res.Body)
		}
		expect(t, e.post("/verify", map[string]any{"token": tok}), http.StatusBadRequest, invalid)
	})

	t.Run("an unknown token answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/verify", map[string]any{"token": "nope"}), http.StatusBadRequest, invalid)
	})

	t.Run("an expired link answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/register", map[string]any{"email": "late@example.com", "password": password}), http.StatusCreated, "")
		e.clock.Advance(24*time.Hour + time.Second)
		expect(t, e.post("/verify", map[string]any{"token": e.linkToken("late@example.com")}), http.StatusBadRequest, invalid)
	})

	t.Run("a link for an address that became a user meanwhile answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/register", map[string]any{"email": "dup@example.com", "password": password}), http.StatusCreated, "")
		tok := e.linkToken("dup@example.com")
		hash := "x"
		if err := e.rs.Store().Users().Create(context.Background(), &regstack.User{
			Email: "dup@example.com", HashedPassword: &hash, IsActive: true, IsVerified: true,
		}); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/verify", map[string]any{"token": tok}), http.StatusBadRequest, "This email is already registered. Please sign in.")
	})
}

func TestResendVerification(t *testing.T) {
	const msg = "If a pending registration exists, a new email has been sent."
	tests := []struct {
		name      string
		setup     func(e *env)
		email     string
		wantMails int
	}{
		{"an unknown address answers 202 and sends nothing", func(*env) {}, "nobody@example.com", 0},
		{"a verified user answers 202 and sends nothing", func(e *env) { e.signUp("user@example.com") }, "user@example.com", 1},
		{"a pending registration answers 202 and gets a new link", func(e *env) {
			expect(e.t, e.post("/register", map[string]any{"email": "pend@example.com", "password": password}), http.StatusCreated, "")
		}, "pend@example.com", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			tt.setup(e)
			res := e.post("/resend-verification", map[string]any{"email": tt.email})
			expect(t, res, http.StatusAccepted, "")
			if got := res.JSON(t)["message"]; got != msg {
				t.Errorf("message = %v", got)
			}
			if got := e.mailsTo(tt.email); got != tt.wantMails {
				t.Errorf("emails to %s = %d, want %d", tt.email, got, tt.wantMails)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	t.Run("the right password answers 200 with a bearer TokenResponse", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("in@example.com")
		res := e.post("/login", map[string]any{"email": "in@example.com", "password": password})
		expect(t, res, http.StatusOK, "")
		b := res.JSON(t)
		if b["token_type"] != "bearer" || b["expires_in"] != float64(7200) || b["access_token"] == "" {
			t.Errorf("unexpected TokenResponse %s", res.Body)
		}
		me := e.do(request{method: http.MethodGet, path: "/me", token: b["access_token"].(string)})
		expect(t, me, http.StatusOK, "")
		if got := me.JSON(t)["last_login"]; got != "2025-01-01T12:00:00Z" {
			t.Errorf("last_login = %v", got)
		}
	})

	t.Run("failures report the attempts left, then the account locks with 429", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("lock@example.com")
		for i, want := range []string{
			"Invalid email or password. 4 attempt(s) remaining.",
			"Invalid email or password. 3 attempt(s) remaining.",
			"Invalid email or password. 2 attempt(s) remaining.",
			"Invalid email or password. 1 attempt(s) remaining.",
			"Invalid email or password.",
		} {
			res := e.post("/login", map[string]any{"email": "lock@example.com", "password": "wrong password"})
			if res.Status != http.StatusUnauthorized || res.Detail(t) != want {
				t.Fatalf("attempt %d: %d %s, want 401 %q", i+1, res.Status, res.Body, want)
			}
		}
		res := e.post("/login", map[string]any{"email": "lock@example.com", "password": password})
		expect(t, res, http.StatusTooManyRequests, "Too many failed attempts. Try again in 900 seconds.")
		if res.Header.Get("Retry-After") != "900" {
			t.Errorf("Retry-After = %q, want 900", res.Header.Get("Retry-After"))
		}
		e.clock.Advance(901 * time.Second)
		e.login("lock@example.com", password)
	})

	t.Run("an unknown email answers exactly like a wrong password", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/login", map[string]any{"email": "ghost@example.com", "password": password}),
			http.StatusUnauthorized, "Invalid email or password. 4 attempt(s) remaining.")
	})

	t.Run("a pending registration cannot sign in", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/register", map[string]any{"email": "wait@example.com", "password": password}), http.StatusCreated, "")
		expect(t, e.post("/login", map[string]any{"email": "wait@example.com", "password": password}), http.StatusUnauthorized, "")
	})

	t.Run("a disabled account with the right password answers 403", func(t *testing.T) {
		e := newEnv(t, nil)
		u := e.signUp("off@example.com")
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/login", map[string]any{"email": "off@example.com", "password": password}), http.StatusForbidden, "Account is disabled.")
	})

	t.Run("an unverified account with the right password answers 403", func(t *testing.T) {
		e := newEnv(t, nil)
		u := e.signUp("unv@example.com")
		if err := e.rs.Store().Users().SetVerified(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/login", map[string]any{"email": "unv@example.com", "password": password}), http.StatusForbidden, "Email address has not been verified.")
	})

	t.Run("with lockout disabled a failure carries no count", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.RateLimitDisabled = true })
		e.signUp("nolock@example.com")
		expect(t, e.post("/login", map[string]any{"email": "nolock@example.com", "password": "wrong password"}), http.StatusUnauthorized, "Invalid email or password.")
	})
}

// mfaUser signs a user up and turns SMS MFA on for it through the store,
// so the login tests do not depend on the phone router.
func mfaUser(t *testing.T, e *env, email string) {
	t.Helper()
	u := e.signUp(email)
	ctx := context.Background()
	phone := "+14155552671"
	if err := e.rs.Store().Users().SetPhone(ctx, u.ID, &phone); err != nil {
		t.Fatal(err)
	}
	if err := e.rs.Store().Users().SetMFAEnabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
}

// startMFA logs email in and returns the mfa_pending_token.
func startMFA(t *testing.T, e *env, email string) string {
	t.Helper()
	res := e.post("/login", map[string]any{"email": email, "password": password})
	expect(t, res, http.StatusOK, "")
	b := res.JSON(t)
	if b["status"] != "mfa_required" || b["delivery"] != "sms" || b["expires_in"] != float64(600) {
		t.Fatalf("unexpected MFA challenge %s", res.Body)
	}
	if _, ok := b["access_token"]; ok {
		t.Fatal("an MFA challenge must not carry a session token")
	}
	return b["mfa_pending_token"].(string)
}

func TestLoginMFAConfirm(t *testing.T) {
	t.Run("the right code answers 200 with a session, once", func(t *testing.T) {
		e := newEnv(t, nil) // enable_sms_2fa is off: the route is mounted anyway
		mfaUser(t, e, "mfa@example.com")
		pending := startMFA(t, e, "mfa@example.com")
		body := map[string]any{"mfa_pending_token": pending, "code": e.lastSMSCode()}
		res := e.post("/login/mfa-confirm", body)
		expect(t, res, http.StatusOK, "")
		if b := res.JSON(t); b["token_type"] != "bearer" || b["access_token"] == "" {
			t.Errorf("unexpected TokenResponse %s", res.Body)
		}
		expect(t, e.post("/login/mfa-confirm", body), http.StatusBadRequest, "No pending sign-in code — start the login flow again.")
	})

	t.Run("wrong codes count down, then the code is gone", func(t *testing.T) {
		e := newEnv(t, nil)
		mfaUser(t, e, "wrong@example.com")
		pending := startMFA(t, e, "wrong@example.com")
		wrong := "000000"
		if e.lastSMSCode() == wrong {
			wrong = "111111"
		}
		for _, want := range []string{
			"Wrong code; 4 attempts remaining.",
			"Wrong code; 3 attempts remaining.",
			"Wrong code; 2 attempts remaining.",
			"Wrong code; 1 attempts remaining.",
			"Too many wrong attempts — start the login flow again.",
		} {
			expect(t, e.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": pending, "code": wrong}), http.StatusBadRequest, want)
		}
	})

	t.Run("an expired code answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		mfaUser(t, e, "slow@example.com")
		pending := startMFA(t, e, "slow@example.com")
		code := e.lastSMSCode()
		e.clock.Advance(301 * time.Second)
		expect(t, e.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": pending, "code": code}), http.StatusBadRequest, "Sign-in code has expired. Try logging in again.")
	})

	t.Run("a bad pending token answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		expect(t, e.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": "garbage", "code": "123456"}), http.StatusBadRequest,
			"Sign-in session is invalid or has expired. Start over from sign-in.")
	})

	t.Run("a session token is not a pending token", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("s@example.com")
		expect(t, e.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": tok, "code": "123456"}), http.StatusBadRequest,
			"Sign-in session is invalid or has expired. Start over from sign-in.")
	})

	t.Run("a disabled user's pending token answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		mfaUser(t, e, "gone@example.com")
		pending := startMFA(t, e, "gone@example.com")
		code := e.lastSMSCode()
		u, _ := e.rs.Store().Users().GetByEmail(context.Background(), "gone@example.com")
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/login/mfa-confirm", map[string]any{"mfa_pending_token": pending, "code": code}), http.StatusBadRequest,
			"Token does not match an active account.")
	})
}

func TestLogoutAndMe(t *testing.T) {
	e := newEnv(t, nil)
	_, tok := e.signedIn("me@example.com")
	other := e.login("me@example.com", password)

	res := e.do(request{method: http.MethodGet, path: "/me", token: tok})
	expect(t, res, http.StatusOK, "")
	if got := res.JSON(t)["email"]; got != "me@example.com" {
		t.Errorf("email = %v", got)
	}

	res = e.do(request{method: http.MethodPost, path: "/logout", token: tok})
	expect(t, res, http.StatusOK, "")
	if got := res.JSON(t)["message"]; got != "Logged out." {
		t.Errorf("message = %v", got)
	}
	expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "Token has been revoked.")
	expect(t, e.do(request{method: http.MethodPost, path: "/logout", token: tok}), http.StatusUnauthorized, "Token has been revoked.")
	expect(t, e.do(request{method: http.MethodGet, path: "/me", token: other}), http.StatusOK, "")
}

func TestUpdateProfile(t *testing.T) {
	e := newEnv(t, nil)
	_, tok := e.signedIn("prof@example.com")
	steps := []struct {
		name string
		body string
		want any
	}{
		{"a name sets it", `{"full_name": "Ada Lovelace"}`, "Ada Lovelace"},
		{"an absent key changes nothing", `{}`, "Ada Lovelace"},
		{"null clears it", `{"full_name": null}`, nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			e.clock.Advance(time.Second)
			res := e.do(request{method: http.MethodPatch, path: "/me", token: tok, body: s.body})
			expect(t, res, http.StatusOK, "")
			if got := res.JSON(t)["full_name"]; got != s.want {
				t.Errorf("full_name = %v, want %v", got, s.want)
			}
		})
	}
	t.Run("updated_at is the stored value after the write", func(t *testing.T) {
		e.clock.Advance(time.Second)
		now := e.clock.Now()
		res := e.do(request{method: http.MethodPatch, path: "/me", token: tok, body: `{"full_name": "X"}`})
		expect(t, res, http.StatusOK, "")
		if got := res.JSON(t)["updated_at"]; got != now.Format("2006-01-02T15:04:05Z") {
			t.Errorf("updated_at = %v, want %v", got, now)
		}
	})
}

func TestChangePassword(t *testing.T) {
	const next = "a brand new password"
	tests := []struct {
		name    string
		current string
		next    string
		status  int
		detail  string
	}{
		{"a wrong current password answers 400", "not my password", next, http.StatusBadRequest, "Current password is incorrect."},
		{"an empty current password is a 400, not a 422", "", next, http.StatusBadRequest, "Current password is incorrect."},
		{"reusing the current password answers 400", password, password, http.StatusBadRequest, "New password must differ from the current password."},
		{"a new password under 8 characters answers 422", password, "short", http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			_, tok := e.signedIn("cp@example.com")
			res := e.do(request{method: http.MethodPost, path: "/change-password", token: tok,
				body: mustJSON(t, map[string]any{"current_password": tt.current, "new_password": tt.next})})
			expect(t, res, tt.status, tt.detail)
		})
	}

	t.Run("success signs every session out and the new password works", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("cp@example.com")
		res := e.do(request{method: http.MethodPost, path: "/change-password", token: tok,
			body: mustJSON(t, map[string]any{"current_password": password, "new_password": next})})
		expect(t, res, http.StatusOK, "")
		if got := res.JSON(t)["message"]; got != "Password changed. Existing sessions have been signed out." {
			t.Errorf("message = %v", got)
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "Session was invalidated; please sign in again.")
		e.clock.Advance(time.Microsecond)
		fresh := e.login("cp@example.com", next)
		res = e.do(request{method: http.MethodGet, path: "/me", token: fresh})
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["tokens_invalidated_after"] != "2025-01-01T12:00:00Z" {
			t.Errorf("tokens_invalidated_after = %v", res.JSON(t)["tokens_invalidated_after"])
		}
	})
}

func TestChangeEmail(t *testing.T) {
	const accepted = "If the address is available, a confirmation link has been sent. Check your email."
	changeEmail := func(e *env, tok, newEmail, pw string) response {
		e.t.Helper()
		return e.do(request{method: http.MethodPost, path: "/change-email", token: tok,
			body: mustJSON(e.t, map[string]any{"new_email": newEmail, "current_password": pw})})
	}

	t.Run("the same address in another case answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("same@example.com")
		expect(t, changeEmail(e, tok, "SAME@example.com", password), http.StatusBadRequest, "New email is the same as the current email.")
	})

	t.Run("a wrong password answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("pw@example.com")
		expect(t, changeEmail(e, tok, "new@example.com", "nope"), http.StatusBadRequest, "Current password is incorrect.")
	})

	t.Run("a taken address answers 202 and sends nothing", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("taken@example.com")
		_, tok := e.signedIn("mover@example.com")
		before := e.mailsTo("taken@example.com")
		res := changeEmail(e, tok, "taken@example.com", password)
		expect(t, res, http.StatusAccepted, "")
		if res.JSON(t)["message"] != accepted {
			t.Errorf("message = %v", res.JSON(t)["message"])
		}
		if e.mailsTo("taken@example.com") != before {
			t.Error("a mail went to the address that is already taken")
		}
	})

	t.Run("the emailed link swaps the address and signs the old session out", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("old@example.com")
		res := changeEmail(e, tok, "New@Example.com", password)
		expect(t, res, http.StatusAccepted, "")
		if res.JSON(t)["message"] != accepted {
			t.Errorf("message = %v", res.JSON(t)["message"])
		}
		link := e.linkToken("New@example.com")
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusOK, "")

		e.clock.Advance(time.Second)
		res = e.post("/confirm-email-change", map[string]any{"token": link})
		expect(t, res, http.StatusOK, "")
		if got := res.JSON(t)["email"]; got != "New@example.com" {
			t.Errorf("email = %v", got)
		}
		if got := res.JSON(t)["tokens_invalidated_after"]; got != "2025-01-01T12:00:01Z" {
			t.Errorf("tokens_invalidated_after = %v, want the stored cutoff", got)
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "Session was invalidated; please sign in again.")
		e.clock.Advance(time.Second)
		e.login("New@example.com", password)
	})

	t.Run("a link whose address was taken meanwhile answers 409", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("first@example.com")
		expect(t, changeEmail(e, tok, "race@example.com", password), http.StatusAccepted, "")
		link := e.linkToken("race@example.com")
		e.signUp("race@example.com")
		expect(t, e.post("/confirm-email-change", map[string]any{"token": link}), http.StatusConflict, "That email address is already in use.")
	})

	t.Run("a link of a deleted account answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		u, tok := e.signedIn("del@example.com")
		expect(t, changeEmail(e, tok, "del2@example.com", password), http.StatusAccepted, "")
		link := e.linkToken("del2@example.com")
		if _, err := e.rs.Store().Users().Delete(context.Background(), u.ID); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/confirm-email-change", map[string]any{"token": link}), http.StatusBadRequest, "Token does not match an active account.")
	})

	t.Run("a bad or foreign token answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("x@example.com")
		for _, bad := range []string{"garbage", tok} {
			expect(t, e.post("/confirm-email-change", map[string]any{"token": bad}), http.StatusBadRequest,
				"Email-change link is invalid or has expired. Request a new one.")
		}
	})
}

func TestDeleteAccount(t *testing.T) {
	del := func(e *env, tok, body string) response {
		return e.do(request{method: http.MethodDelete, path: "/account", token: tok, body: body})
	}

	t.Run("a wrong password answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("d@example.com")
		expect(t, del(e, tok, `{"current_password": "wrong"}`), http.StatusBadRequest, "Current password is incorrect.")
	})

	t.Run("the right password deletes the account and its tokens stop working", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("d@example.com")
		res := del(e, tok, mustJSON(t, map[string]any{"current_password": password}))
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["message"] != "Account deleted." {
			t.Errorf("message = %v", res.JSON(t)["message"])
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "User no longer active.")
		expect(t, e.post("/login", map[string]any{"email": "d@example.com", "password": password}), http.StatusUnauthorized, "")
	})

	t.Run("a missing body answers 422", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("d@example.com")
		expect(t, del(e, tok, ""), http.StatusUnprocessableEntity, "")
	})

	t.Run("when deletion is disabled it answers 404 after auth and validation", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.EnableAccountDeletion = false })
		_, tok := e.signedIn("d@example.com")
		expect(t, del(e, "", `{"current_password": "x"}`), http.StatusUnauthorized, "Authentication required.")
		expect(t, del(e, tok, `{}`), http.StatusUnprocessableEntity, "")
		expect(t, del(e, tok, `{"current_password": "wrong"}`), http.StatusNotFound, "Account deletion is disabled for this application.")
	})
}

func TestPasswordReset(t *testing.T) {
	const (
		sent    = "If the address matches an active account, a reset link has been sent. Check your email."
		invalid = "Reset link is invalid or has expired. Request a new one."
		next    = "another good password"
	)

	t.Run("forgot-password answers 202 alike for known and unknown addresses", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("known@example.com")
		before := e.mailsTo("known@example.com")
		for _, email := range []string{"known@example.com", "unknown@example.com"} {
			res := e.post("/forgot-password", map[string]any{"email": email})
			expect(t, res, http.StatusAccepted, "")
			if res.JSON(t)["message"] != sent {
				t.Errorf("message = %v", res.JSON(t)["message"])
			}
		}
		if e.mailsTo("known@example.com") != before+1 || e.mailsTo("unknown@example.com") != 0 {
			t.Error("want exactly one reset email, to the known address")
		}
	})

	t.Run("the emailed link resets the password once and signs sessions out", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("r@example.com")
		expect(t, e.post("/forgot-password", map[string]any{"email": "r@example.com"}), http.StatusAccepted, "")
		link := e.linkToken("r@example.com")
		res := e.post("/reset-password", map[string]any{"token": link, "new_password": next})
		expect(t, res, http.StatusOK, "")
		if res.JSON(t)["message"] != "Password has been reset. Please sign in." {
			t.Errorf("message = %v", res.JSON(t)["message"])
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "Session was invalidated; please sign in again.")
		expect(t, e.post("/reset-password", map[string]any{"token": link, "new_password": "yet another password"}), http.StatusBadRequest, invalid)
		e.clock.Advance(time.Second)
		e.login("r@example.com", next)
	})

	t.Run("a bad or session token answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("r@example.com")
		for _, bad := range []string{"garbage", tok} {
			expect(t, e.post("/reset-password", map[string]any{"token": bad, "new_password": next}), http.StatusBadRequest, invalid)
		}
	})

	t.Run("a link of a disabled account answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		u := e.signUp("r@example.com")
		expect(t, e.post("/forgot-password", map[string]any{"email": "r@example.com"}), http.StatusAccepted, "")
		link := e.linkToken("r@example.com")
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/reset-password", map[string]any{"token": link, "new_password": next}), http.StatusBadRequest,
			"Reset link does not match an active account.")
	})

	t.Run("an expired link answers 400", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("r@example.com")
		expect(t, e.post("/forgot-password", map[string]any{"email": "r@example.com"}), http.StatusAccepted, "")
		link := e.linkToken("r@example.com")
		e.clock.Advance(1801 * time.Second)
		expect(t, e.post("/reset-password", map[string]any{"token": link, "new_password": next}), http.StatusBadRequest, invalid)
	})

	t.Run("with password reset disabled both routes answer 404 Not Found", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.EnablePasswordReset = false })
		for _, p := range []string{"/forgot-password", "/reset-password"} {
			expect(t, e.post(p, map[string]any{"email": "a@example.com"}), http.StatusNotFound, "Not Found")
		}
	})
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, nil)
	u, tok := e.signedIn("auth@example.com")
	revoked := e.login("auth@example.com", password)
	expect(t, e.do(request{method: http.MethodPost, path: "/logout", token: revoked}), http.StatusOK, "")

	tests := []struct {
		name      string
		header    string
		status    int
		detail    string
		challenge bool
	}{
		{"no Authorization header answers 401 with a challenge", "", 401, "Authentication required.", true},
		{"a non-Bearer scheme answers 401 with a challenge", "Basic dXNlcjpwYXNz", 401, "Authentication required.", true},
		{"Bearer without credentials answers 401 with a challenge", "Bearer ", 401, "Authentication required.", true},
		{"a malformed token answers 401 with a challenge", "Bearer not.a.jwt", 401, "Invalid or expired token.", true},
		{"a revoked token answers 401 without a challenge", "Bearer " + revoked, 401, "Token has been revoked.", false},
		{"the scheme is case-insensitive", "bEaReR " + tok, 200, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(request{method: http.MethodGet, path: "/me", header: map[string]string{"Authorization": tt.header}})
			expect(t, res, tt.status, tt.detail)
			if got := res.Header.Get("WWW-Authenticate") == "Bearer"; got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want challenge %v", res.Header.Get("WWW-Authenticate"), tt.challenge)
			}
		})
	}

	t.Run("an expired token answers 401 with a challenge", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("exp@example.com")
		e.clock.Advance(7201 * time.Second)
		res := e.do(request{method: http.MethodGet, path: "/me", token: tok})
		expect(t, res, http.StatusUnauthorized, "Invalid or expired token.")
		if res.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Error("missing WWW-Authenticate: Bearer")
		}
	})

	t.Run("a disabled user's token answers 401", func(t *testing.T) {
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusUnauthorized, "User no longer active.")
	})
}

// Authentication runs before body validation (http-api.md §11.2), so an
// unauthenticated request with a bad body is a 401, never a 422.
func TestAuthenticationRunsBeforeValidation(t *testing.T) {
	e := newEnv(t, nil)
	for _, rq := range []request{
		{method: http.MethodPost, path: "/logout", body: `{`},
		{method: http.MethodPatch, path: "/me", body: `{"full_name": 5, "x": 1}`},
		{method: http.MethodPost, path: "/change-password", body: `not json`},
		{method: http.MethodPost, path: "/change-email", body: `{"new_email": "@@"}`},
		{method: http.MethodDelete, path: "/account"},
	} {
		t.Run(rq.method+" "+rq.path+" answers 401", func(t *testing.T) {
			res := e.do(rq)
			expect(t, res, http.StatusUnauthorized, "Authentication required.")
			if res.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Error("missing WWW-Authenticate: Bearer")
			}
		})
	}
}
