package pushdowntest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// seedUsers is how many ordinary documents each server holds: enough that
// a table scan and an index search differ in the query plan, few enough
// to insert in seconds.
const seedUsers = 20000

// userIDs is how many distinct user_id values the ordinary documents share.
const userIDs = 50

func TestEqualityPushdown(t *testing.T) {
	stockBin, pushdownBin := buildFerretDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)

	ids := make([]primitive.ObjectID, userIDs)
	for i := range ids {
		ids[i] = primitive.NewObjectID()
	}
	emailOID := primitive.NewObjectID()
	tricky := "quote\"back\\slash<tag>&\u00e9\u2028@example.com"
	docs := seedDocs(ids, emailOID, tricky)

	stock := seed(ctx, t, startFerretDB(t, stockBin), docs)
	patched := seed(ctx, t, startFerretDB(t, pushdownBin), docs)

	t.Run("a find by email returns exactly that user", func(t *testing.T) {
		for _, tc := range []struct {
			email any
			n     int32
		}{
			{"user00042@example.com", 42},
			{emailOID, -3},
			{tricky, -4},
		} {
			got := find(ctx, t, patched, bson.D{{Key: "email", Value: tc.email}})
			if len(got) != 1 || got[0]["n"] != tc.n {
				t.Errorf("find {email: %v} = %v, want the one document with n %d", tc.email, ns(got), tc.n)
			}
		}
	})

	t.Run("a document whose email is an array holding the value is still found", func(t *testing.T) {
		got := find(ctx, t, patched, bson.D{{Key: "email", Value: "second@example.com"}})
		if len(got) != 1 || got[0]["n"] != int32(-1) {
			t.Fatalf("find {email: second@example.com} = %v, want the array document with n -1", got)
		}
	})

	t.Run("explain shows equality filters answered from their indexes", func(t *testing.T) {
		for _, tc := range []struct {
			filter bson.D
			index  string
			stock  bool // the stock server pushes this filter down too (if to no index)
		}{
			{bson.D{{Key: "email", Value: "user00042@example.com"}}, "_email_1", false},
			{bson.D{{Key: "user_id", Value: ids[3]}, {Key: "n", Value: bson.D{{Key: "$gte", Value: 100}}}}, "_user_id_1", false},
			{bson.D{{Key: "_id", Value: docs[42].(bson.D)[0].Value}}, "__id_", true},
		} {
			res := explain(ctx, t, patched, tc.filter)
			if !res.FilterPushdown {
				t.Errorf("explain %v: filterPushdown false, want true", tc.filter)
			}
			plan := strings.Join(res.QueryPlanner.Plan, "\n")
			t.Logf("explain %v:\n%s", tc.filter, plan)
			if !strings.Contains(plan, "USING INDEX ") || !strings.Contains(plan, tc.index) || strings.Contains(plan, "detail=SCAN") {
				t.Errorf("explain %v: plan\n%s\nwants an index search on %s and no table scan", tc.filter, plan, tc.index)
			}
			if stockRes := explain(ctx, t, stock, tc.filter); stockRes.FilterPushdown != tc.stock {
				t.Errorf("stock explain %v: filterPushdown %v, want %v", tc.filter, stockRes.FilterPushdown, tc.stock)
			}
		}
	})

	t.Run("a filter the patch cannot push down is left to the handler", func(t *testing.T) {
		for _, filter := range []bson.D{
			{{Key: "n", Value: int32(42)}},
			{{Key: "email", Value: bson.D{{Key: "$gt", Value: "user19990@example.com"}}}},
			{{Key: "a.b", Value: "x"}},
			{{Key: "rowid", Value: "r"}},
			{{Key: "_FerretDB_sjson", Value: "x"}},
		} {
			if res := explain(ctx, t, patched, filter); res.FilterPushdown {
				t.Errorf("explain %v: filterPushdown true, want false", filter)
			}
		}
	})

	t.Run("the patched server finds what the stock one finds", func(t *testing.T) {
		for _, filter := range []bson.D{
			{{Key: "email", Value: "user00042@example.com"}},
			{{Key: "email", Value: "user00042@example.com"}, {Key: "n", Value: bson.D{{Key: "$gt", Value: 10}}}},
			{{Key: "n", Value: bson.D{{Key: "$gt", Value: 100}}}, {Key: "email", Value: "user00042@example.com"}},
			{{Key: "user_id", Value: ids[3]}},
			{{Key: "user_id", Value: ids[3]}, {Key: "n", Value: bson.D{{Key: "$gte", Value: 10000}}}},
			{{Key: "user_id", Value: ids[3]}, {Key: "kind", Value: "k2"}},
			{{Key: "user_id", Value: ids[3].Hex()}},
			{{Key: "missing", Value: "x"}},
			{{Key: "email", Value: "arr@example.com"}},
			{{Key: "email", Value: "second@example.com"}, {Key: "n", Value: bson.D{{Key: "$lt", Value: 0}}}},
			{{Key: "email", Value: emailOID}},
			{{Key: "email", Value: emailOID.Hex()}},
			{{Key: "email", Value: tricky}},
			{{Key: "email", Value: "upper@example.com"}},
			{{Key: "email", Value: "UPPER@example.com"}},
			{{Key: "rowid", Value: "r"}},
			{{Key: "a.b", Value: "x"}},
			{{Key: "_id", Value: docs[42].(bson.D)[0].Value}, {Key: "email", Value: "user00042@example.com"}},
			{{Key: "_id", Value: docs[42].(bson.D)[0].Value}, {Key: "email", Value: "user00043@example.com"}},
			{{Key: "$or", Value: bson.A{
				bson.D{{Key: "email", Value: "user00001@example.com"}},
				bson.D{{Key: "email", Value: "arr@example.com"}},
			}}},
			{{Key: "email", Value: bson.D{{Key: "$in", Value: bson.A{"user00001@example.com", "second@example.com"}}}}},
			{{Key: "email", Value: bson.D{{Key: "$gt", Value: "user19990@example.com"}}}},
			{{Key: "email", Value: bson.D{{Key: "$ne", Value: "user00001@example.com"}}}, {Key: "user_id", Value: ids[1]}},
			{{Key: "email", Value: "user00042@example.com"}, {Key: "email", Value: "user00042@example.com"}},
		} {
			want, wantErr := tryFind(ctx, stock, filter)
			got, gotErr := tryFind(ctx, patched, filter)
			if (wantErr != nil) != (gotErr != nil) {
				t.Errorf("find %v: stock error %v, patched error %v", filter, wantErr, gotErr)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("find %v: patched returned %d documents %v, stock %d %v", filter, len(got), ns(got), len(want), ns(want))
			}
		}
	})

	t.Run("counts, updates and deletes by email agree with the stock server", func(t *testing.T) {
		byEmail := bson.D{{Key: "email", Value: "arr@example.com"}}
		for name, db := range map[string]*mongo.Collection{"stock": stock, "patched": patched} {
			n, err := db.CountDocuments(ctx, byEmail)
			if err != nil || n != 1 {
				t.Errorf("%s: count %v = %d, %v; want 1", name, byEmail, n, err)
			}
			up, err := db.UpdateMany(ctx, byEmail, bson.D{{Key: "$set", Value: bson.D{{Key: "touched", Value: true}}}})
			if err != nil || up.MatchedCount != 1 || up.ModifiedCount != 1 {
				t.Errorf("%s: update %v = %+v, %v; want one matched and modified", name, byEmail, up, err)
			}
			del, err := db.DeleteMany(ctx, bson.D{{Key: "email", Value: "user00007@example.com"}})
			if err != nil || del.DeletedCount != 1 {
				t.Errorf("%s: delete by email = %+v, %v; want one deleted", name, del, err)
			}
			if got := find(ctx, t, db, bson.D{{Key: "touched", Value: true}}); len(got) != 1 || got[0]["n"] != int32(-1) {
				t.Errorf("%s: after the update, touched documents are %v, want the array one", name, ns(got))
			}
		}
	})
}

