package theme

import (
	"reflect"
	"strings"
	"testing"
)

func TestValidateAcceptsWellFormedValues(t *testing.T) {
	tests := []struct {
		name  string
		prop  string
		value any
	}{
		{"a three-digit hex colour is accepted", "--rs-accent", "#0af"},
		{"a six-digit hex colour is accepted", "--rs-accent", "#0d9488"},
		{"an upper-case hex colour is accepted", "--rs-accent", "#0D9488"},
		{"an eight-digit hex colour with alpha is accepted", "--rs-accent", "#0d948880"},
		{"rgb() is accepted", "--rs-bg", "rgb(255, 255, 255)"},
		{"rgba() with a fractional alpha is accepted", "--rs-accent-bg", "rgba(37, 99, 235, 0.08)"},
		{"rgba() with a bare fraction is accepted", "--rs-accent-bg", "rgba(37,99,235,.5)"},
		{"rgba() with alpha 1 is accepted", "--rs-accent-bg", "rgba( 1 , 2 , 3 , 1 )"},
		{"rgba() with alpha 0 is accepted", "--rs-danger-bg", "rgba(1, 2, 3, 0)"},
		{"a colour with surrounding spaces is accepted", "--rs-fg", "  #111827  "},
		{"a font stack is accepted", "--rs-font-body", `"Inter", system-ui, sans-serif`},
		{"a font stack of 200 characters is accepted", "--rs-font-display", strings.Repeat("a", 200)},
		{"a font stack of 200 non-ASCII characters is accepted", "--rs-font-display", strings.Repeat("é", 200)},
		{"a radius in px is accepted", "--rs-radius", "10px"},
		{"a radius in rem is accepted", "--rs-radius", "0.5rem"},
		{"a radius in em is accepted", "--rs-radius", "1em"},
		{"a bare integer radius is accepted", "--rs-radius", "10"},
		{"a bare decimal radius is accepted", "--rs-radius", "10.5"},
		{"a shadow is accepted", "--rs-shadow", "0 1px 2px rgba(0, 0, 0, 0.4)"},
		{"the value none is accepted as a shadow", "--rs-shadow", "none"},
		{"a null value means not set", "--rs-accent", nil},
		{"an empty value means not set", "--rs-accent", ""},
		{"a blank value means not set", "--rs-radius", "   "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if errs := Validate(Light, Assignments{{tt.prop, tt.value}}); errs != nil {
				t.Errorf("Validate(%s=%q) = %+v, want no errors", tt.prop, tt.value, errs)
			}
		})
	}
}

func TestValidateRejectsWithTheSpecMessage(t *testing.T) {
	const (
		colourMsg = " must be a hex colour (#rgb / #rrggbb) or rgba(...)."
		radiusMsg = " must be a number with optional px/rem/em suffix."
		unsafeMsg = " contains characters not allowed in a CSS value."
	)
	tests := []struct {
		name  string
		scope Scope
		prop  string
		value any
		want  string
	}{
		{"an unknown property is refused in the light scope", Light, "--rs-nope", "#fff", "Unknown variable in light scope: '--rs-nope'."},
		{"an unknown property is refused in the dark scope", Dark, "--rs-nope", "#fff", "Unknown variable in dark scope: '--rs-nope'."},
		{"an unknown property is refused even when blank", Light, "color", "", "Unknown variable in light scope: 'color'."},
		{"a number is not a string", Light, "--rs-radius", 10.0, "--rs-radius must be a string."},
		{"a boolean is not a string", Light, "--rs-accent", true, "--rs-accent must be a string."},
		{"an object is not a string", Dark, "--rs-accent", map[string]any{}, "--rs-accent must be a string."},
		{"a colour name is not a hex colour", Light, "--rs-accent", "teal", "--rs-accent" + colourMsg},
		{"a word is not a colour", Light, "--rs-accent", "not-a-colour", "--rs-accent" + colourMsg},
		{"a five-digit hex colour is refused", Light, "--rs-accent", "#12345", "--rs-accent" + colourMsg},
		{"hex without the hash is refused", Light, "--rs-accent", "0d9488", "--rs-accent" + colourMsg},
		{"a non-hex digit is refused", Light, "--rs-accent", "#0d948g", "--rs-accent" + colourMsg},
		{"rgb with four-digit components is refused", Light, "--rs-bg", "rgb(1000, 0, 0)", "--rs-bg" + colourMsg},
		{"rgba with alpha 2 is refused", Light, "--rs-bg", "rgba(1, 2, 3, 2)", "--rs-bg" + colourMsg},
		{"rgba with a percentage alpha is refused", Light, "--rs-bg", "rgba(1, 2, 3, 50%)", "--rs-bg" + colourMsg},
		{"hsl() is refused", Light, "--rs-bg", "hsl(0, 0%, 100%)", "--rs-bg" + colourMsg},
		{"a font stack over 200 characters is refused", Light, "--rs-font-body", strings.Repeat("a", 201), "--rs-font-body must be a non-empty font stack under 200 chars."},
		{"a radius with an unknown unit is refused", Light, "--rs-radius", "10pt", "--rs-radius" + radiusMsg},
		{"a negative radius is refused", Light, "--rs-radius", "-1px", "--rs-radius" + radiusMsg},
		{"a radius word is refused", Light, "--rs-radius", "round", "--rs-radius" + radiusMsg},
		{"a shadow over 200 characters is refused", Dark, "--rs-shadow", strings.Repeat("0 ", 101), "--rs-shadow must be a non-empty shadow under 200 chars."},
		{"a semicolon is refused", Light, "--rs-font-body", "Inter; color: red", "--rs-font-body" + unsafeMsg},
		{"a closing brace is refused", Light, "--rs-font-body", "Inter } body { color: red", "--rs-font-body" + unsafeMsg},
		{"an opening brace is refused", Light, "--rs-shadow", "a { b", "--rs-shadow" + unsafeMsg},
		{"a less-than sign is refused", Light, "--rs-font-body", "</style><script>", "--rs-font-body" + unsafeMsg},
		{"a backslash is refused", Light, "--rs-font-body", `Inter\7d`, "--rs-font-body" + unsafeMsg},
		{"a comment opener is refused", Light, "--rs-shadow", "none /* x", "--rs-shadow" + unsafeMsg},
		{"a control character is refused", Light, "--rs-font-body", "Inter\x00", "--rs-font-body" + unsafeMsg},
		{"an inner newline is refused", Light, "--rs-font-body", "Inter\nArial", "--rs-font-body" + unsafeMsg},
		{"injection through a colour is refused", Light, "--rs-accent", "#fff;}", "--rs-accent" + unsafeMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.scope, Assignments{{tt.prop, tt.value}})
			want := []FieldError{{Field: tt.prop, Message: tt.want, Scope: tt.scope}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Validate(%s=%q) = %+v, want %+v", tt.prop, tt.value, got, want)
			}
		})
	}
}

