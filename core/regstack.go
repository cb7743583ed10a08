package regstack

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/message"
	"github.com/regstack/regstack/core/password"
	"github.com/regstack/regstack/core/token"
)

// Options are the parts a host plugs into New. Store is required; the rest
// default to the console mailer, the null SMS sender, the system clock and
// slog.Default().
type Options struct {
	Store  Store
	Mailer Mailer
	SMS    SMSSender
	Clock  Clock
	Logger *slog.Logger
	// Providers are OAuth providers registered before the router is built.
	Providers []OAuthProvider
}

// RegStack is one regstack instance: configuration, stores, key material,
// hashing pool and hooks. Two instances share nothing.
type RegStack struct {
	cfg       config.Config
	store     Store
	mailer    Mailer
	sms       SMSSender
	clock     Clock
	logger    *slog.Logger
	tokens    *token.Codec
	passwords *password.Pool
	messages  *message.Renderer
	hooks     *Hooks
	providers map[string]OAuthProvider
}

var errNotImplemented = errors.New("regstack: not implemented yet")

// New validates the start-up rules of config.md §7 (jwt_secret length,
// algorithm, …) and builds an instance. It does not install the schema:
// call InstallSchema.
func New(cfg config.Config, opts Options) (*RegStack, error) {
	return nil, errNotImplemented
}

// Config returns the instance's configuration (a copy).
func (rs *RegStack) Config() config.Config { return rs.cfg }

// Store returns the instance's store.
func (rs *RegStack) Store() Store { return rs.store }

// Clock returns the instance's clock.
func (rs *RegStack) Clock() Clock { return rs.clock }

// Logger returns the instance's logger.
func (rs *RegStack) Logger() *slog.Logger { return rs.logger }

// On registers a hook handler (domain.md §11).
func (rs *RegStack) On(event string, h Handler) { rs.hooks.On(event, h) }

// Fire fires a host-defined event through the instance's bus.
func (rs *RegStack) Fire(ctx context.Context, e Event) { rs.hooks.Fire(ctx, e) }

// InstallSchema brings the store's schema to head.
func (rs *RegStack) InstallSchema(ctx context.Context) error { return rs.store.InstallSchema(ctx) }

// Close releases the store.
func (rs *RegStack) Close() error { return rs.store.Close() }

// ProviderNames lists the registered OAuth providers, sorted.
func (rs *RegStack) ProviderNames() []string { return nil }

// Session is a minted session token (http-api.md §2.2).
type Session struct {
	AccessToken string
	ExpiresIn   int // seconds
}

// Principal is an authenticated caller: the user and its session token's claims.
type Principal struct {
	User  *User
	Token token.Claims
}

// RegisterInput is a registration request. Email need not be normalised.
type RegisterInput struct {
	Email    string
	Password string
	FullName *string
}

// RegisterResult is either a pending registration (verification on) or the
// created user (verification off).
type RegisterResult struct {
	PendingEmail     string
	PendingExpiresAt time.Time
	User             *User
}

// LoginInput is a password sign-in. IP is recorded with a failure ("" = none).
type LoginInput struct {
	Email    string
	Password string
	IP       string
}

// LoginResult is a session, or (MFAPendingToken != "") an MFA challenge.
type LoginResult struct {
	Session         Session
	MFAPendingToken string
	MFAExpiresIn    int
}

// ProfileUpdate is PATCH /me: FullNameSet false = no change; FullName nil = clear.
type ProfileUpdate struct {
	FullNameSet bool
	FullName    *string
}
