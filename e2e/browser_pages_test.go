package e2e_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserAccountPages walks the account pages in headless Chromium
// against the real `regstack serve`, as a person would: register, open
// the verification link from the console mail, sign in, edit the profile,
// change the password, sign out, and reset a forgotten password. Every
// page is screenshotted light, dark and 360 px wide, and checked for
// console errors, CSP violations, accessible names, a polite live message
// box and where the focus goes after a failed submit.
func TestBrowserAccountPages(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	srv := startPagesServe(t, bin, "", "")
	logs := &logReader{t: t, srv: srv}
	b := newTab(t, srv.URL)
	const (
		email = "ada@example.com"
		pw1   = "correct horse 1"
		pw2   = "battery staple 2"
		pw3   = "third password 3"
	)

	// Register: an empty submit, an address the API rejects (422), then
	// a good one.
	b.open("/account/register")
	b.checkPage("register")
	b.submit("register")
	b.waitMessage("error", "")
	if where := b.focusAfterFailure("register"); where != "field:email" && where != "message" {
		t.Errorf("after an empty register submit the focus is %s, want the email field", where)
	}
	b.allow("status of 422")
	b.fill("register", map[string]string{"email": "ada@example.test", "full_name": "Ada", "password": pw1})
	b.submit("register")
	msg := b.waitMessage("error", "")
	for _, junk := range []string{"[object", "{", "undefined", "null"} {
		if msg == "" || strings.Contains(msg, junk) {
			t.Errorf("a 422 shows %q; want readable text", msg)
			break
		}
	}
	b.focusAfterFailure("register")
	b.shots("register-422")
	b.fill("register", map[string]string{"email": email, "full_name": "Ada Lovelace", "password": pw1})
	b.submit("register")
	b.waitMessage("success", "Account created — please check "+email+" for a verification link.")

	// The verification link from the console mail confirms the address.
	token := verificationToken(t, srv, srv.URL)
	b.open("/account/verify?token=" + token)
	b.waitMessage("success", "Email confirmed.")
	if got := b.text("[data-rs-status]"); got != "Email confirmed — you can sign in." {
		t.Errorf("verify status = %q, want %q", got, "Email confirmed — you can sign in.")
	}
	b.checkPage("verify")

	// Sign in: OAuth is off, so no provider button; a wrong password
	// shows the API's text and focuses the message box.
	b.open("/account/login")
	b.checkPage("login")
	if b.exists("[data-rs-oauth-block]") || strings.Contains(b.text("body"), "Sign in with") {
		t.Error("with OAuth off the login page offers a \"Sign in with\" provider button")
	}
	b.allow("status of 401")
	b.fill("login", map[string]string{"email": email, "password": "wrong password 9"})
	b.submit("login")
	b.waitMessage("error", "Invalid email or password.")
	b.focusAfterFailure("login")
	b.fill("login", map[string]string{"email": email, "password": pw1})
	b.submit("login")
	b.waitPage("/account/me")
	if b.token() == "" {
		t.Error("after signing in localStorage holds no regstack.access_token")
	}

	// The account page shows the user; OAuth is off, so no
	// connected-accounts section.
	wantSummary := map[string]string{"email": email, "full_name": "Ada Lovelace", "is_verified": "yes"}
	for field, want := range wantSummary {
		if got := b.text(`[data-rs-field="` + field + `"]`); got != want {
			t.Errorf("account summary %s = %q, want %q", field, got, want)
		}
	}
	if got := b.text(`[data-rs-field="created_at"]`); got == "" || got == "…" || got == "—" {
		t.Errorf("account summary created_at = %q, want a date", got)
	}
	if b.exists("[data-rs-oauth-section]") || strings.Contains(b.text("body"), "Connected accounts") {
		t.Error("with OAuth off the account page has a connected-accounts section")
	}
	b.checkPage("me")

	// Update the profile.
	b.openSection("rs-section-profile")
	if got := eval[string](b, `document.querySelector('form[data-rs-form="update-profile"] [name=full_name]').value`); got != "Ada Lovelace" {
		t.Errorf("the profile form starts with full_name %q, want the current name", got)
	}
	b.fill("update-profile", map[string]string{"full_name": "Ada King"})
	b.submit("update-profile")
	b.waitMessage("success", "Profile updated.")
	b.waitFor("the summary to show the new name", `document.querySelector('[data-rs-field="full_name"]').textContent.trim() === "Ada King"`)
	b.shots("me-profile-updated")

	// Change the password: a wrong current password fails in place, the
	// right one signs the user out.
	b.openSection("rs-section-password")
	b.allow("status of 400")
	b.fill("change-password", map[string]string{"current_password": "not my password", "new_password": pw2})
	b.submit("change-password")
	b.waitMessage("error", "")
	b.focusAfterFailure("change-password")
	b.fill("change-password", map[string]string{"current_password": pw1, "new_password": pw2})
	b.submit("change-password")
	b.waitMessage("success", "Password changed. Redirecting to sign in…")
	b.waitPage("/account/login")
	if b.token() != "" {
		t.Error("after a password change localStorage still holds the session token")
	}

	// Sign in with the new password and sign out.
	b.fill("login", map[string]string{"email": email, "password": pw2})
	b.submit("login")
	b.waitPage("/account/me")
	b.click(`button[data-rs-action="logout"]`)
	b.waitPage("/account/login")
	if b.token() != "" {
		t.Error("after signing out localStorage still holds regstack.access_token")
	}

	// Forgot password → the link from the mail → a new password.
	b.open("/account/forgot")
	b.checkPage("forgot")
	b.fill("forgot", map[string]string{"email": email})
	b.submit("forgot")
	b.waitMessage("success", "If an account exists for that email, a reset link has been sent.")
	link := logs.next(resetLink, 0)
	if m := resetLink.FindStringSubmatch(link); m[1] != srv.URL {
		t.Errorf("the reset link points at %s, want %s", m[1], srv.URL)
	}
	b.open(resetLink.FindStringSubmatch(link)[2])
	if got := eval[string](b, `document.querySelector('form[data-rs-form="reset"] [data-rs-token]').value`); got == "" {
		t.Error("the reset page did not copy the token from the link into its form")
	}
	b.checkPage("reset")
	b.fill("reset", map[string]string{"new_password": pw3})
	b.submit("reset")
	b.waitMessage("success", "Password reset. Redirecting to sign in…")
	b.waitPage("/account/login")
	b.fill("login", map[string]string{"email": email, "password": pw3})
	b.submit("login")
	b.waitPage("/account/me")
	if got := b.text(`[data-rs-field="full_name"]`); got != "Ada King" {
		t.Errorf("after the reset the account shows full_name %q, want %q", got, "Ada King")
	}
}

