package twilio

import (
	"log/slog"
	"time"
)

const (
	// defaultBaseURL is Twilio's REST API.
	defaultBaseURL = "https://api.twilio.com"
	// defaultTimeout bounds one Send: a slow Twilio must not hold a
	// request (http-api.md §10.6) for longer than this.
	defaultTimeout = 10 * time.Second
)

// Option adjusts a Sender beyond what the [sms] table configures.
type Option func(*options)

type options struct {
	baseURL string
	timeout time.Duration
	logger  *slog.Logger
}

// WithBaseURL sends the API calls to url (scheme, host and port, no
// trailing slash) instead of https://api.twilio.com; tests point it at a
// fake.
func WithBaseURL(url string) Option {
	return func(o *options) { o.baseURL = url }
}

// WithTimeout bounds each Send to d instead of 10 seconds.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// WithLogger logs each accepted message's Twilio SID and status at DEBUG.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}
