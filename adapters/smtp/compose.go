package smtp

import (
	"crypto/rand"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	regstack "github.com/regstack/regstack/core"
)

// compose turns msg into the email on the wire: From "<name> <address>",
// To, Subject, Date and a fresh Message-ID, and a multipart/alternative
// body with the text part first and the HTML part last, the one mail
// readers prefer (RFC 2046 §5.1.4).
func compose(msg regstack.EmailMessage, now time.Time) (*gomail.Msg, error) {
	email := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	email.FromMailAddress(&mail.Address{Name: msg.FromName, Address: msg.FromAddress})
	if err := email.To(msg.To); err != nil {
		return nil, fmt.Errorf("smtp: recipient: %w", err)
	}
	email.Subject(msg.Subject)
	email.SetDateWithValue(now)
	email.SetMessageIDWithValue(rand.Text() + "@" + messageIDDomain(msg.FromAddress))
	email.SetBodyString(gomail.TypeTextPlain, msg.Text)
	email.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	return email, nil
}

// messageIDDomain is the right-hand side of Message-IDs: the sender's
// domain, which the sender controls, so ids stay unique world-wide. A
// header must be ASCII, so an internationalised domain falls back to
// "localhost" rather than being encoded into something that is no id.
func messageIDDomain(from string) string {
	i := strings.LastIndexByte(from, '@')
	domain := from[i+1:]
	if i < 0 || domain == "" || strings.ContainsFunc(domain, func(r rune) bool { return r > 0x7e || r <= 0x20 }) {
		return "localhost"
	}
	return domain
}
