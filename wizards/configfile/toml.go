package configfile

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Setting is one key a wizard writes to regstack.toml.
type Setting struct {
	// Table is the key's table ("oauth", "email"); empty for a top-level
	// key.
	Table string
	Key   string
	// Value is a string, bool, int, int64, float64 or []string. Nil
	// removes the key (MergeTOML only).
	Value any
}

// String names the setting as a dotted key ("oauth.google_client_id") for
// messages; it never shows the value.
func (s Setting) String() string {
	if s.Table == "" {
		return s.Key
	}
	return s.Table + "." + s.Key
}

// ErrUnsupported is wrapped by the errors of edits the editor refuses
// rather than risk a wrong file: a managed table written as an inline
// table or an array of tables, or a key that is a table (cli.md §14.1
// rule 8).
var ErrUnsupported = errors.New("edit it by hand")

// MergeTOML sets each setting in src, in order, following cli.md §14.1:
// an existing key keeps its place, its spelling and its line's trailing
// comment, and gets the new value (unless it already holds an equal one);
// a missing top-level key goes after the last top-level key (rule 2); a
// missing key of an existing table goes after that table's last key (rule
// 4); a missing table is appended at the end of the file after one blank
// line. A nil Value deletes the key's lines. Every other byte is kept.
//
// Table and key names match as core/config reads them, ignoring case. A
// table may be a [table] section or dotted keys at the top level
// (email.backend = …); an inline table or an array of tables is refused
// with an error wrapping ErrUnsupported. src that is not valid TOML is an
// *InvalidTOMLError naming the line.
func MergeTOML(src []byte, settings []Setting) ([]byte, error) {
	out := src
	for _, s := range settings {
		if err := checkSetting(s, s.Value != nil); err != nil {
			return nil, err
		}
		d, err := parseDocument(out)
		if err != nil {
			return nil, err
		}
		if out, err = d.set(s); err != nil {
			return nil, err
		}
	}
	if err := verifySettings(out, settings); err != nil {
		return nil, err
	}
	return out, nil
}

// ReplaceTable replaces the table wholesale (cli.md §14.1 rule 3): its
// header and every line up to the next table's header — keys and comments
// of the old table alike — give way, at the same position, to a fresh
// [table] holding exactly settings, in order. Blank lines before the next
// table, and a comment block attached to its header, are kept. An absent
// table is appended at the end after one blank line; one written as
// top-level dotted keys loses those lines and is appended likewise. Every
// setting's Table must be table, and none may be nil.
func ReplaceTable(src []byte, table string, settings []Setting) ([]byte, error) {
	if table == "" {
		return nil, errors.New("configfile: ReplaceTable needs a table name")
	}
	for _, s := range settings {
		if !strings.EqualFold(s.Table, table) {
			return nil, fmt.Errorf("configfile: setting %s is not in table %s", s, table)
		}
		if err := checkSetting(s, true); err != nil {
			return nil, err
		}
	}
	d, err := parseDocument(src)
	if err != nil {
		return nil, err
	}
	out, err := d.replaceTable(table, settings)
	if err != nil {
		return nil, err
	}
	if err := verifySettings(out, settings); err != nil {
		return nil, err
	}
	return out, nil
}

// HasTable reports whether src defines the table, in any form, as
// core/config would read it (ignoring case). src that is not valid TOML is
// an *InvalidTOMLError.
func HasTable(src []byte, table string) (bool, error) {
	top, err := decode(src)
	if err != nil {
		return false, err
	}
	_, ok := lookupFold(top, table).(map[string]any)
	return ok, nil
}

// Lookup returns the value of table.key in src as the TOML parser decodes
// it (string, bool, int64, float64, []any, …), and whether it is set.
// Table "" is the top level. The wizards prefill their forms from it.
func Lookup(src []byte, table, key string) (any, bool, error) {
	top, err := decode(src)
	if err != nil {
		return nil, false, err
	}
	m := top
	if table != "" {
		if m, _ = lookupFold(top, table).(map[string]any); m == nil {
			return nil, false, nil
		}
	}
	v := lookupFold(m, key)
	return v, v != nil, nil
}

func decode(src []byte) (map[string]any, error) {
	if err := checkTOML(src); err != nil {
		return nil, err
	}
	top := map[string]any{}
	_, err := toml.Decode(string(src), &top) // checked just above
	return top, err
}

