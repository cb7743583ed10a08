package http_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/token"
)

const (
	newPhone      = "+14155552671"
	msgDelivery   = "Could not deliver the message. Try again later."
	msgNoPassword = "No password set on this account. Use forgot-password to set one before changing account details."
	msgWrongPW    = "Current password is incorrect."
)

// phoneEnv is an environment with the phone router mounted.
func phoneEnv(t *testing.T) *env {
	t.Helper()
	return newEnv(t, func(c *config.Config) { c.EnableSMS2FA = true })
}

// events records the hooks an instance fires, in firing order.
type events struct {
	mu  sync.Mutex
	got []regstack.Event
}

// recordEvents subscribes to every event regstack fires.
func recordEvents(e *env) *events {
	ev := &events{}
	for _, name := range []string{
		regstack.EventUserRegistered, regstack.EventVerificationRequested, regstack.EventUserVerified,
		regstack.EventUserLoggedIn, regstack.EventUserLoggedOut, regstack.EventMFALoginStarted,
		regstack.EventPasswordResetRequested, regstack.EventPasswordResetCompleted, regstack.EventPasswordChanged,
		regstack.EventEmailChangeRequested, regstack.EventEmailChanged, regstack.EventPhoneSetupStarted,
		regstack.EventMFAEnabled, regstack.EventPhoneSetupDisabled, regstack.EventMFADisabled,
		regstack.EventUserDeleted,
	} {
		e.rs.On(name, func(_ context.Context, x regstack.Event) error {
			ev.mu.Lock()
			defer ev.mu.Unlock()
			ev.got = append(ev.got, x)
			return nil
		})
	}
	return ev
}

// names lists the fired events' names.
func (ev *events) names() []string {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	out := make([]string, len(ev.got))
	for i, x := range ev.got {
		out[i] = x.Name
	}
	return out
}

// only fails unless exactly the named events fired, in that order, and
// returns them.
func (ev *events) only(t *testing.T, names ...string) []regstack.Event {
	t.Helper()
	if got := ev.names(); strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("events = %v, want %v", got, names)
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return append([]regstack.Event(nil), ev.got...)
}

func (ev *events) reset() {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.got = nil
}

