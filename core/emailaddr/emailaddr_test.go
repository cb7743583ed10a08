package emailaddr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/emailaddr"
)

func TestNormalizeAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"the domain is lower-cased and the local part keeps its case", "Alice@Example.COM", "Alice@example.com"},
		{"surrounding whitespace is removed", "  bob@example.com \t\n", "bob@example.com"},
		{"a display name is dropped", "Alice Smith <alice@Example.com>", "alice@example.com"},
		{"a quoted display name is dropped", `"Smith, Alice" <alice@example.com>`, "alice@example.com"},
		{"bare angle brackets are dropped", "<alice@example.com>", "alice@example.com"},
		{"atext punctuation is allowed in the local part", "a.b+tag!#$%&'*/=?^_`{|}~-@example.com", "a.b+tag!#$%&'*/=?^_`{|}~-@example.com"},
		{"the reserved example TLD is accepted", "x@foo.example", "x@foo.example"},
		{"an IDN domain keeps its Unicode form, lower-cased", "user@MÜNCHEN.de", "user@münchen.de"},
		{"a punycode domain is shown in its Unicode form", "user@xn--mnchen-3ya.de", "user@münchen.de"},
		{"non-transitional mapping keeps sharp s", "user@straße.de", "user@straße.de"},
		{"a fullwidth domain is mapped", "user@ＥＸＡＭＰＬＥ.com", "user@example.com"},
		{"an ideographic full stop separates labels", "user@example\u3002com", "user@example.com"},
		{"the local part is put in NFC", "e\u0301@example.com", "\u00e9@example.com"},
		{"a Unicode local part is accepted", "用户@例子.广告", "用户@例子.广告"},
		{"a 64-octet local part is accepted", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{"a hyphen inside a label is accepted", "x@my-host.example.com", "x@my-host.example.com"},
		{"a subdomain is accepted", "x@mail.eu.example.co.uk", "x@mail.eu.example.co.uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := emailaddr.Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	const specialUse = "The part after the @-sign is a special-use or reserved name that cannot be used with email."
	longLabel := strings.Repeat("a", 64)
	tests := []struct {
		name   string
		in     string
		reason string
	}{
		{"an empty string has no @-sign", "", "An email address must have an @-sign."},
		{"an address without @ is refused", "alice.example.com", "An email address must have an @-sign."},
		{"two @-signs are refused", "a@b@example.com", "The email address is not valid. It must have exactly one @-sign."},
		{"an empty local part is refused", "@example.com", "There must be something before the @-sign."},
		{"an empty domain is refused", "alice@", "There must be something after the @-sign."},
		{"a domain without a dot is refused", "a@example", "The part after the @-sign is not valid. It should have a period."},
		{"the invalid TLD is special-use", "x@probe.invalid", specialUse},
		{"the test TLD is special-use", "x@foo.test", specialUse},
		{"the local TLD is special-use", "x@printer.local", specialUse},
		{"the localhost TLD is special-use", "x@a.localhost", specialUse},
		{"the onion TLD is special-use", "x@abc.onion", specialUse},
		{"arpa and its subdomains are special-use", "x@home.arpa", specialUse},
		{"a special-use TLD in capitals is still special-use", "x@probe.INVALID", specialUse},
		{"a numeric TLD is refused", "x@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
		{"an IPv4 address is refused", "x@1.2.3.4", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
		{"a domain literal is refused", "x@[1.2.3.4]", "A bracketed IP address after the @-sign is not allowed here."},
		{"a quoted local part is refused", `"john doe"@example.com`, "Quoting the part before the @-sign is not allowed here."},
		{"a space in the local part is refused", "john doe@example.com", "The email address contains invalid characters before the @-sign: U+0020."},
		{"a comma in the local part is refused", "a,b@example.com", "The email address contains invalid characters before the @-sign: ','."},
		{"an underscore in the domain is refused", "x@my_host.example.com", "The part after the @-sign contains invalid characters: '_'."},
		{"a leading period is refused", ".a@example.com", "An email address cannot start with a period."},
		{"a period before the @-sign is refused", "a.@example.com", "An email address cannot have a period immediately before the @-sign."},
		{"two periods in the local part are refused", "a..b@example.com", "An email address cannot have two periods in a row."},
		{"a period after the @-sign is refused", "a@.example.com", "An email address cannot have a period immediately after the @-sign."},
		{"a trailing period is refused", "a@example.com.", "An email address cannot end with a period."},
		{"two periods in the domain are refused", "a@example..com", "An email address cannot have two periods in a row."},
		{"a hyphen after the @-sign is refused", "a@-example.com", "An email address cannot have a hyphen immediately after the @-sign."},
		{"a hyphen next to a period is refused", "a@example-.com", "An email address cannot have a period and a hyphen next to each other."},
		{"a 65-octet local part is refused", strings.Repeat("a", 65) + "@example.com", "The email address is too long before the @-sign (1 characters too many)."},
		{"a 64-octet label is refused", "a@" + longLabel + ".com", "After the @-sign, periods cannot be separated by so many characters (1 characters too many)."},
		{"an address over 254 octets is refused", strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 3) + strings.Repeat("c", 10) + ".com", "The email address is too long (8 characters too many)."},
		{"a display name with brackets inside is refused", "A <b> <a@example.com>", "A display name and angle brackets around the email address are not permitted here."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := emailaddr.Normalize(tt.in)
			if err == nil {
				t.Fatalf("Normalize(%q) = %q, want an error", tt.in, got)
			}
			var e *emailaddr.Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q) error %T is not *emailaddr.Error", tt.in, err)
			}
			if e.Reason != tt.reason {
				t.Errorf("Normalize(%q) reason = %q, want %q", tt.in, e.Reason, tt.reason)
			}
			if want := "value is not a valid email address: " + tt.reason; err.Error() != want {
				t.Errorf("Normalize(%q) error = %q, want %q", tt.in, err.Error(), want)
			}
		})
	}
}

func TestNormalizeIsIdempotent(t *testing.T) {
	for _, in := range []string{"Alice@Example.COM", "user@MÜNCHEN.de", "e\u0301@example.com", "Name <x@Y.example.org>"} {
		t.Run(fmt.Sprintf("normalising %q twice gives the same address", in), func(t *testing.T) {
			once, err := emailaddr.Normalize(in)
			if err != nil {
				t.Fatal(err)
			}
			twice, err := emailaddr.Normalize(once)
			if err != nil {
				t.Fatal(err)
			}
			if once != twice {
				t.Errorf("Normalize(Normalize(%q)) = %q, want %q", in, twice, once)
			}
		})
	}
}

func ExampleNormalize() {
	addr, err := emailaddr.Normalize("Alice <Alice@Example.COM>")
	fmt.Println(addr, err)
	_, err = emailaddr.Normalize("probe@probe.invalid")
	fmt.Println(err)
	// Output:
	// Alice@example.com <nil>
	// value is not a valid email address: The part after the @-sign is a special-use or reserved name that cannot be used with email.
}
