package token

import (
	"crypto/hmac"
	"crypto/sha256"
)

// DeriveKey is HMAC-SHA256(secret, purpose) (domain.md §6.3). The 32-byte
// result keys every HS algorithm, so a token signed for one purpose fails
// verification under any other, and Python and Go accept each other's
// tokens.
func DeriveKey(secret string, p Purpose) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(p))
	return mac.Sum(nil)
}
