// Package theme is the look of the account pages: the inventory of the
// --rs-* CSS custom properties every page and the theme designer share
// (ui.md §9), and the bundled stylesheets that read them.
//
// The inventory is the single source of truth: css/theme.css declares
// exactly these defaults (a test holds them together), transport/http
// serves the stylesheets, and the theme designer builds its controls,
// defaults and validators from Properties.
package theme

import (
	"embed"
	"io/fs"
)

// Kind says what sort of value a property takes; the designer validates by it.
type Kind int

const (
	// Colour is a hex colour or rgb()/rgba().
	Colour Kind = iota
	// Font is a font stack.
	Font
	// Radius is a number with an optional px/rem/em unit.
	Radius
	// Shadow is a free-form box-shadow.
	Shadow
)

// Property is one --rs-* custom property with its default values.
type Property struct {
	Name  string // "--rs-accent"
	Kind  Kind
	Light string // value in :root
	Dark  string // value re-declared for prefers-color-scheme: dark; "" = not re-declared
}

const systemFonts = `-apple-system, BlinkMacSystemFont, "Segoe UI", "Inter", sans-serif`

// properties is in the canonical order of ui.md §9: colours, typography,
// radius, shadow. It is the emission order of generated theme files.
var properties = [...]Property{
	{"--rs-bg", Colour, "#ffffff", "#0b1220"},
	{"--rs-bg-hover", Colour, "#f3f4f6", "#14213a"},
	{"--rs-surface", Colour, "#ffffff", "#111a30"},
	{"--rs-fg", Colour, "#111827", "#e5e7eb"},
	{"--rs-fg-muted", Colour, "#4b5563", "#9ca3af"},
	{"--rs-border", Colour, "#e5e7eb", "#1f2a44"},
	{"--rs-accent", Colour, "#2563eb", "#60a5fa"},
	{"--rs-accent-fg", Colour, "#ffffff", "#0b1220"},
	{"--rs-accent-bg", Colour, "rgba(37, 99, 235, 0.08)", "rgba(96, 165, 250, 0.12)"},
	{"--rs-danger", Colour, "#b91c1c", "#f87171"},
	{"--rs-danger-fg", Colour, "#ffffff", "#0b1220"},
	{"--rs-danger-bg", Colour, "rgba(185, 28, 28, 0.08)", "rgba(248, 113, 113, 0.12)"},
	{"--rs-font-display", Font, systemFonts, ""},
	{"--rs-font-body", Font, systemFonts, ""},
	{"--rs-radius", Radius, "6px", ""},
	{"--rs-shadow", Shadow, "0 1px 2px rgba(0, 0, 0, 0.04), 0 4px 10px rgba(0, 0, 0, 0.04)", "0 1px 2px rgba(0, 0, 0, 0.4), 0 4px 14px rgba(0, 0, 0, 0.3)"},
}

// Properties returns every --rs-* property in canonical order. The slice is
// a fresh copy; callers may keep or modify it.
func Properties() []Property {
	out := make([]Property, len(properties))
	copy(out, properties[:])
	return out
}

// Lookup returns the property named name ("--rs-accent").
func Lookup(name string) (Property, bool) {
	for _, p := range properties {
		if p.Name == name {
			return p, true
		}
	}
	return Property{}, false
}

//go:embed css
var stylesheets embed.FS

// Stylesheets holds the bundled CSS: css/core.css (structure; every colour,
// font, radius and shadow from a --rs-* property) and css/theme.css (the
// defaults above, light and dark). transport/http serves it under
// static_prefix; the theme designer styles its preview with it.
func Stylesheets() fs.FS { return stylesheets }
