package http_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// parallelLogins posts n logins with body at once and returns the answers.
func parallelLogins(e *env, n int, body string) []response {
	out := make([]response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = e.post("/login", body)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// failures is how many lockout failures email has in the default window.
func (e *env) failures(email string) int {
	e.t.Helper()
	n, err := e.rs.Store().LoginAttempts().CountRecent(context.Background(), email, 900*time.Second, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// byStatus groups answers by status, and checks that every 429 is the
// lockout with its Retry-After.
func byStatus(t *testing.T, answers []response) map[int][]response {
	t.Helper()
	m := map[int][]response{}
	for _, res := range answers {
		m[res.Status] = append(m[res.Status], res)
		if res.Status == http.StatusTooManyRequests {
			if d := res.Detail(t); d != "Too many failed attempts. Try again in 900 seconds." || res.Header.Get("Retry-After") != "900" {
				t.Errorf("429 with detail %q, Retry-After %q", d, res.Header.Get("Retry-After"))
			}
		}
	}
	return m
}

func TestLockoutUnderParallelLogins(t *testing.T) {
	const n = 50 // threshold 5, window 900 s: the defaults

	t.Run(fmt.Sprintf("of %d parallel wrong-password logins exactly the threshold answer 401, the rest 429", n), func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("race@example.com")
		got := byStatus(t, parallelLogins(e, n, `{"email": "race@example.com", "password": "wrong password"}`))
		if len(got[http.StatusUnauthorized]) != 5 || len(got[http.StatusTooManyRequests]) != n-5 {
			t.Fatalf("%d answered 401 and %d 429 (of %d), want 5 and %d", len(got[http.StatusUnauthorized]), len(got[http.StatusTooManyRequests]), n, n-5)
		}
		// SQLite serialises the failures, so the five 401s count down.
		var details []string
		for _, res := range got[http.StatusUnauthorized] {
			details = append(details, res.Detail(t))
		}
		slices.Sort(details)
		want := []string{
			"Invalid email or password.",
			"Invalid email or password. 1 attempt(s) remaining.",
			"Invalid email or password. 2 attempt(s) remaining.",
			"Invalid email or password. 3 attempt(s) remaining.",
			"Invalid email or password. 4 attempt(s) remaining.",
		}
		if !slices.Equal(details, want) {
			t.Errorf("401 details %q, want %q", details, want)
		}
		if f := e.failures("race@example.com"); f != 5 {
			t.Errorf("%d failures recorded, want 5 (locked attempts record none)", f)
		}
		expect(t, e.post("/login", map[string]any{"email": "race@example.com", "password": password}),
			http.StatusTooManyRequests, "Too many failed attempts. Try again in 900 seconds.")
	})

	t.Run(fmt.Sprintf("of %d parallel logins of a disabled account with its password exactly the threshold answer 403", n), func(t *testing.T) {
		e := newEnv(t, nil)
		u := e.signUp("off@example.com")
		if err := e.rs.Store().Users().SetActive(context.Background(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		got := byStatus(t, parallelLogins(e, n, fmt.Sprintf(`{"email": "off@example.com", "password": %q}`, password)))
		if len(got[http.StatusForbidden]) != 5 || len(got[http.StatusTooManyRequests]) != n-5 {
			t.Errorf("%d answered 403 and %d 429 (of %d), want 5 and %d", len(got[http.StatusForbidden]), len(got[http.StatusTooManyRequests]), n, n-5)
		}
	})

	t.Run("parallel logins with the right password all sign in and leave no failure", func(t *testing.T) {
		e := newEnv(t, nil)
		e.signUp("many@example.com")
		got := byStatus(t, parallelLogins(e, 20, fmt.Sprintf(`{"email": "many@example.com", "password": %q}`, password)))
		if len(got[http.StatusOK]) != 20 {
			t.Errorf("%d of 20 signed in; answers by status: %v", len(got[http.StatusOK]), statusCounts(got))
		}
		if f := e.failures("many@example.com"); f != 0 {
			t.Errorf("%d failures left, want 0", f)
		}
	})
}

func statusCounts(m map[int][]response) map[int]int {
	c := map[int]int{}
	for s, rs := range m {
		c[s] = len(rs)
	}
	return c
}
