package e2e_test

import (
	"context"
	"slices"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

func TestFacadeLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("the right password yields a session and records last_login", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("amy@example.com", "password-1", nil)
		res, err := f.rs.Login(ctx, regstack.LoginInput{Email: "amy@EXAMPLE.com", Password: "password-1"})
		wantErr(t, err, nil)
		if res.MFAPendingToken != "" || res.Session.AccessToken == "" || res.Session.ExpiresIn != 7200 {
			t.Fatalf("result = %+v", res)
		}
		p := f.principal(res.Session.AccessToken)
		if u := f.user("amy@example.com"); u.LastLogin == nil || !u.LastLogin.Equal(p.Token.IssuedAt) {
			t.Errorf("last_login = %v, want the token's iat %v", u.LastLogin, p.Token.IssuedAt)
		}
		ev := f.events.named(regstack.EventUserLoggedIn)
		if len(ev) != 1 || ev[0].User.LastLogin != nil {
			t.Errorf("user_logged_in events = %+v, want one with the previous (nil) last_login", ev)
		}
	})

	t.Run("failures count down, lock with 429 and lift after the window", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("ben@example.com", "password-1", nil)
		want := []error{
			regstack.ErrInvalidCredentials(4),
			regstack.ErrInvalidCredentials(3),
			regstack.ErrInvalidCredentials(2),
			regstack.ErrInvalidCredentials(1),
		}
		for i, w := range want {
			_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "ben@example.com", Password: "wrong-password", IP: "192.0.2.1"})
			if regstack.ErrorMessage(err) != regstack.ErrorMessage(w) {
				t.Fatalf("failure %d: %q, want %q", i+1, regstack.ErrorMessage(err), regstack.ErrorMessage(w))
			}
		}
		_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "ben@example.com", Password: "wrong-password"})
		if got := regstack.ErrorMessage(err); got != "Invalid email or password." {
			t.Fatalf("fifth failure: %q", got)
		}
		_, err = f.rs.Login(ctx, regstack.LoginInput{Email: "ben@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrLocked(900))
		if e := err.(*regstack.Error); e.Code != regstack.ETOOMANY || e.RetryAfter != 900 ||
			e.Message != "Too many failed attempts. Try again in 900 seconds." {
			t.Errorf("lockout error = %+v", e)
		}
		if n := f.failures("ben@example.com"); n != 5 {
			t.Errorf("locked attempt recorded: %d failures", n)
		}
		// Failures count while when >= now - window: still locked at
		// exactly the window, free a microsecond later.
		f.clock.Advance(900 * time.Second)
		_, err = f.rs.Login(ctx, regstack.LoginInput{Email: "ben@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrLocked(900))
		f.clock.Advance(time.Microsecond)
		f.login("ben@example.com", "password-1")
	})

	t.Run("unknown emails, OAuth-only users and wrong passwords answer alike and count", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("cy@example.com", "password-1", nil)
		f.createUser("oauth@example.com", "", nil)
		for _, email := range []string{"ghost@example.com", "oauth@example.com", "cy@example.com"} {
			_, err := f.rs.Login(ctx, regstack.LoginInput{Email: email, Password: "wrong-password"})
			wantErr(t, err, regstack.ErrInvalidCredentials(4))
		}
	})

	t.Run("a success clears the failures", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("dot@example.com", "password-1", nil)
		for range 3 {
			_, _ = f.rs.Login(ctx, regstack.LoginInput{Email: "dot@example.com", Password: "wrong-password"})
		}
		f.login("dot@example.com", "password-1")
		_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "dot@example.com", Password: "wrong-password"})
		wantErr(t, err, regstack.ErrInvalidCredentials(4))
	})

	tests := []struct {
		name    string
		edit    func(*regstack.User)
		require bool
		want    error
	}{
		{"a disabled account answers 403 with the right password", func(u *regstack.User) { u.IsActive = false }, true, regstack.ErrAccountDisabled},
		{"an unverified account answers 403 while verification is required", func(u *regstack.User) { u.IsVerified = false }, true, regstack.ErrEmailNotVerified},
		{"an unverified account signs in when verification is off", func(u *regstack.User) { u.IsVerified = false }, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t, func(c *config.Config) { c.RequireVerification = tt.require })
			f.createUser("eli@example.com", "password-1", tt.edit)
			_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "eli@example.com", Password: "password-1"})
			wantErr(t, err, tt.want)
			wantFailures := 0
			if tt.want != nil {
				wantFailures = 1
			}
			if n := f.failures("eli@example.com"); n != wantFailures {
				t.Errorf("%d failures recorded, want %d", n, wantFailures)
			}
		})
	}

	t.Run("with the lockout disabled nothing is counted and nothing locks", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t, func(c *config.Config) { c.RateLimitDisabled = true })
		f.createUser("fox@example.com", "password-1", nil)
		for range 7 {
			_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "fox@example.com", Password: "wrong-password"})
			wantErr(t, err, regstack.ErrInvalidCredentials(0))
		}
		if n := f.failures("fox@example.com"); n != 0 {
			t.Errorf("%d failures recorded", n)
		}
		f.login("fox@example.com", "password-1")
	})
}

