//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// maxErrors stops a phase early: past it the run has failed anyway and
// further requests only add noise.
const maxErrors = 100

// errBusy marks a 503 from a saturated hashing pool: back-pressure, not a
// failure, so it is counted apart from errors.
var errBusy = errors.New("503 busy")

// phase is the outcome of one load phase.
type phase struct {
	Name       string        `json:"name"`
	Clients    int           `json:"clients"`
	Ops        int           `json:"ops"`
	Errors     int           `json:"errors"`
	Busy       int           `json:"busy"`
	FirstError string        `json:"first_error,omitempty"`
	Elapsed    time.Duration `json:"-"`
	PerSecond  float64       `json:"per_s"`
	P50Ms      float64       `json:"p50_ms"`
	P99Ms      float64       `json:"p99_ms"`
	// ServerCPUMsPerOp is the server process's CPU time over the phase
	// divided by the operations completed.
	ServerCPUMsPerOp float64 `json:"server_cpu_ms_per_op"`
	// ServerCores, DriverCores and OtherCores are the average number of
	// cores the server, this driver and everything else on the machine
	// kept busy during the phase. OtherCores well above zero means the
	// machine was shared and throughput figures are low.
	ServerCores float64 `json:"server_cores"`
	DriverCores float64 `json:"driver_cores"`
	OtherCores  float64 `json:"other_cores"`
}

// plan bounds one phase: clients run op until maxOps have started, the
// deadline passes or ctx ends, whichever comes first.
type plan struct {
	name     string
	clients  int
	maxOps   int
	duration time.Duration // 0: bounded by maxOps (and ctx) only
}

// run executes the phase; op gets a running operation number. The meter
// is read before and after.
func run(parent context.Context, pl plan, meter cpuMeter, op func(ctx context.Context, i int) error) (phase, error) {
	w, err := runWindow(parent, pl, meter, op)
	return w.phase(pl), err
}

// contender is one side of an alternating comparison: its plan (the
// duration is the side's total), meter and operation.
type contender struct {
	plan  plan
	meter cpuMeter
	op    func(ctx context.Context, i int) error
}

// alternate measures the contenders in rounds of short windows, each in
// turn, so that whatever else the shared machine does at the time weighs
// on all alike: phases run one after the other can land on a quiet and a
// busy stretch and move a ratio of the two by ±0.1. Each contender gets
// its plan's duration in all (a duration of 0 leaves every window bounded
// by maxOps only); its phase merges all its windows. An error, or a failed
// operation, ends the comparison after that window.
func alternate(ctx context.Context, rounds int, cs ...contender) ([]phase, error) {
	sums := make([]window, len(cs))
	phases := func() []phase {
		out := make([]phase, len(cs))
		for k, c := range cs {
			out[k] = sums[k].phase(c.plan)
		}
		return out
	}
	for range rounds {
		for k, c := range cs {
			pl := c.plan
			pl.duration /= time.Duration(rounds)
			// Operation numbers run on from the side's earlier windows, so
			// that a later window does not repeat the same users.
			base := sums[k].done()
			op := func(ctx context.Context, i int) error { return c.op(ctx, base+i) }
			w, err := runWindow(ctx, pl, c.meter, op)
			sums[k].add(w)
			if err != nil || w.errs > 0 {
				return phases(), err
			}
		}
	}
	return phases(), nil
}

// window is the raw outcome of one stretch of load: what phase reports,
// before the percentiles and rates, so that windows can be added up.
type window struct {
	lat                   []time.Duration
	errs, busy            int
	first                 string
	elapsed               time.Duration
	server, self, machine time.Duration // CPU time used over the window
}

// done is how many operations the window completed, failed or saw refused.
func (w *window) done() int { return len(w.lat) + w.errs + w.busy }

func (w *window) add(o window) {
	w.lat = append(w.lat, o.lat...)
	w.errs += o.errs
	w.busy += o.busy
	if w.first == "" {
		w.first = o.first
	}
	w.elapsed += o.elapsed
	w.server += o.server
	w.self += o.self
	w.machine += o.machine
}

// phase summarises the window(s) as the phase pl.
func (w window) phase(pl plan) phase {
	res := phase{Name: pl.name, Clients: pl.clients, Ops: len(w.lat), Errors: w.errs, Busy: w.busy, FirstError: w.first, Elapsed: w.elapsed}
	if w.elapsed <= 0 {
		return res
	}
	secs := w.elapsed.Seconds()
	res.PerSecond = float64(res.Ops) / secs
	lat := slices.Clone(w.lat)
	slices.Sort(lat)
	res.P50Ms, res.P99Ms = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.99))
	if res.Ops > 0 {
		res.ServerCPUMsPerOp = ms(w.server) / float64(res.Ops)
	}
	res.ServerCores, res.DriverCores = w.server.Seconds()/secs, w.self.Seconds()/secs
	res.OtherCores = max(0, (w.machine-w.server-w.self).Seconds()/secs)
	return res
}

