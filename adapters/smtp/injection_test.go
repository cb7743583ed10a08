package smtp_test

import (
	"errors"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/message"
)

func TestSendRefusesHeaderInjection(t *testing.T) {
	tests := []struct {
		name   string
		change func(*regstack.EmailMessage)
	}{
		{name: "a recipient carrying an extra Bcc line", change: func(m *regstack.EmailMessage) { m.To = "ada@example.com\r\nBcc: evil@example.com" }},
		{name: "a recipient with a bare LF", change: func(m *regstack.EmailMessage) { m.To = "ada@example.com\nBcc: evil@example.com" }},
		{name: "a sender name carrying a header line", change: func(m *regstack.EmailMessage) { m.FromName = "RegStack\r\nBcc: evil@example.com" }},
		{name: "a sender address with a bare CR", change: func(m *regstack.EmailMessage) { m.FromAddress = "noreply@example.com\rBcc: evil@example.com" }},
		{name: "a subject carrying a header line", change: func(m *regstack.EmailMessage) { m.Subject = "Hello\r\nBcc: evil@example.com" }},
		{name: "a subject holding a NUL", change: func(m *regstack.EmailMessage) { m.Subject = "Hello\x00" }},
		{name: "a subject holding DEL", change: func(m *regstack.EmailMessage) { m.Subject = "Hello\x7f" }},
	}
	f := startFake(t, greetThenSilent)
	m := mailerForFake(t, f, "none", 5)
	for _, tt := range tests {
		t.Run(tt.name+" is refused before connecting", func(t *testing.T) {
			msg := sampleMessage(t)
			tt.change(&msg)
			err := m.Send(t.Context(), msg)
			if !errors.Is(err, message.ErrHeaderInjection) {
				t.Fatalf("Send = %v, want an error wrapping message.ErrHeaderInjection", err)
			}
		})
	}
	if n := f.acceptedSoFar(t); n != 0 {
		t.Fatalf("the mailer opened %d connections for messages it refused, want none", n)
	}
}
