package cli

import (
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// zone is what the test DNS server knows: names (fully qualified) →
// records. A name it does not know is NXDOMAIN; a name mapped to nil
// exists without records of the asked type; servfail names fail.
type zone struct {
	records  map[string][]dns.RR
	servfail map[string]bool
}

func (z zone) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative, m.RecursionAvailable = true, true
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	rrs, known := z.records[name]
	switch {
	case z.servfail[name]:
		m.Rcode = dns.RcodeServerFailure
	case !known:
		m.Rcode = dns.RcodeNameError
	default:
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
	}
	_ = w.WriteMsg(m)
}

// startDNS serves z on a local UDP port and returns "host:port".
func startDNS(t *testing.T, z zone) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: z, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

func rr(t *testing.T, s string) dns.RR {
	t.Helper()
	r, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDoctorCheckDNS(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	// The sender domain is mail.example.com (newTestInstall).
	tests := []struct {
		name     string
		zone     zone
		wantCode int
		want     []string
	}{
		{
			name: "a domain with MX, SPF and DMARC passes",
			zone: zone{records: map[string][]dns.RR{
				"mail.example.com.": {
					rr(t, "mail.example.com. 300 IN MX 10 mx1.example.com."),
					rr(t, "mail.example.com. 300 IN MX 20 mx2.example.com."),
					rr(t, `mail.example.com. 300 IN TXT "google-site-verification=abc"`),
					rr(t, `mail.example.com. 300 IN TXT "v=spf1 include:amazonses.com ~all"`),
				},
				"_dmarc.mail.example.com.": {rr(t, `_dmarc.mail.example.com. 300 IN TXT "v=DMARC1; p=none"`)},
			}},
			wantCode: 0,
			want: []string{
				"✔ dns mx: mail.example.com ok (2 record(s))",
				"✔ dns spf: mail.example.com ok (2 record(s))",
				"✔ dns dmarc: _dmarc.mail.example.com ok (1 record(s))",
			},
		},
		{
			name:     "an unknown domain fails all three",
			zone:     zone{records: map[string][]dns.RR{}},
			wantCode: 1,
			want: []string{
				"✘ dns mx: mail.example.com → NXDOMAIN or no MX record",
				"✘ dns spf: no 'v=spf1' record on mail.example.com",
				"✘ dns dmarc: no 'v=DMARC1' record on _dmarc.mail.example.com",
			},
		},
		{
			name: "TXT records without the markers fail SPF and DMARC",
			zone: zone{records: map[string][]dns.RR{
				"mail.example.com.":        {rr(t, "mail.example.com. 300 IN MX 10 mx1.example.com."), rr(t, `mail.example.com. 300 IN TXT "hello"`)},
				"_dmarc.mail.example.com.": {rr(t, `_dmarc.mail.example.com. 300 IN TXT "v=spf1 -all"`)},
			}},
			wantCode: 1,
			want: []string{
				"✔ dns mx: mail.example.com ok (1 record(s))",
				"✘ dns spf: no 'v=spf1' record on mail.example.com",
				"✘ dns dmarc: no 'v=DMARC1' record on _dmarc.mail.example.com",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(dnsServerEnv, startDNS(t, tt.zone))
			res := doctorRun(t, in, "--check-dns")
			if res.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stdout:\n%s", res.code, tt.wantCode, res.stdout)
			}
			wantLines(t, res.stdout, tt.want...)
		})
	}
	t.Run("a server failure is reported with the domain", func(t *testing.T) {
		t.Setenv(dnsServerEnv, startDNS(t, zone{
			records:  map[string][]dns.RR{"_dmarc.mail.example.com.": {rr(t, `_dmarc.mail.example.com. 300 IN TXT "v=DMARC1; p=reject"`)}},
			servfail: map[string]bool{"mail.example.com.": true},
		}))
		res := doctorRun(t, in, "--check-dns")
		if res.code != 1 {
			t.Errorf("exit %d, want 1", res.code)
		}
		wantLines(t, res.stdout, "✔ dns dmarc: _dmarc.mail.example.com ok (1 record(s))")
		for _, prefix := range []string{"✘ dns mx: mail.example.com → lookup mail.example.com", "✘ dns spf: mail.example.com → lookup mail.example.com"} {
			if !strings.Contains(res.stdout, prefix) {
				t.Errorf("stdout lacks %q:\n%s", prefix, res.stdout)
			}
		}
	})
}

func TestDNSChecksNeedASenderDomain(t *testing.T) {
	got := dnsChecks(t.Context(), newResolver("127.0.0.1:9"), "no-at-sign")
	want := []checkResult{{name: "dns sender", mark: markFail, detail: "invalid sender: 'no-at-sign'"}}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