// mint signs a token of purpose p for subject with the environment's
// secret, as regstack itself would.
func mint(t *testing.T, e *env, p token.Purpose, subject string, extra token.Extra) string {
	t.Helper()
	codec, err := token.NewCodec(testSecret, e.cfg.JWTAlgorithm, nil, e.clock)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := codec.Mint(p, subject, time.Hour, extra)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// oauthOnly stores an active, verified user without a password and
// returns it with a session token (it could only have signed in through
// OAuth).
func oauthOnly(t *testing.T, e *env, email string) (*regstack.User, string) {
	t.Helper()
	u := &regstack.User{Email: email, IsActive: true, IsVerified: true}
	if err := e.rs.Store().Users().Create(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u, mint(t, e, token.Session, u.ID, token.Extra{})
}

// code returns the stored MFA code of that kind, or nil.
func (e *env) code(userID, kind string) *regstack.MFACode {
	e.t.Helper()
	c, err := e.rs.Store().MFACodes().Find(context.Background(), userID, kind)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// user reloads a user from the store (nil when gone).
func (e *env) user(id string) *regstack.User {
	e.t.Helper()
	u, err := e.rs.Store().Users().GetByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// startPhone runs /phone/start for newPhone and returns the pending token.
func startPhone(t *testing.T, e *env, tok string) string {
	t.Helper()
	res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tok,
		body: mustJSON(t, map[string]any{"phone_number": newPhone, "current_password": password})})
	expect(t, res, http.StatusAccepted, "")
	return res.JSON(t)["pending_token"].(string)
}

// enablePhone runs the whole setup for tok's user.
func enablePhone(t *testing.T, e *env, tok string) {
	t.Helper()
	pending := startPhone(t, e, tok)
	expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": e.lastSMSCode()}), http.StatusOK, "")
}

func TestPhoneRouterMounting(t *testing.T) {
	routes := []struct{ method, path string }{
		{http.MethodPost, "/phone/start"},
		{http.MethodPost, "/phone/confirm"},
		{http.MethodDelete, "/phone"},
	}
	t.Run("without enable_sms_2fa every phone route answers 404 Not Found", func(t *testing.T) {
		e := newEnv(t, nil)
		_, tok := e.signedIn("a@example.com")
		for _, rt := range routes {
			expect(t, e.do(request{method: rt.method, path: rt.path, token: tok, body: `{}`}), http.StatusNotFound, "Not Found")
		}
	})
	t.Run("with enable_sms_2fa the routes are mounted and /features says so", func(t *testing.T) {
		e := phoneEnv(t)
		for _, rt := range routes {
			if res := e.do(request{method: rt.method, path: rt.path, body: `{}`}); res.Status == http.StatusNotFound {
				t.Errorf("%s %s answered 404", rt.method, rt.path)
			}
		}
		res := e.do(request{method: http.MethodGet, path: "/features"})
		expect(t, res, http.StatusOK, "")
		if got := res.JSON(t)["routers"].(map[string]any)["sms_2fa"]; got != true {
			t.Errorf("routers.sms_2fa = %v, want true", got)
		}
	})
}

func TestPhoneStart(t *testing.T) {
	const msgFormat = "Phone number must be in E.164 format (e.g. +14155552671)."

	t.Run("it answers 202 code_sent, texts the new number and fires phone_setup_started without the code", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("p@example.com")
		ev := recordEvents(e)
		res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tok,
			body: mustJSON(t, map[string]any{"phone_number": newPhone, "current_password": password})})
		expect(t, res, http.StatusAccepted, "")
		b := res.JSON(t)
		if b["status"] != "code_sent" || b["expires_in"] != float64(600) || b["pending_token"] == "" || len(b) != 3 {
			t.Fatalf("unexpected body %s", res.Body)
		}
		sent := e.sms.Sent()
		if len(sent) != 1 || sent[0].To != newPhone || !strings.Contains(sent[0].Body, "verification code: ") {
			t.Fatalf("SMS = %+v, want one phone-setup code to %s", sent, newPhone)
		}
		c := e.code(u.ID, regstack.MFAKindPhoneSetup)
		if c == nil || c.MaxAttempts != 5 || !c.ExpiresAt.Equal(start.Add(300*time.Second)) || strings.Contains(c.CodeHash, e.lastSMSCode()) {
			t.Errorf("code row = %+v, want a hashed code for 300 s and 5 attempts", c)
		}
		got := ev.only(t, regstack.EventPhoneSetupStarted)[0]
		if got.Phone != newPhone || got.User == nil || got.User.ID != u.ID || got.User.PhoneNumber != nil {
			t.Errorf("event = %+v, want the user (phone not yet set) and %s", got, newPhone)
		}
		if after := e.user(u.ID); after.PhoneNumber != nil || after.IsMFAEnabled {
			t.Error("starting setup must not change the account")
		}
	})

	t.Run("authentication runs before body validation", func(t *testing.T) {
		e := phoneEnv(t)
		res := e.do(request{method: http.MethodPost, path: "/phone/start", body: `{"phone_number": "1"}`})
		expect(t, res, http.StatusUnauthorized, "Authentication required.")
		if res.Header.Get("WWW-Authenticate") != "Bearer" {
			t.Error("missing WWW-Authenticate: Bearer")
		}
	})

	t.Run("a malformed body answers 422", func(t *testing.T) {
		e := phoneEnv(t)
		_, tok := e.signedIn("v@example.com")
		tests := []struct {
			name, body string
			want       []problem
		}{
			{"a number under 4 characters", `{"phone_number": "+12", "current_password": "x"}`, []problem{{"string_too_short", "body.phone_number"}}},
			{"a number over 20 characters", `{"phone_number": "+123456789012345678901", "current_password": "x"}`, []problem{{"string_too_long", "body.phone_number"}}},
			{"a missing password", `{"phone_number": "+14155552671"}`, []problem{{"missing", "body.current_password"}}},
			{"an extra field", `{"phone_number": "+14155552671", "current_password": "x", "sms": true}`, []problem{{"extra_forbidden", "body.sms"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tok, body: tt.body})
				if got := problems(t, res); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("problems = %v, want %v", got, tt.want)
				}
			})
		}
	})

	t.Run("a refused request answers 400 and sends nothing", func(t *testing.T) {
		e := phoneEnv(t)
		_, tok := e.signedIn("r@example.com")
		_, oauthTok := oauthOnly(t, e, "o@example.com")
		tests := []struct {
			name, token, phone, password, want string
		}{
			{"a number without +", tok, "14155552671", password, msgFormat},
			{"a number starting +0", tok, "+04155552671", password, msgFormat},
			{"a number with a letter", tok, "+1415555267a", password, msgFormat},
			{"a number of 16 digits", tok, "+1234567890123456", password, msgFormat},
			{"a number with a trailing newline", tok, "+14155552671\n", password, msgFormat},
			{"a number with non-ASCII digits", tok, "+١٤١٥٥٥٥٢٦٧١", password, msgFormat},
			{"a bad number even with a wrong password", tok, "0000", "wrong", msgFormat},
			{"a wrong password", tok, newPhone, "wrong password", msgWrongPW},
			{"an OAuth-only account", oauthTok, newPhone, "anything", msgNoPassword},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tt.token,
					body: mustJSON(t, map[string]any{"phone_number": tt.phone, "current_password": tt.password})})
				expect(t, res, http.StatusBadRequest, tt.want)
			})
		}
		if n := len(e.sms.Sent()); n != 0 {
			t.Errorf("%d SMS sent for refused requests", n)
		}
	})

	t.Run("a second start replaces the first code", func(t *testing.T) {
		e := phoneEnv(t)
		_, tok := e.signedIn("twice@example.com")
		first := startPhone(t, e, tok)
		firstCode := e.lastSMSCode()
		second := startPhone(t, e, tok)
		if firstCode != e.lastSMSCode() {
			expect(t, e.post("/phone/confirm", map[string]any{"pending_token": first, "code": firstCode}), http.StatusBadRequest, "Wrong code; 4 attempts remaining.")
		}
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": second, "code": e.lastSMSCode()}), http.StatusOK, "")
	})

	t.Run("phone_start_rate_limit counts only authenticated, valid requests", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) {
			c.EnableSMS2FA = true
			limit := "1/minute"
			c.PhoneStartRateLimit = &limit
		})
		_, tok := e.signedIn("rl@example.com")
		expect(t, e.do(request{method: http.MethodPost, path: "/phone/start", body: `{}`}), http.StatusUnauthorized, "")
		expect(t, e.do(request{method: http.MethodPost, path: "/phone/start", token: tok, body: `{}`}), http.StatusUnprocessableEntity, "")
		startPhone(t, e, tok)
		res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tok,
			body: mustJSON(t, map[string]any{"phone_number": newPhone, "current_password": password})})
		expect(t, res, http.StatusTooManyRequests, "Rate limit exceeded: 1 per 1 minute")
	})
}

