package cli

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func TestValidateLogMessage(t *testing.T) {
	tests := []struct {
		name string
		line string
		want string
	}{
		{"a JSON slog line gives its msg", `{"time":"t","level":"INFO","msg":"  http://h/verify?token=a\u0026b","x":1}`, "  http://h/verify?token=a&b"},
		{"a quoted logfmt msg is unquoted", `time=t level=INFO msg="[regstack/console-email] To: a@b.example | From: \"X\" <n@x>"`, `[regstack/console-email] To: a@b.example | From: "X" <n@x>`},
		{"a bare logfmt msg ends at the next space", `time=t level=INFO msg=stopped pid=3`, "stopped"},
		{"a plain line is its own message", `INFO regstack: [regstack/null-sms] To: +1 | Body: x`, `INFO regstack: [regstack/null-sms] To: +1 | Body: x`},
		{"JSON without msg is taken as it is", `{"level":"INFO"}`, `{"level":"INFO"}`},
		{"msg= inside a word is not a key", `xmsg=foo bar`, `xmsg=foo bar`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logMessage(tt.line); got != tt.want {
				t.Errorf("logMessage(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// mailLog is what the console mailer writes for msgs through a handler.
func mailLog(t *testing.T, handler func(*bytes.Buffer) slog.Handler, msgs ...regstack.EmailMessage) []string {
	t.Helper()
	var b bytes.Buffer
	m := regstack.NewConsoleMailer(slog.New(handler(&b)), true)
	for _, msg := range msgs {
		if err := m.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Split(strings.TrimSpace(b.String()), "\n")
}

func TestValidateLinksFromTheConsoleMailer(t *testing.T) {
	other := regstack.EmailMessage{To: "someone@example.com", FromAddress: "n@example.com", Subject: "Reset",
		Text: "Hi,\n\n  https://app.example/account/reset-password?token=THEIRS\n"}
	mine := regstack.EmailMessage{To: "validate-1@regstack-probe.example", FromAddress: "n@example.com", Subject: "Reset",
		Text: "Hi,\n\n  https://app.example/account/reset-password?token=MINE.x-y_z%2B\n\nBye\n"}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"JSON":   func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"logfmt": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	}
	for name, h := range handlers {
		t.Run("the probe's own link is taken and another user's ignored ("+name+")", func(t *testing.T) {
			tail := newLogTail("test", time.Second, nil)
			for _, l := range mailLog(t, h, other, mine) {
				tail.push(l)
			}
			link, err := tail.expect(t.Context(), "password-reset URL", linkFor("/reset-password", "Validate-1@regstack-probe.example"))
			if err != nil {
				t.Fatal(err)
			}
			tok, ok := tokenFromURL(link)
			if !ok || tok != "MINE.x-y_z+" {
				t.Fatalf("token = %q (from %q), want the decoded MINE.x-y_z+", tok, link)
			}
		})
	}

	t.Run("a link for another flow is not taken", func(t *testing.T) {
		match := linkFor("/verify", "a@example.com")
		if _, ok := match("https://h/account/reset-password?token=x", "a@example.com"); ok {
			t.Error("a reset link was taken as a verification link")
		}
		if got, ok := match("see https://h/account/verify?token=abc> now", ""); !ok || got != "https://h/account/verify?token=abc" {
			t.Errorf("got %q, %v; a log without recipients is trusted", got, ok)
		}
	})
}

func TestValidateCodesFromTheNullSMSSender(t *testing.T) {
	var b bytes.Buffer
	sms := regstack.NewNullSMS(slog.New(slog.NewTextHandler(&b, nil)), true)
	for _, m := range []regstack.SMSMessage{
		{To: "+15550000001", Body: "App sign-in code: 111111. It expires in 5 minutes."},
		{To: "+15550000002", Body: "App verification code: 222222. It expires in 5 minutes."},
		{To: "+15550000002", Body: "App sign-in code: 333333. It expires in 5 minutes."},
	} {
		if err := sms.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	tail := newLogTail("test", time.Second, nil)
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		tail.push(l)
	}
	got, err := tail.expect(t.Context(), "setup code", codeFor(setupCodeRE, "+15550000002"))
	if err != nil || got != "222222" {
		t.Fatalf("setup code = %q, %v; want 222222", got, err)
	}
	got, err = tail.expect(t.Context(), "sign-in code", codeFor(signInCodeRE, "+15550000002"))
	if err != nil || got != "333333" {
		t.Fatalf("sign-in code = %q, %v; want 333333 (111111 was sent to another phone)", got, err)
	}
}

func TestValidateRedaction(t *testing.T) {
	for line, want := range map[string]string{
		`msg="  http://h/verify?token=s3cret&x=1"`:                           `msg="  http://h/verify?token=***&x=1"`,
		`msg="[regstack/null-sms] To: +1 | Body: App sign-in code: 123456."`: `msg="[regstack/null-sms] To: +1 | Body: App sign-in code: ***."`,
	} {
		if got := redactLine(line); got != want {
			t.Errorf("redactLine(%q) = %q, want %q", line, got, want)
		}
	}
	got := preview([]byte(`{"access_token":"eyJ.secret","token_type":"bearer"}`))
	if strings.Contains(got, "eyJ") || !strings.Contains(got, `"access_token":"***"`) {
		t.Errorf("preview = %q, want the token masked", got)
	}
	if got := preview([]byte(strings.Repeat("é", 300))); got != strings.Repeat("é", 200) {
		t.Errorf("preview keeps %d characters, want 200", len([]rune(got)))
	}
}
