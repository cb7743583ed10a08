//go:build linux

package main

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/password"

	_ "github.com/regstack/regstack/adapters/mongo"
	_ "github.com/regstack/regstack/adapters/postgres"
	_ "github.com/regstack/regstack/adapters/sqlite"
)

// testServerURL is the server a backend's seeding test runs on: none for
// SQLite; for the others the test harness's variable, failing under CI
// when it is unset and skipping otherwise.
func testServerURL(t *testing.T, backend string) string {
	t.Helper()
	name := map[string]string{backendPostgres: "REGSTACK_TEST_POSTGRES_URL", backendMongo: "REGSTACK_TEST_MONGO_URL"}[backend]
	if name == "" {
		return ""
	}
	u := os.Getenv(name)
	if u == "" {
		msg := name + " is unset: start the test services with `. scripts/lib.sh; . scripts/deps.sh; . scripts/services.sh; start_services`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// Seeded users must be users the real store reads and logs in: the right
// columns or fields, a hash the password verifies against, active and
// verified, and a top-up must add exactly the users asked for.
func TestSeededUsersAreUsersTheStoreReads(t *testing.T) {
	phc, err := password.Hash(loadPassword, password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{backendSQLite, backendPostgres, backendMongo} {
		t.Run("on "+backend, func(t *testing.T) {
			ctx := t.Context()
			db, err := openDatabase(ctx, backend, testServerURL(t, backend), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := db.Drop(ctx); err != nil {
					t.Errorf("Drop: %v", err)
				}
			})
			store, err := regstack.OpenStore(ctx, db.URL(), regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = store.Close() })
			if err := store.InstallSchema(ctx); err != nil {
				t.Fatal(err)
			}

			// The first call spans two batches; the second tops up.
			if err := db.Seed(ctx, 0, seedBatch+100, phc); err != nil {
				t.Fatalf("Seed: %v", err)
			}
			if err := db.Seed(ctx, seedBatch+100, seedBatch+150, phc); err != nil {
				t.Fatalf("Seed (top-up): %v", err)
			}
			if n, err := store.Users().Count(ctx, regstack.UserFilter{}); err != nil || n != seedBatch+150 {
				t.Errorf("Count = %d, %v; want %d", n, err, seedBatch+150)
			}
			for _, i := range []int{0, seedBatch, seedBatch + 149} {
				u, err := store.Users().GetByEmail(ctx, userEmail(i))
				if err != nil || u == nil {
					t.Fatalf("GetByEmail(%s) = %v, %v; want the seeded user", userEmail(i), u, err)
				}
				if !u.IsActive || !u.IsVerified || u.IsSuperuser || u.IsMFAEnabled || !u.CreatedAt.Equal(seedTime) {
					t.Errorf("seeded user %d = %+v; want active, verified, no admin, no MFA, created at %v", i, u, seedTime)
				}
				if !u.HasPassword() || !password.Verify(loadPassword, *u.HashedPassword) {
					t.Errorf("seeded user %d: the load password does not verify against its hash", i)
				}
				if got, err := store.Users().GetByID(ctx, u.ID); err != nil || got == nil || got.Email != u.Email {
					t.Errorf("GetByID(seeded user %d) = %v, %v", i, got, err)
				}
			}
			if u, err := store.Users().GetByEmail(ctx, userEmail(seedBatch+150)); err != nil || u != nil {
				t.Errorf("GetByEmail(one past the seeded users) = %v, %v; want none", u, err)
			}
		})
	}
}
