package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// reachability checks that --url is a regstack mount: an anonymous login
// with an address no deployment accepts must be refused, not missing.
func (p *probe) reachability(ctx context.Context) {
	r := p.http.anon(ctx, http.MethodPost, "/login",
		map[string]any{"email": "reachability@probe.invalid", "password": "not-a-real-pw"})
	base := p.http.base
	switch {
	case r.err != nil:
		p.report.add(failed("reachability", "could not reach "+base+": "+r.err.Error()))
	case r.status == http.StatusBadRequest, r.status == http.StatusUnauthorized, r.status == http.StatusUnprocessableEntity:
		p.report.add(passed("reachability", fmt.Sprintf("%s reachable (login returned %d as expected)", base, r.status)))
	case r.status == http.StatusNotFound:
		p.report.add(failed("reachability", base+"/login returned 404 — wrong --url? expected the regstack mount prefix (e.g. https://host/api/auth)"))
	default:
		p.report.add(failed("reachability", fmt.Sprintf("unexpected status %d from /login probe; expected 401/422 — is the --url correct?", r.status)))
	}
}

// featuresBody is the part of GET /features the probe reads
// (http-api.md §11.1).
type featuresBody struct {
	Routers         map[string]bool `json:"routers"`
	OAuthProviders  []string        `json:"oauth_providers"`
	AccountDeletion *bool           `json:"account_deletion"`
}

// discoverFeatures learns which optional routers are mounted: from GET
// /features, or, on a deployment without it (Python, expose_features =
// false), from how unauthenticated probes are answered (http-api.md §11.2).
// The feature rows are informational and never fail: cli.md §6.4, the
// features row (line 533), "Always ✔ with detail mounted/not mounted
// (password reset: enabled/disabled)". A probe that got no answer counts as not mounted;
// -v shows why.
func (p *probe) discoverFeatures(ctx context.Context) {
	if !p.featuresFromEndpoint(ctx) {
		p.inferFeatures(ctx)
	}
	lines := []struct {
		name    string
		on      bool
		yes, no string
	}{
		{"oauth", p.feats.oauth, "mounted", "not mounted"},
		{"admin", p.feats.admin, "mounted", "not mounted"},
		{"sms-2fa", p.feats.sms, "mounted", "not mounted"},
		{"password-reset", p.feats.reset, "enabled", "disabled"},
	}
	for _, l := range lines {
		if l.on {
			p.report.add(passed("feature:"+l.name, l.yes))
		} else {
			p.report.add(passed("feature:"+l.name, l.no))
		}
	}
}

func (p *probe) featuresFromEndpoint(ctx context.Context) bool {
	r := p.http.anon(ctx, http.MethodGet, "/features", nil)
	if !r.is(http.StatusOK) {
		return false
	}
	var f featuresBody
	if json.Unmarshal(r.body, &f) != nil || f.Routers == nil {
		return false // some other /features of the host's
	}
	p.feats.oauth = f.Routers["oauth"]
	p.feats.admin = f.Routers["admin"]
	p.feats.sms = f.Routers["sms_2fa"]
	p.feats.reset = f.Routers["password_reset"]
	p.feats.providers = f.OAuthProviders
	if p.feats.providers == nil {
		p.feats.providers = []string{}
	}
	if f.AccountDeletion != nil {
		p.feats.accountDeletion = *f.AccountDeletion
	}
	return true
}

// inferFeatures is Python validate's discovery: a router is mounted when
// its route answers anything but 404 (authentication runs before body
// validation, so a mounted authenticated route answers 401). A route that
// gives no answer at all counts as not mounted.
func (p *probe) inferFeatures(ctx context.Context) {
	probeRoute := func(method, path string, body any) bool {
		r := p.http.anon(ctx, method, path, body)
		return r.err == nil && r.status != http.StatusNotFound
	}
	p.feats.oauth = probeRoute(http.MethodGet, "/oauth/providers", nil)
	p.feats.admin = probeRoute(http.MethodGet, "/admin/stats", nil)
	p.feats.sms = probeRoute(http.MethodPost, "/phone/start",
		map[string]any{"phone_number": "+15555550100", "current_password": "x"})
	p.feats.reset = probeRoute(http.MethodPost, "/forgot-password",
		map[string]any{"email": "feature-probe@regstack-probe.example"})
}

