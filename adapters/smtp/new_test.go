package smtp_test

import (
	"strings"
	"testing"

	"github.com/regstack/regstack/adapters/smtp"
	"github.com/regstack/regstack/core/config"
)

func TestNewRefusesAnUnusableConfiguration(t *testing.T) {
	tests := []struct {
		name   string
		change func(*config.EmailConfig)
		want   string // in the error
	}{
		{name: "no smtp_host", change: func(c *config.EmailConfig) { c.SMTPHost = nil }, want: "smtp_host is required"},
		{name: "an empty smtp_host", change: func(c *config.EmailConfig) { c.SMTPHost = ptr("") }, want: "smtp_host is required"},
		{name: "a port out of range", change: func(c *config.EmailConfig) { c.SMTPPort = 70000 }, want: "smtp_port"},
		{name: "a zero timeout", change: func(c *config.EmailConfig) { c.SMTPTimeoutSeconds = 0 }, want: "smtp_timeout_seconds"},
		{name: "an unknown smtp_tls", change: func(c *config.EmailConfig) { c.SMTPTLS = ptr("ssl") }, want: "smtp_tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default().Email
			cfg.SMTPHost = ptr("mail.example.com")
			tt.change(&cfg)
			_, err := smtp.New(cfg, "RegStack", nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error naming %q", err, tt.want)
			}
		})
	}

	t.Run("a complete configuration builds without connecting", func(t *testing.T) {
		cfg := config.Default().Email
		cfg.SMTPHost = ptr("mail.invalid")
		if _, err := smtp.New(cfg, "RegStack", nil); err != nil {
			t.Fatalf("New = %v, want a mailer (New must not connect)", err)
		}
	})
}
