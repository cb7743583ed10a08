package google

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	regstack "github.com/regstack/regstack/core"
)

// VerifyIDToken checks an ID token as domain.md §10.4 says — RS256 with a
// key of the JWKS named by the header kid, iss, aud containing the client
// id, exp in the future and iat not in the future against the wall clock
// with no leeway, the required claims, nonce equal to expectedNonce, a
// non-empty sub — and maps its claims. Every failure wraps
// regstack.ErrOAuthIDToken.
func (p *Provider) VerifyIDToken(ctx context.Context, idToken, expectedNonce string) (regstack.OAuthUserInfo, error) {
	info, err := p.verify(ctx, idToken, expectedNonce)
	if err != nil {
		return regstack.OAuthUserInfo{}, fmt.Errorf("%w: %w", regstack.ErrOAuthIDToken, err)
	}
	return info, nil
}

func (p *Provider) verify(ctx context.Context, idToken, expectedNonce string) (regstack.OAuthUserInfo, error) {
	msg, err := jws.Parse([]byte(idToken), jws.WithCompact())
	if err != nil {
		return regstack.OAuthUserInfo{}, errors.New("not a compact JWS")
	}
	sigs := msg.Signatures()
	if len(sigs) != 1 {
		return regstack.OAuthUserInfo{}, errors.New("not exactly one signature")
	}
	h := sigs[0].ProtectedHeaders()
	if h.Algorithm() != jwa.RS256 {
		return regstack.OAuthUserInfo{}, fmt.Errorf("algorithm %q, want RS256", h.Algorithm())
	}
	key, err := p.keys.key(ctx, h.KeyID())
	if err != nil {
		return regstack.OAuthUserInfo{}, err
	}
	payload, err := jws.Verify([]byte(idToken), jws.WithKey(jwa.RS256, key))
	if err != nil {
		return regstack.OAuthUserInfo{}, errors.New("bad signature")
	}
	var c map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return regstack.OAuthUserInfo{}, errors.New("claims are not a JSON object")
	}
	if err := p.checkClaims(c, expectedNonce); err != nil {
		return regstack.OAuthUserInfo{}, err
	}
	return regstack.OAuthUserInfo{
		SubjectID:     c["sub"].(string),
		Email:         optString(c["email"]),
		EmailVerified: isTrue(c["email_verified"]),
		FullName:      optString(c["name"]),
		PictureURL:    optString(c["picture"]),
	}, nil
}

// checkClaims runs steps 3–6 of domain.md §10.4.
func (p *Provider) checkClaims(c map[string]any, expectedNonce string) error {
	for _, name := range []string{"sub", "iss", "aud", "exp", "iat", "nonce"} {
		if _, ok := c[name]; !ok {
			return fmt.Errorf("claim %q missing", name)
		}
	}
	iss, _ := c["iss"].(string)
	if iss != p.issuer && (p.issuer != defaultIssuer || iss != bareIssuer) {
		return fmt.Errorf("issuer %q not accepted", iss)
	}
	if !hasAudience(c["aud"], p.oauth.ClientID) {
		return errors.New("audience does not contain the client id")
	}
	now := p.now()
	exp, ok := numericDate(c["exp"])
	if !ok {
		return errors.New("exp is not a number")
	}
	if !now.Before(exp) {
		return errors.New("token expired")
	}
	iat, ok := numericDate(c["iat"])
	if !ok {
		return errors.New("iat is not a number")
	}
	if iat.After(now) {
		return errors.New("token issued in the future")
	}
	if nonce, _ := c["nonce"].(string); nonce == "" || nonce != expectedNonce {
		return errors.New("nonce mismatch")
	}
	if sub, _ := c["sub"].(string); sub == "" {
		return errors.New("sub is not a non-empty string")
	}
	return nil
}

// hasAudience accepts aud as a string or an array of strings.
func hasAudience(aud any, clientID string) bool {
	switch v := aud.(type) {
	case string:
		return v == clientID
	case []any:
		for _, a := range v {
			if s, ok := a.(string); ok && s == clientID {
				return true
			}
		}
	}
	return false
}

// numericDate reads a JSON number of seconds since the epoch.
func numericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// optString keeps a claim only when it is a string.
func optString(v any) *string {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return &s
}

// isTrue is email_verified's rule: JSON true or the string "true" only.
func isTrue(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}
