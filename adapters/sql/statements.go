package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// statements keeps prepared statements for the reads every authenticated
// request makes (the user row, the blacklist). bun formats arguments into
// the SQL text, so each call would otherwise be a new statement that the
// database parses again: on SQLite that was a third of a /me request.
// database/sql re-prepares a *sql.Stmt on each pooled connection as needed.
type statements struct {
	db *bun.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStatements(db *bun.DB) *statements {
	return &statements{db: db, m: map[string]*sql.Stmt{}}
}

// query runs query (with `?` placeholders) through rows and scans the
// first row into dest; found is false when there is none.
func (s *statements) query(ctx context.Context, dest any, query string, args ...any) (found bool, err error) {
	rows, err := s.rows(ctx, query, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := s.db.ScanRow(ctx, rows, dest); err != nil {
		return false, err
	}
	return true, rows.Close()
}

// rows runs query: as a prepared statement where the connections keep
// them (SQLite), as a plain query on PostgreSQL. The PostgreSQL adapter's
// database/sql handle keeps no idle connections (pgx's pool owns them), so
// a *sql.Stmt would be prepared, run and deallocated on every call: three
// round trips. pgx runs the query with its arguments in one, and caches
// by its own default_query_exec_mode when one is set. query may hold `?`
// placeholders or, already rewritten, PostgreSQL's `$n`.
func (s *statements) rows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if name := s.db.Dialect().Name(); name == dialect.PG {
		if strings.IndexByte(query, '?') >= 0 {
			query = placeholders(name, query)
		}
		return s.db.DB.QueryContext(ctx, query, args...)
	}
	stmt, err := s.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}

func (s *statements) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stmt, ok := s.m[query]; ok {
		return stmt, nil
	}
	stmt, err := s.db.DB.PrepareContext(ctx, placeholders(s.db.Dialect().Name(), query))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	s.m[query] = stmt
	return stmt, nil
}

// close releases every statement.
func (s *statements) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first error
	for q, stmt := range s.m {
		if err := stmt.Close(); err != nil && first == nil {
			first = err
		}
		delete(s.m, q)
	}
	return first
}

// placeholders rewrites `?` to PostgreSQL's `$n`; the queries given to
// statements hold no literal question marks.
func placeholders(name dialect.Name, query string) string {
	if name != dialect.PG {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
