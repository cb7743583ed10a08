package regstack

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// Store is one storage backend: the seven stores of domain.md §5 plus the
// backend lifecycle (§5.8).
type Store interface {
	Users() UserStore
	Pending() PendingStore
	Blacklist() Blacklist
	LoginAttempts() LoginAttempts
	MFACodes() MFACodes
	OAuthIdentities() OAuthIdentities
	OAuthStates() OAuthStates

	// InstallSchema brings the schema to head (SQL migrations, Mongo
	// indexes). Idempotent and safe when several processes run it at once.
	InstallSchema(ctx context.Context) error
	Ping(ctx context.Context) error
	Close() error
}

// StoreOptions are what a store needs besides its URL.
type StoreOptions struct {
	// Clock supplies "now" for the writes that record it. Default SystemClock.
	Clock Clock
	// Logger receives the store's own log lines. Default slog.Default().
	Logger *slog.Logger
	// MongoDatabase is the database name when a MongoDB URL has none.
	MongoDatabase string
	// Collections names the MongoDB collections; SQL stores ignore it.
	Collections Collections
	// LoginLockoutWindow is the TTL of login attempts on MongoDB.
	LoginLockoutWindow time.Duration
}

// Collections are the MongoDB collection names (config.md §2.3).
type Collections struct {
	Users, Pending, Blacklist, LoginAttempts, MFACodes, OAuthIdentities, OAuthStates string
}

// DefaultCollections are the names of config.md §2.3.
var DefaultCollections = Collections{
	Users:           "users",
	Pending:         "pending_registrations",
	Blacklist:       "token_blacklist",
	LoginAttempts:   "login_attempts",
	MFACodes:        "mfa_codes",
	OAuthIdentities: "oauth_identities",
	OAuthStates:     "oauth_states",
}

// StoreOpener opens a store for a database URL of its scheme.
type StoreOpener func(ctx context.Context, url string, opts StoreOptions) (Store, error)

// The store registry is written only from adapters' init() and read after,
// like database/sql's driver registry.
var (
	storesMu sync.RWMutex
	stores   = map[string]StoreOpener{}
)

// RegisterStore makes a storage adapter available under a URL scheme such
// as "sqlite" or "postgresql". Adapters call it from init(); registering a
// scheme twice panics.
func RegisterStore(scheme string, open StoreOpener) {
	storesMu.Lock()
	defer storesMu.Unlock()
	scheme = strings.ToLower(scheme)
	if _, dup := stores[scheme]; dup {
		panic("regstack: RegisterStore called twice for scheme " + scheme)
	}
	stores[scheme] = open
}

// StoreSchemes lists the registered URL schemes, sorted.
func StoreSchemes() []string {
	storesMu.RLock()
	defer storesMu.RUnlock()
	out := make([]string, 0, len(stores))
	for s := range stores {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// OpenStore opens the store registered for url's scheme. A "+driver"
// suffix (sqlite+aiosqlite, postgresql+asyncpg) is ignored, so Python
// configuration files keep working. The error never echoes the URL, which
// may carry credentials.
func OpenStore(ctx context.Context, url string, opts StoreOptions) (Store, error) {
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Collections == (Collections{}) {
		opts.Collections = DefaultCollections
	}
	scheme, _, ok := strings.Cut(url, "://")
	if !ok {
		return nil, errUnknownScheme()
	}
	scheme = strings.ToLower(scheme)
	if base, _, found := strings.Cut(scheme, "+"); found {
		scheme = base
	}
	storesMu.RLock()
	open := stores[scheme]
	storesMu.RUnlock()
	if open == nil {
		return nil, errUnknownScheme()
	}
	return open(ctx, url, opts)
}

func errUnknownScheme() error {
	known := StoreSchemes()
	return fmt.Errorf("unrecognised database_url scheme; expected one of: sqlite://, postgresql://, mongodb:// (this build has: %s)", strings.Join(known, ", "))
}
