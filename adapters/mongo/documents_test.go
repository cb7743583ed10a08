package mongo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

var docEpoch = time.Date(2030, time.March, 4, 5, 6, 7, 891_000_000, time.UTC)

// rawDoc reads one document of coll behind the store's back.
func rawDoc(t *testing.T, db, coll string, filter bson.D) bson.M {
	t.Helper()
	var m bson.M
	if err := rawDB(t, db).Collection(coll).FindOne(t.Context(), filter).Decode(&m); err != nil {
		t.Fatalf("find in %s: %v", coll, err)
	}
	return m
}

// keys lists a document's field names, sorted.
func keys(m bson.M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mustOID(t *testing.T, id string) bson.ObjectID {
	t.Helper()
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		t.Fatalf("id %q is not an ObjectId: %v", id, err)
	}
	return oid
}

func TestUserDocuments(t *testing.T) {
	t.Run("Create stores an ObjectId, BSON dates and no field for a nil optional value", func(t *testing.T) {
		st, db := installed(t, storetest.NewClock(docEpoch))
		u := &regstack.User{Email: "oauth@example.com", IsActive: true}
		if err := st.Users().Create(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		doc := rawDoc(t, db, "users", bson.D{{Key: "_id", Value: mustOID(t, u.ID)}})
		want := []string{"_id", "created_at", "email", "is_active", "is_mfa_enabled", "is_superuser", "is_verified", "updated_at"}
		if got := keys(doc); !slices.Equal(got, want) {
			t.Errorf("document fields = %v, want %v", got, want)
		}
		if _, ok := doc["created_at"].(bson.DateTime); !ok {
			t.Errorf("created_at is a %T, want a BSON date", doc["created_at"])
		}
	})

	t.Run("fields the host added survive every mutator and are ignored on read", func(t *testing.T) {
		clock := storetest.NewClock(docEpoch)
		st, db := installed(t, clock)
		u := &regstack.User{Email: "ada@example.com", IsActive: true, HashedPassword: ptr("$argon2id$x"), FullName: ptr("Ada")}
		if err := st.Users().Create(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		extras := bson.D{
			{Key: "tenant", Value: "acme"},
			{Key: "prefs", Value: bson.D{{Key: "theme", Value: "dark"}, {Key: "tags", Value: bson.A{"a", "b"}}}},
			{Key: "login_count", Value: int64(42)},
		}
		if _, err := rawDB(t, db).Collection("users").UpdateOne(t.Context(),
			bson.D{{Key: "_id", Value: mustOID(t, u.ID)}}, bson.D{{Key: "$set", Value: extras}}); err != nil {
			t.Fatal(err)
		}
		us := st.Users()
		ctx := t.Context()
		for _, m := range []struct {
			name   string
			mutate func(context.Context) error
		}{
			{"SetLastLogin", func(ctx context.Context) error { return us.SetLastLogin(ctx, u.ID, docEpoch) }},
			{"SetTokensInvalidatedAfter", func(ctx context.Context) error { return us.SetTokensInvalidatedAfter(ctx, u.ID, docEpoch) }},
			{"UpdatePassword", func(ctx context.Context) error { return us.UpdatePassword(ctx, u.ID, "$argon2id$y") }},
			{"UpdateEmail", func(ctx context.Context) error { return us.UpdateEmail(ctx, u.ID, "countess@example.com") }},
			{"SetActive", func(ctx context.Context) error { return us.SetActive(ctx, u.ID, false) }},
			{"SetVerified", func(ctx context.Context) error { return us.SetVerified(ctx, u.ID, true) }},
			{"SetSuperuser", func(ctx context.Context) error { return us.SetSuperuser(ctx, u.ID, true) }},
			{"SetFullName", func(ctx context.Context) error { return us.SetFullName(ctx, u.ID, ptr("Countess")) }},
			{"SetFullName(nil)", func(ctx context.Context) error { return us.SetFullName(ctx, u.ID, nil) }},
			{"SetPhone", func(ctx context.Context) error { return us.SetPhone(ctx, u.ID, ptr("+14155552671")) }},
			{"SetPhone(nil)", func(ctx context.Context) error { return us.SetPhone(ctx, u.ID, nil) }},
			{"SetMFAEnabled", func(ctx context.Context) error { return us.SetMFAEnabled(ctx, u.ID, true) }},
		} {
			if err := m.mutate(ctx); err != nil {
				t.Fatalf("%s: %v", m.name, err)
			}
			var doc struct {
				Tenant     string `bson:"tenant"`
				LoginCount any    `bson:"login_count"`
				Prefs      struct {
					Theme string   `bson:"theme"`
					Tags  []string `bson:"tags"`
				} `bson:"prefs"`
			}
			if err := rawDB(t, db).Collection("users").FindOne(ctx, bson.D{{Key: "_id", Value: mustOID(t, u.ID)}}).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if doc.Tenant != "acme" || doc.LoginCount != int64(42) || doc.Prefs.Theme != "dark" || !slices.Equal(doc.Prefs.Tags, []string{"a", "b"}) {
				t.Errorf("after %s the host's fields are %+v", m.name, doc)
			}
		}
		got, err := us.GetByID(ctx, u.ID)
		if err != nil || got == nil {
			t.Fatalf("GetByID = %v, %v", got, err)
		}
		if got.Email != "countess@example.com" || got.FullName != nil || got.PhoneNumber != nil || !got.IsMFAEnabled {
			t.Errorf("GetByID = %+v", got)
		}
	})

	t.Run("clearing an optional field removes it, and a null field reads as nil", func(t *testing.T) {
		st, db := installed(t, storetest.NewClock(docEpoch))
		u := &regstack.User{Email: "ada@example.com", IsActive: true, FullName: ptr("Ada"), PhoneNumber: ptr("+14155552671")}
		if err := st.Users().Create(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		if err := st.Users().SetFullName(t.Context(), u.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, ok := rawDoc(t, db, "users", bson.D{{Key: "email", Value: "ada@example.com"}})["full_name"]; ok {
			t.Errorf("full_name is still in the document after SetFullName(nil)")
		}
		// Python regstack writes None as null.
		if _, err := rawDB(t, db).Collection("users").UpdateOne(t.Context(), bson.D{{Key: "email", Value: "ada@example.com"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "phone_number", Value: nil}, {Key: "last_login", Value: nil}, {Key: "hashed_password", Value: nil}}}}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Users().GetByID(t.Context(), u.ID)
		if err != nil || got == nil {
			t.Fatalf("GetByID = %v, %v", got, err)
		}
		if got.PhoneNumber != nil || got.LastLogin != nil || got.HashedPassword != nil || got.FullName != nil {
			t.Errorf("null and missing fields read as %+v, want nil", got)
		}
	})

	t.Run("malformed ids are not found by readers and change nothing for writers", func(t *testing.T) {
		st, _ := installed(t, storetest.NewClock(docEpoch))
		u := &regstack.User{Email: "ada@example.com", IsActive: true}
		if err := st.Users().Create(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{
			"zzzzzzzzzzzzzzzzzzzzzzzz",   // 24 characters, not hex
			u.ID[:23],                    // one short
			u.ID + "0",                   // one long
			"0123456789ab",               // 12 characters, the raw ObjectId length
			`{"$ne": null}`,              // an operator smuggled in as a string
			"0123456789abcdef01234567\n", // trailing newline
		} {
			if got, err := st.Users().GetByID(t.Context(), id); got != nil || err != nil {
				t.Errorf("GetByID(%q) = %v, %v; want nil, nil", id, got, err)
			}
			if err := st.Users().SetSuperuser(t.Context(), id, true); err != nil {
				t.Errorf("SetSuperuser(%q) = %v, want nil", id, err)
			}
			if removed, err := st.Users().Delete(t.Context(), id); removed || err != nil {
				t.Errorf("Delete(%q) = %v, %v; want false, nil", id, removed, err)
			}
		}
		got, err := st.Users().GetByID(t.Context(), u.ID)
		if err != nil || got == nil || got.IsSuperuser {
			t.Errorf("the user after the writes = %+v, %v; want unchanged", got, err)
		}
	})
}

func TestDocumentsWrittenByOthers(t *testing.T) {
	t.Run("an MFA code reads its counters from int32, int64 or double", func(t *testing.T) {
		for _, tt := range []struct {
			name               string
			attempts, maxTries any
		}{
			{"int32", int32(2), int32(5)},
			{"int64", int64(2), int64(5)},
			{"double", 2.0, 5.0},
		} {
			t.Run(tt.name, func(t *testing.T) {
				st, db := installed(t, storetest.NewClock(docEpoch))
				_, err := rawDB(t, db).Collection("mfa_codes").InsertOne(t.Context(), bson.D{
					{Key: "user_id", Value: "u1"}, {Key: "kind", Value: regstack.MFAKindLoginMFA},
					{Key: "code_hash", Value: "abc"}, {Key: "expires_at", Value: docEpoch.Add(time.Minute)},
					{Key: "attempts", Value: tt.attempts}, {Key: "max_attempts", Value: tt.maxTries},
					{Key: "created_at", Value: docEpoch},
				})
				if err != nil {
					t.Fatal(err)
				}
				c, err := st.MFACodes().Find(t.Context(), "u1", regstack.MFAKindLoginMFA)
				if err != nil || c == nil || c.Attempts != 2 || c.MaxAttempts != 5 {
					t.Fatalf("Find = %+v, %v; want attempts 2 of 5", c, err)
				}
				check, err := st.MFACodes().Verify(t.Context(), "u1", regstack.MFAKindLoginMFA, "wrong", docEpoch)
				if err != nil || check.Outcome != regstack.MFAWrong || check.Remaining != 2 {
					t.Errorf("Verify(wrong) = %+v, %v; want WRONG(2)", check, err)
				}
			})
		}
	})

	t.Run("Put writes the counters as int32", func(t *testing.T) {
		st, db := installed(t, storetest.NewClock(docEpoch))
		err := st.MFACodes().Put(t.Context(), &regstack.MFACode{UserID: "u1", Kind: regstack.MFAKindPhoneSetup, CodeHash: "abc",
			ExpiresAt: docEpoch.Add(time.Minute), MaxAttempts: 5, CreatedAt: docEpoch})
		if err != nil {
			t.Fatal(err)
		}
		doc := rawDoc(t, db, "mfa_codes", bson.D{{Key: "user_id", Value: "u1"}})
		if _, ok := doc["attempts"].(int32); !ok {
			t.Errorf("attempts is a %T, want int32", doc["attempts"])
		}
		if _, ok := doc["max_attempts"].(int32); !ok {
			t.Errorf("max_attempts is a %T, want int32", doc["max_attempts"])
		}
		if _, ok := doc["_id"].(bson.ObjectID); !ok {
			t.Errorf("_id is a %T, want an ObjectId", doc["_id"])
		}
	})

	t.Run("an OAuth state of Python before 0.8.3, without result_was_new, reads as false", func(t *testing.T) {
		st, db := installed(t, storetest.NewClock(docEpoch))
		_, err := rawDB(t, db).Collection("oauth_states").InsertOne(t.Context(), bson.D{
			{Key: "_id", Value: "state-1"}, {Key: "provider", Value: "google"}, {Key: "code_verifier", Value: "v"},
			{Key: "nonce", Value: "n"}, {Key: "redirect_to", Value: "/"}, {Key: "mode", Value: regstack.OAuthModeSignin},
			{Key: "created_at", Value: docEpoch}, {Key: "expires_at", Value: docEpoch.Add(time.Minute)},
			{Key: "result_token", Value: "jwt"},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.OAuthStates().Find(t.Context(), "state-1")
		if err != nil || got == nil || got.ResultWasNew || got.ResultToken == nil || *got.ResultToken != "jwt" || got.LinkingUserID != nil {
			t.Errorf("Find = %+v, %v", got, err)
		}
		if applied, err := st.OAuthStates().Complete(t.Context(), "state-1", "other", true, docEpoch); applied || err != nil {
			t.Errorf("Complete of a state that has a result = %v, %v; want false, nil", applied, err)
		}
	})

	t.Run("a pending registration keeps its _id across upserts and stores no null full_name", func(t *testing.T) {
		st, db := installed(t, storetest.NewClock(docEpoch))
		p := &regstack.PendingRegistration{Email: "ada@example.com", HashedPassword: "h", TokenHash: "t1", CreatedAt: docEpoch, ExpiresAt: docEpoch.Add(time.Hour)}
		if err := st.Pending().Upsert(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		first := rawDoc(t, db, "pending_registrations", bson.D{{Key: "email", Value: "ada@example.com"}})
		if _, ok := first["full_name"]; ok {
			t.Errorf("full_name stored for a nil name")
		}
		p.TokenHash = "t2"
		if err := st.Pending().Upsert(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		second := rawDoc(t, db, "pending_registrations", bson.D{{Key: "email", Value: "ada@example.com"}})
		if first["_id"] != second["_id"] || second["token_hash"] != "t2" {
			t.Errorf("after the second upsert _id %v → %v, token_hash %v", first["_id"], second["_id"], second["token_hash"])
		}
	})
}
