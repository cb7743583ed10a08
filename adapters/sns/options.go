package sns

import (
	"log/slog"
	"time"
)

// defaultTimeout bounds one Send: a slow SNS must not hold a request
// (http-api.md §10.6) for longer than this.
const defaultTimeout = 10 * time.Second

// Option adjusts a Sender beyond what the [sms] table configures.
type Option func(*options)

type options struct {
	baseEndpoint string
	timeout      time.Duration
	logger       *slog.Logger
}

// WithBaseEndpoint sends the SNS API calls to url (scheme, host and port)
// instead of the regional AWS endpoint; tests point it at a fake.
func WithBaseEndpoint(url string) Option {
	return func(o *options) { o.baseEndpoint = url }
}

// WithTimeout bounds each Send to d instead of 10 seconds.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// WithLogger logs each accepted message's SNS message id at DEBUG.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}
