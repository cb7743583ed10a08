package sqlstore

import (
	"regexp"
	"testing"
)

func TestNewIDIsUUID4Hex(t *testing.T) {
	uuid4 := regexp.MustCompile(`^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := newID()
		if !uuid4.MatchString(id) {
			t.Fatalf("newID() = %q, not 32 lowercase hex of a version-4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("newID() repeated %q", id)
		}
		seen[id] = true
	}
}
