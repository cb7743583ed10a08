package token

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Codec mints and decodes tokens for one secret and algorithm. It is safe
// for concurrent use.
type Codec struct {
	alg      jwa.SignatureAlgorithm
	audience string // "" = none configured
	keys     map[Purpose][]byte
	// macs keeps, per purpose, HMACs keyed for Decode: keying one costs
	// more than the rest of checking a session token's signature.
	macs  map[Purpose]*sync.Pool
	clock Clock
	// random supplies jti bytes; tests replace it to reproduce vectors.
	random io.Reader
	// header is the first segment of every token Mint makes. Decode
	// knows it passes the header checks without parsing it again.
	header string
}

// systemClock is the fallback when NewCodec is given no clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now().UTC() }

// NewCodec refuses a secret shorter than MinSecretLength characters and an
// algorithm other than HS256/HS384/HS512. audience nil = no aud claim (an
// empty audience counts as none). A nil clock reads the wall clock.
// Errors name the configuration key and never contain the secret.
func NewCodec(secret, algorithm string, audience *string, clock Clock) (*Codec, error) {
	if secret == "" {
		return nil, errors.New("token: jwt_secret is empty; run `regstack init` to generate one, or set REGSTACK_JWT_SECRET")
	}
	if n := utf8.RuneCountInString(secret); n < MinSecretLength {
		return nil, fmt.Errorf("token: jwt_secret must be at least %d characters (it has %d)", MinSecretLength, n)
	}
	switch algorithm {
	case "HS256", "HS384", "HS512":
	default:
		return nil, fmt.Errorf("token: jwt_algorithm must be HS256, HS384 or HS512, not %q", algorithm)
	}
	if clock == nil {
		clock = systemClock{}
	}
	c := &Codec{
		alg:    jwa.SignatureAlgorithm(algorithm),
		keys:   make(map[Purpose][]byte, len(purposes)),
		clock:  clock,
		random: rand.Reader,
	}
	if audience != nil {
		c.audience = *audience
	}
	newHash := hmacHashes[c.alg]
	c.macs = make(map[Purpose]*sync.Pool, len(purposes))
	for _, p := range purposes {
		key := DeriveKey(secret, p)
		c.keys[p] = key
		c.macs[p] = &sync.Pool{New: func() any { return hmac.New(newHash, key) }}
	}
	probe, err := c.sign([]byte("{}"), c.keys[Session])
	if err != nil {
		return nil, err
	}
	c.header, _, _ = strings.Cut(probe, ".")
	if err := c.parseHeader(c.header); err != nil {
		return nil, fmt.Errorf("token: the signing library's own header fails the checks: %w", err)
	}
	return c, nil
}

// wireClaims is the JSON payload, in the order of domain.md §6.3's vector.
type wireClaims struct {
	Subject  string         `json:"sub"`
	ID       string         `json:"jti"`
	IssuedAt microTimestamp `json:"iat"`
	Expires  int64          `json:"exp"`
	Purpose  Purpose        `json:"purpose"`
	Audience string         `json:"aud,omitempty"`
	NewEmail string         `json:"new_email,omitempty"`
	Phone    string         `json:"phone,omitempty"`
}

// Mint signs a token of purpose p for subject, valid for ttl from now.
// email_change needs extra.NewEmail and phone_setup extra.Phone. The
// returned claims are those Decode will return for the token: IssuedAt is
// now truncated to the microsecond, ExpiresAt that plus ttl, floored to
// the second.
func (c *Codec) Mint(p Purpose, subject string, ttl time.Duration, extra Extra) (string, Claims, error) {
	key, ok := c.keys[p]
	if !ok {
		return "", Claims{}, fmt.Errorf("token: cannot mint unknown purpose %q", p)
	}
	if p == EmailChange && extra.NewEmail == "" {
		return "", Claims{}, errors.New("token: an email_change token needs a new email")
	}
	if p == PhoneSetup && extra.Phone == "" {
		return "", Claims{}, errors.New("token: a phone_setup token needs a phone number")
	}
	jti := make([]byte, 16)
	if _, err := io.ReadFull(c.random, jti); err != nil {
		return "", Claims{}, fmt.Errorf("token: reading jti: %w", err)
	}
	iat := time.UnixMicro(c.clock.Now().UnixMicro()).UTC()
	exp := time.Unix(iat.Add(ttl).Unix(), 0).UTC()
	claims := Claims{
		Subject:   subject,
		ID:        base64.RawURLEncoding.EncodeToString(jti),
		IssuedAt:  iat,
		ExpiresAt: exp,
		Purpose:   p,
		NewEmail:  extra.NewEmail,
		Phone:     extra.Phone,
	}
	payload, err := json.Marshal(wireClaims{
		Subject:  claims.Subject,
		ID:       claims.ID,
		IssuedAt: microTimestamp(iat.UnixMicro()),
		Expires:  exp.Unix(),
		Purpose:  p,
		Audience: c.audience,
		NewEmail: extra.NewEmail,
		Phone:    extra.Phone,
	})
	if err != nil {
		return "", Claims{}, fmt.Errorf("token: encoding claims: %w", err)
	}
	signed, err := c.sign(payload, key)
	if err != nil {
		return "", Claims{}, err
	}
	return signed, claims, nil
}

// sign makes the compact JWS of payload: header {"alg": …, "typ": "JWT"}.
func (c *Codec) sign(payload, key []byte) (string, error) {
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.TypeKey, "JWT"); err != nil {
		return "", fmt.Errorf("token: building header: %w", err)
	}
	signed, err := jws.Sign(payload, jws.WithKey(c.alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("token: signing: %w", err)
	}
	return string(signed), nil
}
