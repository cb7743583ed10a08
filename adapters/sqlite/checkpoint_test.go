package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// Commits leave the write-ahead log alone and a background checkpointer
// folds it into the database file: a user created through the store shows
// up in the file itself (read with immutable=1, which ignores the log)
// within a few checkpoint intervals, with the store still open. Neither
// SQLite's own automatic checkpoint (1 000 pages away) nor Close has run.
func TestCheckpointerFoldsTheLogIntoTheFile(t *testing.T) {
	path := tempDBPath(t)
	st := installedStore(t, path, newClock(pyEpoch))
	u := &regstack.User{Email: "ckpt@example.com", IsActive: true}
	if err := st.Users().Create(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	fileOnly, err := sql.Open("sqlite", "file:"+path+"?immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fileOnly.Close() })
	fileOnly.SetMaxOpenConns(1)

	deadline := time.Now().Add(10 * time.Second)
	for {
		// A fresh connection each time: an immutable one caches pages.
		var n int
		err := fileOnly.QueryRowContext(t.Context(), "SELECT count(*) FROM users WHERE email = ?", u.Email).Scan(&n)
		fileOnly.SetMaxIdleConns(0)
		fileOnly.SetMaxIdleConns(1)
		if err == nil && n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the user is not in the database file after 10s (count %d, err %v): no background checkpoint ran", n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Under a steady stream of commits, each background checkpoint overlaps
// one, and SQLite starts the log over only after a checkpoint no commit
// overlapped: the writer's own backstop checkpoint keeps the log from
// growing without end (6 000 commits of about 12 KiB each, with a reader
// beside them, would leave about 70 MiB of log otherwise).
func TestTheLogStaysBoundedUnderSteadyWrites(t *testing.T) {
	path := tempDBPath(t)
	st := installedStore(t, path, newClock(pyEpoch))
	sr := st.(regstack.SessionReader)
	ctx := t.Context()
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			_, _, _ = sr.ReadSession(ctx, "00000000000000000000000000000000", "jti")
		}
	}()
	name := strings.Repeat("n", 3000)
	for i := range 6000 {
		u := &regstack.User{Email: fmt.Sprintf("w%05d@example.com", i), IsActive: true, FullName: &name}
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	<-readerDone
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if limit := int64(48 << 20); fi.Size() > limit {
		t.Errorf("write-ahead log is %d MiB after 6 000 commits, want at most %d MiB", fi.Size()>>20, limit>>20)
	}
}
