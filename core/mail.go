package regstack

import "context"

// Email kinds; each names its templates (ui.md §11).
const (
	EmailVerification  = "verification"
	EmailPasswordReset = "password_reset"
	EmailChange        = "email_change"
)

// EmailMessage is a rendered multipart (text + HTML) email.
type EmailMessage struct {
	Kind        string // EmailVerification, …; "" for ad-hoc messages
	To          string
	FromName    string
	FromAddress string
	Subject     string
	Text        string
	HTML        string
}

// FromHeader is the `From:` value: "<name> <address>".
func (m EmailMessage) FromHeader() string {
	if m.FromName == "" {
		return m.FromAddress
	}
	return m.FromName + " <" + m.FromAddress + ">"
}

// Mailer delivers email. A returned error fails the request
// (http-api.md §10.6); mailers never retry.
type Mailer interface {
	Send(ctx context.Context, m EmailMessage) error
}
