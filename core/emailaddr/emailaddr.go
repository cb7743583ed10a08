// Package emailaddr validates and normalises email addresses as
// http-api.md §3.2 says: domain lower-cased and IDNA-normalised, local part
// NFC with its case kept, special-use domains rejected.
//
// The rules and the wording of the reasons follow the Python original
// (pydantic's EmailStr over email-validator 2.x with deliverability checks
// off), so a 422 `msg` reads the same in both implementations.
package emailaddr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// Length limits of RFC 5321 §4.5.3.1, as email-validator applies them.
const (
	maxLocalOctets   = 64
	maxAddressOctets = 254
	maxDomainOctets  = 253
	maxLabelOctets   = 63
)

// specialUse are the special-use domain names (RFC 6761 and friends) that can
// never receive mail; a domain equal to one or under one is refused.
var specialUse = []string{"arpa", "invalid", "local", "localhost", "onion", "test"}

// profile maps a domain for lookup (case folding, width and compatibility
// mapping, NFC) under the non-transitional rules email-validator uses, so
// "ß" stays "ß" rather than becoming "ss".
var profile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// Error is an address that is not valid. Its text is what the HTTP API puts
// in a 422 `msg`.
type Error struct {
	// Reason says what is wrong, as one sentence.
	Reason string
}

// Error prefixes the reason as pydantic does.
func (e *Error) Error() string { return "value is not a valid email address: " + e.Reason }

func invalid(format string, args ...any) error {
	return &Error{Reason: fmt.Sprintf(format, args...)}
}

// Normalize returns the normalised form of s, or an error whose text says
// what is wrong (used as the 422 `msg`). It accepts a bare address or the
// display-name form `Name <a@b.c>`, which is reduced to the address.
func Normalize(s string) (string, error) {
	addr, err := stripDisplayName(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(addr, `"`) {
		return "", invalid("Quoting the part before the @-sign is not allowed here.")
	}
	switch strings.Count(addr, "@") {
	case 0:
		return "", invalid("An email address must have an @-sign.")
	case 1:
	default:
		return "", invalid("The email address is not valid. It must have exactly one @-sign.")
	}
	local, domain, _ := strings.Cut(addr, "@")
	if local == "" {
		return "", invalid("There must be something before the @-sign.")
	}
	if domain == "" {
		return "", invalid("There must be something after the @-sign.")
	}
	local, err = normalizeLocal(local)
	if err != nil {
		return "", err
	}
	asciiDomain, unicodeDomain, err := normalizeDomain(domain)
	if err != nil {
		return "", err
	}
	// An address that has an ASCII form may travel through hops without
	// SMTPUTF8, so the limit applies to that form; otherwise to the UTF-8
	// octets of the internationalised one.
	normalized := local + "@" + unicodeDomain
	measured := normalized
	if isASCII(local) {
		measured = local + "@" + asciiDomain
	}
	if n := len(measured); n > maxAddressOctets {
		return "", invalid("The email address is too long (%d characters too many).", n-maxAddressOctets)
	}
	return normalized, nil
}

// stripDisplayName reduces `Name <addr>` or `"Name" <addr>` to addr and
// returns anything else unchanged.
func stripDisplayName(s string) (string, error) {
	if !strings.HasSuffix(s, ">") {
		return s, nil
	}
	open := strings.LastIndexByte(s, '<')
	if open < 0 {
		return s, nil
	}
	name := strings.TrimSpace(s[:open])
	if !validDisplayName(name) {
		return "", invalid("A display name and angle brackets around the email address are not permitted here.")
	}
	return strings.TrimSpace(s[open+1 : len(s)-1]), nil
}

// validDisplayName accepts what pydantic's pretty-address pattern accepts:
// nothing, a double-quoted phrase, or words of atom characters separated by
// whitespace.
func validDisplayName(name string) bool {
	if name == "" {
		return true
	}
	if len(name) >= 2 && strings.HasPrefix(name, `"`) && strings.HasSuffix(name, `"`) {
		return true
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' ||
			strings.ContainsRune("!#$%&'*+-/=?^`{|}~", r) {
			continue
		}
		return false
	}
	return true
}

// normalizeLocal checks a dot-atom local part (RFC 5322 atext plus any
// printable non-ASCII character, RFC 6531) and returns its NFC form.
func normalizeLocal(local string) (string, error) {
	local = norm.NFC.String(local)
	var bad []rune
	for _, r := range local {
		if r == '.' || isAtext(r) || (r >= utf8.RuneSelf && unicode.IsPrint(r)) {
			continue
		}
		bad = appendUnique(bad, r)
	}
	if len(bad) > 0 {
		return "", invalid("The email address contains invalid characters before the @-sign: %s.", describeRunes(bad))
	}
	switch {
	case strings.HasPrefix(local, "."):
		return "", invalid("An email address cannot start with a period.")
	case strings.HasSuffix(local, "."):
		return "", invalid("An email address cannot have a period immediately before the @-sign.")
	case strings.Contains(local, ".."):
		return "", invalid("An email address cannot have two periods in a row.")
	}
	if n := len(local); n > maxLocalOctets {
		return "", invalid("The email address is too long before the @-sign (%d characters too many).", n-maxLocalOctets)
	}
	return local, nil
}

// isAtext reports whether r is an RFC 5322 atext character.
func isAtext(r rune) bool {
	return r < utf8.RuneSelf &&
		(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r))
}

