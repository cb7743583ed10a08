package password

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gate makes a pool's operations block inside their slot until released,
// and records how many ran at once.
type gate struct {
	release chan struct{}
	once    sync.Once
	running atomic.Int32
	peak    atomic.Int32
	started atomic.Int32
}

func newGate(t *testing.T, p *Pool) *gate {
	t.Helper()
	g := &gate{release: make(chan struct{})}
	p.trace = func(delta int) {
		if delta < 0 {
			g.running.Add(-1)
			return
		}
		n := g.running.Add(1)
		for {
			peak := g.peak.Load()
			if n <= peak || g.peak.CompareAndSwap(peak, n) {
				break
			}
		}
		g.started.Add(1)
		<-g.release
	}
	t.Cleanup(g.open)
	return g
}

// open lets every blocked and future operation through (idempotent).
func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// waitStarted waits until n operations hold a slot.
func (g *gate) waitStarted(t *testing.T, n int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for g.started.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d operations started", g.started.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPoolNeverRunsMoreThanWorkersAtOnce(t *testing.T) {
	const workers, callers = 2, 8
	p := NewPool(fast, workers, 30*time.Second)
	g := newGate(t, p)
	phc, err := Hash("pw", fast)
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				_, err = p.Hash(t.Context(), "pw")
			} else {
				var ok bool
				ok, err = p.Verify(t.Context(), "pw", &phc)
				if err == nil && !ok {
					err = errors.New("Verify(correct password) = false")
				}
			}
			errs <- err
		})
	}
	g.waitStarted(t, workers)
	// Give any excess caller the chance to (wrongly) get in.
	time.Sleep(50 * time.Millisecond)
	if n := g.started.Load(); n != workers {
		t.Fatalf("%d operations started while %d slots were held", n, workers)
	}
	g.open()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if peak := g.peak.Load(); peak != workers {
		t.Errorf("peak concurrency %d, want %d", peak, workers)
	}
	if n := g.started.Load(); n != callers {
		t.Errorf("%d operations ran, want %d", n, callers)
	}
}

func TestPoolReturnsErrBusyAfterTheWait(t *testing.T) {
	const wait = 50 * time.Millisecond
	p := NewPool(fast, 1, wait)
	g := newGate(t, p)
	go func() { _, _ = p.Hash(context.Background(), "holder") }()
	g.waitStarted(t, 1)

	start := time.Now()
	_, err := p.Hash(t.Context(), "pw")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash on a saturated pool = %v, want ErrBusy", err)
	}
	if elapsed := time.Since(start); elapsed < wait {
		t.Errorf("ErrBusy after %v, before the %v wait", elapsed, wait)
	}
	ok, err := p.Verify(t.Context(), "pw", nil)
	if ok || !errors.Is(err, ErrBusy) {
		t.Fatalf("Verify on a saturated pool = %v, %v; want false, ErrBusy", ok, err)
	}
}

func TestPoolWithoutWaitFailsAtOnceWhenFull(t *testing.T) {
	p := NewPool(fast, 1, 0)
	g := newGate(t, p)
	go func() { _, _ = p.Hash(context.Background(), "holder") }()
	g.waitStarted(t, 1)
	if _, err := p.Hash(t.Context(), "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash = %v, want ErrBusy", err)
	}
}

func TestPoolHandsAFreedSlotToAWaitingCaller(t *testing.T) {
	p := NewPool(fast, 1, 30*time.Second)
	g := newGate(t, p)
	go func() { _, _ = p.Hash(context.Background(), "holder") }()
	g.waitStarted(t, 1)

	done := make(chan error, 1)
	go func() {
		_, err := p.Hash(context.Background(), "waiter")
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	g.open()
	if err := <-done; err != nil {
		t.Fatalf("waiting Hash = %v", err)
	}
}

func TestPoolHonoursContextCancellationWhileWaiting(t *testing.T) {
	p := NewPool(fast, 1, time.Minute)
	g := newGate(t, p)
	go func() { _, _ = p.Hash(context.Background(), "holder") }()
	g.waitStarted(t, 1)

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Hash(ctx, "pw")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hash = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, ErrBusy) {
		t.Errorf("a cancelled wait reports ErrBusy")
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
}

func TestPoolRefusesAnAlreadyCancelledContext(t *testing.T) {
	p := NewPool(fast, 1, time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash = %v, want context.Canceled", err)
	}
	if _, err := p.Verify(ctx, "pw", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify = %v, want context.Canceled", err)
	}
}

func TestPoolVerify(t *testing.T) {
	p := NewPool(fast, 2, time.Second)
	var ran atomic.Int32
	p.trace = func(delta int) {
		if delta > 0 {
			ran.Add(1)
		}
	}
	phc, err := p.Hash(t.Context(), "right password")
	if err != nil {
		t.Fatal(err)
	}
	empty, garbage := "", "not a hash"
	tests := []struct {
		name string
		pw   string
		phc  *string
		want bool
	}{
		{"the right password matches", "right password", &phc, true},
		{"a wrong password does not match", "wrong password", &phc, false},
		{"a nil hash never matches", "right password", nil, false},
		{"an empty hash never matches", "", &empty, false},
		{"a malformed hash never matches", "not a hash", &garbage, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ran.Load()
			got, err := p.Verify(t.Context(), tt.pw, tt.phc)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
			if ran.Load() != before+1 {
				t.Errorf("Verify did not run one operation in the pool")
			}
		})
	}
}

func TestPoolDummyHashUsesThePoolParams(t *testing.T) {
	p := NewPool(fast, 1, time.Second)
	h, ok := parsePHC(p.dummy)
	if !ok {
		t.Fatalf("dummy %q does not parse", p.dummy)
	}
	if h.params != fast {
		t.Errorf("dummy params %+v, want %+v", h.params, fast)
	}
	if p.Params() != fast {
		t.Errorf("Params() = %+v, want %+v", p.Params(), fast)
	}
}

func TestNewPoolSizing(t *testing.T) {
	tests := []struct {
		name    string
		workers int
		want    int
	}{
		{"zero workers means GOMAXPROCS", 0, runtime.GOMAXPROCS(0)},
		{"negative workers mean GOMAXPROCS", -3, runtime.GOMAXPROCS(0)},
		{"a positive count is kept", 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cap(NewPool(fast, tt.workers, time.Second).slots); got != tt.want {
				t.Errorf("slots = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestNewPoolPanicsOnInvalidParams(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewPool with zero passes did not panic")
		}
	}()
	NewPool(Params{MemoryKiB: 64, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1, time.Second)
}
