package sqlite_test

import (
	"database/sql"
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
