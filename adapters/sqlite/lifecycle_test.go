package sqlite_test

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"

	"github.com/regstack/regstack/adapters/sqlite"
)

func TestOpenStoreFindsSQLiteByItsPythonURL(t *testing.T) {
	path := tempDBPath(t)
	st, err := regstack.OpenStore(t.Context(), "sqlite+aiosqlite:///"+path, regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no database file at %s: %v", path, err)
	}
}

func TestOpenFailsWhenTheDirectoryIsMissing(t *testing.T) {
	url := "sqlite:///" + filepath.Join(t.TempDir(), "missing", "x.db")
	if st, err := sqlite.Open(t.Context(), url, regstack.StoreOptions{}); err == nil {
		_ = st.Close()
		t.Fatal("Open succeeded")
	}
}

func TestInMemoryDatabasesKeepTheirDataAndShareNothing(t *testing.T) {
	open := func() regstack.Store {
		st, err := sqlite.Open(t.Context(), "sqlite:///:memory:", regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		if err := st.InstallSchema(t.Context()); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b := open(), open()
	ctx := t.Context()
	if err := a.Users().Create(ctx, &regstack.User{Email: "alice@example.com", IsActive: true}); err != nil {
		t.Fatal(err)
	}
	// Many concurrent readers must all land on the one connection that
	// holds the database.
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			u, err := a.Users().GetByEmail(ctx, "alice@example.com")
			if err == nil && u == nil {
				err = fmt.Errorf("the user is gone")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("reading from the in-memory store: %v", err)
		}
	}
	if u, err := b.Users().GetByEmail(ctx, "alice@example.com"); err != nil || u != nil {
		t.Errorf("the other in-memory store sees %v, %v; want nothing", u, err)
	}
}

func TestCloseLeavesTheDataInTheDatabaseFileAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "regstack.db")
	st, err := sqlite.Open(t.Context(), "sqlite:///"+path, regstack.StoreOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := st.Users().Create(t.Context(), &regstack.User{Email: "alice@example.com", IsActive: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Copy the main file alone: whatever a -wal file still held is lost.
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copied, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := rawString(t, copied, "SELECT email FROM users"); got != "alice@example.com" {
		t.Errorf("the copied file holds %q, want the user written before Close", got)
	}
}

// Two stores on one file are two writers, as two processes would be:
// their writes meet in SQLite's lock, where the busy timeout must absorb
// the contention.
func TestTwoStoresOnOneFileRaceWithoutBusyErrors(t *testing.T) {
	path := tempDBPath(t)
	clock := newClock(pyEpoch)
	a := installedStore(t, path, clock)
	b := openFileStore(t, path, clock)
	stores := []regstack.Store{a, b}
	ctx := t.Context()
	const racers = 400
	if err := a.MFACodes().Put(ctx, &regstack.MFACode{UserID: "u", Kind: regstack.MFAKindLoginMFA, CodeHash: "right", ExpiresAt: pyEpoch.Add(time.Hour), MaxAttempts: 5}); err != nil {
		t.Fatal(err)
	}
	if err := a.OAuthStates().Create(ctx, &regstack.OAuthState{ID: "state", Provider: "google", CodeVerifier: "v", Nonce: "n", RedirectTo: "/", Mode: regstack.OAuthModeSignin, ExpiresAt: pyEpoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var claims, consumed, locked int
	remaining := map[int]int{}
	var errs []error
	var wg sync.WaitGroup
	for i := range racers {
		st := stores[i%2]
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				var ok bool
				ok, err = st.Blacklist().Claim(ctx, "jti", pyEpoch.Add(time.Hour))
				mu.Lock()
				claims += boolInt(ok)
				mu.Unlock()
			case 1:
				var s *regstack.OAuthState
				s, err = st.OAuthStates().Consume(ctx, "state")
				mu.Lock()
				consumed += boolInt(s != nil)
				mu.Unlock()
			case 2:
				var c regstack.MFACheck
				c, err = st.MFACodes().Verify(ctx, "u", regstack.MFAKindLoginMFA, "wrong", pyEpoch)
				mu.Lock()
				if c.Outcome == regstack.MFAWrong {
					remaining[c.Remaining]++
				}
				locked += boolInt(c.Outcome == regstack.MFALocked)
				mu.Unlock()
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range errs[:min(len(errs), 5)] {
		t.Errorf("a racer failed: %v", err)
	}
	if claims != 1 || consumed != 1 {
		t.Errorf("claims = %d, consumes = %d; want exactly one each", claims, consumed)
	}
	// Five guesses count: four answer WRONG with 4, 3, 2 and 1 left, the
	// fifth LOCKED (later callers may also see LOCKED, or MISSING).
	if want := map[int]int{4: 1, 3: 1, 2: 1, 1: 1}; !maps.Equal(remaining, want) || locked == 0 {
		t.Errorf("WRONG answers by remaining count %v and %d LOCKED; want %v and at least one LOCKED", remaining, locked, want)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