func TestValidateListsErrorsInInputOrder(t *testing.T) {
	in := Assignments{
		{"--rs-radius", "x"},
		{"--rs-bg", "#fff"},
		{"--rs-unknown", "1"},
		{"--rs-accent", "red"},
	}
	var got []string
	for _, e := range Validate(Dark, in) {
		got = append(got, e.Field)
	}
	if want := []string{"--rs-radius", "--rs-unknown", "--rs-accent"}; !reflect.DeepEqual(got, want) {
		t.Errorf("error fields = %v, want %v", got, want)
	}
}

func TestAssignmentsSetKeepsThePositionAndTakesTheLaterValue(t *testing.T) {
	var as Assignments
	as.Set("--rs-accent", "#111111")
	as.Set("--rs-radius", "4")
	as.Set("--rs-accent", "#222222")
	want := Assignments{{"--rs-accent", "#222222"}, {"--rs-radius", "4"}}
	if !reflect.DeepEqual(as, want) {
		t.Errorf("assignments = %v, want %v", as, want)
	}
}

func TestCleanTrimsDropsUnsetAndAddsPxToBareRadii(t *testing.T) {
	tests := []struct {
		name string
		in   Assignments
		want Values
	}{
		{"values are trimmed", Assignments{{"--rs-accent", "  #0d9488 "}}, Values{"--rs-accent": "#0d9488"}},
		{"blank and null values are dropped", Assignments{{"--rs-accent", " "}, {"--rs-bg", nil}}, Values{}},
		{"unknown names are dropped", Assignments{{"--rs-nope", "#fff"}}, Values{}},
		{"a bare integer radius gets px", Assignments{{"--rs-radius", "10"}}, Values{"--rs-radius": "10px"}},
		{"a bare decimal radius gets px", Assignments{{"--rs-radius", "10.5"}}, Values{"--rs-radius": "10.5px"}},
		{"a radius with a unit is kept", Assignments{{"--rs-radius", "1rem"}}, Values{"--rs-radius": "1rem"}},
		{"a bare number elsewhere is not a radius", Assignments{{"--rs-shadow", "0"}}, Values{"--rs-shadow": "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Clean = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultsFollowTheInventory(t *testing.T) {
	light, dark := Defaults(Light), Defaults(Dark)
	if len(light) != 16 {
		t.Errorf("light defaults hold %d properties, want all 16", len(light))
	}
	if len(dark) != 13 {
		t.Errorf("dark defaults hold %d properties, want the 12 colours and the shadow", len(dark))
	}
	if light["--rs-accent"] != "#2563eb" || dark["--rs-accent"] != "#60a5fa" {
		t.Errorf("accent defaults = %q / %q", light["--rs-accent"], dark["--rs-accent"])
	}
	for _, name := range []string{"--rs-font-body", "--rs-font-display", "--rs-radius"} {
		if _, ok := dark[name]; ok {
			t.Errorf("dark defaults re-declare %s; fonts and radius carry over from light", name)
		}
	}
	for _, scope := range []Scope{Light, Dark} {
		var as Assignments
		for name, v := range Defaults(scope) {
			as.Set(name, v)
		}
		if errs := Validate(scope, as); errs != nil {
			t.Errorf("the %s defaults fail validation: %+v", scope, errs)
		}
	}
}
