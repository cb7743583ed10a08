package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
)

// Config is what a dialect module passes to New.
type Config struct {
	// DB runs every write, transaction and migration. On SQLite it should
	// be a single-connection pool: writes serialise in SQLite anyway, and
	// queueing them in Go avoids lock contention between connections.
	DB *bun.DB
	// ReadDB runs plain reads. Nil: DB.
	ReadDB *bun.DB
	// Dialect reads the driver's error codes.
	Dialect Dialect
	// Clock supplies "now". Nil: regstack.SystemClock.
	Clock regstack.Clock
	// Logger receives the store's log lines. Nil: slog.Default().
	Logger *slog.Logger
}

// Store is regstack's storage on one SQL database: the seven stores of
// domain.md §5 and the lifecycle of §5.8. It implements regstack.Store.
type Store struct {
	base
	log *slog.Logger
}

var _ regstack.Store = (*Store)(nil)

// base is what every table's store shares.
type base struct {
	db      *bun.DB // writes
	rdb     *bun.DB // reads
	reads   *statements
	dialect Dialect
	clock   regstack.Clock
}

// New returns a Store over cfg's database. It does not touch the database;
// call InstallSchema before use.
func New(cfg Config) (*Store, error) {
	if cfg.DB == nil {
		return nil, errors.New("sqlstore: Config.DB is nil")
	}
	if err := supported(cfg.DB.Dialect().Name()); err != nil {
		return nil, err
	}
	if cfg.ReadDB == nil {
		cfg.ReadDB = cfg.DB
	}
	if cfg.Clock == nil {
		cfg.Clock = regstack.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Store{
		base: base{db: cfg.DB, rdb: cfg.ReadDB, reads: newStatements(cfg.ReadDB), dialect: cfg.Dialect, clock: cfg.Clock},
		log:  cfg.Logger,
	}, nil
}

// Users returns the user store.
func (s *Store) Users() regstack.UserStore { return users{s.base} }

// Pending returns the pending-registration store.
func (s *Store) Pending() regstack.PendingStore { return pending{s.base} }

// Blacklist returns the token blacklist.
func (s *Store) Blacklist() regstack.Blacklist { return blacklist{s.base} }

// LoginAttempts returns the failed-login store.
func (s *Store) LoginAttempts() regstack.LoginAttempts { return loginAttempts{s.base} }

// MFACodes returns the MFA code store.
func (s *Store) MFACodes() regstack.MFACodes { return mfaCodes{s.base} }

// OAuthIdentities returns the OAuth identity store.
func (s *Store) OAuthIdentities() regstack.OAuthIdentities { return oauthIdentities{s.base} }

// OAuthStates returns the OAuth state store.
func (s *Store) OAuthStates() regstack.OAuthStates { return oauthStates{s.base} }

// InstallSchema migrates the database to HeadRevision (domain.md §4.3).
// Idempotent, and safe when several processes start on one database at
// once: the check and the upgrade happen inside one write lock.
func (s *Store) InstallSchema(ctx context.Context) error {
	return s.Migrate(ctx, HeadRevision)
}

// Migrate migrates the database to target like the package-level Migrate,
// retrying while other processes hold the database lock, and logs the
// revision change. `regstack migrate --target` uses it.
func (s *Store) Migrate(ctx context.Context, target string) error {
	return migrateRetrying(ctx, s.db, target, s.dialect, s.log)
}

// CurrentRevision returns the schema revision of the database, "" if it
// has never been migrated.
func (s *Store) CurrentRevision(ctx context.Context) (string, error) {
	return CurrentRevision(ctx, s.rdb)
}

// Ping runs SELECT 1.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.NewRaw("SELECT 1").Scan(ctx, &one); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	return nil
}

// Close releases both connection pools.
func (s *Store) Close() error {
	errs := []error{s.reads.close()}
	if s.rdb != s.db {
		errs = append(errs, s.rdb.Close())
	}
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}

// now is the clock's time as the database keeps it.
func (b base) now() sqlTime { return newSQLTime(b.clock.Now()) }

// get runs a query expected to return at most one row into dest and
// reports whether there was one.
func get(ctx context.Context, db bun.IDB, dest any, query string, args ...any) (bool, error) {
	err := db.NewRaw(query, args...).Scan(ctx, dest)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// exec runs a statement and returns the number of rows it changed.
func exec(ctx context.Context, db bun.IDB, query string, args ...any) (int, error) {
	res, err := db.NewRaw(query, args...).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// storable reports whether every key can appear in a query at all. bun
// refuses to format strings holding NUL, and no stored key holds one, so a
// lookup with such a key is simply "not found".
func storable(keys ...string) bool {
	for _, k := range keys {
		if strings.IndexByte(k, 0) >= 0 {
			return false
		}
	}
	return true
}
