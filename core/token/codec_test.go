package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// specToken is §6.3's session token, minted at specIAT for 2 hours.
const specToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwZjhmYWQ1YmQ5Y2I0NjlmYTE2NTcwODY3NzI4OTUwZSIsImp0aSI6IkFBQUFBQUFBQUFBQUFBQUFBQUFBQUEiLCJpYXQiOjE3MzU2ODk2MDAuMTIzNDU2LCJleHAiOjE3MzU2OTY4MDAsInB1cnBvc2UiOiJzZXNzaW9uIn0.x_Y_crUmJ40p9XDRMotxqMyiB7oRdVHsCM7gSJMgYdo"

const specSubject = "0f8fad5bd9cb469fa16570867728950e"

func TestNewCodecRefusesShortSecrets(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		ok     bool
	}{
		{"an empty secret is refused", "", false},
		{"31 ASCII characters are refused", strings.Repeat("s", 31), false},
		{"31 two-byte characters are refused although 62 bytes long", strings.Repeat("é", 31), false},
		{"32 ASCII characters are accepted", strings.Repeat("s", 32), true},
		{"32 two-byte characters are accepted", strings.Repeat("é", 32), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCodec(tt.secret, "HS256", nil, &fakeClock{})
			if tt.ok {
				if err != nil {
					t.Fatalf("NewCodec = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("NewCodec accepted the secret")
			}
			msg := err.Error()
			if !strings.Contains(msg, "jwt_secret") {
				t.Errorf("error %q does not name jwt_secret", msg)
			}
			if tt.secret != "" && !strings.Contains(msg, "32") {
				t.Errorf("error %q does not give the 32-character minimum", msg)
			}
			if tt.secret != "" && strings.Contains(msg, tt.secret[:8]) {
				t.Errorf("error %q contains the secret", msg)
			}
		})
	}
}

func TestNewCodecAcceptsOnlyHSAlgorithms(t *testing.T) {
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		t.Run(alg+" is accepted", func(t *testing.T) {
			if _, err := NewCodec(specSecret, alg, nil, &fakeClock{}); err != nil {
				t.Fatalf("NewCodec(%s) = %v", alg, err)
			}
		})
	}
	for _, alg := range []string{"", "hs256", "Hs256", "none", "RS256", "ES256", "HS1024", " HS256"} {
		t.Run(alg+" is refused", func(t *testing.T) {
			_, err := NewCodec(specSecret, alg, nil, &fakeClock{})
			if err == nil {
				t.Fatalf("NewCodec(%q) accepted", alg)
			}
			if !strings.Contains(err.Error(), "jwt_algorithm") {
				t.Errorf("error %q does not name jwt_algorithm", err)
			}
		})
	}
}

func TestMintReproducesTheSpecVector(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	c.random = zeroReader{}
	tok, claims, err := c.Mint(Session, specSubject, 2*time.Hour, Extra{})
	if err != nil {
		t.Fatal(err)
	}
	if tok != specToken {
		t.Errorf("Mint =\n%s\nwant\n%s", tok, specToken)
	}
	want := Claims{
		Subject:   specSubject,
		ID:        "AAAAAAAAAAAAAAAAAAAAAA",
		IssuedAt:  specIAT,
		ExpiresAt: time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC),
		Purpose:   Session,
	}
	if claims != want {
		t.Errorf("Mint claims = %+v, want %+v", claims, want)
	}
}

func TestDecodeAcceptsTheSpecVector(t *testing.T) {
	c, clock := newTestCodec(t, "HS256", nil)
	clock.Set(time.Date(2025, 1, 1, 1, 59, 59, 0, time.UTC))
	got, err := c.Decode(specToken, Session)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Subject != specSubject || got.ID != "AAAAAAAAAAAAAAAAAAAAAA" || got.Purpose != Session {
		t.Errorf("Decode = %+v", got)
	}
	if s := got.IssuedAt.Format(time.RFC3339Nano); s != "2025-01-01T00:00:00.123456Z" {
		t.Errorf("iat = %s, want 2025-01-01T00:00:00.123456Z", s)
	}
	if !got.ExpiresAt.Equal(time.Unix(1735696800, 0)) {
		t.Errorf("exp = %s", got.ExpiresAt)
	}
}

