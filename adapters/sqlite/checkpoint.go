package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// checkpointEvery is how often the checkpointer folds the write-ahead log
// into the database file. At a hundred logins a second that is a few
// hundred pages each time.
const checkpointEvery = time.Second

// walBackstopPages is the writer's own wal_autocheckpoint. SQLite starts
// the log over from its beginning only when a checkpoint has copied every
// frame before the next write begins; the checkpointer runs beside the
// commits, and under a steady stream of writes each of its checkpoints can
// overlap one, so the log would grow without end. A commit that takes the
// log past this many pages checkpoints it itself, with no other commit
// able to slip in: most pages are copied already, so it is short, and the
// next write starts the log over. It also bounds the log if the
// checkpointer fails.
const walBackstopPages = 4000

// walSizeLimitBytes is journal_size_limit: a log file left larger than this
// by a burst is cut back to it when the log starts over.
const walSizeLimitBytes = 32 << 20

// checkpointer copies committed pages from the write-ahead log into the
// database file on a connection of its own, in the background. Left to
// SQLite, the commit that takes the log past 1 000 pages runs the whole
// checkpoint itself: on a large database that writes and syncs pages
// scattered over the file while a request waits for its commit (login p99
// at a million users was 1.38 times that at a thousand that way, about
// 1.0 with this). A PASSIVE checkpoint waits for no reader and no writer;
// what it cannot copy yet, the next one does.
type checkpointer struct {
	db     *sql.DB
	cancel context.CancelFunc
	done   chan struct{}
}

// startCheckpointer runs a checkpoint on db every interval until stop. db
// must be a pool of its own, one connection, on the store's database.
func startCheckpointer(db *sql.DB, interval time.Duration, logger *slog.Logger) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		failing := false
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			_, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
			switch {
			case err != nil && ctx.Err() == nil && !failing:
				// Once per run of failures: the log only grows meanwhile, and
				// the next success catches up.
				logger.Warn("sqlite: background WAL checkpoint failed", "err", err)
				failing = true
			case err == nil && failing:
				logger.Info("sqlite: background WAL checkpoints succeed again")
				failing = false
			}
		}
	}()
	return c
}

// stop ends the loop, waits for a checkpoint in progress, and closes the
// connection.
func (c *checkpointer) stop() {
	c.cancel()
	<-c.done
	_ = c.db.Close()
}
