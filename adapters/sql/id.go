package sqlstore

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns a random UUID (version 4) as 32 lowercase hex characters
// without dashes: the id format of users, pending registrations and OAuth
// identities (domain.md §2.1), which Python writes with uuid4().hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // never fails: crypto/rand aborts the program instead
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return hex.EncodeToString(b[:])
}
