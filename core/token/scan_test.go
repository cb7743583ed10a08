package token

import (
	"reflect"
	"testing"
)

// flatClaimsCases are payloads on both sides of the fast path's boundary.
var flatClaimsCases = []struct {
	name    string
	payload string
	fast    bool // scanFlatClaims takes it
}{
	{"a session payload as Mint writes it", `{"sub":"u1","jti":"AAAA","iat":1735689600.123456,"exp":1735696800,"purpose":"session"}`, true},
	{"a payload spaced as PyJWT may write it", " {\"sub\": \"u1\",\n\t\"jti\": \"j\", \"iat\": 1.5e9, \"exp\": -0, \"purpose\": \"session\", \"aud\": \"api\"} \r\n", true},
	{"an empty object", `{}`, true},
	{"unknown keys of scalar types are skipped", `{"x":"y","n":1,"sub":"u"}`, true},
	{"the last of duplicate keys wins", `{"sub":"a","sub":"b","iat":1,"iat":2}`, true},
	{"keys differing only in case are other keys", `{"SUB":"a","Sub":"b"}`, true},
	{"an escape in a value is left to encoding/json", `{"sub":"a\u0041"}`, false},
	{"an escape in a key is left to encoding/json", `{"s\u0075b":"a"}`, false},
	{"non-ASCII text is left to encoding/json", `{"new_email":"zoë@example.com"}`, false},
	{"invalid UTF-8 is left to encoding/json", "{\"sub\":\"\xff\"}", false},
	{"a control character is left to encoding/json", "{\"sub\":\"a\x01\"}", false},
	{"an array audience is left to encoding/json", `{"aud":["a","b"]}`, false},
	{"a boolean is left to encoding/json", `{"x":true}`, false},
	{"null is left to encoding/json", `{"aud":null}`, false},
	{"a nested object is left to encoding/json", `{"x":{}}`, false},
	{"a number where a string claim belongs is left to encoding/json", `{"sub":1}`, false},
	{"a string where a number claim belongs is left to encoding/json", `{"iat":"1"}`, false},
	{"a number purpose is left to encoding/json", `{"purpose":1}`, false},
	{"a leading zero is left to encoding/json", `{"iat":01}`, false},
	{"a bare minus is left to encoding/json", `{"iat":-}`, false},
	{"a fraction without digits is left to encoding/json", `{"iat":1.}`, false},
	{"an exponent without digits is left to encoding/json", `{"iat":1e+}`, false},
	{"a plus sign is left to encoding/json", `{"iat":+1}`, false},
	{"a trailing comma is left to encoding/json", `{"sub":"u",}`, false},
	{"trailing data is left to encoding/json", `{"sub":"u"} {}`, false},
	{"a missing colon is left to encoding/json", `{"sub" "u"}`, false},
	{"an unterminated string is left to encoding/json", `{"sub":"u`, false},
	{"an unterminated object is left to encoding/json", `{"sub":"u"`, false},
	{"an array payload is left to encoding/json", `[]`, false},
	{"an empty payload is left to encoding/json", ``, false},
}

func TestScanFlatClaimsReadsWhatEncodingJSONReads(t *testing.T) {
	for _, tt := range flatClaimsCases {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := scanFlatClaims([]byte(tt.payload))
			if ok != tt.fast {
				t.Fatalf("scanFlatClaims(%q) took the fast path: %v, want %v", tt.payload, ok, tt.fast)
			}
			if ok {
				assertSameClaimFields(t, tt.payload, got)
			}
		})
	}
}

func TestDecodeOutcomeDoesNotDependOnThePath(t *testing.T) {
	aud := "api"
	c, _ := newTestCodec(t, "HS256", &aud)
	key := DeriveKey(specSecret, Session)
	// Each pair holds one payload the fast path reads and one with the
	// same meaning that it leaves to encoding/json.
	pairs := []struct {
		name        string
		fast, slow  string
		wantSuccess bool
	}{
		{"a valid token", `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":"api"}`,
			`{"sub":"\u0075","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":["api"]}`, true},
		{"a wrong audience", `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":"web"}`,
			`{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":["web"]}`, false},
		{"an empty audience", `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":""}`,
			`{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"session","aud":null}`, false},
		{"a wrong purpose", `{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"login_mfa","aud":"api"}`,
			`{"sub":"u","jti":"j","iat":1735689600.5,"exp":1735696800,"purpose":"login_mf\u0061","aud":"api"}`, false},
		{"an expired token", `{"sub":"u","jti":"j","iat":1.5,"exp":1735689600,"purpose":"session","aud":"api"}`,
			`{"sub":"u","jti":"j","iat":1.5,"exp":1735689600,"purpose":"sessio\u006e","aud":"api"}`, false},
	}
	for _, tt := range pairs {
		t.Run(tt.name+" decodes alike on both paths", func(t *testing.T) {
			if _, ok := scanFlatClaims([]byte(tt.fast)); !ok {
				t.Fatalf("the fast payload %s does not take the fast path", tt.fast)
			}
			if _, ok := scanFlatClaims([]byte(tt.slow)); ok {
				t.Fatalf("the slow payload %s takes the fast path", tt.slow)
			}
			hdr := `{"alg":"HS256","typ":"JWT"}`
			fast, errFast := c.Decode(signRaw(t, "HS256", key, hdr, tt.fast), Session)
			slow, errSlow := c.Decode(signRaw(t, "HS256", key, hdr, tt.slow), Session)
			if (errFast == nil) != tt.wantSuccess || (errSlow == nil) != tt.wantSuccess {
				t.Fatalf("Decode errors: fast path %v, slow path %v; want success %v", errFast, errSlow, tt.wantSuccess)
			}
			if fast != slow {
				t.Errorf("fast path %+v, slow path %+v", fast, slow)
			}
		})
	}
}

// FuzzScanFlatClaims checks that the fast path reads every payload it
// takes exactly as encoding/json does.
func FuzzScanFlatClaims(f *testing.F) {
	for _, tt := range flatClaimsCases {
		f.Add(tt.payload)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		if got, ok := scanFlatClaims([]byte(payload)); ok {
			assertSameClaimFields(t, payload, got)
		}
	})
}

// assertSameClaimFields fails unless mapClaims reads payload as got.
func assertSameClaimFields(t *testing.T, payload string, got claimFields) {
	t.Helper()
	want, err := mapClaims([]byte(payload))
	if err != nil {
		t.Fatalf("the fast path accepted %q, which encoding/json rejects: %v", payload, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("payload %q:\nfast path %+v\nencoding/json %+v", payload, got, want)
	}
}
