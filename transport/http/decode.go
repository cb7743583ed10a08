package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/regstack/regstack/core/emailaddr"
)

// fieldKind is how a body field is checked.
type fieldKind int

const (
	kindString   fieldKind = iota // a JSON string, optionally length-bounded
	kindEmail                     // a string normalised by emailaddr.Normalize
	kindNullable                  // a JSON string or null, optionally length-bounded
	kindBool                      // a boolean or null (null = absent), read as pydantic's lax bool
)

// field is one declared member of a request body.
type field struct {
	name     string
	kind     fieldKind
	required bool
	minLen   int // in code points; 0 = no minimum
	maxLen   int // in code points; 0 = no maximum
	// secret fields never have their value echoed in a 422 `input`.
	secret bool
}

// schema is a request body: a JSON object with exactly the declared fields
// (extra fields are forbidden, http-api.md §2.4).
type schema []field

// fieldValue is a validated field: Set says whether the key was present,
// Null whether its value was JSON null.
type fieldValue struct {
	Set  bool
	Null bool
	Str  string
	Bool bool
}

// body is a validated request body, keyed by field name.
type body map[string]fieldValue

// str returns a field's string (the normalised address for email fields).
func (b body) str(name string) string { return b[name].Str }

// nullable returns a nullable field as (present, value); a nil value means
// an explicit null.
func (b body) nullable(name string) (bool, *string) {
	v := b[name]
	if !v.Set || v.Null {
		return v.Set, nil
	}
	s := v.Str
	return true, &s
}

// optBool returns a kindBool field, nil when absent or null.
func (b body) optBool(name string) *bool {
	v := b[name]
	if !v.Set || v.Null {
		return nil
	}
	x := v.Bool
	return &x
}

// validationError is one entry of a 422 list, in pydantic's shape.
type validationError struct {
	Type  string         `json:"type"`
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input,omitempty"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

// validationErrors is a 422 answer: every problem found in the body.
type validationErrors []validationError

func (v validationErrors) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Msg
	}
	return "request validation failed: " + strings.Join(msgs, "; ")
}

// errBodyTooLarge reports a body cut off by MaxBodyBytes.
var errBodyTooLarge = errors.New("request body too large")

// readBody reads r's body, mapping a MaxBytesReader cut-off to errBodyTooLarge.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errBodyTooLarge
		}
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return data, nil
}

// decode parses data as a JSON object and validates it against s. It never
// stops at the first problem: the returned validationErrors lists them all,
// declared fields first (in declaration order), then extra fields (in input
// order), as pydantic does.
func (s schema) decode(data []byte) (body, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, validationErrors{{Type: "missing", Loc: []any{"body"}, Msg: "Field required"}}
	}
	members, errs := parseObject(data)
	if errs != nil {
		return nil, errs
	}
	if members == nil {
		// JSON null is the same as no body at all.
		return nil, validationErrors{{Type: "missing", Loc: []any{"body"}, Msg: "Field required"}}
	}

	out := make(body, len(s))
	seen := make(map[string]bool, len(s))
	for _, f := range s {
		seen[f.name] = true
		raw, ok := members.get(f.name)
		if !ok {
			if f.required {
				errs = append(errs, validationError{Type: "missing", Loc: []any{"body", f.name}, Msg: "Field required"})
			}
			continue
		}
		v, fe := f.check(raw)
		if fe != nil {
			errs = append(errs, *fe)
			continue
		}
		out[f.name] = v
	}
	for _, m := range members {
		if seen[m.key] {
			continue
		}
		seen[m.key] = true // a repeated extra key is reported once
		e := validationError{Type: "extra_forbidden", Loc: []any{"body", m.key}, Msg: "Extra inputs are not permitted"}
		if !looksSecret(m.key) {
			e.Input = rawInput(m.value)
		}
		errs = append(errs, e)
	}
	if errs != nil {
		return nil, errs
	}
	return out, nil
}