// coreAuth is the core auth chain: register → verify → login → /me →
// logout → the revoked token refused → login again.
func (p *probe) coreAuth(ctx context.Context) {
	add := p.report.add
	r := p.http.anon(ctx, http.MethodPost, "/register",
		map[string]any{"email": p.email, "password": p.password, "full_name": "Validate Probe"})
	if r.err != nil {
		add(failed("register", r.problem()))
		return
	}
	if r.status != http.StatusCreated && r.status != http.StatusAccepted {
		add(failed("register", fmt.Sprintf("unexpected status %d: %s", r.status, preview(r.body))))
		return
	}
	pending := r.field("status") == "pending_verification"
	if pending {
		add(passed("register", "probe user accepted (verification required)"))
		if !p.verify(ctx) {
			return
		}
	} else {
		add(passed("register", "probe user accepted (auto-verified)"))
		add(skipped("verify", "require_verification=False on deployment"))
	}

	login := p.login(ctx)
	if !login.is(http.StatusOK) {
		add(failed("login", login.problem()))
		return
	}
	if login.field("status") == "mfa_required" {
		add(failed("login", "fresh probe user shouldn't be MFA-gated — leftover state?"))
		return
	}
	if p.http.token = login.field("access_token"); p.http.token == "" {
		add(failed("login", "no access_token in response: "+preview(login.body)))
		return
	}
	add(passed("login", "got access token"))

	me := p.http.send(ctx, http.MethodGet, "/me", nil)
	if !me.is(http.StatusOK) {
		add(failed("/me", me.problem()))
		return
	}
	user := me.object()
	echoed, _ := user["email"].(string)
	if !strings.EqualFold(echoed, p.email) {
		add(failed("/me", fmt.Sprintf("echoed email '%s' != registered '%s'", echoed, p.email)))
		return
	}
	id := user["id"]
	if id == nil {
		id = user["_id"]
	}
	add(passed("/me", fmt.Sprintf("echoes registered email + id=%v", id)))

	out := p.http.send(ctx, http.MethodPost, "/logout", nil)
	if !out.is(http.StatusOK) {
		add(failed("logout", out.problem()))
		return
	}
	add(passed("logout", "token revoked"))
	again := p.http.send(ctx, http.MethodGet, "/me", nil)
	p.http.token = ""
	if !again.is(http.StatusUnauthorized) {
		add(failed("blacklist", "/me with revoked token returned "+again.statusText()+", expected 401"))
		return
	}
	add(passed("blacklist", "revoked token correctly rejected"))

	if ok, why := p.signIn(ctx); !ok {
		add(failed("re-login", why))
		return
	}
	add(passed("re-login", "fresh token for downstream phases"))
}

// verify reads the verification link from the log and follows it.
func (p *probe) verify(ctx context.Context) bool {
	add := p.report.add
	if p.tail == nil {
		add(failed("verify", "deployment requires email verification but no --log-source given"))
		return false
	}
	link, err := p.tail.expect(ctx, "verification URL", linkFor("/verify", p.email))
	if err != nil {
		add(failed("verify", emailHint(err)))
		return false
	}
	token, ok := tokenFromURL(link)
	if !ok {
		add(failed("verify", "no token= query param in URL '"+link+"'"))
		return false
	}
	v := p.http.anon(ctx, http.MethodPost, "/verify", map[string]any{"token": token})
	if !v.is(http.StatusOK) {
		add(failed("verify", v.problem()))
		return false
	}
	add(passed("verify", "email verified via tailed token"))
	return true
}
