package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func init() {
	regstack.RegisterStore("sqlite", Open)
}

// busyTimeoutMS is how long a connection waits for another connection's
// write lock before SQLite reports SQLITE_BUSY. In one process the
// single-connection write pool queues writes in Go, so this covers other
// processes on the same file.
const busyTimeoutMS = 5000

// Open opens the SQLite database of a sqlite:// URL (config.md §4):
// sqlite:///relative/path.db (against the working directory, resolved
// now), sqlite:////absolute/path.db, or sqlite:///:memory:. A "+driver"
// suffix on the scheme (sqlite+aiosqlite://) is ignored, and query
// parameters pass through to the driver. A file database gets a
// single-connection write pool and a read-only pool, in WAL mode; an
// in-memory database lives in one connection for the lifetime of the
// store, shared with nothing else. Call InstallSchema before use.
func Open(ctx context.Context, rawURL string, opts regstack.StoreOptions) (regstack.Store, error) {
	loc, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if loc.memory {
		return openMemory(ctx, loc, opts.Clock, logger)
	}
	return openFile(ctx, loc, opts.Clock, logger)
}

// location is a parsed sqlite:// URL.
type location struct {
	path   string // absolute; empty for memory
	memory bool
	params url.Values // passed to the driver
}

// parseURL reads a sqlite URL the way SQLAlchemy does: the database is
// everything after "sqlite[+driver]:///" up to "?"; "sqlite://" and
// "sqlite:///:memory:" are in-memory.
func parseURL(raw string) (location, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	base, _, _ := strings.Cut(strings.ToLower(scheme), "+")
	if !ok || base != "sqlite" {
		return location{}, errors.New("sqlite: not a sqlite:// URL")
	}
	path, query, _ := strings.Cut(rest, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return location{}, fmt.Errorf("sqlite: bad query in database URL: %w", err)
	}
	if path == "" {
		return location{memory: true, params: params}, nil
	}
	if !strings.HasPrefix(path, "/") {
		return location{}, errors.New("sqlite: database URL has a host part; use sqlite:///relative.db or sqlite:////absolute/path.db")
	}
	path = path[1:]
	if path == "" || path == ":memory:" {
		return location{memory: true, params: params}, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return location{}, fmt.Errorf("sqlite: resolve database path: %w", err)
	}
	return location{path: abs, params: params}, nil
}

// dsn renders a modernc.org/sqlite data source name: a file: URI (so any
// character in the path survives) or ":memory:", then the driver's own
// parameters, then the caller's.
func dsn(loc location, own url.Values) string {
	name := ":memory:"
	if !loc.memory {
		name = (&url.URL{Scheme: "file", Path: loc.path}).String()
	}
	q := own.Encode()
	if extra := loc.params.Encode(); extra != "" {
		q += "&" + extra
	}
	return name + "?" + q
}

func openFile(ctx context.Context, loc location, clock regstack.Clock, logger *slog.Logger) (regstack.Store, error) {
	// Writes go through one connection: SQLite runs one writer at a time
	// anyway, and waiting in Go's pool is fair and never fails with
	// SQLITE_BUSY. Transactions begin IMMEDIATE so they take the write lock
	// up front instead of failing when they upgrade from a read.
	// The checkpointer below folds the write-ahead log into the file off
	// the request path; a commit checkpoints only as a backstop, once the
	// log holds walBackstopPages (see checkpoint.go).
	pragmas := []string{
		fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), "foreign_keys(1)", "journal_mode(WAL)", "synchronous(NORMAL)",
		fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages), fmt.Sprintf("journal_size_limit(%d)", walSizeLimitBytes),
	}
	readOnly := loc.params.Get("mode") == "ro"
	if readOnly {
		// A read-only open (`regstack doctor`) must not switch a database
		// that is not in WAL mode yet: that is a write, and it fails.
		pragmas = slices.DeleteFunc(pragmas, func(p string) bool { return strings.HasPrefix(p, "journal_mode") })
	}
	writer, err := openWriter(ctx, dsn(loc, url.Values{
		"_pragma": pragmas,
		"_txlock": {"immediate"},
	}))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", loc.path, err)
	}
	// Readers run in parallel with the writer in WAL mode; query_only
	// keeps a write from ever landing on this pool by mistake. They read
	// the database file through a memory map: a lookup in a large table
	// then takes its pages straight from the operating system's cache
	// instead of a read call and a copy into each connection's own small
	// page cache (on a table of a million rows, a random point lookup
	// took 7.6 µs instead of 10.8 on the development machine).
	reader, err := openPool(ctx, dsn(loc, url.Values{
		"_pragma":     {fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), "foreign_keys(1)", fmt.Sprintf("mmap_size(%d)", readerMmapBytes)},
		"_query_only": {"1"},
	}), max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", loc.path, err)
	}
	st, err := newStore(writer, reader, clock, logger)
	if err != nil {
		_ = reader.Close()
		_ = writer.Close()
		return nil, err
	}
	s := &store{Store: st, writer: writer, wal: true, log: logger}
	if !readOnly {
		ckpt, err := openPool(ctx, dsn(loc, url.Values{
			"_pragma": {fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), "wal_autocheckpoint(0)"},
		}), 1)
		if err != nil {
			_ = st.Close()
			return nil, fmt.Errorf("sqlite: open %s: %w", loc.path, err)
		}
		s.checkpoints = startCheckpointer(ckpt.DB, checkpointEvery, logger)
	}
	return s, nil
}

