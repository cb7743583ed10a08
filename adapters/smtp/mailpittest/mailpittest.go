// Package mailpittest reads back, through Mailpit's HTTP API, the email
// that tests deliver to the Mailpit instances scripts/services.d/30-mailpit.sh
// starts: the adapters/smtp tests and the end-to-end mail flows share it.
//
// Instances are named by the environment variables the script exports:
// REGSTACK_TEST_MAILPIT<variant>_SMTP (host:port) and _HTTP (API origin),
// with variant "" (plain), "_STARTTLS" or "_TLS" (implicit TLS, AUTH).
package mailpittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Variants of the Mailpit instances, as they appear in the variable names.
const (
	Plain    = ""
	StartTLS = "_STARTTLS"
	TLS      = "_TLS"
)

// CAVariable names the PEM certificate the TLS instances present.
const CAVariable = "REGSTACK_TEST_MAILPIT_CA"

// waitFor bounds how long a message may take to show in the API after
// the SMTP dialogue that delivered it ended.
const waitFor = 10 * time.Second

// Server is one Mailpit instance.
type Server struct {
	// Host and Port are its SMTP listener.
	Host string
	Port int
	// API is the origin of its HTTP API, e.g. http://127.0.0.1:8025.
	API string
}

// Address is a name and address as Mailpit reports them.
type Address struct {
	Name    string
	Address string
}

// Message is one stored message with its parsed parts.
type Message struct {
	ID        string // Mailpit's own id, for Raw
	MessageID string // the Message-ID header without the angle brackets
	From      Address
	To        []Address
	Subject   string
	Date      time.Time
	Text      string
	HTML      string
}

// Instance returns the Mailpit instance of variant. When its variables
// are unset the test fails under CI=true and is skipped otherwise.
func Instance(tb testing.TB, variant string) Server {
	tb.Helper()
	smtpVar := "REGSTACK_TEST_MAILPIT" + variant + "_SMTP"
	httpVar := "REGSTACK_TEST_MAILPIT" + variant + "_HTTP"
	smtpAddr, api := os.Getenv(smtpVar), os.Getenv(httpVar)
	if smtpAddr == "" || api == "" {
		msg := fmt.Sprintf("%s / %s are not set; run the tests under scripts/services.sh (scripts/services.d/30-mailpit.sh starts Mailpit)", smtpVar, httpVar)
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	host, portText, err := net.SplitHostPort(smtpAddr)
	if err != nil {
		tb.Fatalf("%s = %q: %v", smtpVar, smtpAddr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		tb.Fatalf("%s = %q: bad port: %v", smtpVar, smtpAddr, err)
	}
	return Server{Host: host, Port: port, API: strings.TrimRight(api, "/")}
}

// Credentials returns the user name and password the implicit-TLS
// instance requires (REGSTACK_TEST_MAILPIT_TLS_AUTH), failing or skipping
// like Instance when it is unset.
func Credentials(tb testing.TB) (user, password string) {
	tb.Helper()
	const name = "REGSTACK_TEST_MAILPIT_TLS_AUTH"
	v := os.Getenv(name)
	if v == "" {
		msg := name + " is not set; run the tests under scripts/services.sh (scripts/services.d/30-mailpit.sh starts Mailpit)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	user, password, ok := strings.Cut(v, ":")
	if !ok {
		tb.Fatalf("%s is not user:password", name)
	}
	return user, password
}

// TrustCA makes this process trust the TLS instances' certificate by
// pointing SSL_CERT_FILE at it, the variable Go's crypto/x509 reads on
// Unix the first time it loads the system roots. Call it from TestMain,
// before anything loads them; it does nothing when the certificate's
// variable is unset.
func TrustCA() error {
	ca := os.Getenv(CAVariable)
	if ca == "" {
		return nil
	}
	if _, err := os.Stat(ca); err != nil {
		return fmt.Errorf("mailpittest: %s: %w", CAVariable, err)
	}
	return os.Setenv("SSL_CERT_FILE", ca)
}

// WaitFor returns the one message to the address to whose subject is
// subject, waiting for it to arrive. It fails the test when none arrives
// or when more than one matches.
func (s Server) WaitFor(tb testing.TB, to, subject string) Message {
	tb.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		var found []summary
		for _, m := range s.search(tb, to) {
			if m.Subject == subject {
				found = append(found, m)
			}
		}
		switch {
		case len(found) == 1:
			return s.message(tb, found[0].ID)
		case len(found) > 1:
			tb.Fatalf("Mailpit holds %d messages to %s with subject %q, want one", len(found), to, subject)
		case time.Now().After(deadline):
			tb.Fatalf("no message to %s with subject %q reached Mailpit within %s", to, subject, waitFor)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Count is how many messages to the address to Mailpit holds now.
func (s Server) Count(tb testing.TB, to string) int {
	tb.Helper()
	return len(s.search(tb, to))
}

// Raw is the message with Mailpit id id as it came over SMTP.
func (s Server) Raw(tb testing.TB, id string) []byte {
	tb.Helper()
	return s.get(tb, "/api/v1/message/"+url.PathEscape(id)+"/raw")
}

// summary is one entry of a message list.
type summary struct {
	ID      string
	To      []Address
	Subject string
}

// search lists the messages to exactly the address to (Mailpit's own
// to: search also matches addresses that merely contain it).
func (s Server) search(tb testing.TB, to string) []summary {
	tb.Helper()
	var list struct{ Messages []summary }
	q := url.Values{"query": {`to:"` + to + `"`}, "limit": {"1000"}}
	s.getJSON(tb, "/api/v1/search?"+q.Encode(), &list)
	var out []summary
	for _, m := range list.Messages {
		for _, a := range m.To {
			if strings.EqualFold(a.Address, to) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func (s Server) message(tb testing.TB, id string) Message {
	tb.Helper()
	var m Message
	s.getJSON(tb, "/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

func (s Server) getJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	body := s.get(tb, path)
	if err := json.Unmarshal(body, v); err != nil {
		tb.Fatalf("Mailpit GET %s: %v\n%s", path, err, body)
	}
}

func (s Server) get(tb testing.TB, path string) []byte {
	tb.Helper()
	client := &http.Client{Timeout: waitFor}
	resp, err := client.Get(s.API + path)
	if err != nil {
		tb.Fatalf("Mailpit GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("Mailpit GET %s: reading the body: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("Mailpit GET %s = %d %s", path, resp.StatusCode, body)
	}
	return body
}