// normalizeDomain checks a domain name and returns its ASCII (A-label) form
// and its lower-cased Unicode form; the Unicode form is the normalised one,
// as in email-validator.
func normalizeDomain(domain string) (ascii, unicodeForm string, err error) {
	if strings.HasPrefix(domain, "[") {
		return "", "", invalid("A bracketed IP address after the @-sign is not allowed here.")
	}
	var bad []rune
	for _, r := range domain {
		if r < utf8.RuneSelf {
			if r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				continue
			}
		} else if unicode.IsPrint(r) {
			continue
		}
		bad = appendUnique(bad, r)
	}
	if len(bad) > 0 {
		return "", "", invalid("The part after the @-sign contains invalid characters: %s.", describeRunes(bad))
	}
	// IDNA treats these full stops as label separators; check the dots as
	// the mapping will see them.
	dotted := strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(domain)
	switch {
	case strings.HasPrefix(dotted, "."):
		return "", "", invalid("An email address cannot have a period immediately after the @-sign.")
	case strings.HasSuffix(dotted, "."):
		return "", "", invalid("An email address cannot end with a period.")
	case strings.Contains(dotted, ".."):
		return "", "", invalid("An email address cannot have two periods in a row.")
	case strings.HasPrefix(dotted, "-"):
		return "", "", invalid("An email address cannot have a hyphen immediately after the @-sign.")
	case strings.HasSuffix(dotted, "-"):
		return "", "", invalid("An email address cannot end with a hyphen.")
	case strings.Contains(dotted, ".-") || strings.Contains(dotted, "-."):
		return "", "", invalid("An email address cannot have a period and a hyphen next to each other.")
	}
	ascii, err = profile.ToASCII(dotted)
	if err != nil {
		return "", "", invalid("The part after the @-sign is not valid IDNA (%s).", strings.TrimPrefix(err.Error(), "idna: "))
	}
	if n := len(ascii); n > maxDomainOctets {
		return "", "", invalid("The email address is too long after the @-sign (%d characters too many).", n-maxDomainOctets)
	}
	labels := strings.Split(ascii, ".")
	for _, label := range labels {
		if n := len(label); n > maxLabelOctets {
			return "", "", invalid("After the @-sign, periods cannot be separated by so many characters (%d characters too many).", n-maxLabelOctets)
		}
	}
	if len(labels) < 2 {
		return "", "", invalid("The part after the @-sign is not valid. It should have a period.")
	}
	// A top-level domain always ends in a letter; this rules out numeric
	// TLDs and so bare IPv4 addresses.
	if last := ascii[len(ascii)-1]; !(last >= 'a' && last <= 'z') {
		return "", "", invalid("The part after the @-sign is not valid. It is not within a valid top-level domain.")
	}
	for _, name := range specialUse {
		if ascii == name || strings.HasSuffix(ascii, "."+name) {
			return "", "", invalid("The part after the @-sign is a special-use or reserved name that cannot be used with email.")
		}
	}
	unicodeForm, err = profile.ToUnicode(ascii)
	if err != nil {
		return "", "", invalid("The part after the @-sign is not valid IDNA (%s).", strings.TrimPrefix(err.Error(), "idna: "))
	}
	return ascii, unicodeForm, nil
}

func appendUnique(rs []rune, r rune) []rune {
	for _, have := range rs {
		if have == r {
			return rs
		}
	}
	return append(rs, r)
}

// describeRunes lists characters for a message: printable ones quoted,
// others (spaces, controls) by code point so the message stays readable.
func describeRunes(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
			parts[i] = "'" + string(r) + "'"
		} else {
			parts[i] = fmt.Sprintf("U+%04X", r)
		}
	}
	return strings.Join(parts, ", ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
