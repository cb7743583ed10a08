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

// purposes are the purposes a Codec mints and decodes; any other is a
// programming error (Mint) or an invalid token (Decode).
var purposes = [...]Purpose{Session, LoginMFA, PhoneSetup, PasswordReset, EmailChange}

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
