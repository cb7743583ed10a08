package http_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/regstack/regstack/core/config"
)

// A login flood beyond the hashing pool gets 503 with Retry-After instead
// of queueing without bound (http-api.md §10.6, config.md §2.13).
func TestSaturatedHashingPoolAnswers503WithRetryAfter(t *testing.T) {
	e := newEnv(t, func(c *config.Config) {
		c.PasswordHashWorkers = 1
		c.PasswordHashWaitSeconds = 0.001
		c.Argon2MemoryKiB = 32768 // slow enough that requests overlap
		c.Argon2Iterations = 2
		c.RateLimitDisabled = true
	})
	const n = 8
	results := make([]response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = e.do(request{method: http.MethodPost, path: "/login",
				body: `{"email":"nobody@example.com","password":"password123"}`})
		}()
	}
	close(start)
	wg.Wait()
	busy := 0
	for _, res := range results {
		switch res.Status {
		case http.StatusServiceUnavailable:
			busy++
			if res.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After: %s", res.Body)
			}
			if got := res.JSON(t)["detail"]; got != "The server is busy. Try again shortly." {
				t.Errorf("503 detail = %v", got)
			}
		case http.StatusUnauthorized:
		default:
			t.Errorf("status %d, want 401 or 503: %s", res.Status, res.Body)
		}
	}
	if busy == 0 {
		t.Errorf("%d concurrent logins on a 1-worker pool with a 1 ms wait: none got 503", n)
	}
}
