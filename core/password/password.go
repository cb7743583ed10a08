// Package password hashes and verifies passwords with Argon2id in PHC string
// format (domain.md §7), through a bounded pool so a login flood cannot
// allocate unbounded memory.
package password

import (
	"context"
	"errors"
	"time"
)

// ErrBusy is returned when no hashing slot frees up within the pool's wait.
var ErrBusy = errors.New("password: hashing pool is saturated")

// Params are Argon2id parameters for new hashes.
type Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32
	KeyLength   uint32
}

// DefaultParams are the Python original's (argon2-cffi RFC 9106 low-memory
// profile): m=65536, t=3, p=4, 16-byte salt, 32-byte tag.
func DefaultParams() Params { panic("unimplemented") }

// Hash returns the PHC string of pw under p, with a fresh random salt.
func Hash(pw string, p Params) (string, error) { panic("unimplemented") }

// Verify reports whether pw matches the PHC string. Any parameter set is
// accepted; a malformed or non-argon2id string is a non-match, never an error.
func Verify(pw, phc string) bool { panic("unimplemented") }

// NeedsRehash reports whether phc was made with parameters other than p.
func NeedsRehash(phc string, p Params) bool { panic("unimplemented") }

// Pool bounds concurrent hash/verify operations.
type Pool struct{}

// NewPool allows at most workers operations at once (<= 0: GOMAXPROCS); a
// caller waits at most wait for a slot, then gets ErrBusy.
func NewPool(p Params, workers int, wait time.Duration) *Pool { panic("unimplemented") }

// Hash hashes pw with the pool's parameters.
func (p *Pool) Hash(ctx context.Context, pw string) (string, error) { panic("unimplemented") }

// Verify checks pw against phc (nil/empty phc never matches, but still
// costs one dummy verification so timing does not reveal it).
func (p *Pool) Verify(ctx context.Context, pw string, phc *string) (bool, error) {
	panic("unimplemented")
}
