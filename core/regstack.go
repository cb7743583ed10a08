package regstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	// resetPad pads ForgotPassword's no-account branch (see there).
	resetPad latencyPad
	// resendPad and emailChangePad pad the branches of ResendVerification
	// and ChangeEmail that send nothing, for the same reason.
	resendPad      latencyPad
	emailChangePad latencyPad
}

// New validates the start-up rules of config.md §7 that the core depends
// on (jwt_secret, jwt_algorithm, transport, hashing and code parameters)
// and builds an instance. It does not install the schema: call
// InstallSchema. Options.Store is required.
func New(cfg config.Config, opts Options) (*RegStack, error) {
	if opts.Store == nil {
		return nil, errors.New("regstack: Options.Store is required")
	}
	if err := checkStartup(&cfg); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	clock := opts.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	codec, err := token.NewCodec(cfg.JWTSecret, cfg.JWTAlgorithm, cfg.JWTAudience, clock)
	if err != nil {
		// The codec's error names the rule broken, never the secret.
		return nil, fmt.Errorf("regstack: jwt_secret / jwt_algorithm: %w", err)
	}
	renderer, err := message.NewRenderer(cfg.ExtraTemplateDirs)
	if err != nil {
		return nil, fmt.Errorf("regstack: extra_template_dirs: %w", err)
	}
	params := password.DefaultParams()
	params.MemoryKiB = uint32(cfg.Argon2MemoryKiB)
	params.Iterations = uint32(cfg.Argon2Iterations)
	params.Parallelism = uint8(cfg.Argon2Parallelism)
	if err := params.Validate(); err != nil {
		return nil, fmt.Errorf("regstack: argon2_memory_kib / argon2_iterations / argon2_parallelism: %w", err)
	}
	wait := time.Duration(cfg.PasswordHashWaitSeconds * float64(time.Second))

	rs := &RegStack{
		cfg:       cfg,
		store:     opts.Store,
		mailer:    opts.Mailer,
		sms:       opts.SMS,
		clock:     clock,
		logger:    logger,
		tokens:    codec,
		passwords: password.NewPool(params, cfg.PasswordHashWorkers, wait),
		messages:  renderer,
		hooks:     NewHooks(logger, time.Duration(cfg.HookTimeoutSeconds)*time.Second),
		providers: make(map[string]OAuthProvider, len(opts.Providers)),
	}
	if rs.mailer == nil {
		rs.mailer = NewConsoleMailer(logger, flagSet(cfg.Email.LogBodies))
	}
	if rs.sms == nil {
		rs.sms = NewNullSMS(logger, flagSet(cfg.SMS.LogBodies))
	}
	for _, p := range opts.Providers {
		name := p.Name()
		if name == "" {
			return nil, errors.New("regstack: an OAuth provider has an empty name")
		}
		if _, dup := rs.providers[name]; dup {
			return nil, fmt.Errorf("regstack: OAuth provider %q registered twice", name)
		}
		rs.providers[name] = p
	}
	return rs, nil
}

// flagSet reads an optional boolean key whose unset value means false.
func flagSet(b *bool) bool { return b != nil && *b }

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
func (rs *RegStack) ProviderNames() []string {
	names := make([]string, 0, len(rs.providers))
	for n := range rs.providers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

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
