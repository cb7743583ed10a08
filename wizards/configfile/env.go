package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// EnvVar is one NAME=value line of regstack.secrets.env.
type EnvVar struct {
	Name, Value string
}

// ErrLineBreak is the error for a secret containing a line break, which
// one KEY=VALUE line cannot hold (cli.md §14.2 rule 6). The wizards show it
// as "Must not contain line breaks." under the field.
var ErrLineBreak = errors.New("must not contain line breaks")

// MergeEnv sets each variable in the secrets file src (cli.md §14.2): the
// first line for the name ("NAME=…", also with leading spaces, spaces
// before the "=", or "export NAME=…") is replaced in place and later ones
// are dropped, so the file says one thing; a name with no line is
// appended. Every other line — comments, blank lines, other names, CRLF
// endings — is kept byte for byte, and a changed file ends with a line
// break. A value is written raw, or between double quotes when the
// loader would otherwise strip its outer spaces or quotes. Values with a
// line break wrap ErrLineBreak. src comes back unchanged (the same bytes)
// when every variable already holds its value.
func MergeEnv(src []byte, vars []EnvVar) ([]byte, error) {
	f := splitEnv(src)
	for _, v := range vars {
		if err := checkEnvName(v.Name); err != nil {
			return nil, err
		}
		line, err := EnvLine(v)
		if err != nil {
			return nil, err
		}
		if err := f.set(v.Name, line); err != nil {
			return nil, err
		}
	}
	return f.bytes(src), nil
}

// RemoveEnv deletes every line of each named variable (cli.md §14.2 rule
// 3). src comes back unchanged when none of them had a line.
func RemoveEnv(src []byte, names []string) ([]byte, error) {
	f := splitEnv(src)
	for _, name := range names {
		if err := checkEnvName(name); err != nil {
			return nil, err
		}
		if err := f.remove(name); err != nil {
			return nil, err
		}
	}
	return f.bytes(src), nil
}

// HasEnv reports whether the secrets file has a line for name.
func HasEnv(src []byte, name string) bool {
	f := splitEnv(src)
	for _, l := range f.lines {
		if slices.Contains(f.names[l], name) {
			return true
		}
	}
	return false
}

func checkEnvName(name string) error {
	if name == "" {
		return errors.New("configfile: empty variable name")
	}
	for i, c := range name {
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return fmt.Errorf("configfile: %q is not a variable name", name)
	}
	return nil
}

// EnvLine writes NAME=value (no newline) so that core/config reads back exactly
// value: it strips white space around the value and one pair of matching
// quotes, and splits lines at every Unicode line boundary.
func EnvLine(v EnvVar) (string, error) {
	if HasLineBreak(v.Value) {
		return "", fmt.Errorf("%s: %w", v.Name, ErrLineBreak)
	}
	value := v.Value
	if needsEnvQuotes(value) {
		value = `"` + value + `"`
	}
	return v.Name + "=" + value, nil
}

// HasLineBreak reports whether s holds a line boundary the loader splits
// regstack.secrets.env at ("\n", "\r", U+2028 …), which EnvLine refuses
// with ErrLineBreak. The wizards judge secret fields with it, so what they
// accept is exactly what the writer can write.
func HasLineBreak(s string) bool {
	return strings.ContainsAny(s, "\n"+lineBreaks)
}

func needsEnvQuotes(v string) bool {
	if v == "" {
		return false
	}
	if strings.TrimFunc(v, isLoaderSpace) != v {
		return true
	}
	return strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) ||
		strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'")
}

// isLoaderSpace is the white space core/config strips (Python's
// str.strip).
func isLoaderSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= '\x1c' && r <= '\x1f'
}

// envFile is a secrets file as lines, each with its own line break.
type envFile struct {
	lines   []*envLine
	names   map[*envLine][]string // the variables a line sets
	eol     string
	changed bool
}

type envLine struct {
	text string // without the line break
	eol  string // "\n", "\r\n", or "" for a last line without one
}

func splitEnv(src []byte) *envFile {
	f := &envFile{names: map[*envLine][]string{}, eol: "\n"}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		f.eol = "\r\n"
	}
	rest := string(src)
	for rest != "" {
		l := &envLine{}
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			l.text, l.eol, rest = rest[:i], "\n", rest[i+1:]
			if strings.HasSuffix(l.text, "\r") {
				l.text, l.eol = l.text[:len(l.text)-1], "\r\n"
			}
		} else {
			l.text, rest = rest, ""
		}
		f.lines = append(f.lines, l)
		f.names[l] = envLineNames(l.text)
	}
	return f
}

// lineBreaks are the line boundaries core/config splits the file at besides
// "\n" (Python's str.splitlines).
const lineBreaks = "\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029"

// loaderLines splits text at the loader's other line boundaries, dropping
// empty parts (a trailing "\r" ends a line, it starts no other).
func loaderLines(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(lineBreaks, r) })
}

// envLineNames lists the variables a line sets: "NAME=…", with optional
// leading spaces, "export " and spaces before "=". A line holding one of
// the loader's other line boundaries is several lines to it, so each part
// counts.
func envLineNames(text string) []string {
	var names []string
	for _, part := range loaderLines(text) {
		t := strings.TrimLeftFunc(part, isLoaderSpace)
		if rest, ok := strings.CutPrefix(t, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			t = strings.TrimLeft(rest, " \t")
		}
		name, _, found := strings.Cut(t, "=")
		if !found {
			continue
		}
		name = strings.TrimRightFunc(name, isLoaderSpace)
		if checkEnvName(name) == nil {
			names = append(names, name)
		}
	}
	return names
}

// shared refuses to edit a line that the loader reads as several (it holds
// one of lineBreaks): replacing or dropping it would take the other
// variables and comments on it along.
func (f *envFile) shared(name string) error {
	for i, l := range f.lines {
		if slices.Contains(f.names[l], name) && len(loaderLines(l.text)) > 1 {
			return fmt.Errorf("regstack.secrets.env line %d sets %s together with other text that the loader reads as separate lines (a carriage return or another line break inside it); %w", i+1, name, ErrUnsupported)
		}
	}
	return nil
}

func (f *envFile) set(name, text string) error {
	if err := f.shared(name); err != nil {
		return err
	}
	var kept []*envLine
	done := false
	for _, l := range f.lines {
		if !slices.Contains(f.names[l], name) {
			kept = append(kept, l)
			continue
		}
		if done {
			f.changed = true // a later duplicate goes
			continue
		}
		done = true
		if l.text != text {
			l.text = text
			f.names[l] = []string{name}
			f.changed = true
		}
		kept = append(kept, l)
	}
	if !done {
		l := &envLine{text: text}
		f.names[l] = []string{name}
		kept = append(kept, l)
		f.changed = true
	}
	f.lines = kept
	return nil
}

func (f *envFile) remove(name string) error {
	if err := f.shared(name); err != nil {
		return err
	}
	var kept []*envLine
	for _, l := range f.lines {
		if slices.Contains(f.names[l], name) {
			f.changed = true
			continue
		}
		kept = append(kept, l)
	}
	f.lines = kept
	return nil
}

// bytes renders the file, or returns src itself when nothing changed.
func (f *envFile) bytes(src []byte) []byte {
	if !f.changed {
		return src
	}
	var b strings.Builder
	for _, l := range f.lines {
		b.WriteString(l.text)
		if l.eol == "" {
			b.WriteString(f.eol)
		} else {
			b.WriteString(l.eol)
		}
	}
	return []byte(b.String())
}
