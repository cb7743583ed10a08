package cli

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	rshttp "github.com/regstack/regstack/transport/http"
)

// logBatchDelay bounds how long an access line waits in a logBatch before
// it reaches the terminal or file.
const logBatchDelay = 50 * time.Millisecond

// logBatch is serve's log output. Every request writes one access line;
// written one by one, that is one write(2) per request, a measurable share
// of a request as cheap as GET /me. So access lines are gathered and
// written out at most logBatchDelay (or 64 KiB) later, while every other
// line — a console email's link, a warning, an error — is written, with
// any access lines before it, before the call that logged it returns: the
// log is complete up to it once a request has been answered. Close writes
// out the rest; a crash loses at most the last logBatchDelay of access
// lines.
type logBatch struct {
	mu      sync.Mutex
	out     io.Writer
	buf     *bufio.Writer
	pending bool
	closed  bool
}

func newLogBatch(w io.Writer) *logBatch {
	return &logBatch{out: w, buf: bufio.NewWriterSize(w, 64<<10)}
}

// handler is a text slog handler writing to b: access lines batched,
// everything else at once.
func (b *logBatch) handler(opts *slog.HandlerOptions) slog.Handler {
	return &routeAccessLines{
		batched: slog.NewTextHandler(batchedWriter{b}, opts),
		now:     slog.NewTextHandler(immediateWriter{b}, opts),
	}
}

func (b *logBatch) write(p []byte, now bool) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	switch {
	case err != nil:
	case now || b.closed:
		err = b.buf.Flush()
	case !b.pending:
		b.pending = true
		time.AfterFunc(logBatchDelay, b.flush)
	}
	if err != nil {
		b.recover()
	}
	return n, err
}

// recover drops what the failed write left in the buffer (bufio refuses
// every later write once one failed), so one failure — a full disk, say —
// loses that batch, not the rest of the process's log.
func (b *logBatch) recover() { b.buf.Reset(b.out) }

func (b *logBatch) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	if b.buf.Flush() != nil {
		b.recover()
	}
}

// Close writes out every pending line. Writes after Close are not batched.
func (b *logBatch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	err := b.buf.Flush()
	if err != nil {
		b.recover()
	}
	return err
}

type batchedWriter struct{ b *logBatch }

func (w batchedWriter) Write(p []byte) (int, error) { return w.b.write(p, false) }

type immediateWriter struct{ b *logBatch }

func (w immediateWriter) Write(p []byte) (int, error) { return w.b.write(p, true) }

// routeAccessLines sends transport/http's access lines to one handler and
// every other record to another.
type routeAccessLines struct {
	batched, now slog.Handler
}

func (h *routeAccessLines) Enabled(ctx context.Context, l slog.Level) bool {
	return h.now.Enabled(ctx, l)
}

func (h *routeAccessLines) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == rshttp.AccessLogMessage {
		return h.batched.Handle(ctx, r)
	}
	return h.now.Handle(ctx, r)
}

func (h *routeAccessLines) WithAttrs(as []slog.Attr) slog.Handler {
	return &routeAccessLines{batched: h.batched.WithAttrs(as), now: h.now.WithAttrs(as)}
}

func (h *routeAccessLines) WithGroup(name string) slog.Handler {
	return &routeAccessLines{batched: h.batched.WithGroup(name), now: h.now.WithGroup(name)}
}
