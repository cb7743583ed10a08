package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/regstack/regstack/core/config"
)

// stmtKind says what one TOML statement is.
type stmtKind int

const (
	stmtBlank stmtKind = iota // an empty or whitespace-only line
	stmtComment
	stmtTable      // [a.b]
	stmtArrayTable // [[a.b]]
	stmtKeyValue   // a.b = value
)

// stmt is one statement of a TOML document. TOML puts every statement on
// lines of its own (a value may span several), so a statement is a whole
// run of lines: start is the first byte of its first line and end the byte
// after its last line's line break (or the end of the document).
type stmt struct {
	kind       stmtKind
	start, end int
	line       int      // 1-based line of start
	path       []string // the header's or the key's parts, unquoted
	// keyValue only: the value's bytes are src[valStart:valEnd]; what
	// follows on the value's last line (spaces, a comment) is kept when
	// the value is replaced.
	valStart, valEnd int
}

// document is a TOML file split into statements. Nothing is normalised:
// the statements' byte ranges cover the source exactly, in order.
type document struct {
	src   []byte
	stmts []stmt
	// eol is the line break new lines get: the file's first one, so a CRLF
	// file stays CRLF.
	eol string
	// body is where the first statement starts: after a leading UTF-8
	// byte order mark, which the parser skips and the output keeps.
	body int
}

// utf8BOM is the byte order mark some editors put at the start of a file.
const utf8BOM = "\ufeff"

// InvalidTOMLError is a document the editor refuses to touch because it is
// not valid TOML (cli.md §14.1 rule 7). Quoted fragments of the parser's
// message are hidden, since the offending text may be a secret.
type InvalidTOMLError struct {
	// File is the file's name ("regstack.toml") when known; Plan sets it.
	File   string
	Line   int // 1-based; 0 when the parser did not say
	Reason string
}

// Error reads "regstack.toml is not valid TOML: line <n>: <reason>" (or
// "not valid TOML: …" without a file name), the text cli.md §14.1 rule 7
// shows the operator.
func (e *InvalidTOMLError) Error() string {
	msg := "not valid TOML: "
	if e.File != "" {
		msg = e.File + " is " + msg
	}
	if e.Line > 0 {
		msg += fmt.Sprintf("line %d: ", e.Line)
	}
	return msg + e.Reason
}

// parseDocument checks src with the TOML parser and splits it into
// statements.
func parseDocument(src []byte) (*document, error) {
	if err := checkTOML(src); err != nil {
		return nil, err
	}
	d := &document{src: src, eol: "\n"}
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		d.eol = "\r\n"
	}
	if bytes.HasPrefix(src, []byte(utf8BOM)) {
		d.body = len(utf8BOM)
	}
	s := scanner{src: src, pos: d.body, line: 1}
	for s.pos < len(src) {
		st, err := s.statement()
		if err != nil {
			// The parser accepted what the scanner cannot follow: refuse
			// rather than guess where a value ends.
			return nil, &InvalidTOMLError{Line: s.line, Reason: "unsupported construct: " + err.Error()}
		}
		d.stmts = append(d.stmts, st)
	}
	return d, nil
}

// checkTOML parses src with BurntSushi/toml, the parser core/config reads
// regstack.toml with.
func checkTOML(src []byte) error {
	if !utf8.Valid(src) {
		return &InvalidTOMLError{Reason: "the file is not UTF-8"}
	}
	var v map[string]any
	if _, err := toml.Decode(string(src), &v); err != nil {
		line, reason := config.DescribeTOMLError(err)
		return &InvalidTOMLError{Line: line, Reason: reason}
	}
	return nil
}

// scanner walks a document that the TOML parser has accepted, so it only
// has to find where things end, not to check them.
type scanner struct {
	src  []byte
	pos  int
	line int
}

var errScan = errors.New("unexpected input")

