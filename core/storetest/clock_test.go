package storetest_test

import (
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"
)

var _ regstack.Clock = (*storetest.Clock)(nil)

func TestClock(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))

	t.Run("a new clock stands still at its start time in UTC", func(t *testing.T) {
		c := storetest.NewClock(start)
		first, second := c.Now(), c.Now()
		if !first.Equal(start) || !second.Equal(start) {
			t.Fatalf("Now() = %v then %v, want %v both times", first, second, start)
		}
		if first.Location() != time.UTC {
			t.Errorf("Now().Location() = %v, want UTC", first.Location())
		}
	})

	t.Run("Advance moves the clock and returns the new time", func(t *testing.T) {
		c := storetest.NewClock(start)
		got := c.Advance(90 * time.Second)
		want := start.Add(90 * time.Second)
		if !got.Equal(want) || !c.Now().Equal(want) {
			t.Fatalf("Advance returned %v and Now() = %v, want %v", got, c.Now(), want)
		}
		if back := c.Advance(-time.Minute); !back.Equal(start.Add(30 * time.Second)) {
			t.Errorf("Advance(-1m) = %v, want %v", back, start.Add(30*time.Second))
		}
	})

	t.Run("Set jumps to a given time in UTC", func(t *testing.T) {
		c := storetest.NewClock(start)
		target := start.Add(-24 * time.Hour)
		c.Set(target)
		if got := c.Now(); !got.Equal(target) || got.Location() != time.UTC {
			t.Fatalf("Now() = %v, want %v in UTC", got, target)
		}
	})
}