// seedDocs returns the ordinary users plus the documents the patch must
// not get wrong: an email array (FerretDB v1 stores no nested arrays), a
// missing email, an ObjectID email, JSON-escaped characters, and field
// names it must not push down.
func seedDocs(ids []primitive.ObjectID, emailOID primitive.ObjectID, tricky string) []any {
	docs := make([]any, 0, seedUsers+7)
	for i := range seedUsers {
		docs = append(docs, bson.D{
			{Key: "_id", Value: primitive.NewObjectID()},
			{Key: "email", Value: fmt.Sprintf("user%05d@example.com", i)},
			{Key: "user_id", Value: ids[i%len(ids)]},
			{Key: "kind", Value: fmt.Sprintf("k%d", i%7)},
			{Key: "n", Value: int32(i)},
		})
	}
	return append(docs,
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "email", Value: bson.A{"arr@example.com", "second@example.com"}}, {Key: "n", Value: int32(-1)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "n", Value: int32(-2)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "email", Value: emailOID}, {Key: "n", Value: int32(-3)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "email", Value: tricky}, {Key: "n", Value: int32(-4)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "rowid", Value: "r"}, {Key: "n", Value: int32(-5)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "a", Value: bson.D{{Key: "b", Value: "x"}}}, {Key: "n", Value: int32(-6)}},
		bson.D{{Key: "_id", Value: primitive.NewObjectID()}, {Key: "email", Value: "upper@example.com"}, {Key: "n", Value: int32(-7)}},
	)
}

