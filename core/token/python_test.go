package token

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

// pythonToken is one entry of testdata/python_tokens.json, made by
// testdata/make_python_tokens.py with PyJWT the way the original mints.
type pythonToken struct {
	Algorithm string  `json:"algorithm"`
	Audience  *string `json:"audience"`
	Purpose   Purpose `json:"purpose"`
	Token     string  `json:"token"`
	Sub       string  `json:"sub"`
	JTI       string  `json:"jti"`
	IAT       string  `json:"iat"`
	Exp       int64   `json:"exp"`
	NewEmail  string  `json:"new_email"`
	Phone     string  `json:"phone"`
}

func TestDecodeAcceptsTokensMintedByPython(t *testing.T) {
	raw, err := os.ReadFile("testdata/python_tokens.json")
	if err != nil {
		t.Fatal(err)
	}
	var toks []pythonToken
	if err := json.Unmarshal(raw, &toks); err != nil {
		t.Fatal(err)
	}
	if len(toks) < 50 {
		t.Fatalf("only %d tokens in testdata", len(toks))
	}
	for _, pt := range toks {
		t.Run(pt.Algorithm+" "+string(pt.Purpose)+" at "+pt.IAT, func(t *testing.T) {
			iat, err := time.Parse("2006-01-02T15:04:05.000000Z", pt.IAT)
			if err != nil {
				t.Fatal(err)
			}
			exp := time.Unix(pt.Exp, 0).UTC()
			clock := &fakeClock{now: exp.Add(-time.Microsecond)}
			c, err := NewCodec(specSecret, pt.Algorithm, pt.Audience, clock)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Decode(pt.Token, pt.Purpose)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			want := Claims{
				Subject: pt.Sub, ID: pt.JTI, IssuedAt: iat, ExpiresAt: exp,
				Purpose: pt.Purpose, NewEmail: pt.NewEmail, Phone: pt.Phone,
			}
			if got != want {
				t.Errorf("Decode =\n%+v\nwant (as Python decodes it)\n%+v", got, want)
			}
			clock.Set(exp)
			if _, err := c.Decode(pt.Token, pt.Purpose); err == nil {
				t.Error("Decode accepts the token at its exp")
			}
		})
	}
}
