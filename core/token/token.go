// Package token mints and decodes regstack's JWTs (domain.md §6): per-purpose
// HMAC keys derived from the master secret, a required purpose claim,
// fractional iat, exp checked against an injected clock, and the algorithm
// fixed by configuration. It also makes the opaque tokens of §6.6.
package token

import (
	"errors"
	"time"
)

// Purpose is the `purpose` claim; each has its own derived key.
type Purpose string

// The token purposes of domain.md §6.1.
const (
	Session       Purpose = "session"
	LoginMFA      Purpose = "login_mfa"
	PhoneSetup    Purpose = "phone_setup"
	PasswordReset Purpose = "password_reset"
	EmailChange   Purpose = "email_change"
)

// MinSecretLength is the shortest jwt_secret accepted (0.9.0+).
const MinSecretLength = 32

// ErrInvalid is returned for every decode failure; the reason is wrapped
// for logs but never shown to clients.
var ErrInvalid = errors.New("token: invalid")

// Clock supplies now; regstack.Clock satisfies it.
type Clock interface{ Now() time.Time }

// Claims are the decoded claims of a token.
type Claims struct {
	Subject   string
	ID        string    // jti
	IssuedAt  time.Time // microsecond precision
	ExpiresAt time.Time
	Purpose   Purpose
	NewEmail  string // email_change only
	Phone     string // phone_setup only
}

// Extra carries the purpose-specific claims to mint.
type Extra struct {
	NewEmail string
	Phone    string
}

// Codec mints and decodes tokens for one secret and algorithm.
type Codec struct{}

// NewCodec refuses a secret shorter than MinSecretLength characters and an
// algorithm other than HS256/HS384/HS512. audience nil = no aud claim.
func NewCodec(secret, algorithm string, audience *string, clock Clock) (*Codec, error) {
	panic("unimplemented")
}

// Mint signs a token of purpose p for subject, valid for ttl from now.
func (c *Codec) Mint(p Purpose, subject string, ttl time.Duration, extra Extra) (string, Claims, error) {
	panic("unimplemented")
}

// Decode verifies tok as purpose p (domain.md §6.4). Every failure wraps ErrInvalid.
func (c *Codec) Decode(tok string, p Purpose) (Claims, error) { panic("unimplemented") }

// DeriveKey is HMAC-SHA256(secret, purpose) (domain.md §6.3).
func DeriveKey(secret string, p Purpose) []byte { panic("unimplemented") }

// NewVerificationToken returns a raw 43-char token and its SHA-256 hex.
func NewVerificationToken() (raw, hash string) { panic("unimplemented") }

// HashOpaque is the lowercase hex SHA-256 of s, as stored for verification
// tokens and MFA codes.
func HashOpaque(s string) string { panic("unimplemented") }

// RandomURLSafe returns n random bytes, base64url without padding.
func RandomURLSafe(n int) string { panic("unimplemented") }

// PKCEChallenge is base64url(SHA-256(verifier)) without padding.
func PKCEChallenge(verifier string) string { panic("unimplemented") }

// RandomDigits returns a uniformly random n-digit string, zero-padded.
func RandomDigits(n int) string { panic("unimplemented") }