func (s *scanner) peek(off int) byte {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

// statement reads one statement starting at the beginning of a line.
func (s *scanner) statement() (stmt, error) {
	st := stmt{start: s.pos, line: s.line}
	s.skipSpace()
	switch c := s.peek(0); {
	case c == 0 || c == '\n' || c == '\r':
		st.kind = stmtBlank
	case c == '#':
		st.kind = stmtComment
	case c == '[':
		st.kind = stmtTable
		s.pos++
		if s.peek(0) == '[' {
			st.kind = stmtArrayTable
			s.pos++
		}
		path, err := s.key()
		if err != nil {
			return st, err
		}
		st.path = path
		s.skipSpace()
		if s.peek(0) != ']' {
			return st, errScan
		}
		s.pos++
		if st.kind == stmtArrayTable {
			if s.peek(0) != ']' {
				return st, errScan
			}
			s.pos++
		}
	default:
		st.kind = stmtKeyValue
		path, err := s.key()
		if err != nil {
			return st, err
		}
		st.path = path
		s.skipSpace()
		if s.peek(0) != '=' {
			return st, errScan
		}
		s.pos++
		s.skipSpace()
		st.valStart = s.pos
		if err := s.value(); err != nil {
			return st, err
		}
		st.valEnd = s.pos
	}
	if err := s.restOfLine(); err != nil {
		return st, err
	}
	st.end = s.pos
	return st, nil
}

// restOfLine skips spaces and a comment and consumes the line break.
func (s *scanner) restOfLine() error {
	s.skipSpace()
	if s.peek(0) == '#' {
		for s.pos < len(s.src) && s.src[s.pos] != '\n' && !(s.src[s.pos] == '\r' && s.peek(1) == '\n') {
			s.pos++
		}
	}
	switch {
	case s.pos >= len(s.src):
	case s.src[s.pos] == '\n':
		s.pos++
		s.line++
	case s.src[s.pos] == '\r' && s.peek(1) == '\n':
		s.pos += 2
		s.line++
	default:
		return errScan
	}
	return nil
}

// key reads a possibly dotted key and returns its parts unquoted.
func (s *scanner) key() ([]string, error) {
	var parts []string
	for {
		s.skipSpace()
		var part string
		switch c := s.peek(0); {
		case c == '"':
			start := s.pos
			if err := s.basicString(); err != nil {
				return nil, err
			}
			p, err := unquoteBasic(string(s.src[start:s.pos]))
			if err != nil {
				return nil, err
			}
			part = p
		case c == '\'':
			start := s.pos
			if err := s.literalString(); err != nil {
				return nil, err
			}
			part = string(s.src[start+1 : s.pos-1])
		case isBareKeyByte(c):
			start := s.pos
			for isBareKeyByte(s.peek(0)) {
				s.pos++
			}
			part = string(s.src[start:s.pos])
		default:
			return nil, errScan
		}
		parts = append(parts, part)
		s.skipSpace()
		if s.peek(0) != '.' {
			return parts, nil
		}
		s.pos++
	}
}

func isBareKeyByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value skips one value of any type.
func (s *scanner) value() error {
	switch c := s.peek(0); c {
	case '"':
		if s.peek(1) == '"' && s.peek(2) == '"' {
			return s.multiline('"')
		}
		return s.basicString()
	case '\'':
		if s.peek(1) == '\'' && s.peek(2) == '\'' {
			return s.multiline('\'')
		}
		return s.literalString()
	case '[', '{':
		return s.bracketed()
	case 0, '\n', '\r', '#':
		return errScan
	default:
		s.scalar()
		return nil
	}
}

// basicString skips "…" with its escapes.
func (s *scanner) basicString() error {
	s.pos++
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return nil
		case '\n':
			return errScan
		default:
			s.pos++
		}
	}
	return errScan
}

// literalString skips '…'.
func (s *scanner) literalString() error {
	s.pos++
	i := bytes.IndexAny(s.src[s.pos:], "'\n")
	if i < 0 || s.src[s.pos+i] != '\'' {
		return errScan
	}
	s.pos += i + 1
	return nil
}

// multiline skips a multi-line basic or literal string, from its three
// opening quotes to its three closing ones. Up to two more quotes may stand
// right before the closing three, as part of the content.
func (s *scanner) multiline(q byte) error {
	s.pos += 3
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '\\' && q == '"':
			if s.peek(1) == '\n' {
				s.line++
			}
			s.pos += 2
		case c == q && s.peek(1) == q && s.peek(2) == q:
			run := 3
			for run < 5 && s.peek(run) == q {
				run++
			}
			s.pos += run
			return nil
		case c == '\n':
			s.line++
			s.pos++
		default:
			s.pos++
		}
	}
	return errScan
}

// bracketed skips an array or an inline table, which may nest, hold
// strings and (arrays, and inline tables in TOML 1.1) span lines with
// comments.
func (s *scanner) bracketed() error {
	depth := 0
	for s.pos < len(s.src) {
		switch c := s.src[s.pos]; c {
		case '[', '{':
			depth++
			s.pos++
		case ']', '}':
			depth--
			s.pos++
			if depth == 0 {
				return nil
			}
		case '"', '\'':
			if err := s.value(); err != nil {
				return err
			}
		case '#':
			for s.pos < len(s.src) && s.src[s.pos] != '\n' {
				s.pos++
			}
		case '\n':
			s.line++
			s.pos++
		default:
			s.pos++
		}
	}
	return errScan
}

// scalar skips a number, boolean or date-time. A date and a time may be
// separated by one space ("1979-05-27 07:32:00Z").
func (s *scanner) scalar() {
	start := s.pos
	for {
		c := s.peek(0)
		if c == 0 || c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\r' || c == '\n' {
			break
		}
		s.pos++
	}
	if s.peek(0) == ' ' && isDate(s.src[start:s.pos]) && isDigit(s.peek(1)) {
		s.pos++
		s.scalar()
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isDate matches YYYY-MM-DD.
func isDate(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	for i, c := range b {
		if i != 4 && i != 7 && !isDigit(c) {
			return false
		}
	}
	return true
}

// unquoteBasic decodes a TOML basic string, quotes included. The parser
// has already checked it, so every escape here is well formed.
func unquoteBasic(q string) (string, error) {
	if len(q) < 2 {
		return "", errScan
	}
	q = q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(q) {
			return "", errScan
		}
		switch q[i] {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(q[i])
		case 'x', 'u', 'U':
			n := 2
			switch q[i] {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if i+1+n > len(q) {
				return "", errScan
			}
			r, err := strconv.ParseUint(q[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", errScan
			}
			b.WriteRune(rune(r))
			i += n
		default:
			return "", errScan
		}
	}
	return b.String(), nil
}
