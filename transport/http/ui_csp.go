package http

import (
	"net/url"
	"strings"

	"github.com/regstack/regstack/core/config"
)

// pageCSP is the Content-Security-Policy of the pages (ui.md §14):
// everything from this origin only, so an injected script or style cannot
// run, widened by exactly the origin of theme_css_url (styles) and of
// brand_logo_url (images) when those are absolute URLs. Pages cannot be
// framed, cannot re-base their relative links and cannot post forms
// elsewhere.
func pageCSP(cfg config.Config) string {
	style := "'self'"
	if o := sourceOf(optional(cfg.ThemeCSSURL)); o != "" {
		style += " " + o
	}
	img := "'self'"
	if o := sourceOf(optional(cfg.BrandLogoURL)); o != "" {
		img += " " + o
	}
	return "default-src 'self'; style-src " + style + "; img-src " + img +
		"; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
}

// sourceOf is the CSP source expression admitting raw: its scheme and host
// for an absolute http(s) URL, its host for a scheme-relative one, "data:"
// for a data URL, and "" for a same-origin path (covered by 'self') or
// anything that would not be a single valid source.
func sourceOf(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	var src string
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		src = strings.ToLower(u.Scheme) + "://" + u.Host
	case "":
		if u.Host == "" {
			return ""
		}
		src = u.Host
	case "data":
		return "data:"
	default:
		return ""
	}
	// A host never holds these; refusing them keeps a hostile value from
	// adding directives to the policy.
	if strings.ContainsAny(src, " \t\r\n;,'\"") {
		return ""
	}
	return src
}
