package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func TestFacadeAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	tests := []struct {
		name string
		// prepare returns the bearer to present after changing the state.
		prepare func(f *facade) string
		want    error
	}{
		{"a live session token authenticates", func(f *facade) string {
			return f.login("al@example.com", "password-1")
		}, nil},
		{"no token asks for authentication", func(f *facade) string { return "" }, regstack.ErrAuthRequired},
		{"a malformed token is invalid", func(f *facade) string { return "not.a.jwt" }, regstack.ErrInvalidToken},
		{"a token of another purpose is invalid", func(f *facade) string {
			wantErr(f.t, f.rs.ForgotPassword(ctx, "al@example.com"), nil)
			return f.lastToken("al@example.com")
		}, regstack.ErrInvalidToken},
		{"an expired token is invalid", func(f *facade) string {
			tok := f.login("al@example.com", "password-1")
			f.clock.Advance(7200 * time.Second)
			return tok
		}, regstack.ErrInvalidToken},
		{"a logged-out token is revoked", func(f *facade) string {
			tok := f.login("al@example.com", "password-1")
			wantErr(f.t, f.rs.Logout(ctx, f.principal(tok)), nil)
			return tok
		}, regstack.ErrTokenRevoked},
		{"a deleted user's token is refused", func(f *facade) string {
			tok := f.login("al@example.com", "password-1")
			_, err := f.store.Users().Delete(ctx, f.user("al@example.com").ID)
			wantErr(f.t, err, nil)
			return tok
		}, regstack.ErrUserInactive},
		{"a disabled user's token is refused", func(f *facade) string {
			tok := f.login("al@example.com", "password-1")
			wantErr(f.t, f.store.Users().SetActive(ctx, f.user("al@example.com").ID, false), nil)
			return tok
		}, regstack.ErrUserInactive},
		{"a token issued exactly at the cutoff is invalidated", func(f *facade) string {
			tok := f.login("al@example.com", "password-1")
			iat := f.principal(tok).Token.IssuedAt
			wantErr(f.t, f.store.Users().SetTokensInvalidatedAfter(ctx, f.user("al@example.com").ID, iat), nil)
			return tok
		}, regstack.ErrSessionInvalidated},
		{"a token issued a microsecond after the cutoff survives", func(f *facade) string {
			cut := f.clock.Now()
			wantErr(f.t, f.store.Users().SetTokensInvalidatedAfter(ctx, f.user("al@example.com").ID, cut), nil)
			f.clock.Advance(time.Microsecond)
			return f.login("al@example.com", "password-1")
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t)
			f.createUser("al@example.com", "password-1", nil)
			bearer := tt.prepare(f)
			p, err := f.rs.Authenticate(ctx, bearer)
			wantErr(t, err, tt.want)
			if bearer != "" && strings.Contains(f.logs.String(), bearer) {
				t.Errorf("the presented token reached the log")
			}
			if tt.want == nil && (p == nil || p.User.Email != "al@example.com") {
				t.Fatalf("principal = %+v", p)
			}
			if e, ok := err.(*regstack.Error); ok {
				wantChallenge := tt.want == regstack.ErrAuthRequired || tt.want == regstack.ErrInvalidToken
				if e.Challenge != wantChallenge {
					t.Errorf("challenge = %v, want %v", e.Challenge, wantChallenge)
				}
			}
		})
	}
}

func TestFacadeLogout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFacade(t)
	f.createUser("bo@example.com", "password-1", nil)
	first := f.login("bo@example.com", "password-1")
	second := f.login("bo@example.com", "password-1")
	f.events.reset()

	p := f.principal(first)
	wantErr(t, f.rs.Logout(ctx, p), nil)
	if ev := f.events.named(regstack.EventUserLoggedOut); len(ev) != 1 || ev[0].User.ID != p.User.ID {
		t.Errorf("user_logged_out events = %+v", ev)
	}
	_, err := f.rs.Authenticate(ctx, first)
	wantErr(t, err, regstack.ErrTokenRevoked)
	f.principal(second)
	// Logging out twice stays idempotent at the store level.
	wantErr(t, f.rs.Logout(ctx, p), nil)
}

func TestFacadeChangePasswordRevokesSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("every earlier session dies and a login a microsecond later survives", func(t *testing.T) {
		t.Parallel()
		f := newFacade(t)
		f.createUser("cy@example.com", "password-1", nil)
		old := f.login("cy@example.com", "password-1")
		other := f.login("cy@example.com", "password-1")
		_, _ = f.rs.Login(ctx, regstack.LoginInput{Email: "cy@example.com", Password: "wrong-password"})
		f.events.reset()

		wantErr(t, f.rs.ChangePassword(ctx, f.principal(old), "password-1", "password-2"), nil)
		for _, tok := range []string{old, other} {
			_, err := f.rs.Authenticate(ctx, tok)
			wantErr(t, err, regstack.ErrSessionInvalidated)
		}
		if n := f.failures("cy@example.com"); n != 0 {
			t.Errorf("%d lockout failures left", n)
		}
		if ev := f.events.named(regstack.EventPasswordChanged); len(ev) != 1 {
			t.Errorf("password_changed events = %+v", ev)
		}
		f.clock.Advance(time.Microsecond)
		f.principal(f.login("cy@example.com", "password-2"))
		_, err := f.rs.Login(ctx, regstack.LoginInput{Email: "cy@example.com", Password: "password-1"})
		wantErr(t, err, regstack.ErrInvalidCredentials(4))
	})

	tests := []struct {
		name          string
		pw            string // "" = OAuth-only user
		current, next string
		want          error
	}{
		{"an OAuth-only user must set a password first", "", "anything", "password-2", regstack.ErrNoPasswordSet},
		{"a wrong current password is refused", "password-1", "wrong-password", "password-2", regstack.ErrCurrentPasswordWrong},
		{"the same password is refused", "password-1", "password-1", "password-1", regstack.ErrPasswordUnchanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFacade(t)
			u := f.createUser("dee@example.com", tt.pw, nil)
			p := &regstack.Principal{User: u}
			wantErr(t, f.rs.ChangePassword(ctx, p, tt.current, tt.next), tt.want)
			if got := f.user("dee@example.com"); got.TokensInvalidatedAfter != nil {
				t.Error("a refused change revoked sessions")
			}
		})
	}
}
