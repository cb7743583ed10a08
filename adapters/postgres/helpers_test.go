package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	regstack "github.com/regstack/regstack/core"

	"github.com/regstack/regstack/adapters/postgres"
)

// urlVar names the server the tests run against; scripts/services.d
// starts one and sets it.
const urlVar = "REGSTACK_TEST_POSTGRES_URL"

// serverURL is the test server's URL. Unset, the test fails on CI and is
// skipped elsewhere.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(urlVar)
	if u == "" {
		msg := urlVar + " is unset: start a server with `. scripts/lib.sh; . scripts/deps.sh; . scripts/services.sh; start_services` or point it at a PostgreSQL database"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// parsedServerURL is serverURL as a *url.URL with the scheme pgx reads.
func parsedServerURL(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(serverURL(t))
	if err != nil {
		t.Fatalf("%s does not parse: %v", urlVar, err)
	}
	u.Scheme = "postgres"
	return u
}

// adminConn is a connection to the test database for setting up and
// looking behind the store, closed at cleanup.
func adminConn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), parsedServerURL(t).String())
	if err != nil {
		t.Fatalf("connect to %s: %v", urlVar, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// randomName is a fresh SQL identifier starting with prefix.
func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// withParam returns u with the query parameter key set to value.
func withParam(u *url.URL, key, value string) *url.URL {
	c := *u
	q := c.Query()
	q.Set(key, value)
	c.RawQuery = q.Encode()
	return &c
}

// freshSchema creates an empty schema (dropped at cleanup) and returns a
// URL whose connections work in it alone, so tests are isolated from
// each other and may run in parallel on one database.
func freshSchema(t *testing.T) (string, string) {
	t.Helper()
	conn := adminConn(t)
	name := randomName("rs_")
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return withParam(parsedServerURL(t), "search_path", name).String(), name
}

// freshDatabase creates an empty database (dropped at cleanup) and
// returns its URL.
func freshDatabase(t *testing.T) string {
	t.Helper()
	conn := adminConn(t)
	name := randomName("rs_db_")
	if _, err := conn.Exec(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u := parsedServerURL(t)
	u.Path = "/" + name
	return u.String()
}

// openStore opens the store at rawURL (closed at cleanup) without
// installing the schema.
func openStore(t *testing.T, rawURL string, clock regstack.Clock) regstack.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), rawURL, regstack.StoreOptions{
		Clock:  clock,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// migrator is the migration API `regstack migrate` uses beyond
// regstack.Store.
type migrator interface {
	Migrate(ctx context.Context, target string) error
	CurrentRevision(ctx context.Context) (string, error)
}

func revisionOf(t *testing.T, st regstack.Store) string {
	t.Helper()
	m, ok := st.(migrator)
	if !ok {
		t.Fatalf("%T has no CurrentRevision", st)
	}
	rev, err := m.CurrentRevision(t.Context())
	if err != nil {
		t.Fatalf("CurrentRevision: %v", err)
	}
	return rev
}

func ptr[T any](v T) *T { return &v }
