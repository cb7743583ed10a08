package cli

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	rshttp "github.com/regstack/regstack/transport/http"
)

func newBatchLogger(t *testing.T) (*slog.Logger, *logBatch, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	b := newLogBatch(out)
	t.Cleanup(func() { b.Close() })
	return slog.New(b.handler(nil)), b, out
}

// waitFor polls out until it holds want, for at most 20 batch delays.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * logBatchDelay)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("after %v the log is %q, want it to hold %q", 20*logBatchDelay, out.String(), want)
		}
		time.Sleep(logBatchDelay / 5)
	}
}

func TestAccessLinesAreBatchedAndWrittenWithinTheDelay(t *testing.T) {
	logger, _, out := newBatchLogger(t)
	logger.Info(rshttp.AccessLogMessage, "path", "/one")
	logger.Info(rshttp.AccessLogMessage, "path", "/two")
	if got := out.String(); got != "" {
		t.Fatalf("access lines were written one by one: %q", got)
	}
	waitFor(t, out, "path=/two")
	if strings.Index(out.String(), "path=/one") > strings.Index(out.String(), "path=/two") {
		t.Errorf("lines out of order: %q", out.String())
	}
	// A line after a flush starts a new batch.
	logger.Info(rshttp.AccessLogMessage, "path", "/three")
	waitFor(t, out, "path=/three")
}

func TestOtherLinesAreWrittenAtOnceAfterTheAccessLinesBeforeThem(t *testing.T) {
	logger, _, out := newBatchLogger(t)
	logger.Info(rshttp.AccessLogMessage, "path", "/register")
	logger.With("component", "mail").Info("[regstack/console-email] To: a@example.com")
	got := out.String()
	access, mail := strings.Index(got, "path=/register"), strings.Index(got, "console-email")
	if access < 0 || mail < 0 || access > mail {
		t.Fatalf("log right after the call = %q; want the access line, then the mail line", got)
	}
}

func TestCloseWritesPendingLinesAndLaterLinesGoStraightThrough(t *testing.T) {
	logger, b, out := newBatchLogger(t)
	logger.Info(rshttp.AccessLogMessage, "path", "/pending")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "path=/pending") {
		t.Fatalf("after Close: %q", out.String())
	}
	logger.Info(rshttp.AccessLogMessage, "path", "/late")
	if !strings.Contains(out.String(), "path=/late") {
		t.Fatalf("an access line after Close waited: %q", out.String())
	}
}

// failingWriter fails while full is set.
type failingWriter struct {
	full bool
	out  syncBuffer
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.full {
		return 0, errors.New("disk full")
	}
	return w.out.Write(p)
}

func TestAFailedWriteLosesOnlyItsLines(t *testing.T) {
	w := &failingWriter{full: true}
	b := newLogBatch(w)
	h := b.handler(nil)
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "lost", 0)
	if err := h.Handle(context.Background(), r); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Handle = %v, want the writer's error", err)
	}
	w.full = false
	r = slog.NewRecord(time.Now(), slog.LevelInfo, "kept", 0)
	if err := h.Handle(context.Background(), r); err != nil {
		t.Fatalf("a write after the disk has room again: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.out.String(); !strings.Contains(got, "msg=kept") || strings.Contains(got, "msg=lost") {
		t.Fatalf("log = %q; want the later line only", got)
	}
}
