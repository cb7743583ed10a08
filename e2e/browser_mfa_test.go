package e2e_test

import "testing"

// mfaTables adds the null SMS sender, logging its bodies so the test can
// read the codes.
const mfaTables = `
[sms]
backend = "null"
log_bodies = true
`

// TestBrowserPhoneMFA sets up SMS two-factor authentication on the
// account page and then signs in through the code page, with the codes
// read from the null SMS sender's log.
func TestBrowserPhoneMFA(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	srv := startPagesServe(t, bin, "enable_sms_2fa = true\n", mfaTables)
	logs := &logReader{t: t, srv: srv}
	const (
		email = "grace@example.com"
		pw    = "grace password 1"
		phone = "+14155550123"
	)
	// The account itself is not what this test is about: make it through
	// the API.
	c := &apiClient{t: t, base: srv.URL + "/api/auth"}
	c.call("POST", "/register", "", map[string]any{"email": email, "password": pw}).want(201)
	c.call("POST", "/verify", "", map[string]any{"token": logs.next(verifyLink, 2)}).want(200)

	b := newTab(t, srv.URL)
	b.open("/account/login")
	b.fill("login", map[string]string{"email": email, "password": pw})
	b.submit("login")
	b.waitPage("/account/me")

	// Set up: phone and password, then the texted code.
	b.openSection("rs-section-mfa")
	if got := b.text("[data-rs-mfa-status]"); got != "Disabled. Add a phone number to enable." {
		t.Errorf("MFA status = %q, want %q", got, "Disabled. Add a phone number to enable.")
	}
	b.checkPage("me-mfa-disabled")
	b.openSection("rs-section-mfa")
	b.fill("phone-setup-start", map[string]string{"phone_number": phone, "current_password": pw})
	b.submit("phone-setup-start")
	b.waitMessage("success", "Code sent — enter it below to enable 2FA.")
	b.waitFor("the code form to show", `!document.querySelector('form[data-rs-form="phone-setup-confirm"]').hidden`)
	b.shots("me-mfa-code-sent")
	b.fill("phone-setup-confirm", map[string]string{"code": logs.next(setupCode, 1)})
	b.submit("phone-setup-confirm")
	b.waitMessage("success", "SMS 2FA enabled — sign in again to confirm.")
	// The page reloads after 1.2 s and then reports the new state.
	b.waitFor("the reloaded page to report 2FA on", `document.body.hasAttribute("data-rs-ready") && document.querySelector("[data-rs-mfa-status]").textContent.startsWith("Enabled")`)
	if got, want := b.text("[data-rs-mfa-status]"), "Enabled — sign-in codes go to "+phone+"."; got != want {
		t.Errorf("MFA status = %q, want %q", got, want)
	}
	b.openSection("rs-section-mfa")
	b.shots("me-mfa-enabled")

	// Sign out and in again: the password leads to the code page.
	b.click(`button[data-rs-action="logout"]`)
	b.waitPage("/account/login")
	b.fill("login", map[string]string{"email": email, "password": pw})
	b.submit("login")
	b.waitPage("/account/mfa-confirm")
	if b.token() != "" {
		t.Error("at the MFA step localStorage already holds a session token")
	}
	b.checkPage("mfa-confirm")
	code := logs.next(signInCode, 1)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	b.allow("status of 400")
	b.fill("mfa-confirm", map[string]string{"code": wrong})
	b.submit("mfa-confirm")
	b.waitMessage("error", "")
	b.focusAfterFailure("mfa-confirm")
	b.fill("mfa-confirm", map[string]string{"code": code})
	b.submit("mfa-confirm")
	b.waitPage("/account/me")
	if b.token() == "" {
		t.Error("after the MFA code localStorage holds no session token")
	}
	if got := b.text(`[data-rs-field="email"]`); got != email {
		t.Errorf("account summary email = %q, want %q", got, email)
	}
	if got := eval[string](b, `sessionStorage.getItem("regstack.mfa_pending") || ""`); got != "" {
		t.Error("after the MFA sign-in sessionStorage still holds regstack.mfa_pending")
	}
}
