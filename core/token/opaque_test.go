package token

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestHashOpaqueMatchesTheSpecVector(t *testing.T) {
	const want = "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"
	if got := HashOpaque("123456"); got != want {
		t.Fatalf("HashOpaque(123456) = %s, want %s", got, want)
	}
}

func TestHashOpaqueHashesTheStringAsGiven(t *testing.T) {
	if HashOpaque("123456") == HashOpaque(" 123456") || HashOpaque("abc") == HashOpaque("ABC") {
		t.Fatal("HashOpaque normalises its input")
	}
}

func TestPKCEChallengeMatchesRFC7636(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const want = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if got := PKCEChallenge(verifier); got != want {
		t.Fatalf("PKCEChallenge = %s, want %s", got, want)
	}
}

var urlSafe = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

func TestNewVerificationToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 100 {
		raw, hash := NewVerificationToken()
		if len(raw) != 43 || !urlSafe.MatchString(raw) {
			t.Fatalf("raw token %q is not 43 base64url characters", raw)
		}
		if hash != HashOpaque(raw) {
			t.Fatalf("hash %s is not HashOpaque(raw)", hash)
		}
		if seen[raw] {
			t.Fatalf("token %q repeated", raw)
		}
		seen[raw] = true
	}
}

func TestRandomURLSafe(t *testing.T) {
	tests := []struct {
		name  string
		bytes int
		chars int
	}{
		{"a nonce is 22 characters", 16, 22},
		{"a state id is 43 characters", 32, 43},
		{"a PKCE verifier is 86 characters", 64, 86},
		{"zero bytes are empty", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := RandomURLSafe(tt.bytes)
			if len(s) != tt.chars || !urlSafe.MatchString(s) {
				t.Fatalf("RandomURLSafe(%d) = %q", tt.bytes, s)
			}
			b, err := base64.RawURLEncoding.DecodeString(s)
			if err != nil || len(b) != tt.bytes {
				t.Fatalf("RandomURLSafe(%d) decodes to %d bytes, %v", tt.bytes, len(b), err)
			}
		})
	}
}

func TestRandomDigitsHasTheRequestedLength(t *testing.T) {
	for n := 4; n <= 10; n++ {
		sawLeadingZero := false
		for range 200 {
			s := RandomDigits(n)
			if len(s) != n || strings.Trim(s, "0123456789") != "" {
				t.Fatalf("RandomDigits(%d) = %q", n, s)
			}
			sawLeadingZero = sawLeadingZero || s[0] == '0'
		}
		// P(no leading zero in 200 draws) = 0.9^200 ≈ 7e-10.
		if !sawLeadingZero {
			t.Errorf("RandomDigits(%d) never zero-pads", n)
		}
	}
}

func TestRandomDigitsIsUniform(t *testing.T) {
	// Count every digit position of 6-digit codes. A modulo-biased
	// generator over a power of two would skew low digits; the bound is
	// more than 8 standard deviations, so a fair one never fails.
	const draws = 20000
	var counts [6][10]int
	for range draws {
		s := RandomDigits(6)
		for i := range 6 {
			counts[i][s[i]-'0']++
		}
	}
	const expected, tolerance = draws / 10, 350
	for pos, row := range counts {
		for d, c := range row {
			if c < expected-tolerance || c > expected+tolerance {
				t.Errorf("digit %d at position %d drawn %d times, want %d±%d", d, pos, c, expected, tolerance)
			}
		}
	}
}

func TestRandomDigitsPanicsOutOfRange(t *testing.T) {
	for _, n := range []int{0, -1, 19} {
		t.Run(fmt.Sprintf("%d digits panic", n), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("RandomDigits(%d) did not panic", n)
				}
			}()
			RandomDigits(n)
		})
	}
}
