package regstack_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	regstack "github.com/regstack/regstack/core"
)

const code = "042917"

func TestNullSMSLogs(t *testing.T) {
	body := "Acme sign-in code: " + code + ". Expires in 5 minutes. If you didn't try to sign in, ignore this message."
	tests := []struct {
		name      string
		logBodies bool
		from      string
		want      string
	}{
		{
			"with log_bodies the body is logged", true, "+15550100",
			`level=INFO msg="[regstack/null-sms] To: +447700900123 | From: +15550100 | Body: ` + body + `"`,
		},
		{
			"without log_bodies the body is suppressed", false, "+15550100",
			`level=INFO msg="[regstack/null-sms] To: +447700900123 | From: +15550100 | (body suppressed)"`,
		},
		{
			"an unset sender reads (unset)", false, "",
			`level=INFO msg="[regstack/null-sms] To: +447700900123 | From: (unset) | (body suppressed)"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// DEBUG captures everything, so a code hidden at a lower
			// level would still show up here.
			logger, buf := captureLog(t, slog.LevelDebug)
			s := regstack.NewNullSMS(logger, tt.logBodies)
			msg := regstack.SMSMessage{To: "+447700900123", From: tt.from, Body: body}
			if err := s.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			if got := lines(buf); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("log = %q, want %q", got, tt.want)
			}
			if strings.Contains(buf.String(), code) != tt.logBodies {
				t.Errorf("code in log = %v, want %v", !tt.logBodies, tt.logBodies)
			}
			if got := s.Sent(); len(got) != 1 || got[0] != msg {
				t.Errorf("Sent() = %+v, want the one message", got)
			}
		})
	}
}

func TestNullSMSSentIsACopy(t *testing.T) {
	s := regstack.NewNullSMS(nil, false)
	if err := s.Send(context.Background(), regstack.SMSMessage{To: "+15550100", Body: code}); err != nil {
		t.Fatal(err)
	}
	got := s.Sent()
	got[0].Body = "changed"
	if s.Sent()[0].Body != code {
		t.Error("changing the result of Sent changed the kept message")
	}
}

func TestNullSMSIsSafeForConcurrentUse(t *testing.T) {
	logger, _ := captureLog(t, slog.LevelDebug)
	s := regstack.NewNullSMS(logger, true)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				if err := s.Send(context.Background(), regstack.SMSMessage{To: "+15550100", Body: code}); err != nil {
					t.Error(err)
				}
				_ = s.Sent()
			}
		})
	}
	wg.Wait()
	if n := len(s.Sent()); n != 80 {
		t.Errorf("kept %d messages, want 80", n)
	}
}
