package sqlite_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"

	"github.com/regstack/regstack/adapters/sqlite"
)

const benchUsers = 10_000

// benchStore is a file store holding benchUsers users; it returns their
// ids and emails.
func benchStore(b *testing.B) (regstack.Store, []string, []string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	st, err := sqlite.Open(b.Context(), "sqlite:///"+path, regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if err := st.InstallSchema(b.Context()); err != nil {
		b.Fatal(err)
	}
	ids := make([]string, benchUsers)
	emails := make([]string, benchUsers)
	for i := range benchUsers {
		u := &regstack.User{
			Email:          fmt.Sprintf("user%05d@example.com", i),
			HashedPassword: ptr(pyArgon2Hash),
			IsActive:       true,
			CreatedAt:      pyEpoch.Add(time.Duration(i) * time.Second),
		}
		if err := st.Users().Create(b.Context(), u); err != nil {
			b.Fatal(err)
		}
		ids[i], emails[i] = u.ID, u.Email
	}
	return st, ids, emails
}

// requestContext is cancellable, like the context of an HTTP request.
// (b.Context() is not used in the loop: every context derived from it
// costs a watcher goroutine, which would dominate the numbers.)
func requestContext(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}

func BenchmarkUserGetByID(b *testing.B) {
	st, ids, _ := benchStore(b)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		u, err := st.Users().GetByID(ctx, ids[i%len(ids)])
		if err != nil || u == nil {
			b.Fatalf("GetByID = %v, %v", u, err)
		}
		i++
	}
}

func BenchmarkUserGetByEmail(b *testing.B) {
	st, _, emails := benchStore(b)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		u, err := st.Users().GetByEmail(ctx, emails[i%len(emails)])
		if err != nil || u == nil {
			b.Fatalf("GetByEmail = %v, %v", u, err)
		}
		i++
	}
}

func BenchmarkUserGetByIDParallel(b *testing.B) {
	st, ids, _ := benchStore(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if u, err := st.Users().GetByID(context.Background(), ids[i%len(ids)]); err != nil || u == nil {
				b.Errorf("GetByID = %v, %v", u, err)
				return
			}
			i++
		}
	})
}

// BenchmarkReadSession is the store's share of every authenticated request:
// the user row and the revocation check in one query.
func BenchmarkReadSession(b *testing.B) {
	st, ids, _ := benchStore(b)
	sr := st.(regstack.SessionReader)
	ctx := requestContext(b)
	i := 0
	for b.Loop() {
		u, revoked, err := sr.ReadSession(ctx, ids[i%len(ids)], "jti")
		if err != nil || u == nil || revoked {
			b.Fatalf("ReadSession = %v, %v, %v", u, revoked, err)
		}
		i++
	}
}
