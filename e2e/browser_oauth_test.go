package e2e_test

import (
	"fmt"
	"testing"

	"github.com/regstack/regstack/adapters/google/oidctest"
)

// googleTables points Google sign-in at the local OpenID provider.
const googleTables = `
[oauth]
google_client_id = %q
google_issuer = %q
google_authorization_endpoint = %q
google_token_endpoint = %q
google_jwks_uri = %q
`

// TestBrowserGoogleSignIn signs a new user in with Google through the
// local OpenID provider: the login page's provider button, the provider's
// redirects, the completion page and the account page's connected-accounts
// panel.
func TestBrowserGoogleSignIn(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	op := oidctest.New(t)
	op.SetUser(oidctest.User{Subject: "g-alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice"})
	srv := startPagesServe(t, bin, "enable_oauth = true\n",
		fmt.Sprintf(googleTables, oidctest.ClientID, op.Issuer(), op.AuthorizationEndpoint(), op.TokenEndpoint(), op.JWKSURI()),
		"REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+oidctest.ClientSecret)
	b := newTab(t, srv.URL)

	b.open("/account/login")
	if got := b.text(`a[data-rs-oauth-link="google"]`); got != "Sign in with Google" {
		t.Fatalf("the login page's Google link says %q, want %q", got, "Sign in with Google")
	}
	b.checkPage("login-google")
	b.click(`a[data-rs-oauth-link="google"]`)
	b.waitPage("/account/me")
	for field, want := range map[string]string{"email": "alice@example.com", "full_name": "Alice", "is_verified": "yes"} {
		if got := b.text(`[data-rs-field="` + field + `"]`); got != want {
			t.Errorf("account summary %s = %q, want %q", field, got, want)
		}
	}

	// The panel lists Google as linked; unlinking the only sign-in
	// method is refused with the API's text.
	b.openSection("rs-section-oauth")
	b.waitFor("the Google row", `document.querySelector('[data-rs-oauth-list] li.rs-oauth-row')`)
	row := `[data-rs-oauth-list] li.rs-oauth-row`
	if got := b.text(row + ` .rs-oauth-row-label`); got != "Google" {
		t.Errorf("connected-accounts row label = %q, want Google", got)
	}
	if !b.exists(row + ` [data-rs-oauth-action="unlink"]`) {
		t.Errorf("the Google row has no unlink button: %s", eval[string](b, `document.querySelector('`+row+`').outerHTML`))
	}
	b.checkPage("me-google")
	b.openSection("rs-section-oauth")
	b.acceptDialogs()
	b.allow("status of 400")
	b.click(row + ` [data-rs-oauth-action="unlink"]`)
	b.waitMessage("error", "Cannot unlink your only sign-in method.")
}
