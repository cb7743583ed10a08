package smtp_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/smtp"
	"github.com/regstack/regstack/adapters/smtp/mailpittest"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// sendTimeout bounds every send to Mailpit: generous under -race on a
// busy machine, and still far below the test timeout.
const sendTimeout = 15

func TestSendDeliversToMailpit(t *testing.T) {
	tests := []struct {
		name     string
		variant  string
		tls      *string
		starttls bool
		auth     bool
	}{
		{name: "plain SMTP delivers a multipart message", variant: mailpittest.Plain, tls: ptr("none")},
		{name: "STARTTLS delivers over the upgraded connection", variant: mailpittest.StartTLS, tls: ptr("starttls")},
		{name: "smtp_starttls alone upgrades when smtp_tls is unset", variant: mailpittest.StartTLS, starttls: true},
		{name: "implicit TLS delivers after SMTP AUTH", variant: mailpittest.TLS, tls: ptr("implicit"), auth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mailpittest.Instance(t, tt.variant)
			m := mailerFor(t, srv, func(c *config.EmailConfig) {
				c.SMTPTLS, c.SMTPStartTLS = tt.tls, tt.starttls
				if tt.auth {
					user, pw := mailpittest.Credentials(t)
					c.SMTPUsername, c.SMTPPassword = &user, &pw
				}
			})
			msg := sampleMessage(t)
			before := time.Now()
			if err := m.Send(t.Context(), msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			checkDelivered(t, srv, msg, before)
		})
	}
}

func TestSendAuth(t *testing.T) {
	t.Run("a wrong password is refused and the error does not show it", func(t *testing.T) {
		t.Parallel()
		srv := mailpittest.Instance(t, mailpittest.TLS)
		user, _ := mailpittest.Credentials(t)
		wrong := "not-the-password-" + rand.Text()
		m := mailerFor(t, srv, func(c *config.EmailConfig) {
			c.SMTPTLS, c.SMTPUsername, c.SMTPPassword = ptr("implicit"), &user, &wrong
		})
		msg := sampleMessage(t)
		err := m.Send(t.Context(), msg)
		if err == nil {
			t.Fatal("Send with a wrong password succeeded")
		}
		if strings.Contains(err.Error(), wrong) {
			t.Fatalf("the error shows the password: %v", err)
		}
		if n := srv.Count(t, msg.To); n != 0 {
			t.Fatalf("Mailpit holds %d messages to %s, want none", n, msg.To)
		}
	})

	t.Run("a server that requires AUTH refuses a mailer without credentials", func(t *testing.T) {
		t.Parallel()
		srv := mailpittest.Instance(t, mailpittest.TLS)
		m := mailerFor(t, srv, func(c *config.EmailConfig) { c.SMTPTLS = ptr("implicit") })
		msg := sampleMessage(t)
		if err := m.Send(t.Context(), msg); err == nil {
			t.Fatal("Send without credentials succeeded against a server that requires AUTH")
		}
		if n := srv.Count(t, msg.To); n != 0 {
			t.Fatalf("Mailpit holds %d messages to %s, want none", n, msg.To)
		}
	})
}

func TestSendNeverFallsBackToTheClear(t *testing.T) {
	tests := []struct {
		name string
		tls  string
		want string // in the error
	}{
		{name: "STARTTLS, when chosen, is required of a server that does not offer it", tls: "starttls", want: "STARTTLS"},
		{name: "implicit TLS fails against a server that speaks plain SMTP", tls: "implicit", want: "tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := mailpittest.Instance(t, mailpittest.Plain)
			m := mailerFor(t, srv, func(c *config.EmailConfig) { c.SMTPTLS = &tt.tls })
			msg := sampleMessage(t)
			err := m.Send(t.Context(), msg)
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.want)) {
				t.Fatalf("Send = %v, want an error about %s", err, tt.want)
			}
			if n := srv.Count(t, msg.To); n != 0 {
				t.Fatalf("Mailpit holds %d messages to %s, want none", n, msg.To)
			}
		})
	}
}

