package argon2id

import (
	"bytes"
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"
)

// TestMatchesXCryptoWithReusedMemory hashes a sequence of parameter sets
// through one Memory, larger and smaller in turn, so every hash runs in
// memory the previous one left dirty; each must equal x/crypto's IDKey.
func TestMatchesXCryptoWithReusedMemory(t *testing.T) {
	cases := []struct {
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}{
		{1, 64, 1, 32},
		{3, 1024, 4, 32},
		{2, 512, 2, 16},
		{1, 8, 1, 32}, // below the minimum: raised to 2·syncPoints·threads
		{2, 4096, 3, 64},
		{3, 1024, 4, 32},
		{1, 100, 1, 32}, // not a multiple of syncPoints·threads
	}
	var mem Memory
	for i, c := range cases {
		pw := []byte(fmt.Sprintf("password %d ✓", i))
		salt := []byte(fmt.Sprintf("saltsaltsalt%04d", i))
		want := argon2.IDKey(pw, salt, c.time, c.memory, c.threads, c.keyLen)
		if got := IDKey(&mem, pw, salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
			t.Errorf("case %d %+v: reused memory gives %x, x/crypto %x", i, c, got, want)
		}
		if got := IDKey(nil, pw, salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
			t.Errorf("case %d %+v: fresh memory gives %x, x/crypto %x", i, c, got, want)
		}
	}
	if mem.Size() < 4092 { // 4096 rounded down to a multiple of 4 sync points × 3 lanes
		t.Errorf("Memory holds %d KiB after a 4096 KiB hash", mem.Size())
	}
}
