package password

import (
	"strings"
	"testing"
)

// fast are the cheapest parameters Validate accepts with p=1; tests that
// are not about parameters use them so they stay quick under -race.
var fast = Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashWithSaltReproducesTheSpecVector(t *testing.T) {
	salt := make([]byte, 16)
	for i := range salt {
		salt[i] = byte(i)
	}
	const want = "$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$hTsnKkTbFCHAKWJmmlXrCZTzyrOF7RxMeSU+7hm6tJ4"
	got := hashWithSalt(nil, "correct horse battery staple", salt, DefaultParams())
	if got != want {
		t.Fatalf("hashWithSalt = %s, want %s", got, want)
	}
	if !Verify("correct horse battery staple", got) {
		t.Error("Verify rejects the vector's own password")
	}
}

func TestDefaultParamsAreThePythonOriginals(t *testing.T) {
	want := Params{MemoryKiB: 65536, Iterations: 3, Parallelism: 4, SaltLength: 16, KeyLength: 32}
	if got := DefaultParams(); got != want {
		t.Fatalf("DefaultParams() = %+v, want %+v", got, want)
	}
	if err := want.Validate(); err != nil {
		t.Fatalf("DefaultParams().Validate() = %v", err)
	}
}

func TestHash(t *testing.T) {
	tests := []struct {
		name   string
		params Params
		pw     string
	}{
		{"a plain password round-trips", fast, "correct horse battery staple"},
		{"a unicode password round-trips", fast, "pässwörd✓"},
		{"an empty password round-trips", fast, ""},
		{"a 64-byte tag with a 32-byte salt round-trips", Params{MemoryKiB: 64, Iterations: 2, Parallelism: 2, SaltLength: 32, KeyLength: 64}, "x"},
		{"memory not a multiple of 4 lanes round-trips", Params{MemoryKiB: 50, Iterations: 1, Parallelism: 3, SaltLength: 8, KeyLength: 4}, "y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phc, err := Hash(tt.pw, tt.params)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if !Verify(tt.pw, phc) {
				t.Errorf("Verify(%q, %s) = false", tt.pw, phc)
			}
			if Verify(tt.pw+"x", phc) {
				t.Errorf("Verify accepts a longer password")
			}
			if NeedsRehash(phc, tt.params) {
				t.Errorf("NeedsRehash(own params) = true for %s", phc)
			}
			h, ok := parsePHC(phc)
			if !ok {
				t.Fatalf("parsePHC(%s) failed", phc)
			}
			if h.params != tt.params {
				t.Errorf("parsed params %+v, want %+v", h.params, tt.params)
			}
		})
	}
}

func TestHashUsesAFreshSaltEachTime(t *testing.T) {
	a, err := Hash("same", fast)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hash("same", fast)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of one password are equal: %s", a)
	}
}

func TestHashRefusesInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero passes", Params{MemoryKiB: 64, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32}},
		{"zero lanes", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 0, SaltLength: 16, KeyLength: 32}},
		{"less than 8 KiB per lane", Params{MemoryKiB: 31, Iterations: 1, Parallelism: 4, SaltLength: 16, KeyLength: 32}},
		{"more than 4 GiB", Params{MemoryKiB: 4<<20 + 1, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}},
		{"too much memory times passes", Params{MemoryKiB: 1 << 20, Iterations: 9, Parallelism: 1, SaltLength: 16, KeyLength: 32}},
		{"a 7-byte salt", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 7, KeyLength: 32}},
		{"a 1025-byte salt", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 1025, KeyLength: 32}},
		{"a 3-byte tag", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 3}},
		{"a 1025-byte tag", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 1025}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); err == nil {
				t.Errorf("Validate(%+v) = nil", tt.p)
			}
			if phc, err := Hash("pw", tt.p); err == nil {
				t.Errorf("Hash = %s, want an error", phc)
			}
		})
	}
}

func TestValidateAcceptsTheBoundaries(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"RFC 9106 first profile (2 GiB, t=1)", Params{MemoryKiB: 2 << 20, Iterations: 1, Parallelism: 4, SaltLength: 16, KeyLength: 32}},
		{"4 GiB with 2 passes", Params{MemoryKiB: 4 << 20, Iterations: 2, Parallelism: 255, SaltLength: 16, KeyLength: 32}},
		{"8 KiB per lane, 8-byte salt, 4-byte tag", Params{MemoryKiB: 16, Iterations: 1, Parallelism: 2, SaltLength: 8, KeyLength: 4}},
		{"1024-byte salt and tag", Params{MemoryKiB: 8, Iterations: 1, Parallelism: 1, SaltLength: 1024, KeyLength: 1024}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); err != nil {
				t.Errorf("Validate(%+v) = %v", tt.p, err)
			}
		})
	}
}

