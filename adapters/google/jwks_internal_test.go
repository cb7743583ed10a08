package google

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	c := newKeyCache(op.JWKSURI(), &http.Client{}, time.Now, slog.New(slog.DiscardHandler))
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

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// A key set is trusted for jwksMaxAge: a key Google has since dropped is
// not accepted for longer than that. When the refresh of an old set fails,
// a key it holds still verifies, and a warning says so.
func TestTheKeySetIsFetchedAgainOnceItIsAnHourOld(t *testing.T) {
	op := oidctest.New(t)
	clock := &testClock{t: time.Now()}
	var logs bytes.Buffer
	c := newKeyCache(op.JWKSURI(), &http.Client{}, clock.now, slog.New(slog.NewTextHandler(&logs, nil)))
	kid := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))
	for _, step := range []struct {
		advance time.Duration
		fetches int
	}{
		{0, 1},
		{jwksMaxAge - time.Second, 1},
		{time.Second, 2},
		{time.Minute, 2},
	} {
		clock.advance(step.advance)
		if _, err := c.key(t.Context(), kid); err != nil {
			t.Fatal(err)
		}
		if n := op.JWKSFetches(); n != step.fetches {
			t.Fatalf("after %v more: %d fetches, want %d", step.advance, n, step.fetches)
		}
	}

	c.uri = "http://127.0.0.1:1/jwks" // nothing listens there
	clock.advance(jwksMaxAge)
	if _, err := c.key(t.Context(), kid); err != nil {
		t.Fatalf("an old set whose refresh failed: %v, want its key", err)
	}
	if !strings.Contains(logs.String(), "could not refresh the JWKS") {
		t.Errorf("no warning about the failed refresh; log:\n%s", logs.String())
	}
	if _, err := c.key(t.Context(), "no-such-kid"); err == nil {
		t.Error("an unknown key id verified while the JWKS cannot be fetched")
	}
}

// A made-up key id makes regstack fetch the JWKS at most once per
// jwksRefetchInterval; a real rotation's first token gets its fetch.
func TestUnknownKeyIDsFetchTheJWKSAtMostEveryTenSeconds(t *testing.T) {
	op := oidctest.New(t)
	clock := &testClock{t: time.Now()}
	c := newKeyCache(op.JWKSURI(), &http.Client{}, clock.now, slog.New(slog.DiscardHandler))
	kid := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))
	if _, err := c.key(t.Context(), kid); err != nil {
		t.Fatal(err)
	}
	op.RotateKey(t)
	rotated := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))
	if _, err := c.key(t.Context(), rotated); err != nil {
		t.Fatalf("the rotated key right after the first fetch: %v", err)
	}
	for i := range 5 {
		if _, err := c.key(t.Context(), fmt.Sprintf("forged-%d", i)); err == nil {
			t.Fatalf("a made-up key id %d verified", i)
		}
	}
	if _, err := c.key(t.Context(), rotated); err != nil {
		t.Fatalf("the rotated key after the forged ones: %v", err)
	}
	if n := op.JWKSFetches(); n != 2 {
		t.Errorf("%d fetches after the first, a rotation and 5 made-up key ids within 10s, want 2", n)
	}
	clock.advance(jwksRefetchInterval)
	if _, err := c.key(t.Context(), "forged-late"); err == nil {
		t.Fatal("a made-up key id verified")
	}
	if n := op.JWKSFetches(); n != 3 {
		t.Errorf("%d fetches once the interval had passed, want 3", n)
	}
}

// flakyTransport counts the requests it sees and, while failing is set,
// answers none of them.
type flakyTransport struct {
	requests atomic.Int64
	failing  atomic.Bool
}

func (f *flakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.requests.Add(1)
	if f.failing.Load() {
		return nil, errors.New("unreachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}

// After a failed fetch the next one waits jwksRefetchInterval: a cold
// cache fails at once meanwhile, an old set keeps serving its keys, and
// neither makes every sign-in wait for an unreachable Google.
func TestAFailedFetchIsNotRetriedForTenSeconds(t *testing.T) {
	op := oidctest.New(t)
	clock := &testClock{t: time.Now()}
	tr := &flakyTransport{}
	c := newKeyCache(op.JWKSURI(), &http.Client{Transport: tr}, clock.now, slog.New(slog.DiscardHandler))
	kid := kidOf(t, op.Sign(t, op.Claims(oidctest.User{Subject: "s"}, "n")))

	tr.failing.Store(true)
	for range 3 {
		if _, err := c.key(t.Context(), kid); err == nil {
			t.Fatal("a key from a JWKS that cannot be fetched")
		}
	}
	if n := tr.requests.Load(); n != 1 {
		t.Fatalf("cold cache, fetch failing: %d requests for 3 tokens, want 1", n)
	}
	tr.failing.Store(false)
	clock.advance(jwksRefetchInterval)
	if _, err := c.key(t.Context(), kid); err != nil {
		t.Fatalf("once the interval has passed and the JWKS is back: %v", err)
	}

	clock.advance(jwksMaxAge)
	tr.failing.Store(true)
	before := tr.requests.Load()
	for range 3 {
		if _, err := c.key(t.Context(), kid); err != nil {
			t.Fatalf("an old set while the JWKS cannot be fetched: %v, want its key", err)
		}
	}
	if n := tr.requests.Load() - before; n != 1 {
		t.Errorf("old set, fetch failing: %d requests for 3 tokens, want 1", n)
	}
}
