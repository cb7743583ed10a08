package regstack_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/message"
)

const link = "https://app.example.com/account/verify?token=abc.def-ghi"

func verificationEmail() regstack.EmailMessage {
	return regstack.EmailMessage{
		Kind:        regstack.EmailVerification,
		To:          "ada@example.com",
		FromName:    "Acme",
		FromAddress: "noreply@example.com",
		Subject:     "Confirm your Acme account",
		Text:        "Hi Ada,\n\nPlease confirm:\n\n  " + link + "\n\nBye.\n",
		HTML:        "<p>Hi Ada,</p>",
	}
}

const headerLine = `level=INFO msg="[regstack/console-email] To: ada@example.com | From: Acme <noreply@example.com> | Subject: Confirm your Acme account"`

func bodyLines(level string) []string {
	return []string{
		`level=` + level + ` msg="[regstack/console-email] text body:"`,
		`level=` + level + ` msg="Hi Ada,"`,
		`level=` + level + ` msg=""`,
		`level=` + level + ` msg="Please confirm:"`,
		`level=` + level + ` msg=""`,
		`level=` + level + ` msg="  ` + link + `"`,
		`level=` + level + ` msg=""`,
		`level=` + level + ` msg=Bye.`,
	}
}

func TestMailerLogs(t *testing.T) {
	tests := []struct {
		name      string
		logBodies bool
		handler   slog.Level
		want      []string
	}{
		{"with log_bodies the body follows the header at INFO", true, slog.LevelInfo, append([]string{headerLine}, bodyLines("INFO")...)},
		{"without log_bodies an INFO log has only the header", false, slog.LevelInfo, []string{headerLine}},
		{"without log_bodies the body is logged at DEBUG", false, slog.LevelDebug, append([]string{headerLine}, bodyLines("DEBUG")...)},
		{"with log_bodies a WARN log has nothing", true, slog.LevelWarn, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, buf := captureLog(t, tt.handler)
			m := regstack.NewConsoleMailer(logger, tt.logBodies)
			if err := m.Send(context.Background(), verificationEmail()); err != nil {
				t.Fatal(err)
			}
			if got := lines(buf); !slices.Equal(got, tt.want) {
				t.Errorf("log lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if got := m.Sent(); len(got) != 1 || got[0] != verificationEmail() {
				t.Errorf("Sent() = %+v, want the one message", got)
			}
		})
	}
}

func TestMailerLogsFromAddressAloneWithoutFromName(t *testing.T) {
	logger, buf := captureLog(t, slog.LevelInfo)
	msg := verificationEmail()
	msg.FromName = ""
	if err := regstack.NewConsoleMailer(logger, false).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	want := `level=INFO msg="[regstack/console-email] To: ada@example.com | From: noreply@example.com | Subject: Confirm your Acme account"`
	if got := lines(buf); !slices.Equal(got, []string{want}) {
		t.Errorf("log = %q, want %q", got, want)
	}
}

func TestMailerSplitsCRLFBodies(t *testing.T) {
	logger, buf := captureLog(t, slog.LevelInfo)
	msg := verificationEmail()
	msg.Text = "Hi,\r\n\r\n  " + link + "\r\n"
	if err := regstack.NewConsoleMailer(logger, true).Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	want := []string{
		headerLine,
		`level=INFO msg="[regstack/console-email] text body:"`,
		`level=INFO msg=Hi,`,
		`level=INFO msg=""`,
		`level=INFO msg="  ` + link + `"`,
	}
	if got := lines(buf); !slices.Equal(got, want) {
		t.Errorf("log lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMailerRefusesHeaderInjection(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*regstack.EmailMessage)
	}{
		{"a line break in the recipient", func(m *regstack.EmailMessage) { m.To = "ada@example.com\r\nBcc: eve@example.com" }},
		{"a line break in the sender name", func(m *regstack.EmailMessage) { m.FromName = "Acme\nBcc: eve@example.com" }},
		{"a control character in the sender address", func(m *regstack.EmailMessage) { m.FromAddress = "noreply@example.com\x00" }},
		{"a line break in the subject", func(m *regstack.EmailMessage) { m.Subject = "Hi\rBcc: eve@example.com" }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			logger, buf := captureLog(t, slog.LevelDebug)
			m := regstack.NewConsoleMailer(logger, true)
			msg := verificationEmail()
			tt.modify(&msg)
			err := m.Send(context.Background(), msg)
			if !errors.Is(err, message.ErrHeaderInjection) {
				t.Fatalf("Send = %v, want ErrHeaderInjection", err)
			}
			if buf.Len() != 0 {
				t.Errorf("a refused message was logged: %s", buf)
			}
			if len(m.Sent()) != 0 {
				t.Error("a refused message was kept")
			}
		})
	}
}

func TestMailerSentIsACopy(t *testing.T) {
	m := regstack.NewConsoleMailer(nil, false)
	if err := m.Send(context.Background(), verificationEmail()); err != nil {
		t.Fatal(err)
	}
	got := m.Sent()
	got[0].To = "changed@example.com"
	if m.Sent()[0].To != "ada@example.com" {
		t.Error("changing the result of Sent changed the kept message")
	}
}

func TestMailerIsSafeForConcurrentUse(t *testing.T) {
	logger, _ := captureLog(t, slog.LevelDebug)
	m := regstack.NewConsoleMailer(logger, true)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				if err := m.Send(context.Background(), verificationEmail()); err != nil {
					t.Error(err)
				}
				_ = m.Sent()
			}
		})
	}
	wg.Wait()
	if n := len(m.Sent()); n != 80 {
		t.Errorf("kept %d messages, want 80", n)
	}
}
