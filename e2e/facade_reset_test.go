package e2e_test

import (
	"context"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

func TestFacadePasswordReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a reset link works once and signs every session out", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("rae@example.com", "password-1", nil)
		session := f.login("rae@example.com", "password-1")
		_, _ = f.rs.Login(ctx, regstack.LoginInput{Email: "rae@example.com", Password: "wrong-password"})
		f.events.reset()

		wantErr(t, f.rs.ForgotPassword(ctx, "rae@EXAMPLE.com"), nil)
		mails := f.mailsTo("rae@example.com")
		if len(mails) != 1 || mails[0].Kind != regstack.EmailPasswordReset {
			t.Fatalf("mails = %+v", mails)
		}
		if ev := f.events.named(regstack.EventPasswordResetRequested); len(ev) != 1 || ev[0].User.Email != "rae@example.com" {
			t.Fatalf("password_reset_requested events = %+v", ev)
		}
		tok := f.lastToken("rae@example.com")

		wantErr(t, f.rs.ResetPassword(ctx, tok, "password-2"), nil)
		if ev := f.events.named(regstack.EventPasswordResetCompleted); len(ev) != 1 {
			t.Errorf("password_reset_completed events = %+v", ev)
		}
		if n := f.failures("rae@example.com"); n != 0 {
			t.Errorf("%d lockout failures left", n)
		}
		_, err := f.rs.Authenticate(ctx, session)
		wantErr(t, err, regstack.ErrSessionInvalidated)
		f.clock.Advance(time.Microsecond)
		f.login("rae@example.com", "password-2")

		wantErr(t, f.rs.ResetPassword(ctx, tok, "password-3"), regstack.ErrResetInvalid)
		f.login("rae@example.com", "password-2")
		noSecretsInEvents(t, f.events.all(), tok, session)
	})

	t.Run("unknown, inactive and OAuth-only addresses", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("off@example.com", "password-1", func(u *regstack.User) { u.IsActive = false })
		f.createUser("oauth@example.com", "", nil)
		for _, email := range []string{"nobody@example.com", "off@example.com"} {
			wantErr(t, f.rs.ForgotPassword(ctx, email), nil)
			if n := len(f.mailsTo(email)); n != 0 {
				t.Errorf("%s: %d emails sent", email, n)
			}
		}
		// Reset doubles as "set a first password" for OAuth-only users.
		wantErr(t, f.rs.ForgotPassword(ctx, "oauth@example.com"), nil)
		wantErr(t, f.rs.ResetPassword(ctx, f.lastToken("oauth@example.com"), "password-9"), nil)
		f.login("oauth@example.com", "password-9")
	})

	t.Run("a refused reset for a disabled account does not spend the link", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u := f.createUser("sam@example.com", "password-1", nil)
		wantErr(t, f.rs.ForgotPassword(ctx, "sam@example.com"), nil)
		tok := f.lastToken("sam@example.com")
		wantErr(t, f.store.Users().SetActive(ctx, u.ID, false), nil)
		wantErr(t, f.rs.ResetPassword(ctx, tok, "password-2"), regstack.ErrResetAccountInactive)
		wantErr(t, f.store.Users().SetActive(ctx, u.ID, true), nil)
		wantErr(t, f.rs.ResetPassword(ctx, tok, "password-2"), nil)
	})

	t.Run("session tokens and expired links are invalid", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("tia@example.com", "password-1", nil)
		wantErr(t, f.rs.ResetPassword(ctx, f.login("tia@example.com", "password-1"), "password-2"), regstack.ErrResetInvalid)
		wantErr(t, f.rs.ForgotPassword(ctx, "tia@example.com"), nil)
		tok := f.lastToken("tia@example.com")
		f.clock.Advance(1800 * time.Second)
		wantErr(t, f.rs.ResetPassword(ctx, tok, "password-2"), regstack.ErrResetInvalid)
	})

	t.Run("reset switched off answers 404", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t, func(c *config.Config) { c.EnablePasswordReset = false })
		wantErr(t, f.rs.ForgotPassword(ctx, "x@example.com"), regstack.ErrResetDisabled)
		wantErr(t, f.rs.ResetPassword(ctx, "tok", "password-2"), regstack.ErrResetDisabled)
	})
}
