package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
)

// checkFields fails t for every exported field of got that differs from
// want (both pointers to one struct type), except the fields named in skip.
// Times compare as instants; whether they are in UTC is checkUTC's job.
func checkFields(t *testing.T, what string, want, got any, skip ...string) {
	t.Helper()
	if g := reflect.ValueOf(got); g.Kind() == reflect.Pointer && g.IsNil() {
		t.Fatalf("%s: got nil, want a record", what)
	}
	wv := reflect.Indirect(reflect.ValueOf(want))
	gv := reflect.Indirect(reflect.ValueOf(got))
	for i := range wv.NumField() {
		name := wv.Type().Field(i).Name
		if slices.Contains(skip, name) {
			continue
		}
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if !sameValue(w, g) {
			t.Errorf("%s: %s = %s, want %s", what, name, show(g), show(w))
		}
	}
	checkUTC(t, what, got)
}

// checkUTC fails t for every time field of v (a pointer to a struct) that
// is not in time.UTC: domain.md §2.2 makes every timestamp UTC, also those
// the driver hands back without a zone.
func checkUTC(t *testing.T, what string, v any) {
	t.Helper()
	rv := reflect.Indirect(reflect.ValueOf(v))
	for i := range rv.NumField() {
		var tm *time.Time
		switch f := rv.Field(i).Interface().(type) {
		case time.Time:
			tm = &f
		case *time.Time:
			tm = f
		}
		if tm != nil && tm.Location() != time.UTC {
			t.Errorf("%s: %s has location %q, want UTC", what, rv.Type().Field(i).Name, tm.Location())
		}
	}
}

func sameValue(want, got any) bool {
	switch w := want.(type) {
	case time.Time:
		return w.Equal(got.(time.Time))
	case *time.Time:
		g := got.(*time.Time)
		if w == nil || g == nil {
			return w == nil && g == nil
		}
		return w.Equal(*g)
	case *string:
		g := got.(*string)
		if w == nil || g == nil {
			return w == nil && g == nil
		}
		return *w == *g
	default:
		return reflect.DeepEqual(want, got)
	}
}

func show(v any) string {
	switch v := v.(type) {
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case *time.Time:
		if v == nil {
			return "nil"
		}
		return v.Format(time.RFC3339Nano)
	case *string:
		if v == nil {
			return "nil"
		}
		return strconv.Quote(*v)
	case string:
		return strconv.Quote(v)
	default:
		return fmt.Sprint(v)
	}
}

// ptr returns a pointer to a copy of v, for the nullable fields.
func ptr[T any](v T) *T { return &v }

// sha256Hex is how tokens and MFA codes are stored (domain.md §6.6).
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// must fails t at once when err is not nil; what names the call.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}
