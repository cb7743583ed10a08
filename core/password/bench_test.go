package password

import (
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/regstack/regstack/core/password/internal/argon2id"
)

// The benchmarks run argon2.IDKey directly and through the pool with the
// same parameters, so benchstat can show the pool's overhead:
//
//	go test -run '^$' -bench . -count=10 ./password/ > pw.txt
//	benchstat -row /params -col .name pw.txt

var benchParams = []struct {
	name string
	p    Params
}{
	{"default", DefaultParams()},
	{"m19456t2p1", Params{MemoryKiB: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}},
}

const benchPassword = "correct horse battery staple"

func BenchmarkRawIDKey(b *testing.B) {
	for _, bp := range benchParams {
		b.Run("params="+bp.name, func(b *testing.B) {
			salt := make([]byte, bp.p.SaltLength)
			// Warm the heap as NewPool's dummy hash does for the pool
			// benchmarks, so the first measured run is not the only one
			// to fault in fresh memory.
			argon2.IDKey([]byte(benchPassword), salt, bp.p.Iterations, bp.p.MemoryKiB, bp.p.Parallelism, bp.p.KeyLength)
			for b.Loop() {
				argon2.IDKey([]byte(benchPassword), salt, bp.p.Iterations, bp.p.MemoryKiB, bp.p.Parallelism, bp.p.KeyLength)
			}
		})
	}
}

func BenchmarkPoolHash(b *testing.B) {
	for _, bp := range benchParams {
		b.Run("params="+bp.name, func(b *testing.B) {
			p := NewPool(bp.p, 1, time.Minute)
			for b.Loop() {
				if _, err := p.Hash(b.Context(), benchPassword); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPoolVerify(b *testing.B) {
	for _, bp := range benchParams {
		b.Run("params="+bp.name, func(b *testing.B) {
			p := NewPool(bp.p, 1, time.Minute)
			phc, err := Hash(benchPassword, bp.p)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				ok, err := p.Verify(b.Context(), benchPassword, &phc)
				if err != nil || !ok {
					b.Fatalf("Verify = %v, %v", ok, err)
				}
			}
		})
	}
}

// BenchmarkPoolSlot is the pool's own cost per operation (taking and
// returning a slot), which the Argon2 noise above hides.
func BenchmarkPoolSlot(b *testing.B) {
	p := NewPool(fast, 1, time.Minute)
	for b.Loop() {
		if err := p.do(b.Context(), func(*argon2id.Memory) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPHCEncodeParse is the PHC string handling Hash and Verify add
// around argon2.IDKey.
func BenchmarkPHCEncodeParse(b *testing.B) {
	h := phcHash{params: DefaultParams(), salt: make([]byte, 16), tag: make([]byte, 32)}
	for b.Loop() {
		if _, ok := parsePHC(h.encode()); !ok {
			b.Fatal("round trip failed")
		}
	}
}
