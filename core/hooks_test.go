package regstack_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func TestHooksFireRunsEveryHandlerConcurrentlyAndWaits(t *testing.T) {
	b := regstack.NewHooks(nil, 0)
	const n = 4
	var started sync.WaitGroup
	started.Add(n)
	var finished atomic.Int32
	for range n {
		b.On(regstack.EventUserLoggedIn, func(ctx context.Context, e regstack.Event) error {
			started.Done()
			started.Wait() // only returns if all n run at the same time
			finished.Add(1)
			return nil
		})
	}
	done := make(chan struct{})
	go func() { b.Fire(context.Background(), regstack.Event{Name: regstack.EventUserLoggedIn}); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Fire did not return: handlers did not run concurrently")
	}
	if got := finished.Load(); got != n {
		t.Errorf("Fire returned after %d of %d handlers finished", got, n)
	}
}

func TestHooksFailuresAreLoggedAndSwallowed(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	b := regstack.NewHooks(logger, 0)
	var ran atomic.Int32
	b.On(regstack.EventUserDeleted, func(context.Context, regstack.Event) error { panic("boom") })
	b.On(regstack.EventUserDeleted, func(context.Context, regstack.Event) error { return errors.New("handler failed") })
	b.On(regstack.EventUserDeleted, func(context.Context, regstack.Event) error { ran.Add(1); return nil })
	b.Fire(context.Background(), regstack.Event{Name: regstack.EventUserDeleted})
	if ran.Load() != 1 {
		t.Error("a failing handler stopped the others")
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{"hook handler panicked", "boom", "hook handler failed", "handler failed", "event=user_deleted"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestHooksTimeoutBoundsFire(t *testing.T) {
	b := regstack.NewHooks(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), 50*time.Millisecond)
	release := make(chan struct{})
	defer close(release)
	b.On("slow", func(ctx context.Context, e regstack.Event) error { <-release; return nil })
	start := time.Now()
	b.Fire(context.Background(), regstack.Event{Name: "slow"})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Fire took %v with a 50ms hook timeout", d)
	}
}

func TestHooksOnlyMatchingEventRuns(t *testing.T) {
	b := regstack.NewHooks(nil, 0)
	var got []string
	b.On("a", func(_ context.Context, e regstack.Event) error { got = append(got, "a:"+e.Email); return nil })
	b.On("b", func(_ context.Context, e regstack.Event) error { got = append(got, "b"); return nil })
	b.Fire(context.Background(), regstack.Event{Name: "a", Email: "x@example.com"})
	b.Fire(context.Background(), regstack.Event{Name: "none"})
	if strings.Join(got, ",") != "a:x@example.com" {
		t.Errorf("handlers ran: %v", got)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
