package message_test

import (
	"errors"
	"testing"

	"github.com/regstack/regstack/core/message"
)

func TestCheckHeaderValues(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		ok     bool
	}{
		{"plain addresses, names and subjects pass", []string{"ada@example.com", "Acme Inc.", "Confirm your Acme account"}, true},
		{"non-ASCII text passes", []string{"Zoë — Ünïcødé", "ünï@exämple.com"}, true},
		{"no values pass", nil, true},
		{"empty values pass", []string{"", ""}, true},
		{"a CR LF is refused", []string{"ada@example.com\r\nBcc: eve@example.com"}, false},
		{"a bare LF is refused", []string{"Subject\nBcc: eve@example.com"}, false},
		{"a bare CR is refused", []string{"Subject\rBcc: eve@example.com"}, false},
		{"a NUL is refused", []string{"ada@example.com\x00"}, false},
		{"a tab is refused", []string{"Acme\tInc."}, false},
		{"a DEL is refused", []string{"Acme\x7f"}, false},
		{"a bad value after good ones is refused", []string{"ok", "also ok", "bad\n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := message.CheckHeaderValues(tt.values...)
			if tt.ok && err != nil {
				t.Errorf("CheckHeaderValues(%q) = %v, want nil", tt.values, err)
			}
			if !tt.ok && !errors.Is(err, message.ErrHeaderInjection) {
				t.Errorf("CheckHeaderValues(%q) = %v, want ErrHeaderInjection", tt.values, err)
			}
		})
	}
}
