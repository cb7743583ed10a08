//go:build linux

package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	mongooptions "go.mongodb.org/mongo-driver/v2/mongo/options"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, for seeding
)

// The backends a scale run can measure.
const (
	backendSQLite   = "sqlite"
	backendPostgres = "postgres"
	backendMongo    = "mongodb"
)

// database is the store of one run: a fresh database that the servers'
// database_url names, which the driver can fill with users directly and
// removes at the end.
type database interface {
	// URL is the database_url the servers are configured with.
	URL() string
	// Seed inserts the users from..to-1 (see userEmail) in bulk, each with
	// the password hash phc, active and verified, as the schema
	// InstallSchema made stores them.
	Seed(ctx context.Context, from, to int, phc string) error
	// Drop removes the database (a temp-dir SQLite file goes with its
	// directory) and closes the connection.
	Drop(ctx context.Context) error
}

// openDatabase makes the fresh database of one run: a SQLite file in dir,
// or a new database named after the run on the PostgreSQL or Mongo-wire
// server at serverURL. The name starts with rs_load_ so a leftover is
// recognisable.
func openDatabase(ctx context.Context, backend, serverURL, dir string) (database, error) {
	name := "rs_load_" + randomHex(6)
	switch backend {
	case backendSQLite:
		return &sqliteDB{path: filepath.Join(dir, "regstack.db")}, nil
	case backendPostgres:
		return openPostgres(ctx, serverURL, name)
	case backendMongo:
		return openMongo(ctx, serverURL, name)
	}
	return nil, fmt.Errorf("unknown backend %q (want %s, %s or %s)", backend, backendSQLite, backendPostgres, backendMongo)
}

// seedBatch is how many users one INSERT (or insertMany) carries.
const seedBatch = 500

// seedTime is the created_at and updated_at of every seeded user.
var seedTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// newUserID is a random UUID version 4 as 32 lowercase hex characters, the
// id format the SQL stores assign: random ids spread over the primary-key
// index as real ones do.
func newUserID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// userColumns are the users columns (domain.md §4.2) in the order the
// seeders write them.
var userColumns = []string{
	"id", "email", "hashed_password", "is_active", "is_verified", "is_superuser",
	"full_name", "phone_number", "is_mfa_enabled", "created_at", "updated_at",
	"last_login", "tokens_invalidated_after",
}

// sqliteDB is a database file; the servers open it through sqlite:///.
type sqliteDB struct{ path string }

func (d *sqliteDB) URL() string { return "sqlite:///" + d.path }

// Seed inserts with multi-row INSERTs in one transaction, times in the
// text layout the store writes, then folds the write-ahead log back into
// the file so the servers start from a checkpointed database.
func (d *sqliteDB) Seed(ctx context.Context, from, to int, phc string) (err error) {
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: d.path}).String()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	created := seedTime.Format("2006-01-02 15:04:05.000000")
	row := func(i int) []any {
		return []any{newUserID(), userEmail(i), phc, 1, 1, 0, nil, nil, 0, created, created, nil, nil}
	}
	if err := insertRows(ctx, tx, "?", from, to, row); err != nil {
		return fmt.Errorf("seed sqlite: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed sqlite: %w", err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("seed sqlite: checkpoint: %w", err)
	}
	return nil
}

func (d *sqliteDB) Drop(context.Context) error { return nil } // the run's temp dir holds it

