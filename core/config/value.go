package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// setting is one value for one key as a layer gave it, before parsing.
//
// raw is a string (environment, secrets file, TOML strings), a native TOML
// value (bool, int64, float64, []any), a map[string]any for a table, or nil
// (an override that unsets an optional key).
type setting struct {
	key string
	raw any
	src Source
}

// keepsEmpty are optional keys for which "" means something other than
// unset: an empty email_link_prefix means "no prefix", while unset means
// ui_prefix when the UI is on (§2.12).
var keepsEmpty = map[string]bool{"email_link_prefix": true}

// parseValue turns a raw value into the Go value of k's field (config.md
// §1.4). The error never contains the value; the caller adds it for keys
// that are not secret.
func parseValue(k keyInfo, raw any) (any, error) {
	switch k.kind {
	case kindString:
		s, ok := scalarText(raw)
		if !ok {
			return nil, errors.New("expected a string")
		}
		return s, nil
	case kindOptString:
		if raw == nil {
			return (*string)(nil), nil
		}
		s, ok := scalarText(raw)
		if !ok {
			return nil, errors.New("expected a string")
		}
		if s == "" && !keepsEmpty[k.name] {
			return (*string)(nil), nil
		}
		return &s, nil
	case kindBool:
		return parseBool(raw)
	case kindOptBool:
		if raw == nil || raw == "" {
			return (*bool)(nil), nil
		}
		b, err := parseBool(raw)
		if err != nil {
			return nil, err
		}
		return &b, nil
	case kindInt:
		return parseInt(raw)
	case kindFloat:
		return parseFloat(raw)
	case kindList:
		return parseList(raw)
	}
	return nil, fmt.Errorf("no parser for key %s", k.name)
}

// scalarText renders a scalar as Python's TOML-to-environment conversion
// does, so `from_number = 15555550100` still yields a string.
func scalarText(raw any) (string, bool) {
	switch v := raw.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

var errBool = errors.New("expected a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)")

func parseBool(raw any) (bool, error) {
	switch v := raw.(type) {
	case bool:
		return v, nil
	case int64:
		switch v {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1", "yes", "on", "t", "y":
			return true, nil
		case "false", "0", "no", "off", "f", "n":
			return false, nil
		}
	}
	return false, errBool
}

var errInt = errors.New("expected an integer")

func parseInt(raw any) (int, error) {
	switch v := raw.(type) {
	case int64:
		if v < math.MinInt || v > math.MaxInt {
			return 0, errInt
		}
		return int(v), nil
	case float64:
		return integral(v)
	case string:
		s := strings.TrimSpace(v)
		if n, err := strconv.ParseInt(s, 10, 0); err == nil {
			return int(n), nil
		}
		// Python's int parsing also takes "7200.0".
		if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP_") {
			return integral(f)
		}
	}
	return 0, errInt
}

func integral(f float64) (int, error) {
	if f != math.Trunc(f) || math.IsInf(f, 0) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, errInt
	}
	return int(f), nil
}

var errFloat = errors.New("expected a number")

func parseFloat(raw any) (float64, error) {
	var f float64
	switch v := raw.(type) {
	case float64:
		f = v
	case int64:
		f = float64(v)
	case string:
		s := strings.TrimSpace(v)
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil || strings.ContainsAny(s, "xXpP_") {
			return 0, errFloat
		}
	default:
		return 0, errFloat
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errFloat
	}
	return f, nil
}

var errList = errors.New(`expected a list: a TOML array, a JSON array such as ["/a","/b"], or comma-separated values`)

func parseList(raw any) ([]string, error) {
	switch v := raw.(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			s, ok := scalarText(item)
			if !ok {
				return nil, errList
			}
			out = append(out, s)
		}
		return out, nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return []string{}, nil
		}
		if strings.HasPrefix(s, "[") {
			var out []string
			if err := json.Unmarshal([]byte(s), &out); err != nil {
				return nil, errList
			}
			if out == nil {
				out = []string{}
			}
			return out, nil
		}
		out := []string{}
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
		return out, nil
	}
	return nil, errList
}

// overrideRaw brings a programmatic override into the raw forms the parser
// knows, so hosts can pass ordinary Go values.
func overrideRaw(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case *string:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case *bool:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	}
	return nil, fmt.Errorf("unsupported override type %T", v)
}
