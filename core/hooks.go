package regstack

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Event names fired by regstack (domain.md §11.2). Hosts may fire their own.
const (
	EventUserRegistered         = "user_registered"
	EventVerificationRequested  = "verification_requested"
	EventUserVerified           = "user_verified"
	EventUserLoggedIn           = "user_logged_in"
	EventUserLoggedOut          = "user_logged_out"
	EventMFALoginStarted        = "mfa_login_started"
	EventPasswordResetRequested = "password_reset_requested"
	EventPasswordResetCompleted = "password_reset_completed"
	EventPasswordChanged        = "password_changed"
	EventEmailChangeRequested   = "email_change_requested"
	EventEmailChanged           = "email_changed"
	EventPhoneSetupStarted      = "phone_setup_started"
	EventMFAEnabled             = "mfa_enabled"
	EventPhoneSetupDisabled     = "phone_setup_disabled"
	EventMFADisabled            = "mfa_disabled"
	EventUserDeleted            = "user_deleted"
	EventOAuthSigninStarted     = "oauth_signin_started"
	EventOAuthSigninCompleted   = "oauth_signin_completed"
	EventOAuthAccountLinked     = "oauth_account_linked"
	EventOAuthAccountUnlinked   = "oauth_account_unlinked"
)

// Event is the payload of a hook. Only the fields its name lists in
// domain.md §11.2 are set. No event ever carries a one-time code; URL
// carries a live token, so handlers log only URLWithoutToken.
type Event struct {
	Name string
	// User is a snapshot taken by the use case. It includes the password
	// hash: treat it as sensitive.
	User            *User
	Email           string
	URL             string
	URLWithoutToken string
	NewEmail        string
	PreviousEmail   string
	Phone           string
	Provider        string
	Mode            string
	WasNew          bool
	MFARequired     bool
}

// Handler handles one event. A returned error or a panic is logged and
// swallowed: hooks never change a response.
type Handler func(ctx context.Context, e Event) error

// Hooks is one instance's event bus. Two instances share nothing.
type Hooks struct {
	mu       sync.RWMutex
	handlers map[string][]Handler
	timeout  time.Duration
	logger   *slog.Logger
}

// NewHooks returns an empty bus. timeout bounds each handler (0 = none).
func NewHooks(logger *slog.Logger, timeout time.Duration) *Hooks {
	if logger == nil {
		logger = slog.Default()
	}
	return &Hooks{handlers: map[string][]Handler{}, timeout: timeout, logger: logger}
}

// On registers h for event; handlers of one event keep registration order.
func (b *Hooks) On(event string, h Handler) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.handlers[event] = append(b.handlers[event], h)
}

// Fire runs every handler of e.Name concurrently and returns when all have
// finished or, with a timeout configured, when the timeout has passed for
// the slow ones (which keep running detached from the request).
func (b *Hooks) Fire(ctx context.Context, e Event) {
	b.mu.RLock()
	hs := append([]Handler(nil), b.handlers[e.Name]...)
	b.mu.RUnlock()
	if len(hs) == 0 {
		return
	}
	// Handlers outlive neither the timeout nor a cancelled request's
	// values, but must not be cut short by the client going away.
	hctx := context.WithoutCancel(ctx)
	var cancel context.CancelFunc = func() {}
	if b.timeout > 0 {
		hctx, cancel = context.WithTimeout(hctx, b.timeout)
	}
	defer cancel()
	var wg sync.WaitGroup
	done := make(chan struct{})
	for _, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.run(hctx, h, e)
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-hctx.Done():
		b.logger.WarnContext(ctx, "hook handler timed out", "event", e.Name, "timeout", b.timeout)
	}
}

func (b *Hooks) run(ctx context.Context, h Handler, e Event) {
	defer func() {
		if r := recover(); r != nil {
			b.logger.ErrorContext(ctx, "hook handler panicked", "event", e.Name, "panic", fmt.Sprint(r))
		}
	}()
	if err := h(ctx, e); err != nil {
		b.logger.ErrorContext(ctx, "hook handler failed", "event", e.Name, "err", err)
	}
}
