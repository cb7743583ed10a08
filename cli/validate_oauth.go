package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// defaultOAuthHost is where Google's sign-in start must redirect.
const defaultOAuthHost = "accounts.google.com"

// oauthStart checks that GET /oauth/google/start redirects to the
// provider with client_id, state and redirect_uri. The sign-in itself is
// not completed: that needs a browser and a Google account.
func (p *probe) oauthStart(ctx context.Context) {
	add := p.report.add
	switch {
	case p.opts.Skip["oauth"]:
		add(skipped("oauth", "skipped via --skip oauth"))
		return
	case !p.feats.oauth:
		add(skipped("oauth", "router not mounted on deployment"))
		return
	case p.feats.providers != nil && !slices.Contains(p.feats.providers, "google"):
		add(skipped("oauth", "no google provider configured on deployment"))
		return
	}
	r := p.http.anon(ctx, http.MethodGet, "/oauth/google/start", nil)
	if !r.is(http.StatusFound) {
		add(failed("oauth:start", "expected 302 from /oauth/google/start, got "+r.statusText()))
		return
	}
	want := p.opts.OAuthHost
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || !strings.Contains(loc.Host, want) {
		host := ""
		if loc != nil {
			host = loc.Host
		}
		add(failed("oauth:start", fmt.Sprintf("redirect target '%s' is not %s", host, want)))
		return
	}
	q := loc.Query()
	var missing []string
	for _, k := range []string{"client_id", "state", "redirect_uri"} {
		if q.Get(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		add(failed("oauth:start", "redirect missing query params: "+strings.Join(missing, ", ")))
		return
	}
	add(passed("oauth:start", fmt.Sprintf("302 to %s with client_id + state (client_id=%s…)", want, truncateChars(q.Get("client_id"), 8))))
}