// mailerFor builds a Mailer that delivers to srv, after change adjusts
// the [email] table.
func mailerFor(t *testing.T, srv mailpittest.Server, change func(*config.EmailConfig)) *smtp.Mailer {
	t.Helper()
	cfg := config.Default().Email
	cfg.Backend = "smtp"
	cfg.SMTPHost, cfg.SMTPPort = &srv.Host, srv.Port
	cfg.SMTPTimeoutSeconds = sendTimeout
	change(&cfg)
	m, err := smtp.New(cfg, "RegStack", nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// sampleMessage is a message to an address no other test uses, with text
// that needs encoding in the subject, the sender's name and both bodies.
func sampleMessage(t *testing.T) regstack.EmailMessage {
	t.Helper()
	link := "http://localhost:8000/account/verify?token=" + rand.Text() + "=="
	return regstack.EmailMessage{
		Kind:        regstack.EmailVerification,
		To:          "rcpt-" + strings.ToLower(rand.Text()) + "@example.com",
		FromName:    "Zoë's Café",
		FromAddress: "noreply@example.com",
		Subject:     "Confirm your Zoë's Café account ✓",
		Text:        "Hi,\n\nThanks for signing up — please confirm:\n\n  " + link + "\n",
		HTML:        `<!doctype html><p>Hi,</p><p>Thanks for signing up to <strong>Zoë's Café</strong>.</p><p><a href="` + link + `">Confirm my account</a></p>`,
	}
}

// checkDelivered asserts that msg arrived at srv intact, with its headers,
// as multipart/alternative holding the text part first and the HTML part
// second.
func checkDelivered(t *testing.T, srv mailpittest.Server, msg regstack.EmailMessage, sentAfter time.Time) {
	t.Helper()
	got := srv.WaitFor(t, msg.To, msg.Subject)
	if want := (mailpittest.Address{Name: msg.FromName, Address: msg.FromAddress}); got.From != want {
		t.Errorf("From = %+v, want %+v", got.From, want)
	}
	if want := []mailpittest.Address{{Address: msg.To}}; !slices.Equal(got.To, want) {
		t.Errorf("To = %+v, want %+v", got.To, want)
	}
	if !strings.HasSuffix(got.MessageID, "@example.com") || len(got.MessageID) < len("x@example.com")+10 {
		t.Errorf("Message-ID = %q, want a unique id in the sender's domain", got.MessageID)
	}
	if got.Date.Before(sentAfter.Add(-2*time.Second)) || got.Date.After(time.Now().Add(2*time.Second)) {
		t.Errorf("Date = %s, want the time of sending (%s)", got.Date, sentAfter)
	}
	// SMTP carries lines ending in CRLF.
	if text := strings.ReplaceAll(got.Text, "\r\n", "\n"); strings.TrimSpace(text) != strings.TrimSpace(msg.Text) {
		t.Errorf("text part = %q, want %q", got.Text, msg.Text)
	}
	if strings.TrimSpace(got.HTML) != strings.TrimSpace(msg.HTML) {
		t.Errorf("HTML part = %q, want %q", got.HTML, msg.HTML)
	}

	raw, err := mail.ReadMessage(bytes.NewReader(srv.Raw(t, got.ID)))
	if err != nil {
		t.Fatalf("parse the raw message: %v", err)
	}
	for _, h := range []string{"Date", "Message-Id", "From", "To", "Subject"} {
		if raw.Header.Get(h) == "" {
			t.Errorf("the message has no %s header", h)
		}
	}
	mediaType, params, err := mime.ParseMediaType(raw.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", raw.Header.Get("Content-Type"), err)
	}
	var types []string
	parts := multipart.NewReader(raw.Body, params["boundary"])
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read the parts: %v", err)
		}
		ct, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct+"; charset="+strings.ToLower(ps["charset"]))
	}
	if want := []string{"text/plain; charset=utf-8", "text/html; charset=utf-8"}; !slices.Equal(types, want) {
		t.Errorf("parts = %q, want %q (text first, HTML last)", types, want)
	}
}
