package token

import (
	"encoding/hex"
	"testing"
)

// specSecret is the jwt_secret of domain.md §6.3's vectors.
const specSecret = "correct-horse-battery-staple-0123456789"

func TestDeriveKeyMatchesTheSpecVectors(t *testing.T) {
	tests := []struct {
		purpose Purpose
		want    string
	}{
		{Session, "78fb369f0518c7d1f176434e81bab15b48f0b713e44bec69f3502337bc62d02d"},
		{LoginMFA, "03a1c0c5de0d9931d55fdcd04ee9cfd3ce946b4fb97536d04ca430f10aea23d4"},
		{PhoneSetup, "cb8f5852fa02973fde458af72978b5c76afa856c68475ceac77f4af75b164a61"},
		{PasswordReset, "89afcc308b5d1d702c1bda80be2f50e329e863c47469d46e683ac36bfc0f65e5"},
		{EmailChange, "fe84cb6e23ece81660e11a557bbd435494e64cdfa9ec222c5651ff6326cdc347"},
	}
	for _, tt := range tests {
		t.Run(string(tt.purpose)+" key matches", func(t *testing.T) {
			if got := hex.EncodeToString(DeriveKey(specSecret, tt.purpose)); got != tt.want {
				t.Errorf("DeriveKey(%s) = %s, want %s", tt.purpose, got, tt.want)
			}
		})
	}
}
