package mongo_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// doctorReports are the optional reports `regstack doctor` finds on a
// MongoDB store by type assertion.
type doctorReports interface {
	MissingIndexes(ctx context.Context) ([]string, error)
	ServerVersion(ctx context.Context) (string, error)
	SecantusVersion(ctx context.Context) (string, error)
}

func reports(t *testing.T, st regstack.Store) doctorReports {
	t.Helper()
	r, ok := st.(doctorReports)
	if !ok {
		t.Fatalf("%T lacks the doctor's reports", st)
	}
	return r
}

func missingIndexes(t *testing.T, st regstack.Store) []string {
	t.Helper()
	names, err := reports(t, st).MissingIndexes(t.Context())
	if err != nil {
		t.Fatalf("MissingIndexes: %v", err)
	}
	return names
}

func TestMissingIndexes(t *testing.T) {
	// Every index InstallSchema always creates; TTL indexes are optional.
	all := []string{
		"people.email_unique",
		"token_blacklist.jti_unique",
		"pending_registrations.pending_email_unique",
		"pending_registrations.pending_token_unique",
		"login_attempts.email_when",
		"mfa_codes.user_kind_unique",
		"oauth_identities.provider_subject_unique",
		"oauth_identities.user_provider_unique",
	}
	opts := regstack.StoreOptions{Collections: regstack.Collections{Users: "people"}}

	t.Run("on a database never installed it names every index and creates nothing", func(t *testing.T) {
		db := freshDatabase(t)
		st := openIn(t, db, opts)
		if got := missingIndexes(t, st); !slices.Equal(got, all) {
			t.Errorf("MissingIndexes =\n%q\nwant\n%q", got, all)
		}
		colls, err := rawDB(t, db).ListCollectionNames(t.Context(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if len(colls) != 0 {
			t.Errorf("MissingIndexes created collections %v", colls)
		}
	})

	t.Run("after InstallSchema none is missing, and a dropped index is named alone", func(t *testing.T) {
		db := freshDatabase(t)
		st := openIn(t, db, opts)
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatalf("InstallSchema: %v", err)
		}
		if got := missingIndexes(t, st); len(got) != 0 {
			t.Errorf("MissingIndexes after InstallSchema = %q, want none", got)
		}
		if err := rawDB(t, db).Collection("token_blacklist").Indexes().DropOne(t.Context(), "jti_unique"); err != nil {
			t.Fatal(err)
		}
		if got, want := missingIndexes(t, st), []string{"token_blacklist.jti_unique"}; !slices.Equal(got, want) {
			t.Errorf("MissingIndexes = %q, want %q", got, want)
		}
	})
}

func TestServerVersion(t *testing.T) {
	st := openIn(t, freshDatabase(t), regstack.StoreOptions{})
	var raw bson.M
	if err := rawClient(t).Database("admin").RunCommand(t.Context(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&raw); err != nil {
		t.Fatalf("buildInfo: %v", err)
	}

	t.Run("ServerVersion is buildInfo's version, three dotted numbers", func(t *testing.T) {
		v, err := reports(t, st).ServerVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if v != raw["version"] || !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(v) {
			t.Errorf("ServerVersion = %q, buildInfo says %v", v, raw["version"])
		}
	})

	t.Run("SecantusVersion is empty unless the server is SecantusDB", func(t *testing.T) {
		v, err := reports(t, st).SecantusVersion(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want, _ := raw["secantusVersion"].(string)
		if v != want {
			t.Errorf("SecantusVersion = %q, buildInfo says %q", v, want)
		}
	})
}
