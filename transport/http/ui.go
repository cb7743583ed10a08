package http

import (
	"fmt"
	"net/http"
	"strings"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// uiPage is one page route of ui.md §1: its path under ui_prefix, the page
// name the script dispatches on, and the template that renders it.
type uiPage struct {
	path     string
	name     string
	template string
}

// uiPages lists every page route. Two paths may share a page: the reset
// page also answers at /reset-password, where emailed links land
// (http-api.md §10.4).
var uiPages = [...]uiPage{
	{"/login", "login", "auth/login.html"},
	{"/register", "register", "auth/register.html"},
	{"/forgot", "forgot", "auth/forgot.html"},
	{"/reset", "reset", "auth/reset.html"},
	{"/reset-password", "reset", "auth/reset.html"},
	{"/verify", "verify", "auth/verify.html"},
	{"/confirm-email-change", "confirm-email-change", "auth/email_change_confirm.html"},
	{"/me", "me", "auth/me.html"},
	{"/mfa-confirm", "mfa-confirm", "auth/mfa_confirm.html"},
	{"/oauth-complete", "oauth-complete", "auth/oauth_complete.html"},
}

// NewUI builds the server-rendered account pages of ui.md for rs: sign in,
// register, verify, forgot and reset password, MFA confirm, email-change
// confirm, OAuth complete and the account page. The handler serves paths
// relative to its mount point (/login, /me, …): mount it under ui_prefix
// with http.StripPrefix, or let MountUI do it, together with Static under
// static_prefix.
//
// The pages hold no session and show no user data: every page renders the
// same HTML for every visitor, and regstack.js does the work in the browser
// against the JSON API at api_prefix. So each page is rendered once, here,
// from the configuration; template changes on disk need a restart.
//
// Templates are looked up by name in extra_template_dirs first, then in the
// bundled set (ui.md §2). NewUI fails when a host template cannot be read,
// parsed or executed; the error names the file.
//
// Pages answer GET and HEAD (other methods 405, unknown paths 404) with
// Cache-Control: no-store and a Content-Security-Policy of default-src
// 'self' (plus the origins of theme_css_url and brand_logo_url), so the
// bundled templates carry no inline script or style.
func NewUI(rs *regstack.RegStack) (http.Handler, error) {
	cfg := rs.Config()
	assets, err := newAssetSet()
	if err != nil {
		return nil, err
	}
	set, err := newTemplateSet(cfg.ExtraTemplateDirs, assets.url(strings.TrimRight(cfg.StaticPrefix, "/")))
	if err != nil {
		return nil, err
	}
	u := &ui{pages: make(map[string][]byte, len(uiPages)), csp: pageCSP(cfg)}
	rendered := map[string][]byte{}
	for _, p := range uiPages {
		key := p.name + " " + p.template
		if body, ok := rendered[key]; ok {
			u.pages[p.path] = body
			continue
		}
		body, err := set.render(p.template, pageData(cfg, p.name, uiProviders(rs)))
		if err != nil {
			return nil, err
		}
		rendered[key] = body
		u.pages[p.path] = body
	}
	return SecurityHeaders(u), nil
}

// UI is NewUI for templates known to be good (the bundled ones, or host
// templates checked at start-up); it panics when NewUI fails, like
// regexp.MustCompile.
func UI(rs *regstack.RegStack) http.Handler {
	h, err := NewUI(rs)
	if err != nil {
		panic("regstack/http: " + err.Error())
	}
	return h
}

// MountUI mounts the account pages at rs's ui_prefix (default /account)
// and Static at its static_prefix (default /regstack-static), stripping
// each prefix. It fails when NewUI does, or when the two prefixes, or
// either of them and api_prefix, are the same.
func MountUI(mux *http.ServeMux, rs *regstack.RegStack) error {
	cfg := rs.Config()
	if err := checkPrefixes(cfg); err != nil {
		return err
	}
	h, err := NewUI(rs)
	if err != nil {
		return err
	}
	mountAt(mux, cfg.UIPrefix, h)
	mountAt(mux, cfg.StaticPrefix, Static())
	return nil
}

// checkPrefixes refuses mount points that would collide on one mux.
func checkPrefixes(cfg config.Config) error {
	api := strings.TrimRight(cfg.APIPrefix, "/")
	pages := strings.TrimRight(cfg.UIPrefix, "/")
	static := strings.TrimRight(cfg.StaticPrefix, "/")
	switch {
	case pages == static:
		return fmt.Errorf("regstack/http: ui_prefix and static_prefix are both %q; the pages and their assets need different mount points", pages)
	case pages == api:
		return fmt.Errorf("regstack/http: ui_prefix and api_prefix are both %q; the pages and the JSON API need different mount points", pages)
	case static == api:
		return fmt.Errorf("regstack/http: static_prefix and api_prefix are both %q; the assets and the JSON API need different mount points", static)
	}
	return nil
}

// uiProviders are the OAuth providers the pages offer: the registered ones,
// when the OAuth router is mounted (the same rule as the API's).
func uiProviders(rs *regstack.RegStack) []string {
	names := rs.ProviderNames()
	if !rs.Config().EnableOAuth || len(names) == 0 {
		return []string{}
	}
	return names
}

// pageData is the template context of ui.md §3, plus sms_code_length and
// version.
func pageData(cfg config.Config, page string, providers []string) map[string]any {
	return map[string]any{
		"page":                    page,
		"app_name":                cfg.AppName,
		"brand_logo_url":          optional(cfg.BrandLogoURL),
		"brand_tagline":           optional(cfg.BrandTagline),
		"api_prefix":              strings.TrimRight(cfg.APIPrefix, "/"),
		"ui_prefix":               strings.TrimRight(cfg.UIPrefix, "/"),
		"static_prefix":           strings.TrimRight(cfg.StaticPrefix, "/"),
		"theme_css_url":           optional(cfg.ThemeCSSURL),
		"allow_registration":      cfg.AllowRegistration,
		"enable_password_reset":   cfg.EnablePasswordReset,
		"enable_account_deletion": cfg.EnableAccountDeletion,
		"enable_sms_2fa":          cfg.EnableSMS2FA,
		"enable_oauth":            cfg.EnableOAuth,
		"oauth_providers":         providers,
		"sms_code_length":         cfg.SMSCodeLength,
		"version":                 serverVersion(),
	}
}

// optional reads an unset-able string key ("" when unset).
func optional(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// ui serves the pre-rendered pages.
type ui struct {
	pages map[string][]byte // by path under ui_prefix
	csp   string
}

func (u *ui) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := u.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !readOnly(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", u.csp)
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}