// fastVector is a valid hash of "pw" under fast parameters, built by hand
// so that the malformed variants below differ from it in one place.
const fastVector = "$argon2id$v=19$m=64,t=1,p=1$AAECAwQFBgcICQoLDA0ODw$"

func TestVerifyTreatsMalformedStringsAsNonMatches(t *testing.T) {
	salt := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	good := hashWithSalt(nil, "pw", salt, fast)
	if !strings.HasPrefix(good, fastVector) {
		t.Fatalf("fixture drifted: %s", good)
	}
	tag := strings.TrimPrefix(good, fastVector)
	if !Verify("pw", good) {
		t.Fatalf("Verify rejects the well-formed fixture %s", good)
	}
	tests := []struct {
		name string
		phc  string
		// wellFormed strings only fail the tag comparison, so they need
		// no rehash.
		wellFormed bool
	}{
		{"an empty string", "", false},
		{"bcrypt", "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5x6tV3zQd8Y8vZ9Qj0k5q8n1m2l3k4e", false},
		{"argon2i", strings.Replace(good, "argon2id", "argon2i", 1), false},
		{"argon2d", strings.Replace(good, "argon2id", "argon2d", 1), false},
		{"an upper-case algorithm", strings.Replace(good, "argon2id", "ARGON2ID", 1), false},
		{"version 16", strings.Replace(good, "v=19", "v=16", 1), false},
		{"no version field", strings.Replace(good, "$v=19", "", 1), false},
		{"a signed version", strings.Replace(good, "v=19", "v=+19", 1), false},
		{"parameters out of order", strings.Replace(good, "m=64,t=1,p=1", "t=1,m=64,p=1", 1), false},
		{"a missing parameter", strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1", 1), false},
		{"an extra parameter", strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1,p=1,keyid=abc", 1), false},
		{"a negative memory", strings.Replace(good, "m=64", "m=-64", 1), false},
		{"a hexadecimal memory", strings.Replace(good, "m=64", "m=0x40", 1), false},
		{"an empty memory", strings.Replace(good, "m=64", "m=", 1), false},
		{"a memory over 32 bits", strings.Replace(good, "m=64", "m=4294967360", 1), false},
		{"more than 4 GiB", strings.Replace(good, "m=64", "m=4194305", 1), false},
		{"a huge pass count", strings.Replace(good, "t=1", "t=4294967295", 1), false},
		{"zero passes", strings.Replace(good, "t=1", "t=0", 1), false},
		{"zero lanes", strings.Replace(good, "p=1", "p=0", 1), false},
		{"256 lanes", strings.Replace(good, "p=1", "p=256", 1), false},
		{"less memory than 8 KiB per lane", strings.Replace(good, "m=64,t=1,p=1", "m=64,t=1,p=9", 1), false},
		{"an empty salt", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "", 1), false},
		{"a 6-byte salt", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "AAECAwQF", 1), false},
		{"a padded salt", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgcICQoLDA0ODw==", 1), false},
		{"a URL-safe salt", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgcICQoLDA0OD_", 1), false},
		{"a salt with stray low bits", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgcICQoLDA0ODx", 1), false},
		{"a salt with a newline", strings.Replace(good, "AAECAwQFBgcICQoLDA0ODw", "AAECAwQFBgcICQoL\nDA0ODw", 1), false},
		{"an empty tag", fastVector, false},
		{"a 3-byte tag", fastVector + "AAEC", false},
		{"a 1025-byte tag", fastVector + strings.Repeat("A", 1367), false},
		{"a truncated tag", good[:len(good)-1], false},
		{"a tag with one character changed", fastVector + flipFirst(tag), true},
		{"a trailing dollar", good + "$", false},
		{"a trailing newline", good + "\n", false},
		{"a leading space", " " + good, false},
		{"no leading dollar", good[1:], false},
		{"a far too long string", good + strings.Repeat("A", 5000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if Verify("pw", tt.phc) {
				t.Errorf("Verify(%q) = true", tt.phc)
			}
			if NeedsRehash(tt.phc, fast) == tt.wellFormed {
				t.Errorf("NeedsRehash(%q) = %v", tt.phc, !tt.wellFormed)
			}
		})
	}
}

func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestNeedsRehash(t *testing.T) {
	phc := hashWithSalt(nil, "pw", make([]byte, 16), fast)
	tests := []struct {
		name string
		p    Params
		want bool
	}{
		{"same parameters need nothing", fast, false},
		{"more memory needs a rehash", Params{MemoryKiB: 128, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, true},
		{"more passes need a rehash", Params{MemoryKiB: 64, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}, true},
		{"more lanes need a rehash", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}, true},
		{"a longer salt needs a rehash", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 32, KeyLength: 32}, true},
		{"a shorter tag needs a rehash", Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 16}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(phc, tt.p); got != tt.want {
				t.Errorf("NeedsRehash(%s, %+v) = %v, want %v", phc, tt.p, got, tt.want)
			}
		})
	}
}
