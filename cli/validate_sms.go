package cli

import (
	"context"
	"net/http"
)

// sms2FA walks phone setup → MFA-gated login → confirm → disable, reading
// both codes from the null SMS backend's log lines. It ends with SMS 2FA
// off again, so cleanup needs only the password.
func (p *probe) sms2FA(ctx context.Context) {
	add := p.report.add
	switch {
	case p.opts.Skip["sms"]:
		add(skipped("sms-2fa", "skipped via --skip sms"))
		return
	case !p.feats.sms:
		add(skipped("sms-2fa", "router not mounted on deployment"))
		return
	case p.opts.Phone == "":
		add(skipped("sms-2fa", "no --phone given; SMS 2FA flow not exercised"))
		return
	case p.tail == nil:
		add(skipped("sms-2fa", "no --log-source"))
		return
	}
	p.ensureSession(ctx)
	phone := p.opts.Phone

	st := p.http.send(ctx, http.MethodPost, "/phone/start",
		map[string]any{"phone_number": phone, "current_password": p.password})
	if !st.is(http.StatusAccepted) {
		add(failed("phone/start", st.problem()))
		return
	}
	pending := st.field("pending_token")
	if pending == "" {
		add(failed("phone/start", "no pending_token: "+preview(st.body)))
		return
	}
	add(passed("phone/start", "code requested"))
	code, err := p.tail.expect(ctx, "phone-setup SMS code", codeFor(setupCodeRE, phone))
	if err != nil {
		add(failed("phone/start:tail", smsHint(err)))
		return
	}

	// Once MFA is on a password alone no longer signs in: keep a second
	// session so cleanup can still delete the user if the MFA sign-in
	// below breaks half-way.
	if r := p.login(ctx); r.is(http.StatusOK) {
		p.spare = r.field("access_token")
	}
	cf := p.http.anon(ctx, http.MethodPost, "/phone/confirm", map[string]any{"pending_token": pending, "code": code})
	if !cf.is(http.StatusOK) {
		add(failed("phone/confirm", cf.problem()))
		return
	}
	add(passed("phone/confirm", "phone enrolled, MFA on"))

	_ = p.http.send(ctx, http.MethodPost, "/logout", nil) // only forces the next login through MFA
	p.http.token = ""
	lg := p.login(ctx)
	if !lg.is(http.StatusOK) {
		add(failed("mfa-login", lg.problem()))
		return
	}
	mfaPending := lg.field("mfa_pending_token")
	if lg.field("status") != "mfa_required" || mfaPending == "" {
		add(failed("mfa-login", "expected mfa_required, got "+preview(lg.body)))
		return
	}
	add(passed("mfa-login", "login returned mfa_pending_token"))
	code, err = p.tail.expect(ctx, "login-MFA SMS code", codeFor(signInCodeRE, phone))
	if err != nil {
		add(failed("mfa-login:tail", smsHint(err)))
		return
	}
	mc := p.http.anon(ctx, http.MethodPost, "/login/mfa-confirm", map[string]any{"mfa_pending_token": mfaPending, "code": code})
	token := mc.field("access_token")
	if !mc.is(http.StatusOK) || token == "" {
		add(failed("mfa-confirm", mc.problem()))
		return
	}
	p.http.token = token
	add(passed("mfa-confirm", "MFA login completed"))

	off := p.http.send(ctx, http.MethodDelete, "/phone", map[string]any{"current_password": p.password})
	if !off.is(http.StatusOK) {
		add(failed("phone:disable", off.problem()))
		return
	}
	add(passed("phone:disable", "SMS 2FA disabled"))
}
