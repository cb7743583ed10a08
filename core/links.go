package regstack

import (
	"net/url"
	"strings"
)

// The bare paths of the three email links (http-api.md §10.4).
const (
	verifyPath      = "/verify"
	resetPath       = "/reset-password"
	emailChangePath = "/confirm-email-change"
)

// linkURL resolves the link carrying tok (http-api.md §10.4): a configured
// template gets {base_url}, {ui_prefix} and {token} replaced literally —
// no URL-encoding, unknown placeholders kept, so a bad template shows as a
// wrong link rather than an error; otherwise
// <base_url><prefix><path>?token=<tok>. An empty template counts as unset.
func (rs *RegStack) linkURL(template *string, path, tok string) string {
	base := strings.TrimRight(rs.cfg.BaseURL, "/")
	if template != nil && *template != "" {
		return strings.NewReplacer(
			"{base_url}", base,
			"{ui_prefix}", strings.TrimRight(rs.cfg.UIPrefix, "/"),
			"{token}", tok,
		).Replace(*template)
	}
	return base + rs.linkPrefix() + path + "?token=" + tok
}

// linkPrefix is email_link_prefix when set ("" = none), else ui_prefix
// while the UI router is on, else nothing.
func (rs *RegStack) linkPrefix() string {
	if p := rs.cfg.EmailLinkPrefix; p != nil {
		return strings.TrimRight(*p, "/")
	}
	if flagSet(rs.cfg.EnableUIRouter) {
		return strings.TrimRight(rs.cfg.UIPrefix, "/")
	}
	return ""
}

// redactToken is url_without_token (http-api.md §10.5): every occurrence
// of the raw token, and of its percent-encoded forms where they differ,
// replaced by [REDACTED], wherever the template put it.
func redactToken(link, tok string) string {
	if tok == "" {
		return link
	}
	const mark = "[REDACTED]"
	out := strings.ReplaceAll(link, tok, mark)
	for _, enc := range []string{url.QueryEscape(tok), url.PathEscape(tok)} {
		if enc != tok {
			out = strings.ReplaceAll(out, enc, mark)
		}
	}
	return out
}