func TestSMSDeliveryFailure(t *testing.T) {
	t.Run("phone setup answers 502, deletes the code it could not send and fires nothing", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("down@example.com")
		startPhone(t, e, tok) // an earlier code, replaced by the failed one
		ev := recordEvents(e)
		e.smsDown.Store(true)
		res := e.do(request{method: http.MethodPost, path: "/phone/start", token: tok,
			body: mustJSON(t, map[string]any{"phone_number": newPhone, "current_password": password})})
		expect(t, res, http.StatusBadGateway, msgDelivery)
		if c := e.code(u.ID, regstack.MFAKindPhoneSetup); c != nil {
			t.Errorf("the undelivered code is still stored: %+v", c)
		}
		ev.only(t)
		if n := strings.Count(e.logs.String(), "verification code: "); n != 1 {
			t.Errorf("%d SMS bodies in the log, want only the delivered one", n)
		}
		e.smsDown.Store(false)
		enablePhone(t, e, tok)
	})

	t.Run("an MFA sign-in answers 502, deletes the login code and fires nothing", func(t *testing.T) {
		e := phoneEnv(t)
		mfaUser(t, e, "mfa-down@example.com")
		u, _ := e.rs.Store().Users().GetByEmail(context.Background(), "mfa-down@example.com")
		ev := recordEvents(e)
		e.smsDown.Store(true)
		expect(t, e.post("/login", map[string]any{"email": "mfa-down@example.com", "password": password}), http.StatusBadGateway, msgDelivery)
		if c := e.code(u.ID, regstack.MFAKindLoginMFA); c != nil {
			t.Errorf("the undelivered login code is still stored: %+v", c)
		}
		ev.only(t)
		e.smsDown.Store(false)
		startMFA(t, e, "mfa-down@example.com")
	})
}

