package google

import (
	"net/http"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/regstack/regstack/adapters/google/oidctest"
)

// kidOf returns the key id in a compact JWS's protected header.
func kidOf(t *testing.T, token string) string {
	t.Helper()
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Signatures()[0].ProtectedHeaders().KeyID()
}

// Two callers that both found the cache empty, the second asking for a
// refresh only after the first one's fetch had finished (singleflight
// merges only overlapping calls), fetch the key set once; a key the cache
// does not hold is still fetched.
func TestRefreshDoesNotFetchAKeyAnEarlierFetchBrought(t *testing.T) {
	op := oidctest.New(t)
	c := newKeyCache(op.JWKSURI(), &http.Client{})
	kid := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))
	for range 2 {
		if _, err := c.refresh(t.Context(), kid); err != nil {
			t.Fatal(err)
		}
	}
	if n := op.JWKSFetches(); n != 1 {
		t.Errorf("JWKS fetched %d times for one key, want 1", n)
	}
	op.RotateKey(t)
	rotated := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))
	set, err := c.refresh(t.Context(), rotated)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := set.LookupKeyID(rotated); !ok || op.JWKSFetches() != 2 {
		t.Errorf("after a rotation: key %q found %v, %d fetches; want found, 2", rotated, ok, op.JWKSFetches())
	}
}