// readerMmapBytes is how much of the database file each read connection
// maps: address space, not memory; the pages are the kernel's page cache.
const readerMmapBytes = 1 << 30

func openMemory(ctx context.Context, loc location, clock regstack.Clock, logger *slog.Logger) (regstack.Store, error) {
	// An in-memory database lives as long as its connection and is private
	// to it, so one connection that is never closed serves everything.
	db, err := openPool(ctx, dsn(loc, url.Values{
		"_pragma": {"foreign_keys(1)"},
		"_txlock": {"immediate"},
	}), 1)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open in-memory database: %w", err)
	}
	st, err := newStore(db, db, clock, logger)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return &store{Store: st, writer: db, log: logger}, nil
}

// openWriter opens the single write connection. Switching a database to
// WAL needs an exclusive lock and SQLite answers SQLITE_BUSY at once, without
// its busy handler, while another process holds one — as when several
// `regstack serve` nodes start together on a new file — so a busy open is
// retried until the busy timeout has passed.
func openWriter(ctx context.Context, dsn string) (*bun.DB, error) {
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for {
		db, err := openPool(ctx, dsn, 1)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return db, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// openPool opens a pool of at most size connections that are kept for the
// life of the pool, and connects once so a bad path fails here.
func openPool(ctx context.Context, dsn string, size int) (*bun.DB, error) {
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxOpenConns(size)
	sqldb.SetMaxIdleConns(size)
	sqldb.SetConnMaxLifetime(0)
	sqldb.SetConnMaxIdleTime(0)
	if err := sqldb.PingContext(ctx); err != nil {
		_ = sqldb.Close()
		return nil, err
	}
	return bun.NewDB(sqldb, sqlitedialect.New()), nil
}

func newStore(writer, reader *bun.DB, clock regstack.Clock, logger *slog.Logger) (*sqlstore.Store, error) {
	return sqlstore.New(sqlstore.Config{
		DB:     writer,
		ReadDB: reader,
		Dialect: sqlstore.Dialect{
			IsUniqueViolation: isUniqueViolation,
			IsBusy:            isBusy,
		},
		Clock:  clock,
		Logger: logger,
	})
}

// store is the SQL store plus what is particular to SQLite files.
type store struct {
	*sqlstore.Store
	writer      *bun.DB
	wal         bool
	checkpoints *checkpointer // nil for a read-only or in-memory store
	log         *slog.Logger
}

// Close stops the checkpointer and folds the write-ahead log back into the
// database file, so the file is complete on its own, then closes the pools.
func (s *store) Close() error {
	if s.checkpoints != nil {
		s.checkpoints.stop()
	}
	if s.wal {
		if _, err := s.writer.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			s.log.Debug("sqlite: WAL checkpoint on close failed", "err", err)
		}
	}
	return s.Store.Close()
}

// isUniqueViolation reports SQLITE_CONSTRAINT_UNIQUE (2067) and
// SQLITE_CONSTRAINT_PRIMARYKEY (1555).
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isBusy reports SQLITE_BUSY and SQLITE_LOCKED in any extended form.
func isBusy(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	primary := e.Code() & 0xff
	return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
}
