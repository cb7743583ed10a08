package config

import (
	"errors"
	"strings"

	"github.com/BurntSushi/toml"
)

// tomlTable is how MetaData.Type names a table or an inline table.
const tomlTable = "Hash"

// readTOML turns regstack.toml into one setting per known key, each with its
// line, and warns about unknown keys and tables (config.md §1.5). Malformed
// TOML is an *Error naming the file and line: nothing in it can be used.
func readTOML(path string, data []byte, report *Report) ([]setting, []Problem, error) {
	var top map[string]toml.Primitive
	md, err := toml.Decode(string(data), &top)
	if err != nil {
		return nil, nil, &Error{Problems: []Problem{malformedTOML(path, err)}}
	}
	r := tomlReader{path: path, md: md, top: top, tables: map[string]map[string]toml.Primitive{}}
	var (
		out      []setting
		problems []Problem
		skipped  []string // unknown tables: their keys are not reported again
	)
keys:
	for _, key := range md.Keys() {
		dotted := key.String()
		for _, prefix := range skipped {
			if strings.HasPrefix(dotted, prefix+".") {
				continue keys
			}
		}
		typ := md.Type(key...)
		info, known := registry.lookup(strings.Join(key, "."))
		switch {
		case len(key) == 1 && registry.tables[strings.ToLower(key[0])]:
			if typ != tomlTable {
				_, line := r.value(key)
				problems = append(problems, Problem{Key: strings.ToLower(key[0]), Source: r.source(line), Message: "expected a table"})
				skipped = append(skipped, dotted)
			}
			continue
		case known && strings.Count(info.name, ".") == len(key)-1:
			raw, line := r.value(key)
			out = append(out, setting{key: info.name, raw: raw, src: r.source(line)})
		default:
			_, line := r.value(key)
			what := "unknown key"
			if typ == tomlTable || strings.HasPrefix(typ, "Array") && typ != "Array" {
				what = "unknown table"
				skipped = append(skipped, dotted)
			}
			report.warn(dotted, r.source(line), what+"; ignored")
		}
	}
	return out, problems, nil
}

// tomlReader gets each key's value and line through the decoder's public
// API: decoding a Primitive into a type whose UnmarshalTOML fails makes the
// decoder report the key's position.
type tomlReader struct {
	path   string
	md     toml.MetaData
	top    map[string]toml.Primitive
	tables map[string]map[string]toml.Primitive
}

func (r *tomlReader) source(line int) Source {
	return Source{Layer: LayerTOML, File: r.path, Line: line}
}

// value returns the raw value of key and its line. Keys nested deeper than
// the configuration goes (or inside arrays of tables) give only the line of
// their outermost known ancestor.
func (r *tomlReader) value(key toml.Key) (any, int) {
	prim, ok := r.top[key[0]]
	for i := 1; ok && i < len(key); i++ {
		parent := key[:i].String()
		sub, cached := r.tables[parent]
		if !cached {
			if err := r.md.PrimitiveDecode(prim, &sub); err != nil {
				break
			}
			r.tables[parent] = sub
		}
		prim, ok = sub[key[i]]
	}
	var p positionProbe
	err := r.md.PrimitiveDecode(prim, &p)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return p.value, pe.Position.Line
	}
	return p.value, 0
}

// positionProbe captures a value and fails on purpose so that the decoder
// returns a ParseError carrying the key's position.
type positionProbe struct{ value any }

var errProbe = errors.New("position probe")

// UnmarshalTOML keeps the value and fails, see positionProbe.
func (p *positionProbe) UnmarshalTOML(v any) error {
	p.value = v
	return errProbe
}

// malformedTOML reports a syntax error. Quoted fragments of the parser's
// message are hidden unless they name a key, since the offending text may
// be a secret (`jwt_secret = unquoted-value`).
func malformedTOML(path string, err error) Problem {
	p := Problem{Source: Source{Layer: LayerTOML, File: path}, Message: "malformed TOML"}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.Line, p.Message = pe.Position.Line, p.Message+": "+redactQuoted(pe.Message)
	}
	return p
}

// DescribeTOMLError words an error of the TOML parser for an operator: the
// line it names (0 when none) and its message, with every quoted fragment
// that may be a secret replaced by "…" (known keys and table names stay).
// Tools that parse regstack.toml themselves report through it, so a
// secret never reaches a terminal by way of a parse error.
func DescribeTOMLError(err error) (line int, message string) {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return pe.Position.Line, redactQuoted(pe.Message)
	}
	return 0, redactQuoted(err.Error())
}

// redactQuoted replaces the contents of '…' and "…" fragments with "…"
// unless the fragment is a known key or table name.
func redactQuoted(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(msg, `"'`)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		q := msg[i]
		j := strings.IndexByte(msg[i+1:], q)
		if j < 0 {
			b.WriteString(msg)
			return b.String()
		}
		inner := msg[i+1 : i+1+j]
		b.WriteString(msg[:i+1])
		if _, known := registry.lookup(inner); known || registry.tables[strings.ToLower(inner)] {
			b.WriteString(inner)
		} else {
			b.WriteString("…")
		}
		b.WriteByte(q)
		msg = msg[i+2+j:]
	}
}
