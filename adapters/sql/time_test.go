package sqlstore

import (
	"testing"
	"time"
)

func TestFormatTimeWritesSQLAlchemyText(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"midnight keeps six zero digits", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "2025-01-01 00:00:00.000000"},
		{"microseconds are kept", time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC), "2025-01-02 03:04:05.123456"},
		{"nanoseconds are truncated, not rounded", time.Date(2025, 1, 1, 0, 0, 0, 999999999, time.UTC), "2025-01-01 00:00:00.999999"},
		{"other zones are converted to UTC", time.Date(2025, 1, 1, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600)), "2025-01-01 00:00:00.000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatTime(tt.in); got != tt.want {
				t.Errorf("FormatTime = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTimeAcceptsEveryTextForm(t *testing.T) {
	want := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
	whole := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"SQLAlchemy text", "2025-01-02 03:04:05.123456", want},
		{"no fraction", "2025-01-02 03:04:05", whole},
		{"T separator", "2025-01-02T03:04:05.123456", want},
		{"Z suffix", "2025-01-02T03:04:05.123456Z", want},
		{"zero offset", "2025-01-02 03:04:05.123456+00:00", want},
		{"other offset", "2025-01-02 05:04:05.123456+02:00", want},
		{"short PostgreSQL offset", "2025-01-02 03:04:05.123456+00", want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) = %v, want %v in UTC", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseTimeRefusesGarbage(t *testing.T) {
	for _, in := range []string{"", "yesterday", "2025-13-01 00:00:00"} {
		if _, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) succeeded", in)
		}
	}
}

func TestSQLTimeScanReadsDriverValuesAsUTC(t *testing.T) {
	want := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, src := range []any{
		"2025-01-01 00:00:00.000000",
		[]byte("2025-01-01 00:00:00.000000"),
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 0)),
		time.Date(2025, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)),
	} {
		var st sqlTime
		if err := st.Scan(src); err != nil {
			t.Fatalf("Scan(%#v): %v", src, err)
		}
		if got := st.Time(); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Scan(%#v) = %v, want %v UTC", src, got, want)
		}
	}
	var st sqlTime
	if err := st.Scan(int64(5)); err == nil {
		t.Error("Scan(int64) succeeded")
	}
}
