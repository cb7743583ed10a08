package e2e_test

import (
	"context"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

func TestFacadeEmailLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	on, off := true, false

	tests := []struct {
		name                    string
		edit                    func(*config.Config)
		verify, reset, newEmail string // with T for the token
	}{
		{"defaults give the bare 0.5.0 links", nil,
			"https://app.example.com/verify?token=T",
			"https://app.example.com/reset-password?token=T",
			"https://app.example.com/confirm-email-change?token=T"},
		{"the UI router moves links under ui_prefix", func(c *config.Config) { c.EnableUIRouter = &on; c.UIPrefix = "/account" },
			"https://app.example.com/account/verify?token=T",
			"https://app.example.com/account/reset-password?token=T",
			"https://app.example.com/account/confirm-email-change?token=T"},
		{"an explicitly disabled UI router keeps the bare links", func(c *config.Config) { c.EnableUIRouter = &off },
			"https://app.example.com/verify?token=T",
			"https://app.example.com/reset-password?token=T",
			"https://app.example.com/confirm-email-change?token=T"},
		{"an empty email_link_prefix beats the UI router", func(c *config.Config) { c.EnableUIRouter = &on; c.EmailLinkPrefix = ptr("") },
			"https://app.example.com/verify?token=T",
			"https://app.example.com/reset-password?token=T",
			"https://app.example.com/confirm-email-change?token=T"},
		{"email_link_prefix loses its trailing slash", func(c *config.Config) { c.EmailLinkPrefix = ptr("/auth/") },
			"https://app.example.com/auth/verify?token=T",
			"https://app.example.com/auth/reset-password?token=T",
			"https://app.example.com/auth/confirm-email-change?token=T"},
		{"templates substitute literally and keep unknown placeholders", func(c *config.Config) {
			c.UIPrefix = "/ui"
			c.VerifyURLTemplate = ptr("{base_url}{ui_prefix}/v/{token}#{other}")
			c.PasswordResetURLTemplate = ptr("https://spa.example.com/#/reset?token={token}&t={token}")
			c.EmailChangeURLTemplate = ptr("{base_url}/e?token={token}")
		},
			"https://app.example.com/ui/v/T#{other}",
			"https://spa.example.com/#/reset?token=T&t=T",
			"https://app.example.com/e?token=T"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			edits := []func(*config.Config){}
			if tt.edit != nil {
				edits = append(edits, tt.edit)
			}
			f := newFacade(t, edits...)

			_, err := f.rs.Register(ctx, regstack.RegisterInput{Email: "new@example.com", Password: "password-1"})
			wantErr(t, err, nil)
			ev := f.events.named(regstack.EventVerificationRequested)
			if len(ev) != 1 {
				t.Fatalf("verification_requested events = %+v", ev)
			}
			checkLink(t, f, "new@example.com", ev[0].URL, ev[0].URLWithoutToken, tt.verify)
			raw := tokenIn(t, ev[0].URL, tt.verify)
			if _, err := f.rs.Verify(ctx, raw); err != nil {
				t.Fatalf("the verification link's token does not verify: %v", err)
			}

			wantErr(t, f.rs.ForgotPassword(ctx, "new@example.com"), nil)
			ev = f.events.named(regstack.EventPasswordResetRequested)
			if len(ev) != 1 {
				t.Fatalf("password_reset_requested events = %+v", ev)
			}
			checkLink(t, f, "new@example.com", ev[0].URL, ev[0].URLWithoutToken, tt.reset)

			p := f.principal(f.login("new@example.com", "password-1"))
			wantErr(t, f.rs.ChangeEmail(ctx, p, "newer@example.com", "password-1"), nil)
			ev = f.events.named(regstack.EventEmailChangeRequested)
			if len(ev) != 1 {
				t.Fatalf("email_change_requested events = %+v", ev)
			}
			checkLink(t, f, "newer@example.com", ev[0].URL, ev[0].URLWithoutToken, tt.newEmail)
		})
	}
}

// checkLink asserts that the last email to addr carries url, that url has
// the shape want (T marking the token), and that urlWithoutToken is url
// with every occurrence of the token replaced by [REDACTED].
func checkLink(t *testing.T, f *facade, addr, url, urlWithoutToken, want string) {
	t.Helper()
	if got := f.lastLink(addr); got != url {
		t.Errorf("emailed link %q differs from the event's %q", got, url)
	}
	tok := tokenIn(t, url, want)
	if got := strings.ReplaceAll(url, tok, "T"); got != want {
		t.Errorf("link = %q, want shape %q", got, want)
	}
	if wantRedacted := strings.ReplaceAll(want, "T", "[REDACTED]"); urlWithoutToken != wantRedacted {
		t.Errorf("url_without_token = %q, want %q", urlWithoutToken, wantRedacted)
	}
	if strings.Contains(urlWithoutToken, tok) {
		t.Errorf("url_without_token still holds the token")
	}
}

// tokenIn extracts the token from url, which has the shape of want with T
// standing for the token.
func tokenIn(t *testing.T, url, want string) string {
	t.Helper()
	prefix, rest, _ := strings.Cut(want, "T")
	suffix, _, _ := strings.Cut(rest, "T")
	if !strings.HasPrefix(url, prefix) {
		t.Fatalf("link %q does not start with %q", url, prefix)
	}
	tok := strings.TrimPrefix(url, prefix)
	if suffix != "" {
		tok, _, _ = strings.Cut(tok, suffix)
	}
	if tok == "" {
		t.Fatalf("no token in %q", url)
	}
	return tok
}
