package message_test

import (
	"testing"

	"github.com/regstack/regstack/core/message"
)

func TestTTLsRoundDownToAtLeastOne(t *testing.T) {
	tests := []struct {
		seconds, minutes, hours int
	}{
		{0, 1, 1},
		{59, 1, 1},
		{60, 1, 1},
		{299, 4, 1},
		{1800, 30, 1},
		{7199, 119, 1},
		{86400, 1440, 24},
	}
	for _, tt := range tests {
		if got := message.TTLMinutes(tt.seconds); got != tt.minutes {
			t.Errorf("TTLMinutes(%d) = %d, want %d", tt.seconds, got, tt.minutes)
		}
		if got := message.TTLHours(tt.seconds); got != tt.hours {
			t.Errorf("TTLHours(%d) = %d, want %d", tt.seconds, got, tt.hours)
		}
	}
}
