package password

import (
	"encoding/json"
	"os"
	"testing"
	"unicode/utf8"
)

// pythonHash is one entry of testdata/python_hashes.json, made by
// testdata/make_python_hashes.py with argon2-cffi.
type pythonHash struct {
	Note     string `json:"note"`
	Password string `json:"password"`
	Hash     string `json:"hash"`
}

func loadPythonHashes(t *testing.T) []pythonHash {
	t.Helper()
	raw, err := os.ReadFile("testdata/python_hashes.json")
	if err != nil {
		t.Fatal(err)
	}
	var hs []pythonHash
	if err := json.Unmarshal(raw, &hs); err != nil {
		t.Fatal(err)
	}
	if len(hs) < 10 {
		t.Fatalf("only %d hashes in testdata/python_hashes.json", len(hs))
	}
	return hs
}

func TestVerifyAcceptsHashesMadeByArgon2CFFI(t *testing.T) {
	hs := loadPythonHashes(t)
	sawLong := false
	for _, h := range hs {
		sawLong = sawLong || utf8.RuneCountInString(h.Password) == 128
		t.Run(h.Note+"/"+h.Password, func(t *testing.T) {
			t.Parallel()
			if !Verify(h.Password, h.Hash) {
				t.Errorf("Verify(%q, %s) = false", h.Password, h.Hash)
			}
			// The wrong password shares all but the last byte, or is
			// one byte longer, so only the tag comparison can reject it.
			wrong := h.Password + "!"
			if h.Password != "" {
				wrong = h.Password[:len(h.Password)-1] + "?"
			}
			if Verify(wrong, h.Hash) {
				t.Errorf("Verify(%q, %s) = true for a wrong password", wrong, h.Hash)
			}
		})
	}
	if !sawLong {
		t.Error("testdata has no 128-code-point password")
	}
}
