package smtp_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/regstack/regstack/adapters/smtp/mailpittest"
)

// TestMain trusts the Mailpit test certificate through SSL_CERT_FILE
// before any test loads the system roots, as an operator trusts a
// private CA: the mailer itself only ever uses the system roots.
func TestMain(m *testing.M) {
	if err := mailpittest.TrustCA(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
