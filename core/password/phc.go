package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// argon2Version is Argon2 version 0x13, the only one accepted.
const argon2Version = 19

// maxPHCLength bounds the input Verify will look at: the longest valid
// string (1024-byte salt and tag, largest numbers) is under 2,800 bytes.
const maxPHCLength = 4096

// b64 is the PHC string's base64: standard alphabet, no padding, and
// (as in the reference decoder) no stray bits in the last character.
var b64 = base64.RawStdEncoding.Strict()

// phcHash is a parsed `$argon2id$v=19$m=…,t=…,p=…$<salt>$<tag>` string.
// params.SaltLength and params.KeyLength are those of salt and tag.
type phcHash struct {
	params Params
	salt   []byte
	tag    []byte
}

// encode formats h as a PHC string.
func (h phcHash) encode() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2Version, h.params.MemoryKiB, h.params.Iterations, h.params.Parallelism,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.tag))
}

// parsePHC parses an argon2id PHC string. It reports false for anything
// that is not exactly that shape, for versions other than 19, and for
// parameters outside Params.Validate's bounds, so no stored string can
// make a verification panic or cost without limit.
func parsePHC(s string) (phcHash, bool) {
	if len(s) > maxPHCLength {
		return phcHash{}, false
	}
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, tag
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phcHash{}, false
	}
	if v, ok := decimalField(parts[2], "v="); !ok || v != argon2Version {
		return phcHash{}, false
	}
	mtp := strings.Split(parts[3], ",")
	if len(mtp) != 3 {
		return phcHash{}, false
	}
	m, okM := decimalField(mtp[0], "m=")
	t, okT := decimalField(mtp[1], "t=")
	p, okP := decimalField(mtp[2], "p=")
	if !okM || !okT || !okP || p > 255 {
		return phcHash{}, false
	}
	salt, okS := decodeB64(parts[4])
	tag, okG := decodeB64(parts[5])
	if !okS || !okG {
		return phcHash{}, false
	}
	h := phcHash{
		params: Params{
			MemoryKiB:   m,
			Iterations:  t,
			Parallelism: uint8(p),
			SaltLength:  uint32(len(salt)),
			KeyLength:   uint32(len(tag)),
		},
		salt: salt,
		tag:  tag,
	}
	if h.params.Validate() != nil {
		return phcHash{}, false
	}
	return h, true
}

// decimalField parses "<prefix><unsigned 32-bit decimal>" (ParseUint
// refuses signs, so only digits pass).
func decimalField(s, prefix string) (uint32, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// decodeB64 decodes unpadded standard base64. Go's decoder skips CR and
// LF; the PHC format has none, so they are refused here.
func decodeB64(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}
