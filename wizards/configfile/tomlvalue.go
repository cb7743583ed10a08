package configfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// encodeValue writes v as a TOML value: strings as basic strings (cli.md
// §14.1 rule 5), booleans, integers, floats and arrays of strings.
func encodeValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return QuoteString(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return encodeFloat(v), nil
	case []string:
		parts := make([]string, len(v))
		for i, s := range v {
			parts[i] = QuoteString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	default:
		return "", fmt.Errorf("cannot write a %T as a TOML value", v)
	}
}

func encodeFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	// TOML needs a fraction or an exponent to read a float back as one.
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// QuoteString writes s as a TOML basic string. Control characters use
// TOML's escapes; everything else, non-ASCII included, is written as is.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// encodeKey writes one key part: bare when it can be, quoted otherwise.
func encodeKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		if !isBareKeyByte(k[i]) {
			return QuoteString(k)
		}
	}
	return k
}
