package mongo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func init() {
	regstack.RegisterStore("mongodb", Open)
	regstack.RegisterStore("mongodb+srv", Open)
}

// defaultLockoutWindow is login_lockout_window_seconds' default, used for
// the login_attempts TTL when the options leave the window unset.
const defaultLockoutWindow = 900 * time.Second

// closeTimeout bounds how long Close waits for in-flight operations.
const closeTimeout = 10 * time.Second

// Store is the MongoDB regstack.Store. It holds one client, whose pool
// the URL configures (maxPoolSize, minPoolSize, maxIdleTimeMS, …).
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	names  regstack.Collections
	clock  regstack.Clock
	logger *slog.Logger
	window time.Duration

	users, pending, blacklist, attempts, codes, identities, states *mongo.Collection
	// completions holds one marker per completed OAuth state (see
	// oauthStates.Complete); its name is the states collection's plus
	// ".completions".
	completions *mongo.Collection
}

var _ regstack.Store = (*Store)(nil)

// Open connects to the MongoDB server of a mongodb:// or mongodb+srv://
// URL (config.md §4). The database is the URL's path, else
// opts.MongoDatabase; with neither Open fails with config.md §7's message.
// Open does not wait for the server: the first operation (InstallSchema,
// at start-up) does. Call InstallSchema before use.
func Open(_ context.Context, rawURL string, opts regstack.StoreOptions) (regstack.Store, error) {
	loc, err := parseURL(rawURL, opts.MongoDatabase)
	if err != nil {
		return nil, err
	}
	client, err := mongo.Connect(options.Client().ApplyURI(loc.uri))
	if err != nil {
		return nil, fmt.Errorf("mongo: %w", loc.scrub(err))
	}
	s := &Store{
		client: client,
		db:     client.Database(loc.database),
		names:  withDefaults(opts.Collections),
		clock:  opts.Clock,
		logger: opts.Logger,
		window: opts.LoginLockoutWindow,
	}
	if s.clock == nil {
		s.clock = regstack.SystemClock{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.window <= 0 {
		s.window = defaultLockoutWindow
	}
	s.users = s.db.Collection(s.names.Users)
	s.pending = s.db.Collection(s.names.Pending)
	s.blacklist = s.db.Collection(s.names.Blacklist)
	s.attempts = s.db.Collection(s.names.LoginAttempts)
	s.codes = s.db.Collection(s.names.MFACodes)
	s.identities = s.db.Collection(s.names.OAuthIdentities)
	s.states = s.db.Collection(s.names.OAuthStates)
	s.completions = s.db.Collection(s.names.OAuthStates + ".completions")
	return s, nil
}

// withDefaults fills every empty collection name with config.md §2.3's.
func withDefaults(c regstack.Collections) regstack.Collections {
	d := regstack.DefaultCollections
	for _, f := range []struct {
		name *string
		def  string
	}{
		{&c.Users, d.Users},
		{&c.Pending, d.Pending},
		{&c.Blacklist, d.Blacklist},
		{&c.LoginAttempts, d.LoginAttempts},
		{&c.MFACodes, d.MFACodes},
		{&c.OAuthIdentities, d.OAuthIdentities},
		{&c.OAuthStates, d.OAuthStates},
	} {
		if *f.name == "" {
			*f.name = f.def
		}
	}
	return c
}

// Users returns the user store.
func (s *Store) Users() regstack.UserStore { return users{s} }

// Pending returns the pending-registration store.
func (s *Store) Pending() regstack.PendingStore { return pending{s} }

// Blacklist returns the revoked-token store.
func (s *Store) Blacklist() regstack.Blacklist { return blacklist{s} }

// LoginAttempts returns the failed-login store.
func (s *Store) LoginAttempts() regstack.LoginAttempts { return loginAttempts{s} }

// MFACodes returns the MFA code store.
func (s *Store) MFACodes() regstack.MFACodes { return mfaCodes{s} }

// OAuthIdentities returns the OAuth identity store.
func (s *Store) OAuthIdentities() regstack.OAuthIdentities { return oauthIdentities{s} }

// OAuthStates returns the OAuth state store.
func (s *Store) OAuthStates() regstack.OAuthStates { return oauthStates{s} }

// Database is the name of the database the store works in.
func (s *Store) Database() string { return s.db.Name() }

// Ping runs the server's ping command (used by `regstack doctor`).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return fmt.Errorf("mongo: ping: %w", err)
	}
	return nil
}

// Close disconnects the client and releases its pool.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongo: close: %w", err)
	}
	return nil
}
