package mongo

import (
	"context"
	"errors"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		fallback string
		wantURI  string
		wantDB   string
	}{
		{"takes the database from the path", "mongodb://db.example.com:27017/app", "other", "mongodb://db.example.com:27017/app", "app"},
		{"stops the database at the query", "mongodb://user:pw@db.example.com:27017/app?authSource=admin", "", "mongodb://user:pw@db.example.com:27017/app?authSource=admin", "app"},
		{"reads an SRV URL without looking it up", "mongodb+srv://user:pw@cluster0.example.net/app", "", "mongodb+srv://user:pw@cluster0.example.net/app", "app"},
		{"falls back to mongodb_database without a path", "mongodb://localhost:27017", "regstack", "mongodb://localhost:27017", "regstack"},
		{"falls back to mongodb_database with an empty path", "mongodb://localhost:27017/", "regstack", "mongodb://localhost:27017/", "regstack"},
		{"falls back to mongodb_database with only a query", "mongodb://h1,h2/?replicaSet=rs0", "regstack", "mongodb://h1,h2/?replicaSet=rs0", "regstack"},
		{"unescapes the database name", "mongodb://localhost/my%2Dapp", "", "mongodb://localhost/my%2Dapp", "my-app"},
		{"is not fooled by a slash in an escaped password", "mongodb://u:p%2Fw@localhost/app", "", "mongodb://u:p%2Fw@localhost/app", "app"},
		{"lower-cases the scheme and keeps the rest", "MongoDB://Host/App?maxPoolSize=7", "", "mongodb://Host/App?maxPoolSize=7", "App"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := parseURL(tt.url, tt.fallback)
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.url, err)
			}
			if loc.uri != tt.wantURI || loc.database != tt.wantDB {
				t.Errorf("parseURL(%q) = uri %q, database %q; want %q, %q", tt.url, loc.uri, loc.database, tt.wantURI, tt.wantDB)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	const noDB = "MongoDB URL has no database path and config.mongodb_database is unset. Use mongodb://host:port/dbname or set mongodb_database."
	for _, url := range []string{"mongodb://localhost:27017", "mongodb://localhost:27017/", "mongodb://u:pw@localhost/?authSource=admin", "mongodb+srv://cluster0.example.net/"} {
		t.Run("a URL without a database and no mongodb_database fails with config.md's message: "+url, func(t *testing.T) {
			st, err := regstack.OpenStore(t.Context(), url, regstack.StoreOptions{})
			if err == nil {
				st.Close()
				t.Fatalf("OpenStore succeeded")
			}
			if err.Error() != noDB {
				t.Errorf("error = %q, want %q", err, noDB)
			}
		})
	}

	for _, tt := range []struct {
		name, url string
		secrets   []string
	}{
		{"a bad option that quotes the password", "mongodb://admin:s3cret@localhost/app?maxPoolSize=s3cret", []string{"s3cret"}},
		{"a bad escape in the password", "mongodb://admin:hun%zzter2@localhost/app", []string{"hun", "%zz", "ter2"}},
	} {
		t.Run("a driver error about "+tt.name+" in the URL does not show the password", func(t *testing.T) {
			_, err := Open(context.Background(), tt.url, regstack.StoreOptions{})
			if err == nil {
				t.Fatalf("Open(%q) succeeded", tt.url)
			}
			for _, secret := range tt.secrets {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains %q, a piece of the password", err, secret)
				}
			}
		})
	}
}

func TestOpenIsRegisteredForBothSchemes(t *testing.T) {
	for _, scheme := range []string{"mongodb", "mongodb+srv"} {
		found := false
		for _, s := range regstack.StoreSchemes() {
			found = found || s == scheme
		}
		if !found {
			t.Errorf("scheme %q is not registered (have %v)", scheme, regstack.StoreSchemes())
		}
	}
	t.Run("and opens without dialling, with pool settings from the URL", func(t *testing.T) {
		st, err := regstack.OpenStore(t.Context(), "MONGODB://127.0.0.1:1/app?maxPoolSize=3&minPoolSize=1&serverSelectionTimeoutMS=100", regstack.StoreOptions{})
		if err != nil {
			t.Fatalf("OpenStore: %v", err)
		}
		defer st.Close()
		if db := st.(*Store).Database(); db != "app" {
			t.Errorf("Database() = %q, want app", db)
		}
		if err := st.Ping(t.Context()); err == nil {
			t.Errorf("Ping of a server that is not there succeeded")
		}
	})
}

func TestTTLFailure(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want ttlOutcome
	}{
		{"no error means the index exists", nil, ttlCreated},
		{"NotImplemented (FerretDB v1) means no TTL support", commandErr(238, `Index option "expireAfterSeconds" is not implemented yet`), ttlUnsupported},
		{"CommandNotSupported means no TTL support", commandErr(115, "createIndexes option is not supported"), ttlUnsupported},
		{"any other error saying not supported means no TTL support", errors.New("TTL indexes are not supported by this server"), ttlUnsupported},
		{"IndexOptionsConflict means the index exists with another expireAfterSeconds", commandErr(85, "An equivalent index already exists with the same name but different options"), ttlConflict},
		{"any other server error fails the start", commandErr(13, "not authorized on app to execute command"), ttlFailed},
		{"a network error fails the start", errors.New("connection refused"), ttlFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ttlFailure(tt.err); got != tt.want {
				t.Errorf("ttlFailure(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

// commandErr is the error the driver returns for a failed command.
func commandErr(code int32, msg string) error {
	return mongo.CommandError{Code: code, Message: msg}
}
