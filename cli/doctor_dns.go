package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// dnsServerEnv names a "host:port" DNS server that `doctor --check-dns`
// asks instead of the system's resolvers; tests point it at their own.
const dnsServerEnv = "REGSTACK_DNS_SERVER"

// dnsQueryTimeout bounds each lookup (cli.md §5.2).
const dnsQueryTimeout = 5 * time.Second

// newResolver returns a resolver that sends every query to server, or the
// system's resolver when server is empty.
func newResolver(server string) *net.Resolver {
	if server == "" {
		return &net.Resolver{}
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		},
	}
}

// dnsChecks runs the `dns mx`, `dns spf` and `dns dmarc` checks on the
// domain of the sender address (cli.md §5.2).
func dnsChecks(ctx context.Context, r *net.Resolver, sender string) []checkResult {
	_, domain, ok := strings.Cut(sender, "@")
	if !ok || domain == "" {
		return []checkResult{{name: "dns sender", mark: markFail, detail: fmt.Sprintf("invalid sender: '%s'", sender)}}
	}
	return []checkResult{
		checkMX(ctx, r, domain),
		checkTXT(ctx, r, "dns spf", domain, "v=spf1"),
		checkTXT(ctx, r, "dns dmarc", "_dmarc."+domain, "v=DMARC1"),
	}
}

func checkMX(ctx context.Context, r *net.Resolver, domain string) checkResult {
	const name = "dns mx"
	ctx, cancel := context.WithTimeout(ctx, dnsQueryTimeout)
	defer cancel()
	mx, err := r.LookupMX(ctx, domain)
	switch {
	case len(mx) > 0:
		// LookupMX may also return an error for records it skipped; the
		// ones it kept are enough.
	case err == nil || isNotFound(err):
		// Go's resolver cannot tell a missing name from a name without MX
		// records, so the wording covers both.
		return checkResult{name: name, mark: markFail, detail: domain + " → NXDOMAIN or no MX record"}
	default:
		return checkResult{name: name, mark: markFail, detail: domain + " → " + err.Error()}
	}
	return checkResult{name: name, mark: markPass, detail: fmt.Sprintf("%s ok (%d record(s))", domain, len(mx))}
}

// checkTXT passes when a TXT record of host contains needle.
func checkTXT(ctx context.Context, r *net.Resolver, name, host, needle string) checkResult {
	ctx, cancel := context.WithTimeout(ctx, dnsQueryTimeout)
	defer cancel()
	txt, err := r.LookupTXT(ctx, host)
	if err != nil && !isNotFound(err) {
		return checkResult{name: name, mark: markFail, detail: host + " → " + err.Error()}
	}
	for _, t := range txt {
		if strings.Contains(t, needle) {
			return checkResult{name: name, mark: markPass, detail: fmt.Sprintf("%s ok (%d record(s))", host, len(txt))}
		}
	}
	return checkResult{name: name, mark: markFail, detail: fmt.Sprintf("no '%s' record on %s", needle, host)}
}

func isNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
