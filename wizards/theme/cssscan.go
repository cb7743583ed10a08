package theme

import (
	"regexp"
	"strings"

	coretheme "github.com/regstack/regstack/core/theme"
)

// rule is one block of a stylesheet: prelude { body }. Offsets index the
// text the rule was found in; end is one past the closing brace.
type rule struct {
	start, end         int
	prelude            string
	bodyStart, bodyEnd int
}

// rules returns the complete top-level rules of css in order. It knows just
// enough CSS to find braces that matter: comments and quoted strings are
// skipped, nested blocks are counted. An unterminated rule is not returned,
// so text that is not CSS yields no rules rather than a wrong one; balanced
// is false then, and for a stray closing brace, an unterminated comment or
// a statement left open at the end — text after which a browser would
// swallow anything appended.
func rules(css string) (out []rule, balanced bool) {
	depth, stmt := 0, -1
	var cur rule
	balanced = true
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			end := strings.Index(css[i+2:], "*/")
			if end < 0 {
				return out, false
			}
			i += 2 + end + 1
		case c == '"' || c == '\'':
			if depth == 0 && stmt < 0 {
				stmt = i
			}
			i = skipString(css, i)
		case c == '{':
			if depth == 0 {
				if stmt < 0 {
					stmt = i
				}
				cur = rule{start: stmt, prelude: css[stmt:i], bodyStart: i + 1}
			}
			depth++
		case c == '}':
			switch depth {
			case 0:
				balanced = false
				stmt = -1 // a stray brace ends nothing; start afresh
			case 1:
				cur.bodyEnd, cur.end = i, i+1
				out = append(out, cur)
				stmt = -1
				depth = 0
			default:
				depth--
			}
		case c == ';' && depth == 0:
			stmt = -1
		case depth == 0 && stmt < 0 && !isSpace(c):
			stmt = i
		}
	}
	return out, balanced && depth == 0 && stmt < 0
}

// skipString returns the index of the quote that closes the string opened
// at css[i], or the last index when it never closes.
func skipString(css string, i int) int {
	q := css[i]
	for j := i + 1; j < len(css); j++ {
		switch css[j] {
		case '\\':
			j++
		case q, '\n':
			return j
		}
	}
	return len(css) - 1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

var (
	comment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	spaces  = regexp.MustCompile(`\s+`)
	// darkMedia is the normalised prelude of the dark block.
	darkMedia = regexp.MustCompile(`^@media ?\( ?prefers-color-scheme ?: ?dark ?\)$`)
)

// normalise reduces a prelude to a comparable form: comments removed,
// whitespace collapsed, lower case.
func normalise(prelude string) string {
	s := comment.ReplaceAllString(prelude, " ")
	return strings.ToLower(strings.TrimSpace(spaces.ReplaceAllString(s, " ")))
}

// isRoot reports whether r is a `:root { … }` rule.
func isRoot(r rule) bool { return normalise(r.prelude) == ":root" }

// darkRoot returns the :root rule of r, offset into the same text as r,
// when r is a managed dark block: `@media (prefers-color-scheme: dark)`
// holding one :root rule and nothing else. A dark media rule with more in
// it belongs to the author and is left alone.
func darkRoot(css string, r rule) (rule, bool) {
	if !darkMedia.MatchString(normalise(r.prelude)) {
		return rule{}, false
	}
	body := css[r.bodyStart:r.bodyEnd]
	inner, balanced := rules(body)
	if !balanced || len(inner) != 1 || !isRoot(inner[0]) {
		return rule{}, false
	}
	in := inner[0]
	if strings.TrimSpace(body[:in.start]) != "" || strings.TrimSpace(body[in.end:]) != "" {
		return rule{}, false
	}
	in.start += r.bodyStart
	in.end += r.bodyStart
	in.bodyStart += r.bodyStart
	in.bodyEnd += r.bodyStart
	return in, true
}

// declarations returns the custom-property declarations of a rule body:
// every `--rs-<name>: <value>` pair whose name is a known property, values
// trimmed, a later declaration winning as it does in CSS.
func declarations(body string) Values {
	out := Values{}
	for _, decl := range splitDeclarations(comment.ReplaceAllString(body, " ")) {
		name, value, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		name = strings.TrimSpace(name)
		if _, known := coretheme.Lookup(name); !known {
			continue
		}
		if v := strings.TrimSpace(value); v != "" {
			out[name] = v
		}
	}
	return out
}

// splitDeclarations splits a rule body at the semicolons that end
// declarations (not those inside strings or parentheses).
func splitDeclarations(body string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"', '\'':
			i = skipString(body, i)
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				out = append(out, body[start:i])
				start = i + 1
			}
		}
	}
	return append(out, body[start:])
}
