//go:build linux

package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ten := make([]time.Duration, 10)
	for i := range ten {
		ten[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"no values give zero", nil, 0.5, 0},
		{"one value is every percentile", ten[:1], 0.99, time.Millisecond},
		{"the median of ten is the fifth value", ten, 0.50, 5 * time.Millisecond},
		{"p99 of ten is the largest", ten, 0.99, 10 * time.Millisecond},
		{"p90 of ten is the ninth value", ten, 0.90, 9 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	meter := cpuMeter{ticks: clockTicks(t.Context()), pids: []int{os.Getpid()}}

	t.Run("a counted phase runs exactly maxOps operations", func(t *testing.T) {
		var calls atomic.Int64
		p, err := run(t.Context(), plan{name: "count", clients: 7, maxOps: 100}, meter,
			func(context.Context, int) error { calls.Add(1); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if p.Ops != 100 || calls.Load() != 100 || p.Errors != 0 {
			t.Errorf("ops %d, calls %d, errors %d; want 100, 100, 0", p.Ops, calls.Load(), p.Errors)
		}
	})

	t.Run("a timed phase stops at its deadline", func(t *testing.T) {
		start := time.Now()
		p, err := run(t.Context(), plan{name: "timed", clients: 2, maxOps: 1 << 30, duration: 100 * time.Millisecond}, meter,
			func(context.Context, int) error { time.Sleep(time.Millisecond); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 2*time.Second || p.Ops == 0 {
			t.Errorf("took %v for %d ops; want about 100ms and some ops", took, p.Ops)
		}
	})

	t.Run("busy answers are counted apart from errors, and errors stop the phase", func(t *testing.T) {
		p, err := run(t.Context(), plan{name: "failing", clients: 3, maxOps: 10_000}, meter,
			func(_ context.Context, i int) error {
				if i%2 == 0 {
					return errBusy
				}
				return errors.New("boom")
			})
		if err != nil {
			t.Fatal(err)
		}
		if p.Ops != 0 || p.Busy == 0 || p.FirstError != "boom" {
			t.Errorf("ops %d, busy %d, first error %q; want 0, some, boom", p.Ops, p.Busy, p.FirstError)
		}
		if p.Errors < maxErrors || p.Errors+p.Busy >= 10_000 {
			t.Errorf("%d errors, %d busy: want the phase stopped soon after %d errors", p.Errors, p.Busy, maxErrors)
		}
	})
}

func TestAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/auth/login":
			w.Write([]byte(`{"access_token":"tok","token_type":"bearer"}`))
		case "/api/auth/me":
			if r.Header.Get("Authorization") != "Bearer tok" {
				http.Error(w, `{"detail":"Authentication required."}`, http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"email":"a@example.com"}`))
		default:
			http.Error(w, `{"detail":"The server is busy. Try again shortly."}`, http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	a := api{client: loopbackClient(4), base: srv.URL + "/api/auth"}

	tok, err := a.login(t.Context(), 1)
	if err != nil || tok != "tok" {
		t.Fatalf("login = %q, %v; want tok", tok, err)
	}
	if body, err := a.me(t.Context(), tok); err != nil || !strings.Contains(string(body), "a@example.com") {
		t.Errorf("me = %s, %v; want the user", body, err)
	}
	if _, err := a.me(t.Context(), "other"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("me with a wrong token: %v, want an error naming 401", err)
	}
	if err := a.register(t.Context(), 1); !errors.Is(err, errBusy) {
		t.Errorf("a 503 answer: %v, want errBusy", err)
	}

	remote := api{client: loopbackClient(1), base: "http://192.0.2.1:80/api/auth"}
	if _, err := remote.me(t.Context(), tok); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("a non-loopback address: %v, want a refusal", err)
	}
}

func TestProcReadings(t *testing.T) {
	ticks := clockTicks(t.Context())
	// Burn some CPU so the readings have something to show.
	deadline := time.Now().Add(50 * time.Millisecond)
	for n := 0; time.Now().Before(deadline); n++ {
		_ = slices.Index([]int{1, 2, 3}, n)
	}
	own, err := procCPU(os.Getpid(), ticks)
	if err != nil {
		t.Fatal(err)
	}
	self, err := selfCPU()
	if err != nil {
		t.Fatal(err)
	}
	// /proc counts in clock ticks, getrusage more finely: they agree to
	// within a few ticks.
	if diff := (own - self).Abs(); own <= 0 || diff > 100*time.Millisecond {
		t.Errorf("/proc says %v of CPU, getrusage %v: want both positive and close", own, self)
	}
	machine, err := machineBusy(ticks)
	if err != nil || machine < own {
		t.Errorf("machine busy %v (%v), want at least this process's %v", machine, err, own)
	}
	for _, field := range []string{"VmRSS", "VmHWM"} {
		if n, err := procStatusBytes(os.Getpid(), field); err != nil || n < 1<<20 {
			t.Errorf("%s = %d bytes (%v), want at least 1 MiB", field, n, err)
		}
	}
	if err := resetPeakRSS(os.Getpid()); err != nil {
		t.Errorf("resetting VmHWM: %v", err)
	}
}

func TestAlternate(t *testing.T) {
	meter := cpuMeter{ticks: clockTicks(t.Context()), pids: []int{os.Getpid()}}

	t.Run("the sides take turns and each gets its whole duration", func(t *testing.T) {
		var mu sync.Mutex
		var turns []string
		side := func(name string) func(context.Context, int) error {
			return func(context.Context, int) error {
				mu.Lock()
				if len(turns) == 0 || turns[len(turns)-1] != name {
					turns = append(turns, name)
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
				return nil
			}
		}
		pl := func(name string) plan {
			return plan{name: name, clients: 2, maxOps: 1 << 30, duration: 300 * time.Millisecond}
		}
		phases, err := alternate(t.Context(), 3, contender{pl("a"), meter, side("a")}, contender{pl("b"), meter, side("b")})
		if err != nil {
			t.Fatal(err)
		}
		a, b := phases[0], phases[1]
		if want := []string{"a", "b", "a", "b", "a", "b"}; !slices.Equal(turns, want) {
			t.Errorf("turns %v, want %v", turns, want)
		}
		for _, p := range []phase{a, b} {
			if p.Elapsed < 300*time.Millisecond || p.Elapsed > 2*time.Second || p.Ops == 0 || p.PerSecond <= 0 {
				t.Errorf("%s: %d ops in %v (%.0f/s); want about 300ms in all and some ops", p.Name, p.Ops, p.Elapsed, p.PerSecond)
			}
		}
	})

	t.Run("an error on one side ends the comparison", func(t *testing.T) {
		var bCalls atomic.Int64
		phases, err := alternate(t.Context(), 3,
			contender{plan{name: "a", clients: 1, maxOps: 5}, meter, func(context.Context, int) error { return errors.New("boom") }},
			contender{plan{name: "b", clients: 1, maxOps: 5}, meter, func(context.Context, int) error { bCalls.Add(1); return nil }})
		if err != nil {
			t.Fatal(err)
		}
		a := phases[0]
		if a.Errors != 5 || a.FirstError != "boom" || bCalls.Load() != 0 {
			t.Errorf("a: %d errors (%q); b ran %d times; want 5, boom, 0", a.Errors, a.FirstError, bCalls.Load())
		}
	})
}

// Each window of a side goes on numbering where the side's earlier
// windows stopped: the scale run's logins pick their users by operation
// number, and five windows starting at 0 would log in the same users.
func TestAlternateNumbersOperationsOnAcrossWindows(t *testing.T) {
	meter := cpuMeter{ticks: clockTicks(t.Context()), pids: []int{os.Getpid()}}
	var mu sync.Mutex
	seen := map[int]int{}
	op := func(_ context.Context, i int) error {
		mu.Lock()
		seen[i]++
		mu.Unlock()
		return nil
	}
	phases, err := alternate(t.Context(), 4, contender{plan{name: "a", clients: 3, maxOps: 10}, meter, op})
	if err != nil {
		t.Fatal(err)
	}
	if phases[0].Ops != 40 || len(seen) != 40 {
		t.Fatalf("%d ops over %d distinct numbers, want 40 over 40", phases[0].Ops, len(seen))
	}
	for i := range 40 {
		if seen[i] != 1 {
			t.Errorf("operation number %d ran %d times, want once", i, seen[i])
		}
	}
}
