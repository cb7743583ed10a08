package smtp_test

import (
	"testing"

	"github.com/regstack/regstack/adapters/smtp"
	"github.com/regstack/regstack/core/config"
)

func TestModeOf(t *testing.T) {
	tests := []struct {
		name     string
		port     int
		starttls bool
		tls      *string
		want     smtp.Mode
		wantErr  bool
	}{
		{name: "port 587 with smtp_starttls upgrades with STARTTLS", port: 587, starttls: true, want: smtp.ModeStartTLS},
		{name: "port 25 without smtp_starttls stays in the clear", port: 25, starttls: false, want: smtp.ModeNone},
		{name: "port 465 speaks implicit TLS whatever smtp_starttls says", port: 465, starttls: true, want: smtp.ModeImplicit},
		{name: "port 465 without smtp_starttls still speaks implicit TLS", port: 465, starttls: false, want: smtp.ModeImplicit},
		{name: "smtp_tls none wins over port 465", port: 465, starttls: true, tls: ptr("none"), want: smtp.ModeNone},
		{name: "smtp_tls implicit wins over smtp_starttls on another port", port: 2465, starttls: true, tls: ptr("implicit"), want: smtp.ModeImplicit},
		{name: "smtp_tls starttls wins over smtp_starttls = false", port: 25, starttls: false, tls: ptr("starttls"), want: smtp.ModeStartTLS},
		{name: "an unknown smtp_tls is an error", port: 25, tls: ptr("ssl"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default().Email
			cfg.SMTPPort, cfg.SMTPStartTLS, cfg.SMTPTLS = tt.port, tt.starttls, tt.tls
			got, err := smtp.ModeOf(cfg)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ModeOf = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ModeOf = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