func TestMintedClaimsEqualDecodedClaims(t *testing.T) {
	aud := "my-app"
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		for _, p := range purposes {
			t.Run(alg+" "+string(p)+" round-trips", func(t *testing.T) {
				c, clock := newTestCodec(t, alg, &aud)
				clock.Set(time.Date(2026, 3, 4, 5, 6, 7, 891011121, time.UTC))
				extra := Extra{NewEmail: "new@example.com", Phone: "+447700900123"}
				tok, minted, err := c.Mint(p, "user-1", 10*time.Minute, extra)
				if err != nil {
					t.Fatal(err)
				}
				if len(minted.ID) != 22 {
					t.Errorf("jti %q is not 22 characters", minted.ID)
				}
				if !minted.IssuedAt.Equal(time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)) {
					t.Errorf("IssuedAt = %s, want the clock truncated to µs", minted.IssuedAt)
				}
				if !minted.ExpiresAt.Equal(time.Date(2026, 3, 4, 5, 16, 7, 0, time.UTC)) {
					t.Errorf("ExpiresAt = %s, want iat+ttl floored", minted.ExpiresAt)
				}
				decoded, err := c.Decode(tok, p)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if decoded != minted {
					t.Errorf("decoded %+v != minted %+v", decoded, minted)
				}
				hdr, payload := splitToken(t, tok)
				if want := `{"alg":"` + alg + `","typ":"JWT"}`; hdr != want {
					t.Errorf("header %s, want %s", hdr, want)
				}
				if !strings.Contains(payload, `"iat":1772600767.891011,`) {
					t.Errorf("payload %s lacks a 6-decimal iat", payload)
				}
				if !strings.Contains(payload, `"aud":"my-app"`) {
					t.Errorf("payload %s lacks aud", payload)
				}
			})
		}
	}
}

func splitToken(t *testing.T, tok string) (header, payload string) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a compact JWS", tok)
	}
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return string(h), string(p)
}

func TestMintRefusesIncompleteTokens(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	tests := []struct {
		name string
		p    Purpose
	}{
		{"email_change without a new email", EmailChange},
		{"phone_setup without a phone", PhoneSetup},
		{"an unknown purpose", Purpose("verification")},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			if tok, _, err := c.Mint(tt.p, "u", time.Hour, Extra{}); err == nil {
				t.Fatalf("Mint = %s, want an error", tok)
			}
		})
	}
}

func TestATokenOfOnePurposeFailsUnderEveryOther(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	extra := Extra{NewEmail: "n@example.com", Phone: "+15555550100"}
	for _, minted := range purposes {
		tok, _, err := c.Mint(minted, "u", time.Hour, extra)
		if err != nil {
			t.Fatal(err)
		}
		for _, expected := range purposes {
			t.Run(string(minted)+" decoded as "+string(expected), func(t *testing.T) {
				_, err := c.Decode(tok, expected)
				if minted == expected {
					if err != nil {
						t.Fatalf("Decode = %v", err)
					}
					return
				}
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Decode = %v, want ErrInvalid", err)
				}
				if !strings.Contains(err.Error(), "signature") {
					t.Errorf("failed with %v, want a signature failure", err)
				}
			})
		}
	}
}

func TestDecodeReportsPurposeMismatchForARightlySignedWrongPurpose(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	payload := `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"login_mfa"}`
	tok := signRaw(t, "HS256", DeriveKey(specSecret, Session), `{"alg":"HS256","typ":"JWT"}`, payload)
	_, err := c.Decode(tok, Session)
	if !errors.Is(err, ErrInvalid) || !strings.HasSuffix(err.Error(), "token purpose mismatch") {
		t.Fatalf("Decode = %v, want ErrInvalid with 'token purpose mismatch'", err)
	}
}

