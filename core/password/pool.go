package password

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// ErrBusy is returned when no hashing slot frees up within the pool's wait.
var ErrBusy = errors.New("password: hashing pool is saturated")

// Pool bounds concurrent hash/verify operations. Each Argon2id run holds
// its memory cost (64 MiB by default) for its whole duration, so the pool's
// size is what bounds memory under a login flood. Waiting callers block on
// a buffered channel: nothing queues beyond the goroutines already waiting.
type Pool struct {
	params Params
	wait   time.Duration
	slots  chan struct{}
	// dummy is a hash of a random password under params; Verify runs
	// against it when there is no stored hash so that the response time
	// does not tell whether an account (with a password) exists.
	dummy string
	// trace, when set by tests, is called with +1 as an operation starts
	// and -1 as it ends, while the slot is held.
	trace func(delta int)
}

// NewPool allows at most workers operations at once (<= 0: GOMAXPROCS); a
// caller waits at most wait for a slot, then gets ErrBusy (wait <= 0: no
// waiting). It computes one hash (the dummy for Verify) before returning.
// It panics if p does not pass Params.Validate; configuration loading is
// expected to have checked it.
func NewPool(p Params, workers int, wait time.Duration) *Pool {
	if err := p.Validate(); err != nil {
		panic(fmt.Sprintf("password.NewPool: %v", err))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	dummy, err := Hash(rand.Text(), p)
	if err != nil {
		// Hash fails only on invalid params, checked above.
		panic(fmt.Sprintf("password.NewPool: %v", err))
	}
	return &Pool{
		params: p,
		wait:   wait,
		slots:  make(chan struct{}, workers),
		dummy:  dummy,
	}
}

// Params returns the parameters the pool uses for new hashes.
func (p *Pool) Params() Params { return p.params }

// Hash hashes pw with the pool's parameters. It returns ErrBusy when no
// slot frees up in time, or the context's error when ctx ends first.
func (p *Pool) Hash(ctx context.Context, pw string) (string, error) {
	var (
		phc string
		err error
	)
	if werr := p.do(ctx, func() { phc, err = Hash(pw, p.params) }); werr != nil {
		return "", werr
	}
	return phc, err
}

// Verify checks pw against phc (nil/empty phc never matches, but still
// costs one dummy verification so timing does not reveal it). The error
// is ErrBusy or the context's error, as for Hash; a malformed phc is
// simply a non-match.
func (p *Pool) Verify(ctx context.Context, pw string, phc *string) (bool, error) {
	var ok bool
	err := p.do(ctx, func() {
		if phc == nil || *phc == "" {
			Verify(pw, p.dummy)
			return
		}
		ok = Verify(pw, *phc)
	})
	if err != nil {
		return false, err
	}
	return ok, nil
}

// do runs fn while holding a slot.
func (p *Pool) do(ctx context.Context, fn func()) error {
	if err := p.acquire(ctx); err != nil {
		return err
	}
	defer func() { <-p.slots }()
	if p.trace != nil {
		p.trace(1)
		defer p.trace(-1)
	}
	fn()
	return nil
}

// acquire takes a slot, waiting at most p.wait.
func (p *Pool) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	if p.wait <= 0 {
		return ErrBusy
	}
	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}
