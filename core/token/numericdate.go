package token

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// The NumericDate range accepted on decode: years 1 to 9999, what Python's
// datetime (and so the original) can represent. Outside it Python fails,
// and Go refuses rather than overflow.
const (
	minUnix = -62135596800 // 0001-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

// microTimestamp marshals as fractional seconds with exactly six decimals
// (never exponent form), the iat of domain.md §6.2. A float64 carries
// every microsecond exactly enough for decoding to recover it until 2106.
type microTimestamp int64

// MarshalJSON writes the timestamp as a JSON number such as
// 1735689600.123456.
func (m microTimestamp) MarshalJSON() ([]byte, error) {
	us := int64(m)
	sign := ""
	if us < 0 {
		sign, us = "-", -us
	}
	return []byte(sign + strconv.FormatInt(us/1e6, 10) + "." + zeroPad6(us%1e6)), nil
}

func zeroPad6(n int64) string {
	s := strconv.FormatInt(n, 10)
	const zeros = "000000"
	return zeros[len(s):] + s
}

// issuedAt converts a decoded iat as Python does: parse as a double, split
// off the whole seconds, and round the fraction × 10⁶ to the nearest
// microsecond, ties to even.
func issuedAt(n json.Number) (time.Time, bool) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f < minUnix || f >= maxUnix+1 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	us := math.RoundToEven(frac * 1e6)
	switch {
	case us >= 1e6:
		sec, us = sec+1, us-1e6
	case us < 0:
		sec, us = sec-1, us+1e6
	}
	return time.Unix(int64(sec), int64(us)*1e3).UTC(), true
}

// expiresAt converts a decoded exp: whole seconds, a fraction truncated
// toward zero as Python's int() does.
func expiresAt(n json.Number) (time.Time, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		if i < minUnix || i > maxUnix {
			return time.Time{}, false
		}
		return time.Unix(i, 0).UTC(), true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f <= minUnix-1 || f >= maxUnix+1 {
		return time.Time{}, false
	}
	return time.Unix(int64(math.Trunc(f)), 0).UTC(), true
}
