package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// RateLimit is one "count per period" item of a per-route limit string
// (config.md §2.12, http-api.md §10.7).
type RateLimit struct {
	Count  int
	Period time.Duration
}

// rateUnits are the granularities of the limits library upstream uses
// (slowapi): a month is 30 days and a year 12 such months.
var rateUnits = []struct {
	name   string
	period time.Duration
}{
	{"year", 12 * 30 * 24 * time.Hour},
	{"month", 30 * 24 * time.Hour},
	{"day", 24 * time.Hour},
	{"hour", time.Hour},
	{"minute", time.Minute},
	{"second", time.Second},
}

// String renders the limit as upstream's error text does: "5 per 1 minute".
func (l RateLimit) String() string {
	for _, u := range rateUnits {
		if l.Period >= u.period && l.Period%u.period == 0 {
			return fmt.Sprintf("%d per %d %s", l.Count, l.Period/u.period, u.name)
		}
	}
	return fmt.Sprintf("%d per %s", l.Count, l.Period)
}

// ParseRateLimit parses a limit string in the syntax upstream accepts:
// items separated by ";", "," or "|", each "<count>/<unit>",
// "<count>/<n> <unit>" or "<count> per <n> <unit>", where unit is second,
// minute, hour, day, month or year (any case, optional plural "s"). For
// example "5/minute;20/hour" or "10 per 5 minutes".
func ParseRateLimit(s string) ([]RateLimit, error) {
	var out []RateLimit
	for item := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ';' || r == ',' || r == '|' }) {
		l, err := parseRateItem(item)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rate limit %q has no items; expected e.g. \"5/minute\" or \"5/minute;20/hour\"", s)
	}
	return out, nil
}

func parseRateItem(item string) (RateLimit, error) {
	bad := fmt.Errorf("rate limit item %q is not of the form \"<count>/<unit>\" or \"<count> per <n> <unit>\"", strings.TrimSpace(item))
	count, rest, ok := strings.Cut(item, "/")
	if !ok {
		fields := strings.Fields(item)
		if len(fields) < 3 || !strings.EqualFold(fields[1], "per") {
			return RateLimit{}, bad
		}
		count, rest = fields[0], strings.Join(fields[2:], " ")
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return RateLimit{}, bad
	}
	// The unit may be preceded by a multiple: "5 minutes", "5minutes".
	rest = strings.ToLower(strings.TrimSpace(rest))
	digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
	multiple := 1
	if digits > 0 {
		if multiple, err = strconv.Atoi(rest[:digits]); err != nil || multiple < 1 {
			return RateLimit{}, bad
		}
	}
	unit := strings.TrimSuffix(strings.TrimSpace(rest[digits:]), "s")
	for _, u := range rateUnits {
		if unit == u.name {
			if time.Duration(multiple) > math.MaxInt64/u.period {
				return RateLimit{}, bad
			}
			return RateLimit{Count: n, Period: time.Duration(multiple) * u.period}, nil
		}
	}
	return RateLimit{}, bad
}
