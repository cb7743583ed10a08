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

// jwksRefetchInterval spaces the fetches that do not wait for the set to
// age: after a failed fetch, and for a key id a fresh set lacks. A key id
// can be made up: without a bound, every forged token would make regstack
// fetch Google's JWKS, and while Google is unreachable every sign-in would
// wait out the fetch timeout. A real rotation needs one fetch, which this
// leaves through at once.
const jwksRefetchInterval = 10 * time.Second

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
	failedAt     time.Time // the last failed fetch, with failure
	failure      error

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

// mayFetch reports why a fetch may not go out now: a fetch failed less
// than jwksRefetchInterval ago, or, for a key id a fresh set lacks
// (unknownKid), such a fetch went out less than that ago. It notes a fetch
// it lets through for an unknown key id.
func (c *keyCache) mayFetch(unknownKid bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.failure != nil && now.Sub(c.failedAt) < jwksRefetchInterval {
		return fmt.Errorf("fetch JWKS: the last attempt, %v ago, failed: %w", now.Sub(c.failedAt).Round(time.Millisecond), c.failure)
	}
	if unknownKid {
		if !c.unknownKidAt.IsZero() && now.Sub(c.unknownKidAt) < jwksRefetchInterval {
			return fmt.Errorf("fetch JWKS: fetched for an unknown key id less than %v ago", jwksRefetchInterval)
		}
		c.unknownKidAt = now
	}
	return nil
}

// refresh fetches the JWKS once for all concurrent callers, unless a fetch
// that ended after the caller looked brought kid already (the caller saw
// the cache before that fetch finished, and singleflight only merges calls
// that overlap), or mayFetch holds it back; then it returns what is held.
// The fetch runs detached from any one caller's cancellation, bounded by
// the 5 s timeout; a caller that goes away stops waiting without
// cancelling it for others.
func (c *keyCache) refresh(ctx context.Context, kid string) (jwk.Set, error) {
	ch := c.flight.DoChan("jwks", func() (any, error) {
		set, _, ok, fresh := c.cached(kid)
		if fresh && ok {
			return set, nil
		}
		if err := c.mayFetch(fresh); err != nil {
			if set != nil {
				// The caller finds its key in what is held, or finds it
				// missing.
				return set, nil
			}
			return nil, err
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksTimeout)
		defer cancel()
		fetched, err := jwk.Fetch(fctx, c.uri, jwk.WithHTTPClient(c.client))
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			c.failedAt, c.failure = c.now(), err
			return nil, fmt.Errorf("fetch JWKS: %w", err)
		}
		c.set, c.fetchedAt, c.failure = fetched, c.now(), nil
		return fetched, nil
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
