package password

import (
	"bytes"
	"testing"
)

func FuzzVerify(f *testing.F) {
	good := hashWithSalt(nil, "pw", []byte("0123456789abcdef"), fast)
	seeds := []string{
		good,
		"",
		"$",
		"$argon2id$",
		"$argon2id$v=19$m=64,t=1,p=1$$",
		"$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$",
		"$argon2id$v=19$m=4294967295,t=4294967295,p=255$MDEyMzQ1Njc4OWFiY2RlZg$AAAA",
		"$argon2id$v=19$m=64,t=1,p=0$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2i$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=16$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg==$AAAAAAAAAAAAAAAAAAAAAA==",
		"$2b$12$C6UzMDM.H6dfI/f/IKcEeO5x6tV3zQd8Y8vZ9Qj0k5q8n1m2l3k4e",
	}
	for _, s := range seeds {
		f.Add("pw", s)
	}
	f.Fuzz(func(t *testing.T, pw, phc string) {
		h, ok := parsePHC(phc)
		if ok {
			// A parse must survive re-encoding (modulo leading zeros).
			again, ok2 := parsePHC(h.encode())
			if !ok2 || again.params != h.params || !bytes.Equal(again.salt, h.salt) || !bytes.Equal(again.tag, h.tag) {
				t.Fatalf("%q parses but its re-encoding %q does not round-trip", phc, h.encode())
			}
			// Accepted costs are bounded, but the largest would make
			// each fuzz input take seconds.
			if uint64(h.params.MemoryKiB)*uint64(h.params.Iterations) > 1<<12 {
				t.Skip("valid but too costly to run while fuzzing")
			}
		}
		if Verify(pw, phc) && !ok {
			t.Fatalf("Verify accepted %q, which does not parse", phc)
		}
		if phc == good && Verify(pw, phc) != (pw == "pw") {
			t.Fatalf("Verify(%q, fixture) is wrong", pw)
		}
	})
}