func TestPhoneConfirm(t *testing.T) {
	t.Run("the right code sets the phone, enables MFA, fires mfa_enabled and works once", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("c@example.com")
		pending := startPhone(t, e, tok)
		ev := recordEvents(e)
		e.clock.Advance(time.Second)
		body := map[string]any{"pending_token": pending, "code": e.lastSMSCode()}
		res := e.post("/phone/confirm", body)
		expect(t, res, http.StatusOK, "")
		got := res.JSON(t)
		if got["id"] != u.ID || got["phone_number"] != newPhone || got["is_mfa_enabled"] != true || got["updated_at"] != "2025-01-01T12:00:01Z" {
			t.Errorf("unexpected user %s", res.Body)
		}
		x := ev.only(t, regstack.EventMFAEnabled)[0]
		if x.User == nil || x.User.PhoneNumber == nil || *x.User.PhoneNumber != newPhone || !x.User.IsMFAEnabled {
			t.Errorf("mfa_enabled snapshot = %+v, want the new phone and MFA on", x.User)
		}
		expect(t, e.post("/phone/confirm", body), http.StatusBadRequest, "No pending verification code — request a new one.")
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusOK, "")
		startMFA(t, e, "c@example.com")
	})

	t.Run("wrong codes count down, lock, and then the code is gone", func(t *testing.T) {
		e := phoneEnv(t)
		_, tok := e.signedIn("w@example.com")
		pending := startPhone(t, e, tok)
		right := e.lastSMSCode()
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		for _, want := range []string{
			"Wrong code; 4 attempts remaining.",
			"Wrong code; 3 attempts remaining.",
			"Wrong code; 2 attempts remaining.",
			"Wrong code; 1 attempts remaining.",
			"Too many wrong attempts — request a new code.",
			"No pending verification code — request a new one.",
		} {
			expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": wrong}), http.StatusBadRequest, want)
		}
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": right}), http.StatusBadRequest,
			"No pending verification code — request a new one.")
	})

	t.Run("sms_code_max_attempts bounds the wrong guesses", func(t *testing.T) {
		e := newEnv(t, func(c *config.Config) { c.EnableSMS2FA = true; c.SMSCodeMaxAttempts = 2 })
		_, tok := e.signedIn("l@example.com")
		pending := startPhone(t, e, tok)
		right := e.lastSMSCode()
		wrong := "9999999999" // ten digits never match a six-digit code
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": wrong}), http.StatusBadRequest, "Wrong code; 1 attempts remaining.")
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": wrong}), http.StatusBadRequest, "Too many wrong attempts — request a new code.")
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": right}), http.StatusBadRequest,
			"No pending verification code — request a new one.")
	})

	t.Run("an expired code answers 400 and is deleted", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("x@example.com")
		pending := startPhone(t, e, tok)
		code := e.lastSMSCode()
		e.clock.Advance(300 * time.Second)
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": code}), http.StatusBadRequest,
			"Verification code has expired. Request a new one.")
		if c := e.code(u.ID, regstack.MFAKindPhoneSetup); c != nil {
			t.Error("the expired code was not deleted")
		}
	})

	t.Run("an unusable pending token answers 400", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("t@example.com")
		pending := startPhone(t, e, tok)
		const invalid = "Phone-setup session is invalid or has expired. Start setup again."
		tests := []struct{ name, token string }{
			{"garbage", "garbage"},
			{"a session token", tok},
			{"an MFA-pending token", mint(t, e, token.LoginMFA, u.ID, token.Extra{})},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				expect(t, e.post("/phone/confirm", map[string]any{"pending_token": tt.token, "code": e.lastSMSCode()}), http.StatusBadRequest, invalid)
			})
		}
		t.Run("an expired one", func(t *testing.T) {
			e.clock.Advance(601 * time.Second)
			expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": e.lastSMSCode()}), http.StatusBadRequest, invalid)
		})
	})

	t.Run("a disabled user's token answers 400", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("gone@example.com")
		pending := startPhone(t, e, tok)
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, e.post("/phone/confirm", map[string]any{"pending_token": pending, "code": e.lastSMSCode()}), http.StatusBadRequest,
			"Token does not match an active account.")
	})

	t.Run("a code outside 4–10 characters answers 422", func(t *testing.T) {
		e := phoneEnv(t)
		res := e.do(request{method: http.MethodPost, path: "/phone/confirm", body: `{"pending_token": "t", "code": "123"}`})
		if got, want := problems(t, res), []problem{{"string_too_short", "body.code"}}; !reflect.DeepEqual(got, want) {
			t.Errorf("problems = %v, want %v", got, want)
		}
	})
}

