package google

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"golang.org/x/sync/singleflight"
)

// keyCache holds the provider's JWKS. It is empty until the first ID token
// is checked (a server must start without reaching Google), and it is
// fetched again when a token names a key id it does not hold (key
// rotation). Readers with a known key never wait for a fetch; concurrent
// fetches collapse into one.
type keyCache struct {
	uri    string
	client *http.Client

	mu  sync.RWMutex
	set jwk.Set

	flight singleflight.Group
}

func newKeyCache(uri string, client *http.Client) *keyCache {
	return &keyCache{uri: uri, client: client}
}

// key returns the key with id kid, fetching the JWKS when it is not cached.
func (c *keyCache) key(ctx context.Context, kid string) (jwk.Key, error) {
	if _, k, ok := c.cached(kid); ok {
		return k, nil
	}
	set, err := c.refresh(ctx, kid)
	if err != nil {
		return nil, err
	}
	k, ok := set.LookupKeyID(kid)
	if !ok {
		return nil, fmt.Errorf("no key %q in the JWKS", kid)
	}
	return k, nil
}

// cached returns the cached key set and its key kid, if it holds one.
func (c *keyCache) cached(kid string) (jwk.Set, jwk.Key, bool) {
	c.mu.RLock()
	set := c.set
	c.mu.RUnlock()
	if set == nil {
		return nil, nil, false
	}
	k, ok := set.LookupKeyID(kid)
	return set, k, ok
}

// refresh fetches the JWKS once for all concurrent callers, unless a fetch
// that ended after the caller looked brought kid already (the caller saw
// the cache before that fetch finished, and singleflight only merges calls
// that overlap). The fetch runs detached from any one caller's
// cancellation, bounded by the 5 s timeout; a caller that goes away stops
// waiting without cancelling it for others.
func (c *keyCache) refresh(ctx context.Context, kid string) (jwk.Set, error) {
	ch := c.flight.DoChan("jwks", func() (any, error) {
		if set, _, ok := c.cached(kid); ok {
			return set, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksTimeout)
		defer cancel()
		set, err := jwk.Fetch(fctx, c.uri, jwk.WithHTTPClient(c.client))
		if err != nil {
			return nil, fmt.Errorf("fetch JWKS: %w", err)
		}
		c.mu.Lock()
		c.set = set
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
