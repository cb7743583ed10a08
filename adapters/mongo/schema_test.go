package mongo_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// wantIndexes are domain.md §4.4's indexes by collection (default names).
var wantIndexes = map[string][]struct {
	name   string
	keys   bson.D
	unique bool
	ttl    bool
}{
	"users":                 {{"email_unique", bson.D{{Key: "email", Value: int32(1)}}, true, false}},
	"token_blacklist":       {{"jti_unique", bson.D{{Key: "jti", Value: int32(1)}}, true, false}, {"exp_ttl", bson.D{{Key: "exp", Value: int32(1)}}, false, true}},
	"pending_registrations": {{"pending_email_unique", bson.D{{Key: "email", Value: int32(1)}}, true, false}, {"pending_token_unique", bson.D{{Key: "token_hash", Value: int32(1)}}, true, false}, {"pending_ttl", bson.D{{Key: "expires_at", Value: int32(1)}}, false, true}},
	"login_attempts":        {{"email_when", bson.D{{Key: "email", Value: int32(1)}, {Key: "when", Value: int32(1)}}, false, false}, {"when_ttl", bson.D{{Key: "when", Value: int32(1)}}, false, true}},
	"mfa_codes":             {{"user_kind_unique", bson.D{{Key: "user_id", Value: int32(1)}, {Key: "kind", Value: int32(1)}}, true, false}, {"mfa_ttl", bson.D{{Key: "expires_at", Value: int32(1)}}, false, true}},
	"oauth_identities":      {{"provider_subject_unique", bson.D{{Key: "provider", Value: int32(1)}, {Key: "subject_id", Value: int32(1)}}, true, false}, {"user_provider_unique", bson.D{{Key: "user_id", Value: int32(1)}, {Key: "provider", Value: int32(1)}}, true, false}},
	"oauth_states":          {{"oauth_state_ttl", bson.D{{Key: "expires_at", Value: int32(1)}}, false, true}},
}

// indexInfo is one index as listIndexes reports it.
type indexInfo struct {
	Name               string `bson:"name"`
	Key                bson.D `bson:"key"`
	Unique             bool   `bson:"unique"`
	ExpireAfterSeconds *int64 `bson:"expireAfterSeconds"`
}

// listIndexes returns the indexes of coll by name.
func listIndexes(t *testing.T, coll *mongo.Collection) map[string]indexInfo {
	t.Helper()
	cur, err := coll.Indexes().List(t.Context())
	if err != nil {
		t.Fatalf("listIndexes %s: %v", coll.Name(), err)
	}
	var all []indexInfo
	if err := cur.All(t.Context(), &all); err != nil {
		t.Fatalf("listIndexes %s: %v", coll.Name(), err)
	}
	out := map[string]indexInfo{}
	for _, ix := range all {
		out[ix.Name] = ix
	}
	return out
}

// allIndexes lists the indexes of every collection of wantIndexes.
func allIndexes(t *testing.T, db *mongo.Database) map[string]map[string]indexInfo {
	t.Helper()
	out := map[string]map[string]indexInfo{}
	for coll := range wantIndexes {
		out[coll] = listIndexes(t, db.Collection(coll))
	}
	return out
}

// checkSchema fails t unless db has every index of §4.4 with its keys and
// options. A TTL index may be missing only if the store logged a warning
// naming it (a server without TTL support, such as FerretDB v1).
func checkSchema(t *testing.T, db *mongo.Database, logs *logRecorder, lockoutWindow time.Duration) {
	t.Helper()
	got := allIndexes(t, db)
	for coll, want := range wantIndexes {
		for _, w := range want {
			ix, ok := got[coll][w.name]
			if !ok {
				if w.ttl && logs != nil && len(logs.lines("WARN", "TTL", "index="+w.name)) > 0 {
					continue
				}
				t.Errorf("%s has no index %s (and no TTL warning names it); it has %v", coll, w.name, slices.Sorted(maps.Keys(got[coll])))
				continue
			}
			if fmt.Sprint(ix.Key) != fmt.Sprint(w.keys) {
				t.Errorf("%s.%s has keys %v, want %v", coll, w.name, ix.Key, w.keys)
			}
			if ix.Unique != w.unique {
				t.Errorf("%s.%s unique = %v, want %v", coll, w.name, ix.Unique, w.unique)
			}
			if w.ttl {
				want := int64(0)
				if w.name == "when_ttl" {
					want = int64(lockoutWindow / time.Second)
				}
				if ix.ExpireAfterSeconds == nil || *ix.ExpireAfterSeconds != want {
					t.Errorf("%s.%s expireAfterSeconds = %v, want %d", coll, w.name, ix.ExpireAfterSeconds, want)
				}
			}
		}
	}
}

