package theme

import (
	coretheme "github.com/regstack/regstack/core/theme"
)

// Scope names the colour scheme a set of values applies to: the light one
// (the :root block) or the dark one (the prefers-color-scheme: dark block).
type Scope string

// The two scopes, as they appear in the API and in error entries.
const (
	Light Scope = "light"
	Dark  Scope = "dark"
)

// Assignment is one property value as the UI or a --var flag supplied it,
// before validation. Value is whatever the JSON held (string, nil, a
// number…), so the validator can tell "not set" from "not a string".
type Assignment struct {
	Name  string
	Value any
}

// Assignments is one scope's input in the order it was given; errors are
// reported in that order.
type Assignments []Assignment

// Set assigns value to name: a name already present keeps its position and
// takes the new value, so later --var pairs win.
func (as *Assignments) Set(name string, value any) {
	for i := range *as {
		if (*as)[i].Name == name {
			(*as)[i].Value = value
			return
		}
	}
	*as = append(*as, Assignment{Name: name, Value: value})
}

// Values is one scope after validation and cleaning: property name → CSS
// value. Files list them in canonical order whatever the map order.
type Values map[string]string

// Defaults returns the designer's starting values for scope: every light
// default, or the properties that have a dark default (the colours and the
// shadow; fonts and radius carry over from light).
func Defaults(scope Scope) Values {
	out := Values{}
	for _, p := range coretheme.Properties() {
		v := p.Light
		if scope == Dark {
			v = p.Dark
		}
		if v != "" {
			out[p.Name] = v
		}
	}
	return out
}

// names returns the names of the properties of kind, in canonical order.
func names(kind coretheme.Kind) []string {
	var out []string
	for _, p := range coretheme.Properties() {
		if p.Kind == kind {
			out = append(out, p.Name)
		}
	}
	return out
}

// allNames returns every property name in canonical order.
func allNames() []string {
	props := coretheme.Properties()
	out := make([]string, len(props))
	for i, p := range props {
		out[i] = p.Name
	}
	return out
}
