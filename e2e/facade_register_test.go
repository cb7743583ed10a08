package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/token"
)

func TestFacadeRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("with verification stores a pending row and emails the link", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		name := "Alice"
		res, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "Alice@Example.COM", Password: "password-1", FullName: &name})
		wantErr(t, err, nil)
		if res.User != nil || res.PendingEmail != "Alice@example.com" {
			t.Fatalf("result = %+v, want pending for Alice@example.com", res)
		}
		if want := facadeStart.Add(24 * time.Hour); !res.PendingExpiresAt.Equal(want) {
			t.Errorf("expires at %v, want %v", res.PendingExpiresAt, want)
		}
		if f.user("Alice@example.com") != nil {
			t.Error("a user row exists before verification")
		}
		mails := f.mailsTo("Alice@example.com")
		if len(mails) != 1 || mails[0].Kind != regstack.EmailVerification {
			t.Fatalf("mails = %+v, want one verification email", mails)
		}
		if !strings.Contains(mails[0].Text, "Hi Alice,") {
			t.Errorf("greeting missing the full name:\n%s", mails[0].Text)
		}
		if got := f.events.names(); !slices.Equal(got, []string{regstack.EventVerificationRequested}) {
			t.Errorf("events = %v", got)
		}
		_, err = f.rs.Login(ctx, regstack.LoginInput{Email: "Alice@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrInvalidCredentials(4))
	})

	t.Run("without verification creates an active verified user", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t, func(c *config.Config) { c.RequireVerification = false })
		res, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "bob@example.com", Password: "password-1"})
		wantErr(t, err, nil)
		u := res.User
		if u == nil || u.ID == "" || !u.IsActive || !u.IsVerified || u.IsSuperuser || u.FullName != nil {
			t.Fatalf("user = %+v", u)
		}
		if len(f.mailsTo("bob@example.com")) != 0 {
			t.Error("an email was sent")
		}
		ev := f.events.named(regstack.EventUserRegistered)
		if len(ev) != 1 || ev[0].User.ID != u.ID {
			t.Fatalf("user_registered events = %+v", ev)
		}
		f.login("bob@example.com", "password-1")
	})

	t.Run("an existing user's email answers 409", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("carol@example.com", "password-1", nil)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "carol@EXAMPLE.com", Password: "password-2"})
		wantErr(t, err, regstack.ErrEmailRegistered)
	})

	t.Run("disabled registration answers 403", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t, func(c *config.Config) { c.AllowRegistration = false })
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "dan@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrRegistrationDisabled)
	})

	t.Run("registering again replaces the pending row and kills the old link", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "erin@example.com", Password: "first-password"})
		wantErr(t, err, nil)
		first := f.lastToken("erin@example.com")
		_, err = f.rs.Register(ctx, regstack.RegisterInput{Email: "erin@example.com", Password: "second-password"})
		wantErr(t, err, nil)
		second := f.lastToken("erin@example.com")

		_, err = f.rs.Verify(ctx, first)
		wantErr(t, err, regstack.ErrVerificationInvalid)
		_, err = f.rs.Verify(ctx, second)
		wantErr(t, err, nil)
		f.login("erin@example.com", "second-password")
	})

	t.Run("library callers get EINVALID for a short password", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "fay@example.com", Password: "short"})
		if regstack.ErrorCode(err) != regstack.EINVALID {
			t.Fatalf("error = %v, want EINVALID", err)
		}
	})
}

func TestFacadeVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	register := func(f *facade, email, pw string) string {
		f.t.Helper()
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: email, Password: pw})
		wantErr(f.t, err, nil)
		return f.lastToken(email)
	}

	t.Run("a fresh link creates the verified user once", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		tok := register(f, "ann@example.com", "password-1")
		f.events.reset()
		u, err := f.rs.Verify(ctx, tok)
		wantErr(t, err, nil)
		if u.Email != "ann@example.com" || !u.IsVerified || !u.IsActive || u.IsSuperuser {
			t.Fatalf("user = %+v", u)
		}
		if ev := f.events.named(regstack.EventUserVerified); len(ev) != 1 || ev[0].User.ID != u.ID {
			t.Errorf("user_verified events = %+v", ev)
		}
		p, err := f.store.Pending().FindByEmail(ctx, "ann@example.com")
		wantErr(t, err, nil)
		if p != nil {
			t.Error("pending row left behind")
		}
		_, err = f.rs.Verify(ctx, tok)
		wantErr(t, err, regstack.ErrVerificationInvalid)
		f.login("ann@example.com", "password-1")
	})

	t.Run("an unknown token is invalid", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		_, err := f.rs.Verify(ctx, "not-a-token")
		wantErr(t, err, regstack.ErrVerificationInvalid)
	})

	tests := []struct {
		name    string
		advance time.Duration
		want    error
	}{
		{"a link one second before expiry still works", 24*time.Hour - time.Second, nil},
		{"a link at exactly expires_at is expired", 24 * time.Hour, regstack.ErrVerificationInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t)
			tok := register(f, "ben@example.com", "password-1")
			f.clock.Advance(tt.advance)
			_, err := f.rs.Verify(ctx, tok)
			wantErr(t, err, tt.want)
			if tt.want != nil {
				p, err := f.store.Pending().FindByEmail(ctx, "ben@example.com")
				wantErr(t, err, nil)
				if p != nil {
					t.Error("expired pending row was not deleted")
				}
			}
		})
	}

	t.Run("a link for an email that became a verified user answers already registered", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		tok := register(f, "cat@example.com", "password-1")
		f.createUser("cat@example.com", "other-password", nil)
		_, err := f.rs.Verify(ctx, tok)
		wantErr(t, err, regstack.ErrAlreadyRegistered)
		p, err := f.store.Pending().FindByEmail(ctx, "cat@example.com")
		wantErr(t, err, nil)
		if p != nil {
			t.Error("pending row kept")
		}
	})

	t.Run("a link for an unverified existing user verifies that user", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		existing := f.createUser("dee@example.com", "password-1", func(u *regstack.User) { u.IsVerified = false })
		// What admin resend-verification stores (http-api.md §8.6).
		raw, hash := token.NewVerificationToken()
		err := f.store.Pending().Upsert(ctx, &regstack.PendingRegistration{
			Email: "dee@example.com", HashedPassword: *existing.HashedPassword, TokenHash: hash,
			CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour),
		})
		wantErr(t, err, nil)
		u, err := f.rs.Verify(ctx, raw)
		wantErr(t, err, nil)
		if u.ID != existing.ID || !u.IsVerified {
			t.Fatalf("user = %+v, want %s verified", u, existing.ID)
		}
		if ev := f.events.named(regstack.EventUserVerified); len(ev) != 1 || !ev[0].User.IsVerified {
			t.Errorf("user_verified events = %+v", ev)
		}
		f.login("dee@example.com", "password-1")
	})
}

func TestFacadeResendVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a pending registration gets a new link and the old one dies", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "eve@example.com", Password: "password-1"})
		wantErr(t, err, nil)
		old := f.lastToken("eve@example.com")
		f.events.reset()
		// Expired but unreaped rows are resent too.
		f.clock.Advance(25 * time.Hour)
		wantErr(t, f.rs.ResendVerification(ctx, "eve@EXAMPLE.com"), nil)
		fresh := f.lastToken("eve@example.com")
		if fresh == old {
			t.Fatal("resend reused the token")
		}
		if ev := f.events.named(regstack.EventVerificationRequested); len(ev) != 1 || ev[0].Email != "eve@example.com" {
			t.Errorf("verification_requested events = %+v", ev)
		}
		_, err = f.rs.Verify(ctx, old)
		wantErr(t, err, regstack.ErrVerificationInvalid)
		_, err = f.rs.Verify(ctx, fresh)
		wantErr(t, err, nil)
	})

	t.Run("nothing is sent without a pending row or when the user exists", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("fred@example.com", "password-1", nil)
		wantErr(t, f.rs.ResendVerification(ctx, "fred@example.com"), nil)
		wantErr(t, f.rs.ResendVerification(ctx, "nobody@example.com"), nil)
		if n := len(f.mail.inner.Sent()); n != 0 {
			t.Errorf("%d emails sent", n)
		}
		if got := f.events.names(); len(got) != 0 {
			t.Errorf("events = %v", got)
		}
	})
}
