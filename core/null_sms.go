package regstack

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
)

// smsMarker starts every null-SMS log line; `regstack validate` scrapes the
// codes from them when bodies are logged (ui.md §12, cli.md §6).
const smsMarker = "[regstack/null-sms]"

// NullSMS is the `null` SMS backend (ui.md §12).
type NullSMS struct {
	logger    *slog.Logger
	logBodies bool

	mu   sync.Mutex
	sent []SMSMessage
}

// NewNullSMS logs to logger; logBodies logs the body (it holds the code).
// A nil logger discards the log lines but still keeps messages.
func NewNullSMS(logger *slog.Logger, logBodies bool) *NullSMS {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &NullSMS{logger: logger, logBodies: logBodies}
}

// Send logs msg and keeps it. Without logBodies the body is left out of
// the log, because it carries a one-time code.
func (s *NullSMS) Send(ctx context.Context, msg SMSMessage) error {
	s.mu.Lock()
	s.sent = append(s.sent, msg)
	s.mu.Unlock()

	from := msg.From
	if from == "" {
		from = "(unset)"
	}
	body := "(body suppressed)"
	if s.logBodies {
		body = "Body: " + msg.Body
	}
	s.logger.InfoContext(ctx, fmt.Sprintf("%s To: %s | From: %s | %s", smsMarker, msg.To, from, body))
	return nil
}

// Sent returns a copy of the messages sent so far.
func (s *NullSMS) Sent() []SMSMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}
