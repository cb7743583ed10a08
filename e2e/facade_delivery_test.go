package e2e_test

import (
	"context"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
)

func TestFacadeDeliveryFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("register answers 502, keeps the pending row and fires nothing", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.mail.fail.Store(true)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "ann@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrDelivery)
		p, err := f.store.Pending().FindByEmail(ctx, "ann@example.com")
		wantErr(t, err, nil)
		if p == nil {
			t.Fatal("pending row not kept")
		}
		if got := f.events.names(); len(got) != 0 {
			t.Errorf("events = %v", got)
		}
		noLinkInLogs(t, f, "email delivery failed")
		// Resend recovers once mail works again.
		f.mail.fail.Store(false)
		wantErr(t, f.rs.ResendVerification(ctx, "ann@example.com"), nil)
		_, err = f.rs.Verify(ctx, f.lastToken("ann@example.com"))
		wantErr(t, err, nil)
	})

	t.Run("anti-enumeration endpoints still succeed and fire nothing", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "pend@example.com", Password: "password-1"})
		wantErr(t, err, nil)
		u := f.createUser("bea@example.com", "password-1", nil)
		f.events.reset()
		f.mail.fail.Store(true)

		wantErr(t, f.rs.ResendVerification(ctx, "pend@example.com"), nil)
		wantErr(t, f.rs.ForgotPassword(ctx, "bea@example.com"), nil)
		wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: u}, "free@example.com", "password-1"), nil)
		if got := f.events.names(); len(got) != 0 {
			t.Errorf("events = %v", got)
		}
		noLinkInLogs(t, f, "email delivery failed")
	})

	t.Run("the MFA branch answers 502, deletes the undelivered code and fires nothing", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		phone := "+14155552671"
		u := f.createUser("cal@example.com", "password-1", func(u *regstack.User) { u.PhoneNumber, u.IsMFAEnabled = &phone, true })
		f.sms.fail.Store(true)
		_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "cal@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrDelivery)
		// docs/deviations.md: a code that never reached the phone is not
		// left behind to be guessed.
		c, err := f.store.MFACodes().Find(ctx, u.ID, regstack.MFAKindLoginMFA)
		wantErr(t, err, nil)
		if c != nil {
			t.Errorf("code row kept: %+v", c)
		}
		if got := f.events.names(); len(got) != 0 {
			t.Errorf("events = %v", got)
		}
		noLinkInLogs(t, f, "SMS delivery failed")
		if logs := f.logs.String(); strings.Contains(logs, "code:") {
			t.Errorf("the SMS body reached the log:\n%s", logs)
		}
		f.sms.fail.Store(false)
		res, err := f.rs.Login(ctx, regstack.LoginInput{Email: "cal@example.com", Password: "password-1"})
		wantErr(t, err, nil)
		if res.MFAPendingToken == "" {
			t.Error("no MFA challenge once SMS works again")
		}
	})

	t.Run("phone setup answers 502, deletes the undelivered code and fires nothing", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u := f.createUser("dee@example.com", "password-1", nil)
		f.sms.fail.Store(true)
		_, err := f.rs.StartPhoneSetup(ctx, f.principal(f.login("dee@example.com", "password-1")), "+14155550123", "password-1")
		wantErr(t, err, regstack.ErrDelivery)
		c, err := f.store.MFACodes().Find(ctx, u.ID, regstack.MFAKindPhoneSetup)
		wantErr(t, err, nil)
		if c != nil {
			t.Errorf("code row kept: %+v", c)
		}
		if got := f.events.named(regstack.EventPhoneSetupStarted); len(got) != 0 {
			t.Errorf("phone_setup_started fired: %+v", got)
		}
		noLinkInLogs(t, f, "SMS delivery failed")
	})
}

// noLinkInLogs asserts that the instance logged the failure and that no
// link or JWT reached its log.
func noLinkInLogs(t *testing.T, f *facade, failure string) {
	t.Helper()
	logs := f.logs.String()
	if !strings.Contains(logs, failure) {
		t.Errorf("log lacks %q:\n%s", failure, logs)
	}
	for _, secret := range []string{"token=", "eyJ", "https://app.example.com"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
}
