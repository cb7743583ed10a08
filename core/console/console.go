// Package console holds the two delivery backends that never deliver: the
// console mailer and the null SMS sender. They log what they would send
// (bodies only when log_bodies says so) and keep messages in memory.
package console

import (
	"context"
	"log/slog"

	regstack "github.com/regstack/regstack/core"
)

// Mailer is the `console` email backend (ui.md §11).
type Mailer struct{}

// NewMailer logs to logger; logBodies puts the text body at INFO, else DEBUG.
func NewMailer(logger *slog.Logger, logBodies bool) *Mailer { panic("unimplemented") }

// Send logs m and keeps it.
func (m *Mailer) Send(ctx context.Context, msg regstack.EmailMessage) error { panic("unimplemented") }

// Sent returns a copy of the messages sent so far.
func (m *Mailer) Sent() []regstack.EmailMessage { panic("unimplemented") }

// NullSMS is the `null` SMS backend (ui.md §12).
type NullSMS struct{}

// NewNullSMS logs to logger; logBodies logs the body (it holds the code).
func NewNullSMS(logger *slog.Logger, logBodies bool) *NullSMS { panic("unimplemented") }

// Send logs msg and keeps it.
func (s *NullSMS) Send(ctx context.Context, msg regstack.SMSMessage) error { panic("unimplemented") }

// Sent returns a copy of the messages sent so far.
func (s *NullSMS) Sent() []regstack.SMSMessage { panic("unimplemented") }
