package storetest

import (
	"sync"
	"testing"
)

// racers is how many goroutines race for each one-time operation.
const racers = 1000

// race runs op(0) … op(n-1) in n goroutines that all wait on one barrier
// and are released together, and returns their results by index.
func race[T any](n int, op func(i int) (T, error)) ([]T, []error) {
	results := make([]T, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = op(i)
		})
	}
	close(start)
	wg.Wait()
	return results, errs
}

// noErrors fails t when any racer got an error, reporting how many did and
// the first one rather than a thousand lines.
func noErrors(t *testing.T, what string, errs []error) {
	t.Helper()
	var first error
	failed := 0
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
	}
	if failed > 0 {
		t.Errorf("%s: %d of %d concurrent calls failed; first error: %v", what, failed, len(errs), first)
	}
}