// check validates one present field.
func (f field) check(raw json.RawMessage) (fieldValue, *validationError) {
	loc := []any{"body", f.name}
	fail := func(typ, msg string, ctx map[string]any) (fieldValue, *validationError) {
		e := &validationError{Type: typ, Loc: loc, Msg: msg, Ctx: ctx}
		if !f.secret {
			e.Input = rawInput(raw)
		}
		return fieldValue{}, e
	}
	if string(raw) == "null" {
		if f.kind == kindNullable || f.kind == kindBool {
			return fieldValue{Set: true, Null: true}, nil
		}
		return fail("string_type", "Input should be a valid string", nil)
	}
	if f.kind == kindBool {
		b, typ := laxBool(raw)
		switch typ {
		case "":
			return fieldValue{Set: true, Bool: b}, nil
		case "bool_parsing":
			return fail(typ, "Input should be a valid boolean, unable to interpret input", nil)
		default:
			return fail(typ, "Input should be a valid boolean", nil)
		}
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return fail("string_type", "Input should be a valid string", nil)
	}
	n := utf8.RuneCountInString(s)
	switch {
	case f.minLen > 0 && n < f.minLen:
		return fail("string_too_short", fmt.Sprintf("String should have at least %d characters", f.minLen), map[string]any{"min_length": f.minLen})
	case f.maxLen > 0 && n > f.maxLen:
		return fail("string_too_long", fmt.Sprintf("String should have at most %d characters", f.maxLen), map[string]any{"max_length": f.maxLen})
	}
	if f.kind == kindEmail {
		norm, err := emailaddr.Normalize(s)
		if err != nil {
			// pydantic's shape: msg carries the prefix once, ctx.reason the bare reason.
			reason := err.Error()
			var ee *emailaddr.Error
			if errors.As(err, &ee) {
				reason = ee.Reason
			}
			return fail("value_error", "value is not a valid email address: "+reason, map[string]any{"reason": reason})
		}
		s = norm
	}
	return fieldValue{Set: true, Str: s}, nil
}

// laxBool reads a boolean as pydantic's lax mode does, so clients of the
// Python server that send 1 or "yes" keep working: JSON true/false, the
// numbers 0 and 1, and the strings 0/1, false/true, f/t, no/yes, n/y,
// off/on in any case. typ is "" on success, else the 422 error type.
func laxBool(raw json.RawMessage) (b bool, typ string) {
	switch raw[0] {
	case 't', 'f':
		return string(raw) == "true", ""
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s) // raw is a valid JSON string
		switch strings.ToLower(s) {
		case "1", "true", "t", "yes", "y", "on":
			return true, ""
		case "0", "false", "f", "no", "n", "off":
			return false, ""
		}
		return false, "bool_parsing"
	case '{', '[':
		return false, "bool_type"
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil && (n == 0 || n == 1) {
		return n == 1, ""
	}
	return false, "bool_parsing"
}

// looksSecret guards unknown keys that are probably credentials, so a
// misspelt password field is not echoed back either.
func looksSecret(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "password") || strings.Contains(k, "secret")
}

// rawInput turns a JSON value back into a Go value for the `input` member,
// keeping numbers exact.
func rawInput(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// member is one key of a JSON object, in input order.
type member struct {
	key   string
	value json.RawMessage
}

// members are an object's keys in input order; a repeated key keeps its
// last value, as Python's json module does.
type members []member

func (ms members) get(key string) (json.RawMessage, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].key == key {
			return ms[i].value, true
		}
	}
	return nil, false
}

// parseObject parses data as one JSON object. It returns (nil, nil) for a
// bare `null`, and a one-entry validationErrors for malformed JSON or a
// value that is not an object.
func parseObject(data []byte) (members, validationErrors) {
	if !utf8.Valid(data) {
		return nil, jsonInvalid(0, "invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, jsonInvalid(errorOffset(err, dec), jsonErrorText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, jsonInvalid(dec.InputOffset(), "Extra data")
	}
	switch top[0] {
	case '{':
	case 'n':
		return nil, nil
	default:
		return nil, validationErrors{{
			Type:  "model_attributes_type",
			Loc:   []any{"body"},
			Msg:   "Input should be a valid dictionary or object to extract fields from",
			Input: rawInput(top),
		}}
	}
	// top is syntactically valid, so walking it cannot fail.
	obj := json.NewDecoder(bytes.NewReader(top))
	if _, err := obj.Token(); err != nil {
		return nil, jsonInvalid(0, jsonErrorText(err))
	}
	var ms members
	for obj.More() {
		tok, err := obj.Token()
		if err != nil {
			return nil, jsonInvalid(obj.InputOffset(), jsonErrorText(err))
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := obj.Decode(&v); err != nil {
			return nil, jsonInvalid(obj.InputOffset(), jsonErrorText(err))
		}
		ms = append(ms, member{key: key, value: v})
	}
	if ms == nil {
		ms = members{} // an empty object is not a missing body
	}
	return ms, nil
}

// jsonInvalid is the 422 entry for a body that is not JSON.
func jsonInvalid(offset int64, reason string) validationErrors {
	return validationErrors{{
		Type:  "json_invalid",
		Loc:   []any{"body", offset},
		Msg:   "JSON decode error",
		Input: map[string]any{},
		Ctx:   map[string]any{"error": reason},
	}}
}

// errorOffset is where decoding failed, for the `loc` of json_invalid.
func errorOffset(err error, dec *json.Decoder) int64 {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return syn.Offset
	}
	return dec.InputOffset()
}

// jsonErrorText is a short reason without Go package prefixes.
func jsonErrorText(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "Expecting value"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
