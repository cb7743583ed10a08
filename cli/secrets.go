package cli

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// newJWTSecret returns 64 random bytes, base64url without padding (86
// characters), as `regstack init` generates (config.md §2.4).
func newJWTSecret() string {
	b := make([]byte, 64)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// appendSecret adds `key=value` to the secrets file at path, creating it
// with mode 0600. An existing file keeps its lines and its mode is
// tightened to 0600.
func appendSecret(path, key, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Close()
	if !created {
		if err := f.Chmod(0o600); err != nil {
			return fmt.Errorf("chmod %s: %w", path, err)
		}
	}
	header := ""
	if created {
		header = "# regstack.secrets.env — keep out of version control.\n"
	}
	if _, err := fmt.Fprintf(f, "%s%s=%s\n", header, key, value); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
