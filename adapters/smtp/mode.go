package smtp

import (
	"fmt"

	"github.com/regstack/regstack/core/config"
)

// Mode is how a connection is secured (email.smtp_tls).
type Mode string

// The values of email.smtp_tls.
const (
	// ModeNone speaks SMTP in the clear.
	ModeNone Mode = "none"
	// ModeStartTLS upgrades the connection with STARTTLS and fails when
	// the server does not offer it: a downgrade must not go unnoticed.
	ModeStartTLS Mode = "starttls"
	// ModeImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	ModeImplicit Mode = "implicit"
)

// implicitTLSPort is the SMTPS port, implicit TLS when email.smtp_tls is
// unset (config.md §5).
const implicitTLSPort = 465

// ModeOf is the mode cfg asks for: email.smtp_tls when set; otherwise
// implicit TLS on port 465, and elsewhere STARTTLS or none as
// email.smtp_starttls says (config.md §2.13).
func ModeOf(cfg config.EmailConfig) (Mode, error) {
	if cfg.SMTPTLS != nil {
		switch m := Mode(*cfg.SMTPTLS); m {
		case ModeNone, ModeStartTLS, ModeImplicit:
			return m, nil
		default:
			return "", fmt.Errorf("smtp: email.smtp_tls = %q: want starttls, implicit or none", *cfg.SMTPTLS)
		}
	}
	switch {
	case cfg.SMTPPort == implicitTLSPort:
		return ModeImplicit, nil
	case cfg.SMTPStartTLS:
		return ModeStartTLS, nil
	default:
		return ModeNone, nil
	}
}