func TestPhoneDisable(t *testing.T) {
	t.Run("it clears phone, flag and both codes, then fires phone_setup_disabled and mfa_disabled", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("d@example.com")
		enablePhone(t, e, tok)
		startMFA(t, e, "d@example.com") // a live login_mfa code
		startPhone(t, e, tok)           // and a live phone_setup code
		ev := recordEvents(e)
		res := e.do(request{method: http.MethodDelete, path: "/phone", token: tok, body: mustJSON(t, map[string]any{"current_password": password})})
		expect(t, res, http.StatusOK, "")
		if string(res.Body) != `{"message":"SMS 2FA disabled."}` {
			t.Errorf("body = %s", res.Body)
		}
		after := e.user(u.ID)
		if after.PhoneNumber != nil || after.IsMFAEnabled {
			t.Errorf("user still has phone %v / MFA %v", after.PhoneNumber, after.IsMFAEnabled)
		}
		for _, kind := range []string{regstack.MFAKindLoginMFA, regstack.MFAKindPhoneSetup} {
			if e.code(u.ID, kind) != nil {
				t.Errorf("the %s code survived", kind)
			}
		}
		for _, x := range ev.only(t, regstack.EventPhoneSetupDisabled, regstack.EventMFADisabled) {
			if x.User == nil || x.User.PhoneNumber != nil || x.User.IsMFAEnabled {
				t.Errorf("%s snapshot = %+v, want the updated user", x.Name, x.User)
			}
		}
		expect(t, e.do(request{method: http.MethodGet, path: "/me", token: tok}), http.StatusOK, "")
		e.login("d@example.com", password) // no MFA any more
	})

	t.Run("a refused request answers 400 or 401 and changes nothing", func(t *testing.T) {
		e := phoneEnv(t)
		u, tok := e.signedIn("keep@example.com")
		enablePhone(t, e, tok)
		_, oauthTok := oauthOnly(t, e, "o@example.com")
		tests := []struct {
			name, token, body string
			status            int
			detail            string
		}{
			{"a wrong password", tok, `{"current_password": "wrong"}`, http.StatusBadRequest, msgWrongPW},
			{"an OAuth-only account", oauthTok, `{"current_password": "x"}`, http.StatusBadRequest, msgNoPassword},
			{"no token, even with a bad body", "", `{"nope": 1}`, http.StatusUnauthorized, "Authentication required."},
			{"a missing password", tok, `{}`, http.StatusUnprocessableEntity, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				expect(t, e.do(request{method: http.MethodDelete, path: "/phone", token: tt.token, body: tt.body}), tt.status, tt.detail)
			})
		}
		if after := e.user(u.ID); after.PhoneNumber == nil || !after.IsMFAEnabled {
			t.Error("a refused disable changed the account")
		}
	})
}
