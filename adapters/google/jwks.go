package google

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"golang.org/x/sync/singleflight"
)

// jwksMaxAge is how long a fetched key set is trusted. Google drops a
// signing key from its JWKS when it retires it (or if it leaked); a set
// kept for the life of the process would accept tokens signed with that
// key until the next restart.
const jwksMaxAge = time.Hour

// jwksUnknownKidInterval spaces the fetches that a fresh key set lacking a
// token's key id calls for. A key id can be made up: without a bound,
// every forged token would make regstack fetch Google's JWKS. A real
// rotation needs one fetch, which this leaves through at once.
const jwksUnknownKidInterval = 10 * time.Second

// keyCache holds the provider's JWKS. It is empty until the first ID token
// is checked (a server must start without reaching Google), and it is
// fetched again when a token names a key id it does not hold (key
// rotation) or when the set is older than jwksMaxAge. Readers with a known
// key in a fresh set never wait for a fetch; concurrent fetches collapse
// into one. When a refresh of an old set fails, a key it holds is still
// used (Google unreachable for a while should not stop sign-ins), with a
// warning.
type keyCache struct {
	uri    string
	client *http.Client
	now    func() time.Time
	logger *slog.Logger

	mu           sync.RWMutex
	set          jwk.Set
	fetchedAt    time.Time
	unknownKidAt time.Time // the last fetch for a key id a fresh set lacked

	flight singleflight.Group
}

func newKeyCache(uri string, client *http.Client, now func() time.Time, logger *slog.Logger) *keyCache {
	return &keyCache{uri: uri, client: client, now: now, logger: logger}
}

// key returns the key with id kid, fetching the JWKS when it is not cached
// or the cached set is too old.
func (c *keyCache) key(ctx context.Context, kid string) (jwk.Key, error) {
	_, k, ok, fresh := c.cached(kid)
	if ok && fresh {
		return k, nil
	}
	set, err := c.refresh(ctx, kid)
	if err != nil {
		if ok {
			c.logger.WarnContext(ctx, "google: could not refresh the JWKS; using the key held since the last fetch", "err", err)
			return k, nil
		}
		return nil, err
	}
	k, ok = set.LookupKeyID(kid)
	if !ok {
		return nil, fmt.Errorf("no key %q in the JWKS", kid)
	}
	return k, nil
}

// cached returns the cached key set and its key kid, whether it holds
// that key, and whether the set is younger than jwksMaxAge.
func (c *keyCache) cached(kid string) (jwk.Set, jwk.Key, bool, bool) {
	c.mu.RLock()
	set, fetchedAt := c.set, c.fetchedAt
	c.mu.RUnlock()
	if set == nil {
		return nil, nil, false, false
	}
	k, ok := set.LookupKeyID(kid)
	return set, k, ok, c.now().Sub(fetchedAt) < jwksMaxAge
}

// unknownKidFetchAllowed reports whether a fetch for a key id that a fresh
// set lacks may go out now, and if so notes it.
func (c *keyCache) unknownKidFetchAllowed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.unknownKidAt.IsZero() && now.Sub(c.unknownKidAt) < jwksUnknownKidInterval {
		return false
	}
	c.unknownKidAt = now
	return true
}

// refresh fetches the JWKS once for all concurrent callers, unless a fetch
// that ended after the caller looked brought kid already (the caller saw
// the cache before that fetch finished, and singleflight only merges calls
// that overlap), or the set is fresh, lacks kid, and a fetch for such a key
// id went out less than jwksUnknownKidInterval ago. The fetch runs detached from any one caller's
// cancellation, bounded by the 5 s timeout; a caller that goes away stops
// waiting without cancelling it for others.
func (c *keyCache) refresh(ctx context.Context, kid string) (jwk.Set, error) {
	ch := c.flight.DoChan("jwks", func() (any, error) {
		set, _, ok, fresh := c.cached(kid)
		if fresh && (ok || !c.unknownKidFetchAllowed()) {
			// Held, or a key id the set lacks while such a fetch is too
			// recent: the caller finds the key, or finds it missing.
			return set, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksTimeout)
		defer cancel()
		set, err := jwk.Fetch(fctx, c.uri, jwk.WithHTTPClient(c.client))
		if err != nil {
			return nil, fmt.Errorf("fetch JWKS: %w", err)
		}
		c.mu.Lock()
		c.set, c.fetchedAt = set, c.now()
		c.mu.Unlock()
		return set, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(jwk.Set), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
