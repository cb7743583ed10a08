package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// specIAT is the issue time of §6.3's vector token.
var specIAT = time.Date(2025, 1, 1, 0, 0, 0, 123456000, time.UTC)

// newTestCodec builds a codec on the spec secret with a clock at specIAT.
func newTestCodec(t testing.TB, alg string, audience *string) (*Codec, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: specIAT}
	c, err := NewCodec(specSecret, alg, audience, clock)
	if err != nil {
		t.Fatalf("NewCodec: %v", err)
	}
	return c, clock
}

// signRaw builds a compact JWS by hand, independently of jws, so tests can
// put any bytes in header and payload.
func signRaw(t testing.TB, alg string, key []byte, header, payload string) string {
	t.Helper()
	var h func() hash.Hash
	switch alg {
	case "HS256":
		h = sha256.New
	case "HS384":
		h = sha512.New384
	case "HS512":
		h = sha512.New
	default:
		t.Fatalf("signRaw: unsupported alg %q", alg)
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	mac := hmac.New(h, key)
	mac.Write([]byte(input))
	return input + "." + enc.EncodeToString(mac.Sum(nil))
}

// zeroReader yields zero bytes, making jti "AAAAAAAAAAAAAAAAAAAAAA".
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