// TestBrowserPageStates covers the pages' one-off states: OAuth error
// codes on the login page, the hand-off pages without their token, and
// the MFA page without a pending sign-in.
func TestBrowserPageStates(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	srv := startPagesServe(t, bin, "", "")
	b := newTab(t, srv.URL)

	// The console check catches CSP violations only if there is a policy.
	resp, err := http.Get(srv.URL + "/account/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the login page's Content-Security-Policy is %q, want default-src 'self'", csp)
	}

	b.open("/account/login?error=email_in_use")
	b.waitMessage("error", "An account with that email already exists. Sign in with your password, then link this provider from your account page.")
	b.shots("login-error")

	b.open("/account/oauth-complete")
	b.waitMessage("error", "OAuth callback was missing its state id.")
	if got := b.text("[data-rs-status]"); got != "Missing OAuth state id." {
		t.Errorf("oauth-complete status = %q, want %q", got, "Missing OAuth state id.")
	}
	b.checkPage("oauth-complete")

	b.open("/account/verify")
	b.waitMessage("error", "No token in URL.")

	b.open("/account/reset")
	b.fill("reset", map[string]string{"new_password": "a new password 1"})
	b.submit("reset")
	b.waitMessage("error", "Missing reset token. Use the link from your email.")

	// Without a pending MFA sign-in the code page sends the user to sign in.
	b.navigate("/account/mfa-confirm")
	b.waitPage("/account/login")
}
