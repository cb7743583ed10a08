package regstack

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/regstack/regstack/core/message"
)

// emailMarker starts every console-email log line; `regstack validate`
// scrapes the lines after it for links (ui.md §11, cli.md §6).
const emailMarker = "[regstack/console-email]"

// ConsoleMailer is the `console` email backend (ui.md §11).
type ConsoleMailer struct {
	logger    *slog.Logger
	bodyLevel slog.Level

	mu   sync.Mutex
	sent []EmailMessage
}

// NewConsoleMailer logs to logger; logBodies puts the text body at INFO, else
// DEBUG. A nil logger discards the log lines but still keeps messages.
func NewConsoleMailer(logger *slog.Logger, logBodies bool) *ConsoleMailer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	level := slog.LevelDebug
	if logBodies {
		level = slog.LevelInfo
	}
	return &ConsoleMailer{logger: logger, bodyLevel: level}
}

// Send logs msg and keeps it. A recipient, sender or subject holding a
// control character is refused (config.md §5) and neither logged nor kept.
func (m *ConsoleMailer) Send(ctx context.Context, msg EmailMessage) error {
	if err := message.CheckHeaderValues(msg.To, msg.FromName, msg.FromAddress, msg.Subject); err != nil {
		return fmt.Errorf("console mailer: %w", err)
	}
	m.mu.Lock()
	m.sent = append(m.sent, msg)
	m.mu.Unlock()

	m.logger.InfoContext(ctx, fmt.Sprintf("%s To: %s | From: %s | Subject: %s",
		emailMarker, msg.To, msg.FromHeader(), msg.Subject))
	if !m.logger.Enabled(ctx, m.bodyLevel) {
		return nil
	}
	m.logger.Log(ctx, m.bodyLevel, emailMarker+" text body:")
	// One record per line, so the link ends up alone on an output line
	// whatever the handler does with newlines inside a message.
	body := strings.TrimRight(msg.Text, "\r\n")
	for line := range strings.SplitSeq(body, "\n") {
		m.logger.Log(ctx, m.bodyLevel, strings.TrimSuffix(line, "\r"))
	}
	return nil
}

// Sent returns a copy of the messages sent so far.
func (m *ConsoleMailer) Sent() []EmailMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.sent)
}
