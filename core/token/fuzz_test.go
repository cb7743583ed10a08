package token

import (
	"errors"
	"testing"
	"time"
)

func FuzzDecode(f *testing.F) {
	c, _ := newTestCodec(f, "HS256", nil)
	key := DeriveKey(specSecret, Session)
	f.Add(specToken, string(Session))
	f.Add(specToken, string(LoginMFA))
	f.Add("", string(Session))
	f.Add("..", string(Session))
	f.Add("e30.e30.", string(Session))
	f.Add("eyJhbGciOiJub25lIn0.e30.", string(Session))
	f.Add(signRaw(f, "HS256", key, `{"alg":"HS256","crit":["b64"],"b64":false}`, `{}`), string(Session))
	f.Add(signRaw(f, "HS256", key, `{"alg":"HS256"}`, `{"sub":"u","jti":"j","iat":1e308,"exp":-1e308,"purpose":"session"}`), string(Session))
	f.Add(signRaw(f, "HS256", key, `{"alg":"HS256"}`, `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":[[]]}`), string(Session))
	f.Add(signRaw(f, "HS256", DeriveKey(specSecret, EmailChange), `{"alg":"HS256"}`, `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"email_change","new_email":"x"}`), string(EmailChange))
	f.Fuzz(func(t *testing.T, tok, purpose string) {
		got, err := c.Decode(tok, Purpose(purpose))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if got.Purpose != Purpose(purpose) {
			t.Fatalf("Decode as %q returned purpose %q", purpose, got.Purpose)
		}
		if !specIAT.Before(got.ExpiresAt) {
			t.Fatalf("Decode accepted a token expired at %s", got.ExpiresAt.Format(time.RFC3339))
		}
	})
}