func TestFacadeLoginMFA(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const phone = "+14155552671"

	// start signs in a user with MFA on and returns the pending token.
	start := func(f *facade) string {
		f.t.Helper()
		f.createUser("mia@example.com", "password-1", func(u *regstack.User) {
			p := phone
			u.PhoneNumber, u.IsMFAEnabled = &p, true
		})
		res, err := f.rs.Login(ctx, regstack.LoginInput{Email: "mia@example.com", Password: "password-1"})
		wantErr(f.t, err, nil)
		if res.MFAPendingToken == "" || res.Session.AccessToken != "" || res.MFAExpiresIn != 600 {
			f.t.Fatalf("result = %+v, want an MFA challenge", res)
		}
		return res.MFAPendingToken
	}

	t.Run("the code arrives by SMS and a correct one completes the sign-in once", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		pending := start(f)
		msgs := f.sms.inner.Sent()
		if len(msgs) != 1 || msgs[0].To != phone || msgs[0].From != "+15550000000" {
			t.Fatalf("SMS = %+v", msgs)
		}
		code := f.lastCode(phone)
		if len(code) != 6 {
			t.Errorf("code %q is not 6 digits", code)
		}
		if u := f.user("mia@example.com"); u.LastLogin != nil {
			t.Error("last_login set before the code was confirmed")
		}
		if got := f.events.names(); !slices.Equal(got, []string{regstack.EventMFALoginStarted}) {
			t.Errorf("events = %v", got)
		}

		s, err := f.rs.ConfirmMFA(ctx, pending, code)
		wantErr(t, err, nil)
		f.principal(s.AccessToken)
		if u := f.user("mia@example.com"); u.LastLogin == nil {
			t.Error("last_login not set")
		}
		if got := f.events.names(); !slices.Equal(got, []string{regstack.EventMFALoginStarted, regstack.EventUserLoggedIn}) {
			t.Errorf("events = %v", got)
		}
		noSecretsInEvents(t, f.events.all(), code, pending, s.AccessToken)

		_, err = f.rs.ConfirmMFA(ctx, pending, code)
		wantErr(t, err, regstack.ErrLoginCodeMissing)
	})

	t.Run("wrong codes count down and the last one locks", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		pending := start(f)
		code := f.lastCode(phone)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for n := 4; n >= 1; n-- {
			_, err := f.rs.ConfirmMFA(ctx, pending, wrong)
			wantErr(t, err, regstack.ErrWrongCode(n))
		}
		_, err := f.rs.ConfirmMFA(ctx, pending, wrong)
		wantErr(t, err, regstack.ErrLoginCodeLocked)
		_, err = f.rs.ConfirmMFA(ctx, pending, code)
		wantErr(t, err, regstack.ErrLoginCodeMissing)
		if n := f.failures("mia@example.com"); n != 0 {
			t.Errorf("wrong codes counted toward the lockout: %d", n)
		}
	})

	t.Run("an expired code is refused", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		pending := start(f)
		f.clock.Advance(300 * time.Second)
		_, err := f.rs.ConfirmMFA(ctx, pending, f.lastCode(phone))
		wantErr(t, err, regstack.ErrLoginCodeExpired)
	})

	t.Run("a bad or expired pending token is refused", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		pending := start(f)
		_, err := f.rs.ConfirmMFA(ctx, "garbage", f.lastCode(phone))
		wantErr(t, err, regstack.ErrMFASessionInvalid)
		f.createUser("ned@example.com", "password-1", nil)
		session := f.login("ned@example.com", "password-1")
		_, err = f.rs.ConfirmMFA(ctx, session, f.lastCode(phone))
		wantErr(t, err, regstack.ErrMFASessionInvalid)
		f.clock.Advance(600 * time.Second)
		_, err = f.rs.ConfirmMFA(ctx, pending, f.lastCode(phone))
		wantErr(t, err, regstack.ErrMFASessionInvalid)
	})

	t.Run("a user disabled meanwhile is refused", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		pending := start(f)
		u := f.user("mia@example.com")
		wantErr(t, f.store.Users().SetActive(ctx, u.ID, false), nil)
		_, err := f.rs.ConfirmMFA(ctx, pending, f.lastCode(phone))
		wantErr(t, err, regstack.ErrTokenAccountInactive)
	})
}
