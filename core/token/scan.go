package token

import "encoding/json"

// scanFlatClaims is the fast path of checkClaims, for the payloads every
// authenticated request brings: a flat JSON object whose values are plain
// strings (printable ASCII, no escapes) or numbers. It finds the claims
// without a map or reflection. On anything else — another value type, an
// escape, a claim of an unexpected type, malformed JSON — it answers
// ok = false and mapClaims reads the payload instead, so it never decides
// a case differently: what it accepts it reads exactly as encoding/json
// would (the last of duplicate keys wins, unknown keys are skipped).
func scanFlatClaims(payload []byte) (f claimFields, ok bool) {
	s := flatScanner{b: payload}
	if !s.consume('{') {
		return claimFields{}, false
	}
	if s.consume('}') {
		return s.end(f)
	}
	for {
		key, ok := s.str()
		if !ok || !s.consume(':') {
			return claimFields{}, false
		}
		s.space()
		switch {
		case s.i < len(s.b) && s.b[s.i] == '"':
			v, ok := s.str()
			if !ok || !f.setString(key, v) {
				return claimFields{}, false
			}
		default:
			n, ok := s.number()
			if !ok || !f.setNumber(key, n) {
				return claimFields{}, false
			}
		}
		if s.consume('}') {
			return s.end(f)
		}
		if !s.consume(',') {
			return claimFields{}, false
		}
	}
}

// setString records a string claim; false when the claim must be a number.
func (f *claimFields) setString(key []byte, v []byte) bool {
	switch string(key) {
	case "sub":
		f.sub, f.subOK = string(v), true
	case "jti":
		f.jti, f.jtiOK = string(v), true
	case "purpose":
		f.purpose, f.purposeOK = string(v), true
	case "new_email":
		f.newEmail, f.newEmailOK = string(v), true
	case "phone":
		f.phone, f.phoneOK = string(v), true
	case "aud":
		f.aud, f.audOK = string(v), true
	case "iat", "exp":
		return false
	}
	return true
}

// setNumber records a number claim; false when the claim must be a string.
func (f *claimFields) setNumber(key []byte, n []byte) bool {
	switch string(key) {
	case "iat":
		f.iat = json.Number(n)
	case "exp":
		f.exp = json.Number(n)
	case "sub", "jti", "purpose", "new_email", "phone", "aud":
		return false
	}
	return true
}

// flatScanner reads the restricted JSON of scanFlatClaims.
type flatScanner struct {
	b []byte
	i int
}

// space skips JSON whitespace.
func (s *flatScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// consume skips whitespace and then c, reporting whether c was there.
func (s *flatScanner) consume(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end accepts f when nothing but whitespace follows the object.
func (s *flatScanner) end(f claimFields) (claimFields, bool) {
	s.space()
	if s.i != len(s.b) {
		return claimFields{}, false
	}
	return f, true
}

// str reads a string of printable ASCII other than '\' (whose bytes are
// its value) after optional whitespace.
func (s *flatScanner) str() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// number reads a JSON number, as RFC 8259 spells it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *flatScanner) number() ([]byte, bool) {
	start := s.i
	if s.peek('-') {
		s.i++
	}
	switch {
	case s.peek('0'):
		s.i++
	case s.digits() == 0:
		return nil, false
	}
	if s.peek('.') {
		s.i++
		if s.digits() == 0 {
			return nil, false
		}
	}
	if s.peek('e') || s.peek('E') {
		s.i++
		if s.peek('+') || s.peek('-') {
			s.i++
		}
		if s.digits() == 0 {
			return nil, false
		}
	}
	return s.b[start:s.i], true
}

func (s *flatScanner) peek(c byte) bool { return s.i < len(s.b) && s.b[s.i] == c }

// digits skips a run of decimal digits and returns its length.
func (s *flatScanner) digits() int {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}
