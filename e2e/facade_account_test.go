package e2e_test

import (
	"context"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

func TestFacadeUpdateProfile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFacade(t)
	name := "Old Name"
	f.createUser("pat@example.com", "password-1", func(u *regstack.User) { u.FullName = &name })
	p := f.principal(f.login("pat@example.com", "password-1"))
	f.events.reset()

	u, err := f.rs.UpdateProfile(ctx, p, regstack.ProfileUpdate{})
	wantErr(t, err, nil)
	if u.FullName == nil || *u.FullName != "Old Name" {
		t.Fatalf("an absent full_name changed the name to %v", u.FullName)
	}

	f.clock.Advance(time.Second)
	next := "New Name"
	u, err = f.rs.UpdateProfile(ctx, p, regstack.ProfileUpdate{FullNameSet: true, FullName: &next})
	wantErr(t, err, nil)
	if u.FullName == nil || *u.FullName != "New Name" || !u.UpdatedAt.Equal(f.clock.Now()) {
		t.Fatalf("after set: name %v, updated_at %v (now %v)", u.FullName, u.UpdatedAt, f.clock.Now())
	}

	u, err = f.rs.UpdateProfile(ctx, p, regstack.ProfileUpdate{FullNameSet: true})
	wantErr(t, err, nil)
	if u.FullName != nil {
		t.Fatalf("an explicit null left the name %q", *u.FullName)
	}
	if got := f.events.names(); len(got) != 0 {
		t.Errorf("profile updates fired events: %v", got)
	}
}

func TestFacadeChangeEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("the link goes to the new address and confirms once", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("old@example.com", "password-1", nil)
		tok := f.login("old@example.com", "password-1")
		_, _ = f.rs.Login(ctx, regstack.LoginInput{Email: "old@example.com", Password: "wrong-password"})
		f.events.reset()

		wantErr(t, f.rs.ChangeEmail(ctx, f.principal(tok), "New@EXAMPLE.com", "password-1"), nil)
		mails := f.mailsTo("New@example.com")
		if len(mails) != 1 || mails[0].Kind != regstack.EmailChange {
			t.Fatalf("mails to the new address = %+v", mails)
		}
		ev := f.events.named(regstack.EventEmailChangeRequested)
		if len(ev) != 1 || ev[0].NewEmail != "New@example.com" || ev[0].User.Email != "old@example.com" {
			t.Fatalf("email_change_requested events = %+v", ev)
		}
		f.principal(tok) // nothing changes before confirmation

		link := f.lastToken("New@example.com")
		f.clock.Advance(time.Second)
		u, err := f.rs.ConfirmEmailChange(ctx, link)
		wantErr(t, err, nil)
		if u.Email != "New@example.com" || u.TokensInvalidatedAfter == nil || !u.TokensInvalidatedAfter.Equal(f.clock.Now()) {
			t.Fatalf("user after confirm = %+v", u)
		}
		changed := f.events.named(regstack.EventEmailChanged)
		if len(changed) != 1 || changed[0].PreviousEmail != "old@example.com" || changed[0].User.Email != "New@example.com" {
			t.Fatalf("email_changed events = %+v", changed)
		}
		if n := f.failures("old@example.com"); n != 0 {
			t.Errorf("%d lockout failures left on the previous email", n)
		}
		_, err = f.rs.Authenticate(ctx, tok)
		wantErr(t, err, regstack.ErrSessionInvalidated)
		f.clock.Advance(time.Second)
		f.login("New@example.com", "password-1")

		_, err = f.rs.ConfirmEmailChange(ctx, link)
		wantErr(t, err, regstack.ErrEmailChangeInvalid)
	})

	t.Run("a taken address answers the same and sends nothing", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u := f.createUser("me@example.com", "password-1", nil)
		f.createUser("taken@example.com", "password-2", nil)
		wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: u}, "taken@example.com", "password-1"), nil)
		if n := len(f.mail.inner.Sent()); n != 0 {
			t.Errorf("%d emails sent", n)
		}
		if got := f.events.names(); len(got) != 0 {
			t.Errorf("events = %v", got)
		}
	})

	t.Run("an address taken before confirmation answers 409", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u := f.createUser("me@example.com", "password-1", nil)
		wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: u}, "late@example.com", "password-1"), nil)
		f.createUser("late@example.com", "password-2", nil)
		_, err := f.rs.ConfirmEmailChange(ctx, f.lastToken("late@example.com"))
		wantErr(t, err, regstack.ErrEmailInUse)
		if got := f.user("me@example.com"); got == nil || got.TokensInvalidatedAfter != nil {
			t.Errorf("the account changed: %+v", got)
		}
	})

	tests := []struct {
		name     string
		pw       string // "" = OAuth-only
		newEmail string
		current  string
		want     error
	}{
		{"the same address in another case is refused", "password-1", "ME@example.com", "password-1", regstack.ErrEmailUnchanged},
		{"an OAuth-only user must set a password first", "", "x@example.com", "whatever", regstack.ErrNoPasswordSet},
		{"a wrong password is refused", "password-1", "x@example.com", "wrong-password", regstack.ErrCurrentPasswordWrong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t)
			u := f.createUser("me@example.com", tt.pw, nil)
			wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: u}, tt.newEmail, tt.current), tt.want)
			if n := len(f.mail.inner.Sent()); n != 0 {
				t.Errorf("%d emails sent", n)
			}
		})
	}

	t.Run("confirmation refuses bad tokens and inactive users", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u := f.createUser("me@example.com", "password-1", nil)
		session := f.login("me@example.com", "password-1")
		_, err := f.rs.ConfirmEmailChange(ctx, session)
		wantErr(t, err, regstack.ErrEmailChangeInvalid)

		wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: u}, "next@example.com", "password-1"), nil)
		link := f.lastToken("next@example.com")
		wantErr(t, f.store.Users().SetActive(ctx, u.ID, false), nil)
		_, err = f.rs.ConfirmEmailChange(ctx, link)
		wantErr(t, err, regstack.ErrTokenAccountInactive)
		// The refusal did not spend the link.
		wantErr(t, f.store.Users().SetActive(ctx, u.ID, true), nil)
		_, err = f.rs.ConfirmEmailChange(ctx, link)
		wantErr(t, err, nil)

		wantErr(t, f.rs.ChangeEmail(ctx, &regstack.Principal{User: f.user("next@example.com")}, "later@example.com", "password-1"), nil)
		link = f.lastToken("later@example.com")
		f.clock.Advance(3600 * time.Second)
		_, err = f.rs.ConfirmEmailChange(ctx, link)
		wantErr(t, err, regstack.ErrEmailChangeInvalid)
	})
}

func TestFacadeDeleteAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("deletion removes the user and everything keyed to it", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		phone := "+14155552671"
		u := f.createUser("del@example.com", "password-1", func(u *regstack.User) { u.PhoneNumber = &phone })
		tok := f.login("del@example.com", "password-1")
		email := "del@gmail.example"
		wantErr(t, f.store.OAuthIdentities().Create(ctx, &regstack.OAuthIdentity{
			UserID: u.ID, Provider: "google", SubjectID: "sub-1", Email: &email, LinkedAt: f.clock.Now(),
		}), nil)
		wantErr(t, f.store.Pending().Upsert(ctx, &regstack.PendingRegistration{
			Email: "del@example.com", HashedPassword: "x", TokenHash: "00ff", CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(time.Hour),
		}), nil)
		wantErr(t, f.store.MFACodes().Put(ctx, &regstack.MFACode{
			UserID: u.ID, Kind: regstack.MFAKindPhoneSetup, CodeHash: "00ff", ExpiresAt: f.clock.Now().Add(time.Hour), MaxAttempts: 5, CreatedAt: f.clock.Now(),
		}), nil)
		_, _ = f.rs.Login(ctx, regstack.LoginInput{Email: "del@example.com", Password: "wrong-password"})
		f.events.reset()

		wantErr(t, f.rs.DeleteAccount(ctx, f.principal(tok), "password-1"), nil)

		if f.user("del@example.com") != nil {
			t.Error("user kept")
		}
		ids, err := f.store.OAuthIdentities().ListForUser(ctx, u.ID)
		wantErr(t, err, nil)
		if len(ids) != 0 {
			t.Errorf("identities kept: %+v", ids)
		}
		p, err := f.store.Pending().FindByEmail(ctx, "del@example.com")
		wantErr(t, err, nil)
		if p != nil {
			t.Error("pending row kept")
		}
		if n := f.failures("del@example.com"); n != 0 {
			t.Errorf("%d lockout failures kept", n)
		}
		c, err := f.store.MFACodes().Find(ctx, u.ID, regstack.MFAKindPhoneSetup)
		wantErr(t, err, nil)
		if c != nil {
			t.Error("MFA code kept")
		}
		ev := f.events.named(regstack.EventUserDeleted)
		if len(ev) != 1 || ev[0].User.ID != u.ID || ev[0].User.Email != "del@example.com" {
			t.Errorf("user_deleted events = %+v", ev)
		}
		_, err = f.rs.Authenticate(ctx, tok)
		wantErr(t, err, regstack.ErrUserInactive)
	})

	tests := []struct {
		name    string
		enabled bool
		pw      string
		current string
		want    error
	}{
		{"deletion can be switched off", false, "password-1", "password-1", regstack.ErrDeletionDisabled},
		{"an OAuth-only user must set a password first", true, "", "whatever", regstack.ErrNoPasswordSet},
		{"a wrong password is refused", true, "password-1", "wrong-password", regstack.ErrCurrentPasswordWrong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t, func(c *config.Config) { c.EnableAccountDeletion = tt.enabled })
			u := f.createUser("keep@example.com", tt.pw, nil)
			wantErr(t, f.rs.DeleteAccount(ctx, &regstack.Principal{User: u}, tt.current), tt.want)
			if f.user("keep@example.com") == nil {
				t.Error("user deleted")
			}
		})
	}
}
