package theme

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	coretheme "github.com/regstack/regstack/core/theme"
)

// FieldError is one rejected value: Field is the property name, Scope the
// scheme it was given for, Message the exact text of cli.md §12.4.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Scope   Scope  `json:"scope"`
}

// maxFreeText bounds font stacks and shadows, so a slip of the paste buffer
// cannot bloat the file.
const maxFreeText = 200

var (
	// hexColour is #rgb, #rrggbb or #rrggbbaa.
	hexColour = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	// rgbColour is rgb(r, g, b) or rgba(r, g, b, a), alpha 0, 1 or a fraction.
	rgbColour = regexp.MustCompile(`^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*(?:0|1|0?\.\d+)\s*)?\)$`)
	// radius is a number with an optional unit; a bare number gets px.
	radius     = regexp.MustCompile(`^\d+(?:\.\d+)?(?:px|rem|em)?$`)
	bareNumber = regexp.MustCompile(`^\d+(?:\.\d+)?$`)
)

// Validate checks one scope's assignments and returns the rejected ones in
// input order; nil means every value may be written. A nil or blank value
// means "not set" and is never an error; an unknown name always is.
func Validate(scope Scope, in Assignments) []FieldError {
	var errs []FieldError
	fail := func(name, format string, args ...any) {
		errs = append(errs, FieldError{Field: name, Message: fmt.Sprintf(format, args...), Scope: scope})
	}
	for _, a := range in {
		p, known := coretheme.Lookup(a.Name)
		if !known {
			fail(a.Name, "Unknown variable in %s scope: '%s'.", scope, a.Name)
			continue
		}
		if a.Value == nil {
			continue
		}
		s, ok := a.Value.(string)
		if !ok {
			fail(a.Name, "%s must be a string.", a.Name)
			continue
		}
		v := strings.TrimSpace(s)
		if v == "" {
			continue
		}
		if unsafeCSS(v) {
			// Free-text values end up verbatim inside a rule; these are
			// the characters that could close it or open another.
			fail(a.Name, "%s contains characters not allowed in a CSS value.", a.Name)
			continue
		}
		switch p.Kind {
		case coretheme.Colour:
			if !hexColour.MatchString(v) && !rgbColour.MatchString(v) {
				fail(a.Name, "%s must be a hex colour (#rgb / #rrggbb) or rgba(...).", a.Name)
			}
		case coretheme.Font:
			if utf8.RuneCountInString(v) > maxFreeText {
				fail(a.Name, "%s must be a non-empty font stack under %d chars.", a.Name, maxFreeText)
			}
		case coretheme.Radius:
			if !radius.MatchString(v) {
				fail(a.Name, "%s must be a number with optional px/rem/em suffix.", a.Name)
			}
		case coretheme.Shadow:
			if utf8.RuneCountInString(v) > maxFreeText {
				fail(a.Name, "%s must be a non-empty shadow under %d chars.", a.Name, maxFreeText)
			}
		}
	}
	return errs
}

// unsafeCSS reports whether v holds a character that could end the
// declaration, the rule or the stylesheet's <style> context, or hide text
// in a comment.
func unsafeCSS(v string) bool {
	if strings.ContainsAny(v, ";{}<\\") || strings.Contains(v, "/*") {
		return true
	}
	return strings.ContainsFunc(v, unicode.IsControl)
}

// Clean turns validated assignments into the values a file holds: values
// trimmed, unset and unknown names dropped, a bare radius number given px.
func Clean(in Assignments) Values {
	out := Values{}
	for _, a := range in {
		p, known := coretheme.Lookup(a.Name)
		s, isString := a.Value.(string)
		v := strings.TrimSpace(s)
		if !known || !isString || v == "" {
			continue
		}
		if p.Kind == coretheme.Radius && bareNumber.MatchString(v) {
			v += "px"
		}
		out[a.Name] = v
	}
	return out
}
