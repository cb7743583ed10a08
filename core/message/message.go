// Package message renders the email and SMS texts of ui.md §11–12 from
// templates: bundled ones, overridable by name from host template
// directories (extra_template_dirs).
package message

// EmailData is the context of an email template.
type EmailData struct {
	AppName    string
	FullName   string
	URL        string
	TTLMinutes int
	TTLHours   int
}

// SMSData is the context of an SMS template.
type SMSData struct {
	AppName    string
	Code       string
	TTLMinutes int
}

// Renderer renders messages; safe for concurrent use.
type Renderer struct{}

// NewRenderer parses the bundled templates, overridden by files of the same
// name in extraDirs (first directory wins).
func NewRenderer(extraDirs []string) (*Renderer, error) { panic("unimplemented") }

// Email renders kind (verification, password_reset, email_change): the
// subject (trimmed, CR/LF stripped), the text body and the HTML body.
func (r *Renderer) Email(kind string, d EmailData) (subject, text, html string, err error) {
	panic("unimplemented")
}

// SMS renders kind (login_mfa, phone_setup), trimmed.
func (r *Renderer) SMS(kind string, d SMSData) (string, error) { panic("unimplemented") }