func TestDecodeChecksTheHeader(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	key := DeriveKey(specSecret, Session)
	payload := `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session"}`
	b64 := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name string
		tok  string
	}{
		{"HS512 when HS256 is configured", signRaw(t, "HS512", key, `{"alg":"HS512","typ":"JWT"}`, payload)},
		{"HS384 when HS256 is configured", signRaw(t, "HS384", key, `{"alg":"HS384","typ":"JWT"}`, payload)},
		{"an HS256 signature under an HS512 header", signRaw(t, "HS256", key, `{"alg":"HS512","typ":"JWT"}`, payload)},
		{"alg none with an empty signature", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(payload)) + "."},
		{"alg none with a valid-looking signature", signRaw(t, "HS256", key, `{"alg":"none","typ":"JWT"}`, payload)},
		{"a lower-case alg", signRaw(t, "HS256", key, `{"alg":"hs256","typ":"JWT"}`, payload)},
		{"no alg", signRaw(t, "HS256", key, `{"typ":"JWT"}`, payload)},
		{"a non-string alg", signRaw(t, "HS256", key, `{"alg":256,"typ":"JWT"}`, payload)},
		{"a crit header", signRaw(t, "HS256", key, `{"alg":"HS256","typ":"JWT","crit":["exp"],"exp":1}`, payload)},
		{"an empty crit header", signRaw(t, "HS256", key, `{"alg":"HS256","typ":"JWT","crit":[]}`, payload)},
		{"a null crit header", signRaw(t, "HS256", key, `{"alg":"HS256","typ":"JWT","crit":null}`, payload)},
		{"b64 false", signRaw(t, "HS256", key, `{"alg":"HS256","b64":false}`, payload)},
		{"a header that is not an object", signRaw(t, "HS256", key, `["HS256"]`, payload)},
		{"a header that is null", signRaw(t, "HS256", key, `null`, payload)},
		{"a header that is not JSON", signRaw(t, "HS256", key, `{"alg":"HS256"`, payload)},
		{"a padded header", strings.Replace(signRaw(t, "HS256", key, `{"alg":"HS256"}`, payload), ".", "=.", 1)},
		{"the JSON serialization", `{"payload":"` + b64([]byte(payload)) + `","protected":"` + b64([]byte(`{"alg":"HS256"}`)) + `","signature":"AAAA"}`},
		{"two segments", "eyJhbGciOiJIUzI1NiJ9.e30"},
		{"four segments", signRaw(t, "HS256", key, `{"alg":"HS256"}`, payload) + ".AAAA"},
		{"an empty string", ""},
		{"a huge token", signRaw(t, "HS256", key, `{"alg":"HS256"}`, `{"pad":"`+strings.Repeat("x", 20000)+`"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is rejected", func(t *testing.T) {
			if got, err := c.Decode(tt.tok, Session); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %+v, %v; want ErrInvalid", got, err)
			}
		})
	}
	t.Run("a header with extra fields is accepted", func(t *testing.T) {
		tok := signRaw(t, "HS256", key, `{"typ":"JWT","kid":"k1","alg":"HS256","b64":true}`, payload)
		if _, err := c.Decode(tok, Session); err != nil {
			t.Fatalf("Decode = %v", err)
		}
	})
}

func TestDecodeRejectsATamperedToken(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	tok, _, err := c.Mint(Session, "u", time.Hour, Extra{})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[0] ^= 1
	_, otherPayload := splitToken(t, tok)
	tests := []struct {
		name string
		tok  string
	}{
		{"a flipped signature bit", parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)},
		{"a truncated signature", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-2]},
		{"an empty signature", parts[0] + "." + parts[1] + "."},
		{"a changed subject", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(otherPayload, `"sub":"u"`, `"sub":"v"`, 1))) + "." + parts[2]},
		{"a signature by another secret", signRaw(t, "HS256", DeriveKey(specSecret+"x", Session), `{"alg":"HS256","typ":"JWT"}`, otherPayload)},
		{"a signature with the master secret itself", signRaw(t, "HS256", []byte(specSecret), `{"alg":"HS256","typ":"JWT"}`, otherPayload)},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is rejected", func(t *testing.T) {
			if _, err := c.Decode(tt.tok, Session); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDecodeRequiresClaims(t *testing.T) {
	c, _ := newTestCodec(t, "HS256", nil)
	base := map[string]any{
		"sub": "u", "jti": "j", "iat": 1735689600.5, "exp": 1735696800, "purpose": "session",
		"new_email": "n@example.com", "phone": "+15555550100",
	}
	tests := []struct {
		name    string
		purpose Purpose
		change  func(m map[string]any)
	}{
		{"a missing sub", Session, func(m map[string]any) { delete(m, "sub") }},
		{"a numeric sub", Session, func(m map[string]any) { m["sub"] = 42 }},
		{"a null sub", Session, func(m map[string]any) { m["sub"] = nil }},
		{"a missing jti", Session, func(m map[string]any) { delete(m, "jti") }},
		{"an array jti", Session, func(m map[string]any) { m["jti"] = []string{"j"} }},
		{"a missing iat", Session, func(m map[string]any) { delete(m, "iat") }},
		{"a string iat", Session, func(m map[string]any) { m["iat"] = "1735689600" }},
		{"a boolean iat", Session, func(m map[string]any) { m["iat"] = true }},
		{"an iat past year 9999", Session, func(m map[string]any) { m["iat"] = 1e12 }},
		{"a missing exp", Session, func(m map[string]any) { delete(m, "exp") }},
		{"a string exp", Session, func(m map[string]any) { m["exp"] = "1735696800" }},
		{"an exp past year 9999", Session, func(m map[string]any) { m["exp"] = json.Number("1e300") }},
		{"an exp beyond float range", Session, func(m map[string]any) { m["exp"] = json.Number("1e400") }},
		{"a missing purpose", Session, func(m map[string]any) { delete(m, "purpose") }},
		{"a numeric purpose", Session, func(m map[string]any) { m["purpose"] = 1 }},
		{"an email_change token without new_email", EmailChange, func(m map[string]any) { m["purpose"] = "email_change"; delete(m, "new_email") }},
		{"an email_change token with a numeric new_email", EmailChange, func(m map[string]any) { m["purpose"] = "email_change"; m["new_email"] = 1 }},
		{"a phone_setup token without phone", PhoneSetup, func(m map[string]any) { m["purpose"] = "phone_setup"; delete(m, "phone") }},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is rejected", func(t *testing.T) {
			m := make(map[string]any, len(base))
			for k, v := range base {
				m[k] = v
			}
			tt.change(m)
			payload, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			tok := signRaw(t, "HS256", DeriveKey(specSecret, tt.purpose), `{"alg":"HS256","typ":"JWT"}`, string(payload))
			if got, err := c.Decode(tok, tt.purpose); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %+v, %v; want ErrInvalid", got, err)
			}
		})
	}
	payloads := []struct{ name, payload string }{
		{"a payload that is an array", `["sub"]`},
		{"a payload that is null", `null`},
		{"a payload with trailing data", `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session"} {}`},
		{"a payload that is not JSON", `sub=u`},
	}
	for _, tt := range payloads {
		t.Run(tt.name+" is rejected", func(t *testing.T) {
			tok := signRaw(t, "HS256", DeriveKey(specSecret, Session), `{"alg":"HS256","typ":"JWT"}`, tt.payload)
			if _, err := c.Decode(tok, Session); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("an integer iat and a fractional exp are accepted", func(t *testing.T) {
		tok := signRaw(t, "HS256", DeriveKey(specSecret, Session), `{"alg":"HS256"}`,
			`{"sub":"u","jti":"j","iat":1735689600,"exp":1735696800.9,"purpose":"session","nbf":9999999999}`)
		got, err := c.Decode(tok, Session)
		if err != nil {
			t.Fatalf("Decode = %v", err)
		}
		if !got.IssuedAt.Equal(time.Unix(1735689600, 0)) || !got.ExpiresAt.Equal(time.Unix(1735696800, 0)) {
			t.Errorf("Decode = %+v", got)
		}
	})
}

func TestDecodeAudience(t *testing.T) {
	key := DeriveKey(specSecret, Session)
	mk := func(aud string) string {
		p := `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session"` + aud + `}`
		return signRaw(t, "HS256", key, `{"alg":"HS256","typ":"JWT"}`, p)
	}
	app, empty := "app", ""
	tests := []struct {
		name     string
		audience *string
		aud      string
		ok       bool
	}{
		{"no audience configured and no aud passes", nil, ``, true},
		{"no audience configured and a null aud passes", nil, `,"aud":null`, true},
		{"no audience configured and an empty aud passes", nil, `,"aud":""`, true},
		{"no audience configured and an empty aud list passes", nil, `,"aud":[]`, true},
		{"no audience configured and an aud fails", nil, `,"aud":"app"`, false},
		{"no audience configured and an aud list fails", nil, `,"aud":["app"]`, false},
		{"an empty configured audience counts as none", &empty, ``, true},
		{"an empty configured audience rejects an aud", &empty, `,"aud":"app"`, false},
		{"a configured audience and the same aud passes", &app, `,"aud":"app"`, true},
		{"a configured audience and a list containing it passes", &app, `,"aud":["other","app"]`, true},
		{"a configured audience and no aud fails", &app, ``, false},
		{"a configured audience and a null aud fails", &app, `,"aud":null`, false},
		{"a configured audience and an empty aud fails", &app, `,"aud":""`, false},
		{"a configured audience and another aud fails", &app, `,"aud":"other"`, false},
		{"a configured audience and a differently cased aud fails", &app, `,"aud":"App"`, false},
		{"a configured audience and a list without it fails", &app, `,"aud":["other"]`, false},
		{"a configured audience and an empty list fails", &app, `,"aud":[]`, false},
		{"a configured audience and a list with a non-string fails", &app, `,"aud":["app",1]`, false},
		{"a configured audience and a numeric aud fails", &app, `,"aud":1`, false},
		{"a configured audience and an object aud fails", &app, `,"aud":{"app":true}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestCodec(t, "HS256", tt.audience)
			_, err := c.Decode(mk(tt.aud), Session)
			if tt.ok && err != nil {
				t.Fatalf("Decode = %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode = %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("minting without an audience writes no aud", func(t *testing.T) {
		c, _ := newTestCodec(t, "HS256", &empty)
		tok, _, err := c.Mint(Session, "u", time.Hour, Extra{})
		if err != nil {
			t.Fatal(err)
		}
		if _, payload := splitToken(t, tok); strings.Contains(payload, "aud") {
			t.Errorf("payload %s has aud", payload)
		}
	})
}

func TestDecodeExpiryHasNoLeeway(t *testing.T) {
	c, clock := newTestCodec(t, "HS256", nil)
	tok, minted, err := c.Mint(Session, "u", time.Hour, Extra{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		ok   bool
	}{
		{"one microsecond before exp passes", minted.ExpiresAt.Add(-time.Microsecond), true},
		{"one nanosecond before exp passes", minted.ExpiresAt.Add(-time.Nanosecond), true},
		{"exactly at exp fails", minted.ExpiresAt, false},
		{"after exp fails", minted.ExpiresAt.Add(time.Second), false},
		{"long before iat passes (iat is not checked)", minted.IssuedAt.Add(-24 * time.Hour), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Set(tt.now)
			_, err := c.Decode(tok, Session)
			if tt.ok && err != nil {
				t.Fatalf("Decode = %v", err)
			}
			if !tt.ok {
				if !errors.Is(err, ErrInvalid) || !strings.HasSuffix(err.Error(), "Signature has expired") {
					t.Fatalf("Decode = %v, want ErrInvalid with 'Signature has expired'", err)
				}
			}
		})
	}
}

func TestFractionalIssuedAtRoundTripsAtMicrosecondPrecision(t *testing.T) {
	c, clock := newTestCodec(t, "HS256", nil)
	rng := rand.New(rand.NewPCG(1, 2))
	// Up to 2^32 s (year 2106), where a float64 still resolves a µs.
	const maxMicros = int64(1<<32) * 1e6
	cases := []int64{0, 1, 999999, 1e6, 1735689600123456, 1735689600999999, 1735689600000001, maxMicros - 1}
	for range 2000 {
		cases = append(cases, rng.Int64N(maxMicros))
	}
	for _, us := range cases {
		want := time.UnixMicro(us).UTC()
		clock.Set(want.Add(time.Duration(rng.IntN(1000)))) // sub-µs noise is dropped
		tok, minted, err := c.Mint(Session, "u", time.Hour, Extra{})
		if err != nil {
			t.Fatal(err)
		}
		if !minted.IssuedAt.Equal(want) {
			t.Fatalf("minted iat %s, want %s", minted.IssuedAt, want)
		}
		got, err := c.Decode(tok, Session)
		if err != nil {
			t.Fatalf("Decode at %d µs: %v", us, err)
		}
		if !got.IssuedAt.Equal(want) {
			t.Fatalf("iat %d µs decoded as %s, want %s", us, got.IssuedAt.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
		}
	}
}

func TestIssuedAtRoundsLikePython(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"six decimals are kept", "1735689600.123456", "2025-01-01T00:00:00.123456Z"},
		{"an integer has no fraction", "1735689600", "2025-01-01T00:00:00Z"},
		{"exponent form is a number too", "1.7356896001234560e9", "2025-01-01T00:00:00.123456Z"},
		{"a seventh decimal rounds up", "1735689600.1234567", "2025-01-01T00:00:00.123457Z"},
		{"a fraction rounding to a whole second carries", "1735689600.9999996", "2025-01-01T00:00:01Z"},
		{"an exact half microsecond rounds to even (down)", "0.0000005", "1970-01-01T00:00:00Z"},
		{"an exact half microsecond rounds to even (up)", "0.0000015", "1970-01-01T00:00:00.000002Z"},
		{"a negative time borrows a second", "-0.5", "1969-12-31T23:59:59.5Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := issuedAt(json.Number(tt.in))
			if !ok {
				t.Fatalf("issuedAt(%s) failed", tt.in)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("issuedAt(%s) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestMicroTimestampNeverUsesExponentForm(t *testing.T) {
	tests := []struct {
		us   int64
		want string
	}{
		{1735689600123456, "1735689600.123456"},
		{1735689600000000, "1735689600.000000"},
		{1735689600000001, "1735689600.000001"},
		{5, "0.000005"},
		{-500000, "-0.500000"},
		{253402300799999999, "253402300799.999999"},
	}
	for _, tt := range tests {
		got, err := microTimestamp(tt.us).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("microTimestamp(%d) = %s, want %s", tt.us, got, tt.want)
		}
	}
}
