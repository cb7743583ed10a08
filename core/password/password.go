// Package password hashes and verifies passwords with Argon2id in PHC string
// format (domain.md §7), through a bounded pool so a login flood cannot
// allocate unbounded memory.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"

	"github.com/regstack/regstack/core/password/internal/argon2id"
)

// Hash returns the PHC string of pw under p, with a fresh random salt.
// It fails only when p does not pass Params.Validate.
func Hash(pw string, p Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	return hashWithSalt(nil, pw, salt, p), nil
}

// hashWithSalt hashes pw with a given salt in mem (nil: fresh memory);
// p.SaltLength is ignored. Only Hash, the pool (with a random salt) and
// tests (with the §7 vector's salt) call it.
func hashWithSalt(mem *argon2id.Memory, pw string, salt []byte, p Params) string {
	tag := argon2id.IDKey(mem, []byte(pw), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLength)
	return phcHash{params: p, salt: salt, tag: tag}.encode()
}

// Verify reports whether pw matches the PHC string. Any parameter set is
// accepted; a malformed or non-argon2id string is a non-match, never an error.
func Verify(pw, phc string) bool { return verifyIn(nil, pw, phc) }

// verifyIn is Verify computing in mem (nil: fresh memory).
func verifyIn(mem *argon2id.Memory, pw, phc string) bool {
	h, ok := parsePHC(phc)
	if !ok {
		return false
	}
	got := argon2id.IDKey(mem, []byte(pw), h.salt, h.params.Iterations, h.params.MemoryKiB, h.params.Parallelism, h.params.KeyLength)
	return subtle.ConstantTimeCompare(got, h.tag) == 1
}

// NeedsRehash reports whether phc was made with parameters other than p
// (memory, passes, lanes, salt or tag length). A string Verify would not
// accept also needs rehashing.
func NeedsRehash(phc string, p Params) bool {
	h, ok := parsePHC(phc)
	return !ok || h.params != p
}
