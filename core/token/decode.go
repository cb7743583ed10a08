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
	"sync"

	"github.com/lestrrat-go/jwx/v2/jwa"
)

// maxTokenLength bounds the work an attacker can make Decode do; real
// tokens are a few hundred bytes.
const maxTokenLength = 16 << 10

// invalid wraps ErrInvalid with a reason for logs.
func invalid(reason string) error { return fmt.Errorf("%w: %s", ErrInvalid, reason) }

// Decode verifies tok as purpose p (domain.md §6.4). Every failure wraps ErrInvalid.
func (c *Codec) Decode(tok string, p Purpose) (Claims, error) {
	macs, ok := c.macs[p]
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
	payload, err := c.verifySignature(tok, macs)
	if err != nil {
		return Claims{}, err
	}
	// Steps 3 to 6.
	return c.checkClaims(payload, p)
}

// verifySignature checks the compact JWS's HMAC under the configured
// algorithm (the header's alg was checked to equal it) with a MAC from
// macs, the pool of the purpose's key, and returns the payload. It is the
// hot path of every authenticated request, so it does directly what a
// general JWS library would do through its parsing and key machinery:
// split, decode, one HMAC, a constant-time compare.
func (c *Codec) verifySignature(tok string, macs *sync.Pool) ([]byte, error) {
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
	mac := macs.Get().(hash.Hash)
	defer macs.Put(mac)
	mac.Reset()
	mac.Write([]byte(tok[:len(head)+1+len(body)]))
	var sum [sha512.Size]byte
	if !hmac.Equal(mac.Sum(sum[:0]), want) {
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
	if seg == c.header {
		// The bytes of the header Mint writes, checked once in NewCodec.
		return nil
	}
	return c.parseHeader(seg)
}

// parseHeader checks a header segment the long way.
func (c *Codec) parseHeader(seg string) error {
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

// claimFields are the claims §6.4 looks at, as found in a payload, before
// any check: a field's ok flag is false when the claim is missing or not
// of the type the check needs.
type claimFields struct {
	sub, jti            string
	subOK, jtiOK        bool
	iat, exp            json.Number // "" when missing or not a number
	purpose             any         // compared with the wanted purpose as a JSON value
	purposeOK           bool        // present (any type)
	newEmail, phone     string
	newEmailOK, phoneOK bool
	aud                 any
	audOK               bool // present (any type)
}

// checkClaims performs steps 3 to 6 of §6.4 on a verified payload. Tokens
// as regstack and PyJWT mint them take scanFlatClaims' fast path; any other
// payload is read by encoding/json into a map, with the same outcome.
func (c *Codec) checkClaims(payload []byte, p Purpose) (Claims, error) {
	f, ok := scanFlatClaims(payload)
	if !ok {
		var err error
		if f, err = mapClaims(payload); err != nil {
			return Claims{}, err
		}
	}
	return c.validateClaims(&f, p)
}

// mapClaims reads any JSON payload the general way: a map, numbers kept
// as their text, the last of duplicate keys winning.
func mapClaims(payload []byte) (claimFields, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return claimFields{}, invalid("payload is not a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return claimFields{}, invalid("trailing data after the payload")
	}
	var f claimFields
	f.sub, f.subOK = m["sub"].(string)
	f.jti, f.jtiOK = m["jti"].(string)
	f.iat, _ = m["iat"].(json.Number)
	f.exp, _ = m["exp"].(json.Number)
	f.purpose, f.purposeOK = m["purpose"]
	f.newEmail, f.newEmailOK = m["new_email"].(string)
	f.phone, f.phoneOK = m["phone"].(string)
	f.aud, f.audOK = m["aud"]
	return f, nil
}

// validateClaims performs steps 3 to 6 of §6.4 on the claims found.
func (c *Codec) validateClaims(f *claimFields, p Purpose) (Claims, error) {
	// Step 3: required claims and their types.
	var out Claims
	var ok bool
	if !f.subOK {
		return Claims{}, invalid(`claim "sub" missing or not a string`)
	}
	if !f.jtiOK {
		return Claims{}, invalid(`claim "jti" missing or not a string`)
	}
	out.Subject, out.ID = f.sub, f.jti
	if out.IssuedAt, ok = issuedAt(f.iat); !ok {
		return Claims{}, invalid(`claim "iat" missing, not a number or out of range`)
	}
	if out.ExpiresAt, ok = expiresAt(f.exp); !ok {
		return Claims{}, invalid(`claim "exp" missing, not a number or out of range`)
	}
	if !f.purposeOK {
		return Claims{}, invalid(`claim "purpose" missing`)
	}
	if !f.newEmailOK && p == EmailChange {
		return Claims{}, invalid(`claim "new_email" missing or not a string`)
	}
	if !f.phoneOK && p == PhoneSetup {
		return Claims{}, invalid(`claim "phone" missing or not a string`)
	}
	out.NewEmail, out.Phone = f.newEmail, f.phone

	// Step 4.
	if err := c.checkAudience(f.aud, f.audOK); err != nil {
		return Claims{}, err
	}

	// Step 5.
	if f.purpose != any(string(p)) {
		return Claims{}, invalid("token purpose mismatch")
	}
	out.Purpose = p

	// Step 6: no leeway; iat is not compared with now and nbf is ignored.
	if !c.clock.Now().Before(out.ExpiresAt) {
		return Claims{}, invalid("Signature has expired")
	}
	return out, nil
}

// checkAudience applies step 4 of §6.4 the way PyJWT does; present says
// whether the payload has an aud claim at all.
func (c *Codec) checkAudience(aud any, present bool) error {
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
