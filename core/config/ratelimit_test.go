package config_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/regstack/regstack/core/config"
)

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		in   string
		want []config.RateLimit
	}{
		{"5/minute", []config.RateLimit{{5, time.Minute}}},
		{"5/minute;20/hour", []config.RateLimit{{5, time.Minute}, {20, time.Hour}}},
		{"5/minute, 20/hour | 100/day", []config.RateLimit{{5, time.Minute}, {20, time.Hour}, {100, 24 * time.Hour}}},
		{"10 per 5 minutes", []config.RateLimit{{10, 5 * time.Minute}}},
		{"10/5minutes", []config.RateLimit{{10, 5 * time.Minute}}},
		{" 3 / Second ", []config.RateLimit{{3, time.Second}}},
		{"1/month", []config.RateLimit{{1, 30 * 24 * time.Hour}}},
		{"1/year", []config.RateLimit{{1, 360 * 24 * time.Hour}}},
		{"5/minute;", []config.RateLimit{{5, time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.in+" parses", func(t *testing.T) {
			got, err := config.ParseRateLimit(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRateLimit(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for _, in := range []string{"", ";", "five/minute", "5", "5/", "5/fortnight", "0/minute", "-1/minute", "5/0 minutes", "5 per", "5 every minute", "5/99999999999999 years"} {
		t.Run(in+" is refused", func(t *testing.T) {
			if got, err := config.ParseRateLimit(in); err == nil {
				t.Errorf("ParseRateLimit(%q) = %v, want an error", in, got)
			}
		})
	}
}

func TestRateLimitString(t *testing.T) {
	tests := []struct {
		in   config.RateLimit
		want string
	}{
		{config.RateLimit{5, time.Minute}, "5 per 1 minute"},
		{config.RateLimit{20, time.Hour}, "20 per 1 hour"},
		{config.RateLimit{10, 5 * time.Minute}, "10 per 5 minute"},
		{config.RateLimit{1, 90 * time.Second}, "1 per 90 second"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