// runWindow runs op as pl says and returns what it saw.
func runWindow(parent context.Context, pl plan, meter cpuMeter, op func(ctx context.Context, i int) error) (window, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if pl.duration > 0 {
		var c2 context.CancelFunc
		ctx, c2 = context.WithTimeout(ctx, pl.duration)
		defer c2()
	}
	cpu0, err := meter.sample()
	if err != nil {
		return window{}, err
	}

	var (
		next     atomic.Int64
		failed   atomic.Int64
		mu       sync.Mutex
		res      window
		wg       sync.WaitGroup
		start    = time.Now()
		deadline = start.Add(pl.duration)
	)
	for range pl.clients {
		wg.Go(func() {
			var mine []time.Duration
			var errs, busy int
			var first string
			for {
				i := int(next.Add(1) - 1)
				if i >= pl.maxOps || ctx.Err() != nil || (pl.duration > 0 && time.Now().After(deadline)) {
					break
				}
				t0 := time.Now()
				// The op lives by the parent context, not the phase's
				// deadline: a request in flight when the phase ends
				// completes and counts.
				err := op(parent, i)
				switch {
				case err == nil:
					mine = append(mine, time.Since(t0))
				case errors.Is(err, errBusy):
					busy++
				default:
					errs++
					if first == "" {
						first = err.Error()
					}
					if failed.Add(1) >= maxErrors {
						cancel()
					}
				}
			}
			mu.Lock()
			res.lat = append(res.lat, mine...)
			res.errs += errs
			res.busy += busy
			if res.first == "" {
				res.first = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	cpu1, err := meter.sample()
	if err != nil {
		return res, err
	}
	res.server, res.self = cpu1.server-cpu0.server, cpu1.self-cpu0.self
	res.machine = cpu1.machine - cpu0.machine
	return res, nil
}

// percentile of sorted durations by the nearest-rank method: the
// smallest value with at least q of all values at or below it.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// loopbackClient returns an HTTP client that only ever dials 127.0.0.1
// (no proxy, whatever the environment says) and keeps up to idle
// connections open, so keep-alive holds for every load client.
func loopbackClient(idle int) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 3 * time.Minute,
		Transport: &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				host, _, err := net.SplitHostPort(addr)
				if err != nil {
					return nil, err
				}
				if host != "127.0.0.1" {
					return nil, fmt.Errorf("loaddriver: refusing to dial %s: traffic stays on 127.0.0.1", addr)
				}
				return d.DialContext(ctx, network, addr)
			},
			MaxIdleConns:        idle,
			MaxIdleConnsPerHost: idle,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// api calls one JSON endpoint of a server.
type api struct {
	client *http.Client
	base   string // origin + API prefix
}

// do sends the request and returns the body if the status is want. A 503
// is errBusy; another status is an error quoting the body.
func (a api) do(ctx context.Context, method, path, bearer string, body []byte, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	switch resp.StatusCode {
	case want:
		return b, nil
	case http.StatusServiceUnavailable:
		return nil, errBusy
	default:
		return nil, fmt.Errorf("%s %s = %d %.200s, want %d", method, path, resp.StatusCode, b, want)
	}
}

// credentials is the body of /register and /login.
type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// loadPassword is every load user's password: seeded users share one
// precomputed hash, and registered users use the same password so both
// kinds log in alike.
const loadPassword = "load-password-0123456789"

// userEmail is the address of load user i.
func userEmail(i int) string { return fmt.Sprintf("load-%07d@example.com", i) }

func userCredentials(i int) []byte {
	b, _ := json.Marshal(credentials{Email: userEmail(i), Password: loadPassword})
	return b
}

func (a api) register(ctx context.Context, i int) error {
	_, err := a.do(ctx, "POST", "/register", "", userCredentials(i), http.StatusCreated)
	return err
}

func (a api) login(ctx context.Context, i int) (string, error) {
	b, err := a.do(ctx, "POST", "/login", "", userCredentials(i), http.StatusOK)
	if err != nil {
		return "", err
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("POST /login answered %.200s, want an access_token", b)
	}
	return tok.AccessToken, nil
}

func (a api) me(ctx context.Context, token string) ([]byte, error) {
	return a.do(ctx, "GET", "/me", token, nil, http.StatusOK)
}

// tokenBox keeps the newest session token of each user.
type tokenBox struct {
	mu     sync.Mutex
	tokens []string
}

func (b *tokenBox) put(user int, tok string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens[user] = tok
}

// all returns the tokens collected so far.
func (b *tokenBox) all() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, t := range b.tokens {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}
