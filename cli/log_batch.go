package cli

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logBatchDelay bounds how long a log line waits in a logBatch before it
// reaches the terminal or file.
const logBatchDelay = 50 * time.Millisecond

// logBatch gathers serve's log lines and writes them out in batches. Every
// request writes one access line; written one by one, that is one write(2)
// per request, a measurable share of a request as cheap as GET /me. A line
// waits at most logBatchDelay (or until 64 KiB are pending), and Close
// writes out the rest, so a clean shutdown loses nothing; a crash loses at
// most the last logBatchDelay of lines.
type logBatch struct {
	mu      sync.Mutex
	buf     *bufio.Writer
	pending bool
	closed  bool
	err     error // the first write error, reported by later writes and Close
}

func newLogBatch(w io.Writer) *logBatch {
	return &logBatch{buf: bufio.NewWriterSize(w, 64<<10)}
}

func (b *logBatch) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if b.closed {
		// Late lines (after Close) go straight through.
		n, err := b.buf.Write(p)
		if err == nil {
			err = b.buf.Flush()
		}
		return n, err
	}
	n, err := b.buf.Write(p)
	if err != nil {
		b.err = err
		return n, err
	}
	if !b.pending {
		b.pending = true
		time.AfterFunc(logBatchDelay, b.flush)
	}
	return n, nil
}

func (b *logBatch) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	if b.err == nil {
		b.err = b.buf.Flush()
	}
}

// Close writes out every pending line. Writes after Close are unbatched.
func (b *logBatch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.err == nil {
		b.err = b.buf.Flush()
	}
	return b.err
}
