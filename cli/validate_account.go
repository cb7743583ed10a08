package cli

import (
	"context"
	"net/http"
	"strings"
)

// account checks profile update, change-password (the session it was
// made with must die: bulk revocation) and change-email through the
// emailed confirmation link.
func (p *probe) account(ctx context.Context) {
	add := p.report.add
	if p.opts.Skip["account"] {
		add(skipped("account", "skipped via --skip account"))
		return
	}
	p.ensureSession(ctx)

	patch := p.http.send(ctx, http.MethodPatch, "/me", map[string]any{"full_name": "Probe Updated"})
	switch {
	case !patch.is(http.StatusOK):
		add(failed("patch /me", patch.problem()))
	case patch.field("full_name") != "Probe Updated":
		add(failed("patch /me", "full_name not echoed: "+preview(patch.body)))
	default:
		add(passed("patch /me", "full_name updated"))
	}

	newPassword, err := randomSecret()
	if err != nil {
		add(failed("change-password", err.Error()))
		return
	}
	cp := p.http.send(ctx, http.MethodPost, "/change-password",
		map[string]any{"current_password": p.password, "new_password": newPassword})
	if !cp.is(http.StatusOK) {
		add(failed("change-password", cp.problem()))
		return
	}
	p.password = newPassword
	old := p.http.send(ctx, http.MethodGet, "/me", nil)
	p.http.token = ""
	if old.is(http.StatusUnauthorized) {
		add(passed("change-password", "session bulk-revoked as expected"))
	} else {
		add(failed("change-password:revokes-session", "old token still valid after password change ("+old.statusText()+")"))
	}
	if ok, why := p.signIn(ctx); !ok {
		add(failed("change-password:re-login", why))
		return
	}
	add(passed("change-password:re-login", "new password works"))

	if p.tail == nil {
		add(skipped("change-email", "no --log-source"))
		return
	}
	newEmail := strings.Replace(p.email, "validate-", "validate-renamed-", 1)
	ce := p.http.send(ctx, http.MethodPost, "/change-email",
		map[string]any{"new_email": newEmail, "current_password": p.password})
	if !ce.is(http.StatusAccepted) {
		add(failed("change-email", ce.problem()))
		return
	}
	link, err := p.tail.expect(ctx, "email-change confirmation URL", linkFor("/confirm-email-change", newEmail))
	if err != nil {
		add(failed("change-email:tail", emailHint(err)))
		return
	}
	token, ok := tokenFromURL(link)
	if !ok {
		add(failed("change-email", "no token= in URL '"+link+"'"))
		return
	}
	cf := p.http.anon(ctx, http.MethodPost, "/confirm-email-change", map[string]any{"token": token})
	if !cf.is(http.StatusOK) {
		add(failed("change-email:confirm", cf.problem()))
		return
	}
	// The confirmation revokes every session; the address is the new one.
	p.email, p.http.token = newEmail, ""
	if ok, why := p.signIn(ctx); !ok {
		add(failed("change-email:re-login", why))
		return
	}
	add(passed("change-email", "address updated, re-login OK"))
}

// passwordReset runs forgot-password → the emailed link → reset, checks
// that the reset revoked the session held before, and signs in with the
// new password.
func (p *probe) passwordReset(ctx context.Context) {
	add := p.report.add
	switch {
	case p.opts.Skip["reset"]:
		add(skipped("password-reset", "skipped via --skip reset"))
		return
	case !p.feats.reset:
		add(skipped("password-reset", "endpoint disabled on deployment"))
		return
	case p.tail == nil:
		add(skipped("password-reset", "no --log-source"))
		return
	}
	fp := p.http.anon(ctx, http.MethodPost, "/forgot-password", map[string]any{"email": p.email})
	if !fp.is(http.StatusAccepted) {
		add(failed("forgot-password", fp.problem()))
		return
	}
	add(passed("forgot-password", "request accepted (202)"))
	link, err := p.tail.expect(ctx, "password-reset URL", linkFor("/reset-password", p.email))
	if err != nil {
		add(failed("reset:tail", emailHint(err)))
		return
	}
	token, ok := tokenFromURL(link)
	if !ok {
		add(failed("reset", "no token= in URL '"+link+"'"))
		return
	}
	newPassword, err := randomSecret()
	if err != nil {
		add(failed("reset-password", err.Error()))
		return
	}
	rp := p.http.anon(ctx, http.MethodPost, "/reset-password", map[string]any{"token": token, "new_password": newPassword})
	if !rp.is(http.StatusOK) {
		add(failed("reset-password", rp.problem()))
		return
	}
	p.password = newPassword
	add(passed("reset-password", "password reset accepted"))
	if p.http.token != "" {
		old := p.http.send(ctx, http.MethodGet, "/me", nil)
		if old.is(http.StatusUnauthorized) {
			add(passed("reset:revokes-session", "old token correctly rejected"))
		} else {
			add(failed("reset:revokes-session", "old token still valid after reset ("+old.statusText()+")"))
		}
	}
	p.http.token = ""
	if ok, why := p.signIn(ctx); !ok {
		add(failed("reset:re-login", why))
		return
	}
	add(passed("reset:re-login", "new password works"))
}
