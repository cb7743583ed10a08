package password

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/regstack/regstack/core/password/internal/argon2id"
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
	// slots holds one block memory per worker: taking one is taking a
	// hashing slot, and the memory is used again by the next hash instead
	// of being allocated (and faulted in) afresh.
	slots chan *argon2id.Memory
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
		slots:  newSlots(workers),
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
	if werr := p.do(ctx, func(mem *argon2id.Memory) {
		salt := make([]byte, p.params.SaltLength)
		if _, err = rand.Read(salt); err != nil {
			err = fmt.Errorf("password: reading salt: %w", err)
			return
		}
		phc = hashWithSalt(mem, pw, salt, p.params)
	}); werr != nil {
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
	err := p.do(ctx, func(mem *argon2id.Memory) {
		if phc == nil || *phc == "" {
			verifyIn(mem, pw, p.dummy)
			return
		}
		if h, parsed := parsePHC(*phc); parsed && h.params.MemoryKiB > p.params.MemoryKiB {
			// A stored hash made with more memory than new hashes use
			// gets memory of its own, so one old row cannot pin a large
			// arena in every slot for the life of the process.
			mem = nil
		}
		ok = verifyIn(mem, pw, *phc)
	})
	if err != nil {
		return false, err
	}
	return ok, nil
}

// do runs fn while holding a slot.
func (p *Pool) do(ctx context.Context, fn func(mem *argon2id.Memory)) error {
	mem, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	defer func() { p.slots <- mem }()
	if p.trace != nil {
		p.trace(1)
		defer p.trace(-1)
	}
	fn(mem)
	return nil
}

// acquire takes a slot, waiting at most p.wait.
func (p *Pool) acquire(ctx context.Context) (*argon2id.Memory, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case mem := <-p.slots:
		return mem, nil
	default:
	}
	if p.wait <= 0 {
		return nil, ErrBusy
	}
	timer := time.NewTimer(p.wait)
	defer timer.Stop()
	select {
	case mem := <-p.slots:
		return mem, nil
	case <-timer.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}

// newSlots returns a channel holding workers empty memories; each grows to
// the pool's Argon2 memory on first use.
func newSlots(workers int) chan *argon2id.Memory {
	slots := make(chan *argon2id.Memory, workers)
	for range workers {
		slots <- new(argon2id.Memory)
	}
	return slots
}
