package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func TestFacadeBootstrapAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("creates an active verified superuser, then is idempotent", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		u, created, err := f.rs.BootstrapAdmin(ctx, "Root@EXAMPLE.com", "password-1")
		wantErr(t, err, nil)
		if !created || u.Email != "Root@example.com" || !u.IsActive || !u.IsVerified || !u.IsSuperuser {
			t.Fatalf("created=%v user=%+v", created, u)
		}
		again, created, err := f.rs.BootstrapAdmin(ctx, "Root@example.com", "another-password")
		wantErr(t, err, nil)
		if created || again.ID != u.ID || !again.IsSuperuser {
			t.Fatalf("second call: created=%v user=%+v", created, again)
		}
		f.login("Root@example.com", "password-1")
		if got := f.events.names(); len(got) != 1 || got[0] != regstack.EventUserLoggedIn {
			t.Errorf("events = %v, want only the login's", got)
		}
	})

	t.Run("promotes an existing user keeping its password", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		existing := f.createUser("op@example.com", "password-1", nil)
		u, created, err := f.rs.BootstrapAdmin(ctx, "op@example.com", "ignored-password")
		wantErr(t, err, nil)
		if created || u.ID != existing.ID || !u.IsSuperuser {
			t.Fatalf("created=%v user=%+v", created, u)
		}
		f.login("op@example.com", "password-1")
	})

	tests := []struct{ name, email, pw string }{
		{"a short password is refused", "a@example.com", "short"},
		{"a long password is refused", "a@example.com", strings.Repeat("x", 129)},
		{"an invalid email is refused", "not-an-email", "password-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t)
			_, _, err := f.rs.BootstrapAdmin(ctx, tt.email, tt.pw)
			if regstack.ErrorCode(err) != regstack.EINVALID {
				t.Fatalf("error = %v, want EINVALID", err)
			}
		})
	}
}

func TestFacadePromotePending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	register := func(f *facade, email string) {
		f.t.Helper()
		name := "Pending Person"
		_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: email, Password: "password-1", FullName: &name})
		wantErr(f.t, err, nil)
		f.events.reset()
	}

	t.Run("a live pending registration becomes a verified user", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		register(f, "pp@example.com")
		u, err := f.rs.PromotePending(ctx, "pp@EXAMPLE.com")
		wantErr(t, err, nil)
		if u.Email != "pp@example.com" || !u.IsActive || !u.IsVerified || u.IsSuperuser || u.FullName == nil || *u.FullName != "Pending Person" {
			t.Fatalf("user = %+v", u)
		}
		if ev := f.events.named(regstack.EventUserVerified); len(ev) != 1 || ev[0].User.ID != u.ID {
			t.Errorf("user_verified events = %+v", ev)
		}
		p, err := f.store.Pending().FindByEmail(ctx, "pp@example.com")
		wantErr(t, err, nil)
		if p != nil {
			t.Error("pending row kept")
		}
		f.login("pp@example.com", "password-1")
	})

	t.Run("missing, unparsable and expired rows answer 404 with the email as received", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		register(f, "old@example.com")
		_, err := f.rs.PromotePending(ctx, "none@example.com")
		wantErr(t, err, regstack.ErrNoPendingRegistration("none@example.com"))
		_, err = f.rs.PromotePending(ctx, "not an email")
		wantErr(t, err, regstack.ErrNoPendingRegistration("not an email"))
		f.clock.Advance(24 * time.Hour)
		_, err = f.rs.PromotePending(ctx, "old@EXAMPLE.com")
		wantErr(t, err, regstack.ErrNoPendingRegistration("old@EXAMPLE.com"))
	})

	t.Run("an existing user answers 409 and keeps the row", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		register(f, "dup@example.com")
		f.createUser("dup@example.com", "password-2", nil)
		_, err := f.rs.PromotePending(ctx, "dup@example.com")
		wantErr(t, err, regstack.ErrPromoteUserExists("dup@example.com"))
		p, err := f.store.Pending().FindByEmail(ctx, "dup@example.com")
		wantErr(t, err, nil)
		if p == nil {
			t.Error("pending row deleted")
		}
	})
}
