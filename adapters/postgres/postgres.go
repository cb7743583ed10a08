package postgres

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	regstack "github.com/regstack/regstack/core"
)

func init() {
	regstack.RegisterStore("postgresql", Open)
	regstack.RegisterStore("postgres", Open)
}

// defaultConnectTimeout bounds each connection attempt when the URL sets
// no connect_timeout, so an unreachable host fails instead of hanging.
const defaultConnectTimeout = 10 * time.Second

// Open connects to the PostgreSQL database of a postgresql:// or
// postgres:// URL (config.md §4) and checks that it answers. A "+driver"
// suffix on the scheme is ignored and asyncpg's ssl= parameter means
// libpq's sslmode=. The URL's query parameters are pgx's: libpq ones
// (sslmode, connect_timeout, application_name, …), server settings such
// as search_path, and the pool's own (pool_max_conns, pool_min_conns,
// pool_max_conn_lifetime, pool_max_conn_idle_time,
// pool_health_check_period). Errors name the URL with its password
// masked. Call InstallSchema before use.
func Open(ctx context.Context, rawURL string, opts regstack.StoreOptions) (regstack.Store, error) {
	loc, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(loc.connString)
	if err != nil {
		return nil, loc.wrap("invalid database URL", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	// bun writes every value into the SQL text itself, so each statement
	// is new to the server: preparing and caching them, pgx's default,
	// would only churn the cache. The simple protocol sends them as they are.
	if !loc.params.Has("default_query_exec_mode") {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, loc.wrap("open", err)
	}
	// Connect now, so a wrong password or an unreachable host is reported
	// by Open rather than by the first request.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, loc.wrap("connect to", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// database/sql over the pgx pool: the pool owns the connections and
	// its pool_* settings; database/sql keeps none idle of its own.
	db := bun.NewDB(stdlib.OpenDBFromPool(pool), pgdialect.New())
	st, err := sqlstore.New(sqlstore.Config{
		DB: db,
		Dialect: sqlstore.Dialect{
			IsUniqueViolation: isUniqueViolation,
			IsBusy:            isBusy,
		},
		Clock:  opts.Clock,
		Logger: logger,
	})
	if err != nil {
		_ = db.Close()
		pool.Close()
		return nil, err
	}
	return &store{Store: st, pool: pool}, nil
}

// store is the SQL store plus the pgx pool under it, which closing the
// database/sql handle leaves open.
type store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
}

// Close closes the store and then the connection pool.
func (s *store) Close() error {
	err := s.Store.Close()
	s.pool.Close()
	return err
}

// SQLSTATE codes the store reacts to.
const (
	uniqueViolation      = "23505"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
	lockNotAvailable     = "55P03"
)

// isUniqueViolation reports SQLSTATE 23505, a unique or primary-key
// violation.
func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == uniqueViolation
}

// isBusy reports contention that a retry resolves: serialization failures,
// deadlocks and lock timeouts between concurrent migrators or writers.
func isBusy(err error) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case serializationFailure, deadlockDetected, lockNotAvailable:
		return true
	}
	return false
}