func TestInstallSchema(t *testing.T) {
	t.Run("creates every index of domain.md §4.4, or warns for each TTL index the server refuses", func(t *testing.T) {
		db := freshDatabase(t)
		logs := newLogRecorder()
		st := openIn(t, db, regstack.StoreOptions{Logger: logs.logger(), LoginLockoutWindow: 10 * time.Minute})
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		checkSchema(t, rawDB(t, db), logs, 10*time.Minute)
	})

	t.Run("run twice leaves the same indexes", func(t *testing.T) {
		db := freshDatabase(t)
		st := openIn(t, db, regstack.StoreOptions{})
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("first InstallSchema: %v", err)
		}
		first := allIndexes(t, rawDB(t, db))
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("second InstallSchema: %v", err)
		}
		if second := allIndexes(t, rawDB(t, db)); fmt.Sprint(second) != fmt.Sprint(first) {
			t.Errorf("indexes after the second run:\n%v\nafter the first:\n%v", second, first)
		}
	})

	t.Run("run by several processes at once succeeds in every one", func(t *testing.T) {
		db := freshDatabase(t)
		const processes = 4
		logs := newLogRecorder()
		stores := make([]regstack.Store, processes)
		for i := range stores {
			stores[i] = openIn(t, db, regstack.StoreOptions{Logger: logs.logger()})
		}
		errs := make([]error, processes)
		var wg sync.WaitGroup
		for i, st := range stores {
			wg.Go(func() { errs[i] = st.InstallSchema(t.Context()) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("InstallSchema in process %d: %v", i, err)
			}
		}
		checkSchema(t, rawDB(t, db), logs, 15*time.Minute)
	})

	t.Run("drops a legacy unique email index with another name and keeps other indexes", func(t *testing.T) {
		db := freshDatabase(t)
		users := rawDB(t, db).Collection("users")
		_, err := users.Indexes().CreateMany(t.Context(), []mongo.IndexModel{
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email_1").SetUnique(true)},
			{Keys: bson.D{{Key: "tenant", Value: 1}, {Key: "email", Value: 1}}, Options: options.Index().SetName("host_tenant_email").SetUnique(true)},
			{Keys: bson.D{{Key: "full_name", Value: 1}}, Options: options.Index().SetName("host_full_name")},
		})
		if err != nil {
			t.Fatalf("create the legacy indexes: %v", err)
		}
		logs := newLogRecorder()
		st := openIn(t, db, regstack.StoreOptions{Logger: logs.logger()})
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		got := listIndexes(t, users)
		if _, ok := got["email_1"]; ok {
			t.Errorf("the legacy index email_1 is still there")
		}
		for _, name := range []string{"email_unique", "host_tenant_email", "host_full_name"} {
			if _, ok := got[name]; !ok {
				t.Errorf("index %s is missing; users has %v", name, slices.Sorted(maps.Keys(got)))
			}
		}
		if len(logs.lines("legacy", "index=email_1")) != 1 {
			t.Errorf("no log line reports dropping email_1")
		}
		// The store still enforces unique emails.
		for i, want := range []error{nil, regstack.ErrUserExists} {
			if err := st.Users().Create(t.Context(), &regstack.User{Email: "ada@example.com", IsActive: true}); err != want {
				t.Errorf("Create #%d: err = %v, want %v", i+1, err, want)
			}
		}
	})

	t.Run("updates when_ttl's expireAfterSeconds when the lockout window changed", func(t *testing.T) {
		db := freshDatabase(t)
		first := openIn(t, db, regstack.StoreOptions{LoginLockoutWindow: 15 * time.Minute})
		if err := first.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		if _, ok := listIndexes(t, rawDB(t, db).Collection("login_attempts"))["when_ttl"]; !ok {
			t.Skip("the server keeps no TTL indexes (FerretDB v1 answers NotImplemented), so there is none to update; TestTTLFailure covers how the conflict is recognised")
		}
		second := openIn(t, db, regstack.StoreOptions{LoginLockoutWindow: 5 * time.Minute})
		if err := second.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema with another window: %v", err)
		}
		checkSchema(t, rawDB(t, db), nil, 5*time.Minute)
	})

	t.Run("uses the configured collection names", func(t *testing.T) {
		db := freshDatabase(t)
		names := regstack.Collections{
			Users: "app_users", Pending: "app_pending", Blacklist: "app_blacklist", LoginAttempts: "app_attempts",
			MFACodes: "app_codes", OAuthIdentities: "app_identities", OAuthStates: "app_states",
		}
		st := openIn(t, db, regstack.StoreOptions{Collections: names})
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		u := &regstack.User{Email: "ada@example.com", IsActive: true}
		if err := st.Users().Create(t.Context(), u); err != nil {
			t.Fatalf("Create: %v", err)
		}
		raw := rawDB(t, db)
		if n, err := raw.Collection("app_users").CountDocuments(t.Context(), bson.D{}); err != nil || n != 1 {
			t.Errorf("app_users holds %d documents (err %v), want 1", n, err)
		}
		if _, ok := listIndexes(t, raw.Collection("app_identities"))["provider_subject_unique"]; !ok {
			t.Errorf("app_identities has no provider_subject_unique index")
		}
		colls, err := raw.ListCollectionNames(t.Context(), bson.D{{Key: "name", Value: "users"}})
		if err != nil || len(colls) != 0 {
			t.Errorf("the default users collection exists (%v, err %v)", colls, err)
		}
	})
}
