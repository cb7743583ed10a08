package smtp_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// slack is how much later than its timeout a send may return: scheduling
// under -race on a busy two-core machine, not work the mailer does.
const slack = 1500 * time.Millisecond

func TestSendIsBoundedByTheTimeout(t *testing.T) {
	tests := []struct {
		name    string
		serve   func(net.Conn)
		mode    string
		timeout time.Duration
	}{
		{name: "a server that accepts and never greets", serve: holdSilent, mode: "none", timeout: 500 * time.Millisecond},
		{name: "a server that greets and then never answers", serve: greetThenSilent, mode: "starttls", timeout: 500 * time.Millisecond},
		{name: "a server that never answers the TLS handshake", serve: holdSilent, mode: "implicit", timeout: 500 * time.Millisecond},
		{name: "a server that answers every line just within the timeout", serve: slowSMTP(300 * time.Millisecond), mode: "none", timeout: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name+" cannot hold a send past it", func(t *testing.T) {
			t.Parallel()
			f := startFake(t, tt.serve)
			m := mailerForFake(t, f, tt.mode, tt.timeout.Seconds())
			start := time.Now()
			err := m.Send(t.Context(), sampleMessage(t))
			took := time.Since(start)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Send = %v, want an error wrapping context.DeadlineExceeded", err)
			}
			if took > tt.timeout+slack {
				t.Fatalf("Send returned after %s, want at most the %s timeout (+%s slack)", took, tt.timeout, slack)
			}
		})
	}

	t.Run("a caller's cancelled context ends a stalled send at once", func(t *testing.T) {
		t.Parallel()
		f := startFake(t, holdSilent)
		m := mailerForFake(t, f, "none", 30)
		ctx, cancel := context.WithCancel(t.Context())
		const after = 200 * time.Millisecond
		time.AfterFunc(after, cancel)
		start := time.Now()
		err := m.Send(ctx, sampleMessage(t))
		took := time.Since(start)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Send = %v, want an error wrapping context.Canceled", err)
		}
		if took > after+slack {
			t.Fatalf("Send returned %s after the cancel, want it at once", took-after)
		}
	})
}
