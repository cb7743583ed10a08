package mongo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	regmongo "github.com/regstack/regstack/adapters/mongo"
)

// urlVar names the server the tests run against: a MongoDB or FerretDB
// URL whose database part, if any, is ignored (every test works in a
// database of its own).
const urlVar = "REGSTACK_TEST_MONGO_URL"

// serverURL returns the test server's URL, or fails (CI) or skips the test
// when there is none.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(urlVar)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; scripts/services.d/20-ferretdb.sh exports it", urlVar)
		}
		t.Skipf("%s is not set; run through `make test`, or point it at a MongoDB or FerretDB server", urlVar)
	}
	return u
}

// withDatabase returns base with its database path replaced by db, keeping
// user info, hosts and query.
func withDatabase(base, db string) string {
	scheme, rest, _ := strings.Cut(base, "://")
	userinfo := ""
	if at := strings.Index(rest, "@"); at >= 0 {
		userinfo, rest = rest[:at+1], rest[at+1:]
	}
	hosts, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hosts, tail = rest[:i], rest[i:]
	}
	query := ""
	if _, q, ok := strings.Cut(tail, "?"); ok {
		query = "?" + q
	}
	return scheme + "://" + userinfo + hosts + "/" + db + query
}

// freshDatabase names a new, empty database that is dropped when t ends.
func freshDatabase(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	db := "regstack_test_" + hex.EncodeToString(b)
	client := rawClient(t)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := client.Database(db).Drop(ctx); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return db
}

// rawClient is a driver client of the test server, for looking behind the
// store's back; it is disconnected when t ends.
func rawClient(t *testing.T) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(serverURL(t)))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Disconnect(ctx)
	})
	return c
}

// rawDB is database db of the test server, seen without the store.
func rawDB(t *testing.T, db string) *mongo.Database {
	t.Helper()
	return rawClient(t).Database(db)
}

// openIn opens a store on database db of the test server (closed when t
// ends) without installing the schema.
func openIn(t *testing.T, db string, opts regstack.StoreOptions) regstack.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := regmongo.Open(t.Context(), withDatabase(serverURL(t), db), opts)
	if err != nil {
		t.Fatalf("mongo.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return st
}

// installed opens a store on a fresh database and installs the schema; it
// returns the store and the database's name.
func installed(t *testing.T, clock regstack.Clock) (regstack.Store, string) {
	t.Helper()
	db := freshDatabase(t)
	st := openIn(t, db, regstack.StoreOptions{Clock: clock})
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatalf("InstallSchema: %v", err)
	}
	return st, db
}

// isFerretDB reports whether the test server is FerretDB rather than
// MongoDB: FerretDB's buildInfo has a ferretdbVersion field.
func isFerretDB(t *testing.T) bool {
	t.Helper()
	var info bson.M
	if err := rawClient(t).Database("admin").RunCommand(t.Context(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		t.Fatalf("buildInfo: %v", err)
	}
	_, ok := info["ferretdbVersion"]
	return ok
}

// logRecorder is a slog handler that keeps every record, for tests that
// check what the store logs.
type logRecorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
	h   slog.Handler
}

func newLogRecorder() *logRecorder {
	r := &logRecorder{}
	r.h = slog.NewTextHandler(&lockedWriter{r}, &slog.HandlerOptions{Level: slog.LevelDebug})
	return r
}

func (r *logRecorder) logger() *slog.Logger { return slog.New(r.h) }

// lines returns the logged lines that contain every one of words.
func (r *logRecorder) lines(words ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for line := range strings.SplitSeq(r.buf.String(), "\n") {
		all := line != ""
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			out = append(out, line)
		}
	}
	return out
}

type lockedWriter struct{ r *logRecorder }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.buf.Write(p)
}

func ptr[T any](v T) *T { return &v }
