package message_test

import (
	"testing"

	"github.com/regstack/regstack/core/message"
)

func TestDoctorProbe(t *testing.T) {
	const sentence = "regstack doctor probe — if you can read this, your email backend works."
	tests := []struct {
		name, appName, subject string
	}{
		{"the subject names the app", "Acme", "[Acme] regstack doctor probe"},
		{"line breaks in the app name are stripped from the subject", "Ac\r\nme", "[Acme] regstack doctor probe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject, text, html := message.DoctorProbe(tt.appName)
			if subject != tt.subject {
				t.Errorf("subject = %q, want %q", subject, tt.subject)
			}
			if text != sentence {
				t.Errorf("text = %q, want %q", text, sentence)
			}
			if html != "<p>"+sentence+"</p>" {
				t.Errorf("html = %q", html)
			}
		})
	}
}
