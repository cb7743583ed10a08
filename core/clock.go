package regstack

import "time"

// Clock is the one source of "now" (domain.md §2.2). Tests freeze and
// advance it; production uses SystemClock.
type Clock interface {
	Now() time.Time
}

// SystemClock reads the wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
