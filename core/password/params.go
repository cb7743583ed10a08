package password

import (
	"errors"
	"fmt"
)

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
func DefaultParams() Params {
	return Params{MemoryKiB: 65536, Iterations: 3, Parallelism: 4, SaltLength: 16, KeyLength: 32}
}

// Bounds on parameters, applied both to new hashes and to stored strings.
// The lower bounds are the Argon2 reference implementation's. The upper
// bounds exist because a stored hash names its own cost: a corrupt or
// planted row must not be able to make one verification allocate or
// compute without limit. They still admit RFC 9106's first recommended
// profile (m=2 GiB, t=1).
const (
	minSaltLength = 8
	maxSaltLength = 1024
	minKeyLength  = 4
	maxKeyLength  = 1024
	// maxMemoryKiB is 4 GiB.
	maxMemoryKiB = 4 << 20
	// maxWork caps memory × passes (KiB·passes): 8 GiB of memory passes,
	// about 40 times the cost of DefaultParams.
	maxWork = 8 << 20
)

// errInvalidParams is wrapped by every Validate failure.
var errInvalidParams = errors.New("password: invalid argon2id parameters")

// Validate reports whether p can be used for hashing and would be accepted
// by Verify: at least 1 pass and 1 lane, at least 8 KiB of memory per lane,
// at most 4 GiB of memory, memory × passes at most 8 GiB, salt 8–1024 bytes
// and tag 4–1024 bytes. Configuration loading calls it so that bad
// argon2_* keys fail at start-up rather than at the first login.
func (p Params) Validate() error {
	switch {
	case p.Iterations < 1:
		return fmt.Errorf("%w: argon2_iterations must be at least 1", errInvalidParams)
	case p.Parallelism < 1:
		return fmt.Errorf("%w: argon2_parallelism must be 1 to 255", errInvalidParams)
	case p.MemoryKiB < 8*uint32(p.Parallelism):
		return fmt.Errorf("%w: argon2_memory_kib must be at least 8 × argon2_parallelism", errInvalidParams)
	case p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("%w: argon2_memory_kib must be at most %d", errInvalidParams, maxMemoryKiB)
	case uint64(p.MemoryKiB)*uint64(p.Iterations) > maxWork:
		return fmt.Errorf("%w: argon2_memory_kib × argon2_iterations must be at most %d", errInvalidParams, maxWork)
	case p.SaltLength < minSaltLength || p.SaltLength > maxSaltLength:
		return fmt.Errorf("%w: salt length must be %d to %d bytes", errInvalidParams, minSaltLength, maxSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("%w: tag length must be %d to %d bytes", errInvalidParams, minKeyLength, maxKeyLength)
	}
	return nil
}
