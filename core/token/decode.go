package token

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// maxTokenLength bounds the work an attacker can make Decode do; real
// tokens are a few hundred bytes.
const maxTokenLength = 16 << 10

// invalid wraps ErrInvalid with a reason for logs.
func invalid(reason string) error { return fmt.Errorf("%w: %s", ErrInvalid, reason) }

// Decode verifies tok as purpose p (domain.md §6.4). Every failure wraps ErrInvalid.
func (c *Codec) Decode(tok string, p Purpose) (Claims, error) {
	key, ok := c.keys[p]
	if !ok {
		return Claims{}, invalid(fmt.Sprintf("unknown purpose %q", p))
	}
	if len(tok) > maxTokenLength {
		return Claims{}, invalid("token too long")
	}
	// Step 1: the header is checked here rather than left to jws.Verify,
	// which would check the signature with whatever algorithm it is told
	// and ignore what the header claims.
	if err := c.checkHeader(tok); err != nil {
		return Claims{}, err
	}
	// Step 2.
	payload, err := c.verifySignature(tok, key)
	if err != nil {
		return Claims{}, err
	}
	// Steps 3 to 6.
	return c.checkClaims(payload, p)
}

// verifySignature checks the compact JWS's HMAC with key under the
// configured algorithm (the header's alg was checked to equal it) and
// returns the payload. It is the hot path of every authenticated request,
// so it does directly what a general JWS library would do through its
// parsing and key machinery: split, decode, one HMAC, a constant-time
// compare.
func (c *Codec) verifySignature(tok string, key []byte) ([]byte, error) {
	head, rest, _ := strings.Cut(tok, ".")
	body, sig, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(sig, ".") {
		return nil, invalid("not a compact JWS")
	}
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, invalid("signature is not base64url")
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, invalid("payload is not base64url")
	}
	newHash, ok := hmacHashes[c.alg]
	if !ok {
		return nil, invalid("the algorithm is not allowed")
	}
	mac := hmac.New(newHash, key)
	mac.Write([]byte(tok[:len(head)+1+len(body)]))
	if !hmac.Equal(mac.Sum(nil), want) {
		return nil, invalid("signature verification failed")
	}
	return payload, nil
}

// hmacHashes are the hashes of the HMAC algorithms jwt_algorithm allows.
var hmacHashes = map[jwa.SignatureAlgorithm]func() hash.Hash{
	jwa.HS256: sha256.New,
	jwa.HS384: sha512.New384,
	jwa.HS512: sha512.New,
}

// checkHeader enforces step 1 of §6.4 on the protected header.
func (c *Codec) checkHeader(tok string) error {
	seg, _, ok := strings.Cut(tok, ".")
	if !ok {
		return invalid("not a compact JWS")
	}
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return invalid("header is not base64url")
	}
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(raw, &hdr); err != nil || hdr == nil {
		return invalid("header is not a JSON object")
	}
	var alg string
	if err := json.Unmarshal(hdr["alg"], &alg); err != nil || alg != string(c.alg) {
		return invalid("the algorithm is not allowed")
	}
	if _, ok := hdr["crit"]; ok {
		return invalid("unsupported critical header extensions")
	}
	// RFC 7797 unencoded payloads: jws would honour b64=false even
	// without crit; regstack never makes such tokens.
	if b64, ok := hdr["b64"]; ok && string(b64) != "true" {
		return invalid("unencoded payloads are not supported")
	}
	return nil
}

// checkClaims performs steps 3 to 6 of §6.4 on a verified payload.
func (c *Codec) checkClaims(payload []byte, p Purpose) (Claims, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return Claims{}, invalid("payload is not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Claims{}, invalid("trailing data after the payload")
	}

	// Step 3: required claims and their types.
	var out Claims
	var ok bool
	if out.Subject, ok = m["sub"].(string); !ok {
		return Claims{}, invalid(`claim "sub" missing or not a string`)
	}
	if out.ID, ok = m["jti"].(string); !ok {
		return Claims{}, invalid(`claim "jti" missing or not a string`)
	}
	iat, _ := m["iat"].(json.Number)
	if out.IssuedAt, ok = issuedAt(iat); !ok {
		return Claims{}, invalid(`claim "iat" missing, not a number or out of range`)
	}
	exp, _ := m["exp"].(json.Number)
	if out.ExpiresAt, ok = expiresAt(exp); !ok {
		return Claims{}, invalid(`claim "exp" missing, not a number or out of range`)
	}
	purpose, ok := m["purpose"]
	if !ok {
		return Claims{}, invalid(`claim "purpose" missing`)
	}
	if out.NewEmail, ok = m["new_email"].(string); !ok && p == EmailChange {
		return Claims{}, invalid(`claim "new_email" missing or not a string`)
	}
	if out.Phone, ok = m["phone"].(string); !ok && p == PhoneSetup {
		return Claims{}, invalid(`claim "phone" missing or not a string`)
	}

	// Step 4.
	if err := c.checkAudience(m); err != nil {
		return Claims{}, err
	}

	// Step 5.
	if purpose != any(string(p)) {
		return Claims{}, invalid("token purpose mismatch")
	}
	out.Purpose = p

	// Step 6: no leeway; iat is not compared with now and nbf is ignored.
	if !c.clock.Now().Before(out.ExpiresAt) {
		return Claims{}, invalid("Signature has expired")
	}
	return out, nil
}

// checkAudience applies step 4 of §6.4 the way PyJWT does.
func (c *Codec) checkAudience(m map[string]any) error {
	aud, present := m["aud"]
	if c.audience == "" {
		if present && !falsy(aud) {
			return invalid("Invalid audience")
		}
		return nil
	}
	if !present || falsy(aud) {
		return invalid(`claim "aud" missing`)
	}
	switch v := aud.(type) {
	case string:
		if v == c.audience {
			return nil
		}
	case []any:
		match := false
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return invalid("Invalid claim format in token")
			}
			match = match || s == c.audience
		}
		if match {
			return nil
		}
	default:
		return invalid("Invalid claim format in token")
	}
	return invalid("Audience doesn't match")
}

// falsy is Python truthiness for JSON values: a token with an empty aud
// counts as having none.
func falsy(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