// lookupFold finds name in m the way core/config does: ignoring case.
// An exact match wins over a folded one.
func lookupFold(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func checkSetting(s Setting, needValue bool) error {
	if s.Key == "" {
		return fmt.Errorf("configfile: setting with an empty key in table %q", s.Table)
	}
	if !utf8.ValidString(s.Table) || !utf8.ValidString(s.Key) {
		return fmt.Errorf("configfile: setting %q is not UTF-8", s.String())
	}
	if needValue {
		if _, err := encodeValue(s.Value); err != nil {
			return fmt.Errorf("configfile: %s: %w", s, err)
		}
	}
	return nil
}

// verifySettings re-reads the result: it must parse, and every setting
// must read back as written (or be gone, for a nil Value).
func verifySettings(out []byte, settings []Setting) error {
	top, err := decode(out)
	if err != nil {
		return fmt.Errorf("configfile: the edit produced invalid TOML (%v); nothing written", err)
	}
	final := map[string]any{}
	for _, s := range settings {
		final[strings.ToLower(s.String())] = s.Value
	}
	for _, s := range settings {
		want := final[strings.ToLower(s.String())]
		m := top
		if s.Table != "" {
			m, _ = lookupFold(top, s.Table).(map[string]any)
		}
		var got any
		if m != nil {
			got = lookupFold(m, s.Key)
		}
		if !sameValue(got, want) {
			return fmt.Errorf("configfile: %s does not read back as written; nothing written: %w", s, ErrUnsupported)
		}
	}
	return nil
}

// sameValue compares a decoded TOML value with a Setting value.
func sameValue(decoded, want any) bool {
	if want == nil {
		return decoded == nil
	}
	enc, err := encodeValue(want)
	if err != nil {
		return false
	}
	var probe map[string]any
	if _, err := toml.Decode("v = "+enc, &probe); err != nil {
		return false
	}
	return reflect.DeepEqual(probe["v"], decoded)
}

// splice replaces src[start:end] with text.
func (d *document) splice(start, end int, text string) []byte {
	out := make([]byte, 0, len(d.src)-(end-start)+len(text))
	out = append(out, d.src[:start]...)
	out = append(out, text...)
	return append(out, d.src[end:]...)
}

// section is the top level (header -1) or one [table] / [[table]] with its
// statements: stmts[first:last+1], the header included.
type section struct {
	header      int
	path        []string
	array       bool
	first, last int
}

func (d *document) sections() []section {
	secs := []section{{header: -1, first: 0, last: -1}}
	for i, st := range d.stmts {
		if st.kind == stmtTable || st.kind == stmtArrayTable {
			secs = append(secs, section{header: i, path: st.path, array: st.kind == stmtArrayTable, first: i, last: i})
			continue
		}
		secs[len(secs)-1].last = i
	}
	return secs
}

func pathIs(path []string, want ...string) bool {
	if len(path) != len(want) {
		return false
	}
	for i := range path {
		if !strings.EqualFold(path[i], want[i]) {
			return false
		}
	}
	return true
}

// tableForms is how a table appears in a document.
type tableForms struct {
	section    *section // its [table] section
	dotted     []int    // top-level statements "table.key = …"
	inline     bool     // "table = { … }"
	scalar     bool     // "table = <not a table>"
	arrayTable bool     // [[table]]
}

func (d *document) findTable(secs []section, table string) tableForms {
	var f tableForms
	for i := range secs {
		sec := &secs[i]
		if sec.header < 0 {
			for j := sec.first; j <= sec.last; j++ {
				st := d.stmts[j]
				if st.kind != stmtKeyValue || !strings.EqualFold(st.path[0], table) {
					continue
				}
				switch {
				case len(st.path) > 1:
					f.dotted = append(f.dotted, j)
				case d.src[st.valStart] == '{':
					f.inline = true
				default:
					f.scalar = true
				}
			}
			continue
		}
		if pathIs(sec.path, table) {
			if sec.array {
				f.arrayTable = true
			} else if f.section == nil {
				f.section = sec
			}
		}
	}
	return f
}

func (f tableForms) refusal(table string) error {
	switch {
	case f.inline:
		return fmt.Errorf("[%s] is written as an inline table (%s = { … }); %w", table, table, ErrUnsupported)
	case f.arrayTable:
		return fmt.Errorf("[%s] is written as an array of tables ([[%s]]); %w", table, table, ErrUnsupported)
	case f.scalar:
		return fmt.Errorf("%s is a value, not a table; %w", table, ErrUnsupported)
	}
	return nil
}

// set applies one setting (see MergeTOML).
func (d *document) set(s Setting) ([]byte, error) {
	secs := d.sections()
	var (
		found     = -1
		insertAt  = -1 // statement after which a new key goes
		keyPrefix string
		newTable  bool
	)
	if s.Table == "" {
		top := secs[0]
		lastComment := -1
		for j := top.first; j <= top.last; j++ {
			st := d.stmts[j]
			switch {
			case st.kind == stmtKeyValue && pathIs(st.path, s.Key):
				found = j
			case st.kind == stmtKeyValue:
				insertAt = j
			case st.kind == stmtComment:
				lastComment = j
			}
		}
		if insertAt < 0 {
			insertAt = lastComment
		}
	} else {
		f := d.findTable(secs, s.Table)
		if err := f.refusal(s.Table); err != nil {
			return nil, err
		}
		switch {
		case f.section != nil:
			insertAt = f.section.header
			for j := f.section.first + 1; j <= f.section.last; j++ {
				if st := d.stmts[j]; st.kind == stmtKeyValue {
					if pathIs(st.path, s.Key) {
						found = j
					}
					insertAt = j
				}
			}
		case len(f.dotted) > 0:
			for _, j := range f.dotted {
				st := d.stmts[j]
				if pathIs(st.path, st.path[0], s.Key) {
					found = j
				}
				insertAt = j
			}
			keyPrefix = d.stmts[f.dotted[0]].path[0]
		default:
			newTable = true
		}
	}

	if s.Value == nil {
		if found < 0 {
			return d.src, nil
		}
		st := d.stmts[found]
		return d.splice(st.start, st.end, ""), nil
	}
	enc, err := encodeValue(s.Value)
	if err != nil {
		return nil, err
	}
	if found >= 0 {
		st := d.stmts[found]
		old := string(d.src[st.valStart:st.valEnd])
		if equalEncoded(old, enc) {
			return d.src, nil
		}
		return d.splice(st.valStart, st.valEnd, enc), nil
	}

	key := encodeKey(s.Key)
	if keyPrefix != "" {
		key = encodeKey(keyPrefix) + "." + key
	}
	line := key + " = " + enc + d.eol
	if newTable {
		return d.appendTable("[" + encodeKey(s.Table) + "]" + d.eol + line), nil
	}
	return d.insertAfter(insertAt, line), nil
}

// equalEncoded reports whether two encoded TOML values decode equal.
func equalEncoded(a, b string) bool {
	var pa, pb map[string]any
	if _, err := toml.Decode("v = "+a, &pa); err != nil {
		return false
	}
	if _, err := toml.Decode("v = "+b, &pb); err != nil {
		return false
	}
	return reflect.DeepEqual(pa, pb)
}

// insertAfter inserts text (whole lines) after statement i, or at the
// start of the document when i is -1. A first key landing right before a
// table header (at the top of the file, or under its opening comment) gets
// a blank line after it, so the header keeps its distance; after another
// key it follows the file's own spacing.
func (d *document) insertAfter(i int, text string) []byte {
	at := d.body
	if i >= 0 {
		at = d.stmts[i].end
		if at == len(d.src) && at > 0 && d.src[at-1] != '\n' {
			text = d.eol + text
		}
	}
	if next := i + 1; next < len(d.stmts) && (i < 0 || d.stmts[i].kind == stmtComment) {
		if k := d.stmts[next].kind; k == stmtTable || k == stmtArrayTable {
			text += d.eol
		}
	}
	return d.splice(at, at, text)
}

// appendTable appends a table's lines at the end of the document, after
// one blank line when the document has content.
func (d *document) appendTable(text string) []byte {
	var lead string
	if n := len(d.src); n > d.body {
		if d.src[n-1] != '\n' {
			lead = d.eol
		}
		if !d.onlyBlank() && !d.endsWithBlankLine() {
			lead += d.eol
		}
	}
	return d.splice(len(d.src), len(d.src), lead+text)
}

func (d *document) onlyBlank() bool {
	for _, st := range d.stmts {
		if st.kind != stmtBlank {
			return false
		}
	}
	return true
}

// endsWithBlankLine: the last statement is an empty line.
func (d *document) endsWithBlankLine() bool {
	if len(d.stmts) == 0 {
		return true
	}
	last := d.stmts[len(d.stmts)-1]
	return last.kind == stmtBlank && strings.TrimSpace(string(d.src[last.start:last.end])) == "" && d.src[len(d.src)-1] == '\n'
}

// replaceTable applies ReplaceTable.
func (d *document) replaceTable(table string, settings []Setting) ([]byte, error) {
	secs := d.sections()
	f := d.findTable(secs, table)
	if err := f.refusal(table); err != nil {
		return nil, err
	}
	var body strings.Builder
	body.WriteString("[" + encodeKey(table) + "]" + d.eol)
	for _, s := range settings {
		enc, err := encodeValue(s.Value)
		if err != nil {
			return nil, err
		}
		body.WriteString(encodeKey(s.Key) + " = " + enc + d.eol)
	}
	if f.section == nil {
		if len(f.dotted) == 0 {
			return d.appendTable(body.String()), nil
		}
		// Drop the dotted keys, last first so earlier offsets hold, then
		// append the table to what is left.
		out := d.src
		for k := len(f.dotted) - 1; k >= 0; k-- {
			st := d.stmts[f.dotted[k]]
			out = append(append([]byte(nil), out[:st.start]...), out[st.end:]...)
		}
		rest, err := parseDocument(out)
		if err != nil {
			return nil, err
		}
		return rest.appendTable(body.String()), nil
	}
	sec := f.section
	end := sec.header
	for j := sec.header + 1; j <= sec.last; j++ {
		if d.stmts[j].kind == stmtKeyValue {
			end = j
		}
	}
	// Comment lines right after the last key belong to the table, unless
	// they run straight into the next header, which they then introduce.
	j := end + 1
	for j <= sec.last && d.stmts[j].kind == stmtComment {
		j++
	}
	if touchesNext := j > sec.last && sec.last+1 < len(d.stmts); !touchesNext {
		end = j - 1
	}
	return d.splice(d.stmts[sec.header].start, d.stmts[end].end, body.String()), nil
}