// seed creates the users collection with a unique index on email and an
// index on user_id, as regstack's Mongo adapter does, and inserts docs.
func seed(ctx context.Context, t *testing.T, client *mongo.Client, docs []any) *mongo.Collection {
	t.Helper()
	coll := client.Database("pushdown").Collection("users")
	_, err := coll.Indexes().CreateMany(ctx, []mongo.IndexModel{
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true)},
		{Keys: bson.D{{Key: "user_id", Value: 1}}},
	})
	if err != nil {
		t.Fatalf("create indexes: %v", err)
	}
	for len(docs) > 0 {
		batch := docs[:min(1000, len(docs))]
		docs = docs[len(batch):]
		if _, err := coll.InsertMany(ctx, batch); err != nil {
			t.Fatalf("insert: %v", err)
		}
	}
	return coll
}

func find(ctx context.Context, t *testing.T, coll *mongo.Collection, filter bson.D) []bson.M {
	t.Helper()
	docs, err := tryFind(ctx, coll, filter)
	if err != nil {
		t.Fatalf("find %v: %v", filter, err)
	}
	return docs
}

// tryFind returns the documents filter matches, ordered by n.
func tryFind(ctx context.Context, coll *mongo.Collection, filter bson.D) ([]bson.M, error) {
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []bson.M
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	return docs, nil
}

// ns lists the n of each document, for failure messages.
func ns(docs []bson.M) []any {
	out := make([]any, len(docs))
	for i, d := range docs {
		out[i] = d["n"]
	}
	return out
}

// explainResult is the part of FerretDB's explain reply the test reads:
// the SQLite query plan and FerretDB's own pushdown flag.
type explainResult struct {
	QueryPlanner struct {
		Plan []string `bson:"Plan"`
	} `bson:"queryPlanner"`
	FilterPushdown bool `bson:"filterPushdown"`
}

func explain(ctx context.Context, t *testing.T, coll *mongo.Collection, filter bson.D) explainResult {
	t.Helper()
	var res explainResult
	cmd := bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: coll.Name()}, {Key: "filter", Value: filter}}}}
	if err := coll.Database().RunCommand(ctx, cmd).Decode(&res); err != nil {
		t.Fatalf("explain %v: %v", filter, err)
	}
	return res
}

// buildFerretDB builds (or finds already built in ./bin) the stock and the
// patched FerretDB through scripts/services.d/20-ferretdb.sh, so the test
// covers the build the benchmark uses.
func buildFerretDB(t *testing.T) (stock, pushdown string) {
	t.Helper()
	root := repoRoot(t)
	script := `set -euo pipefail
. scripts/lib.sh
. scripts/services.d/20-ferretdb.sh
_ferretdb_install
_ferretdb_pushdown_install`
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("building FerretDB: %v\n%s", err, stderr.String())
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) < 2 {
		t.Fatalf("building FerretDB printed %q, want two binary paths", out)
	}
	return lines[len(lines)-2], lines[len(lines)-1]
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's directory")
		}
		dir = parent
	}
}

// startFerretDB runs bin on a free loopback port until the test ends and
// returns a client connected to it.
func startFerretDB(t *testing.T, bin string) *mongo.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	logPath := filepath.Join(t.TempDir(), "ferretdb.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-listen", addr, "-dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logFile.Close()
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.Close()
			break
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited before listening (%v):\n%s", bin, err, log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on %s within 30s", bin, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}

	client, err := mongo.Connect(context.Background(), options.Client().ApplyURI("mongodb://"+addr+"/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := client.Disconnect(context.Background()); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
			t.Errorf("disconnect: %v", err)
		}
	})
	return client
}