// insertRows inserts rows from..to-1 of the users table, seedBatch at a
// time, with one prepared multi-row INSERT per batch size.
func insertRows(ctx context.Context, tx *sql.Tx, placeholder string, from, to int, row func(i int) []any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat(placeholder+", ", len(userColumns)), ", ") + ")"
	prepared := map[int]*sql.Stmt{}
	for start := from; start < to; start += seedBatch {
		n := min(seedBatch, to-start)
		stmt, ok := prepared[n]
		if !ok {
			q := "INSERT INTO users (" + strings.Join(userColumns, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
			var err error
			if stmt, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			defer stmt.Close()
			prepared[n] = stmt
		}
		args := make([]any, 0, n*len(userColumns))
		for i := start; i < start+n; i++ {
			args = append(args, row(i)...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// postgresDB is a database created on a PostgreSQL server for the run.
type postgresDB struct {
	admin *pgx.Conn // on the server URL's own database, to drop ours
	url   string
	name  string
}

func openPostgres(ctx context.Context, serverURL, name string) (*postgresDB, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, errors.New("the PostgreSQL URL does not parse")
	}
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the PostgreSQL server: %w", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close(ctx)
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	return &postgresDB{admin: admin, url: u.String(), name: name}, nil
}

func (d *postgresDB) URL() string { return d.url }

// Seed copies the rows in with COPY, the fastest bulk path PostgreSQL has.
func (d *postgresDB) Seed(ctx context.Context, from, to int, phc string) error {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return fmt.Errorf("seed postgres: %w", err)
	}
	defer conn.Close(context.Background())
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"users"}, userColumns, pgx.CopyFromSlice(to-from, func(k int) ([]any, error) {
		return []any{newUserID(), userEmail(from + k), phc, true, true, false, nil, nil, false, seedTime, seedTime, nil, nil}, nil
	}))
	if err != nil {
		return fmt.Errorf("seed postgres: %w", err)
	}
	if int(n) != to-from {
		return fmt.Errorf("seed postgres: COPY wrote %d rows, want %d", n, to-from)
	}
	// Fresh statistics, as autovacuum would give a table this size soon.
	if _, err := conn.Exec(ctx, "ANALYZE users"); err != nil {
		return fmt.Errorf("seed postgres: analyze: %w", err)
	}
	return nil
}

func (d *postgresDB) Drop(ctx context.Context) error {
	defer d.admin.Close(context.Background())
	if _, err := d.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", d.name, err)
	}
	return nil
}

// mongoDB is a database on a MongoDB-wire server (FerretDB in `make
// bench`) named for the run.
type mongoDB struct {
	client *mongo.Client
	url    string
	name   string
}

func openMongo(ctx context.Context, serverURL, name string) (*mongoDB, error) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme != "mongodb" {
		return nil, errors.New("the MongoDB URL does not parse as mongodb://")
	}
	client, err := mongo.Connect(mongooptions.Client().ApplyURI(serverURL))
	if err != nil {
		return nil, fmt.Errorf("connect to the MongoDB-wire server: %w", err)
	}
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("ping the MongoDB-wire server: %w", err)
	}
	u.Path = "/" + name
	return &mongoDB{client: client, url: u.String(), name: name}, nil
}

func (d *mongoDB) URL() string { return d.url }

// Seed inserts with unordered insertMany batches, documents shaped as the
// store writes them (optional fields left out).
func (d *mongoDB) Seed(ctx context.Context, from, to int, phc string) error {
	users := d.client.Database(d.name).Collection("users")
	for start := from; start < to; start += seedBatch {
		n := min(seedBatch, to-start)
		docs := make([]any, n)
		for k := range docs {
			docs[k] = bson.D{
				{Key: "_id", Value: bson.NewObjectID()},
				{Key: "email", Value: userEmail(start + k)},
				{Key: "hashed_password", Value: phc},
				{Key: "is_active", Value: true},
				{Key: "is_verified", Value: true},
				{Key: "is_superuser", Value: false},
				{Key: "is_mfa_enabled", Value: false},
				{Key: "created_at", Value: seedTime},
				{Key: "updated_at", Value: seedTime},
			}
		}
		if _, err := users.InsertMany(ctx, docs, mongooptions.InsertMany().SetOrdered(false)); err != nil {
			return fmt.Errorf("seed mongodb: %w", err)
		}
	}
	return nil
}

func (d *mongoDB) Drop(ctx context.Context) error {
	defer func() { _ = d.client.Disconnect(context.Background()) }()
	if err := d.client.Database(d.name).Drop(ctx); err != nil {
		return fmt.Errorf("drop database %s: %w", d.name, err)
	}
	return nil
}
