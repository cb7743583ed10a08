package cli

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLogBatchWritesLinesOutWithinTheDelay(t *testing.T) {
	var out syncBuffer
	b := newLogBatch(&out)
	defer b.Close()
	b.Write([]byte("one\n"))
	b.Write([]byte("two\n"))
	if got := out.String(); got != "" {
		t.Fatalf("lines were written one by one: %q", got)
	}
	deadline := time.Now().Add(20 * logBatchDelay)
	for out.String() != "one\ntwo\n" {
		if time.Now().After(deadline) {
			t.Fatalf("after %v the output is %q, want both lines", 20*logBatchDelay, out.String())
		}
		time.Sleep(logBatchDelay / 5)
	}
	// A line after a flush starts a new batch.
	b.Write([]byte("three\n"))
	for !strings.HasSuffix(out.String(), "three\n") {
		if time.Now().After(deadline.Add(20 * logBatchDelay)) {
			t.Fatalf("the line after a flush never came out: %q", out.String())
		}
		time.Sleep(logBatchDelay / 5)
	}
}

func TestLogBatchCloseWritesEverythingAndLateLinesGoStraightThrough(t *testing.T) {
	var out syncBuffer
	b := newLogBatch(&out)
	b.Write([]byte("pending\n"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "pending\n" {
		t.Fatalf("after Close: %q", got)
	}
	b.Write([]byte("late\n"))
	if got := out.String(); got != "pending\nlate\n" {
		t.Fatalf("a line after Close waited: %q", got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLogBatchReportsAWriteError(t *testing.T) {
	b := newLogBatch(failingWriter{})
	b.Write([]byte("x\n"))
	if err := b.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v, want the writer's error", err)
	}
	if _, err := b.Write([]byte("y\n")); err == nil {
		t.Fatal("a write after a failed flush succeeded")
	}
}
