package token

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
)

// NewVerificationToken returns a raw 43-char token and its SHA-256 hex.
// Only the hash is stored, so a database read yields no usable link.
func NewVerificationToken() (raw, hash string) {
	raw = RandomURLSafe(32)
	return raw, HashOpaque(raw)
}

// HashOpaque is the lowercase hex SHA-256 of s, as stored for verification
// tokens and MFA codes (unsalted, so rows written by Python verify too).
func HashOpaque(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// RandomURLSafe returns n random bytes, base64url without padding: 32 for
// OAuth state ids (43 chars), 64 for PKCE verifiers (86), 16 for nonces (22).
func RandomURLSafe(n int) string {
	b := make([]byte, n)
	// crypto/rand.Read never fails (it crashes the program instead).
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// PKCEChallenge is base64url(SHA-256(verifier)) without padding (RFC 7636
// S256).
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// maxDigits keeps 10^n within what formatting as one number allows.
const maxDigits = 18

// RandomDigits returns a uniformly random n-digit string, zero-padded: an
// MFA code (4–10 digits). It panics unless 1 <= n <= 18.
func RandomDigits(n int) string {
	if n < 1 || n > maxDigits {
		panic(fmt.Sprintf("token.RandomDigits: %d digits out of range 1..%d", n, maxDigits))
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	// rand.Int samples by rejection, so every value is equally likely.
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic(fmt.Sprintf("token.RandomDigits: %v", err))
	}
	return fmt.Sprintf("%0*d", n, v.Int64())
}
