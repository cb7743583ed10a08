package message

import (
	"errors"
	"fmt"
	"strings"
)

// ErrHeaderInjection is wrapped by CheckHeaderValues when a value would let
// its content start a new header line (config.md §5).
var ErrHeaderInjection = errors.New("control character in an email header value")

// CheckHeaderValues refuses header values and addresses (recipient,
// from_address, from_name, subject) holding CR, LF, any other C0 control
// character or DEL. Every mail backend calls it before sending, because
// such a value could smuggle extra headers or recipients into the message.
func CheckHeaderValues(values ...string) error {
	for _, v := range values {
		if i := strings.IndexFunc(v, isControl); i >= 0 {
			// %q escapes the offending character, so the error cannot
			// itself inject lines into a log.
			return fmt.Errorf("message: %w: %q", ErrHeaderInjection, v)
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
