package http

import (
	"math"
	"sync"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// limiter is the built-in in-memory per-client limiter of one route
// (http-api.md §10.7): a fixed window per limit and client key, as
// slowapi's default strategy. It belongs to one API handler, so two
// regstack instances never share counts.
type limiter struct {
	limits []config.RateLimit
	clock  regstack.Clock

	mu        sync.Mutex
	windows   map[windowKey]*window
	nextSweep time.Time
}

type windowKey struct {
	limit  int // index into limits
	client string
}

type window struct {
	start time.Time
	hits  int
}

func newLimiter(limits []config.RateLimit, clock regstack.Clock) *limiter {
	return &limiter{limits: limits, clock: clock, windows: map[windowKey]*window{}}
}

// allow counts one request of client. When a limit is exhausted it counts
// nothing and returns the 429 error naming that limit, with Retry-After set
// to the seconds until its window resets.
func (l *limiter) allow(client string) error {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)

	ws := make([]*window, len(l.limits))
	for i, lim := range l.limits {
		k := windowKey{limit: i, client: client}
		w := l.windows[k]
		if w == nil || !now.Before(w.start.Add(lim.Period)) {
			w = &window{start: now}
			l.windows[k] = w
		}
		if w.hits >= lim.Count {
			retry := int(math.Ceil(w.start.Add(lim.Period).Sub(now).Seconds()))
			return rateLimitExceeded{limit: lim, retryAfter: max(retry, 1)}
		}
		ws[i] = w
	}
	for _, w := range ws {
		w.hits++
	}
	return nil
}

// sweep drops windows that have ended, at most once per shortest period,
// so memory stays proportional to the clients seen recently.
func (l *limiter) sweep(now time.Time) {
	if now.Before(l.nextSweep) {
		return
	}
	for k, w := range l.windows {
		if !now.Before(w.start.Add(l.limits[k.limit].Period)) {
			delete(l.windows, k)
		}
	}
	shortest := l.limits[0].Period
	for _, lim := range l.limits {
		shortest = min(shortest, lim.Period)
	}
	l.nextSweep = now.Add(shortest)
}

// rateLimitExceeded is the 429 of a per-route limit. Its body carries both
// `detail` (for the bundled JS) and `error` (for slowapi-shaped clients).
type rateLimitExceeded struct {
	limit      config.RateLimit
	retryAfter int
}

func (e rateLimitExceeded) Error() string { return "Rate limit exceeded: " + e.limit.String() }
