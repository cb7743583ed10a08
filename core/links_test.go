package regstack

import "testing"

func TestRedactToken(t *testing.T) {
	tests := []struct {
		name, link, tok, want string
	}{
		{"a query token is replaced", "https://a.example/verify?token=abc_-1", "abc_-1", "https://a.example/verify?token=[REDACTED]"},
		{"every occurrence is replaced, in path and fragment too", "https://a.example/v/abc#abc", "abc", "https://a.example/v/[REDACTED]#[REDACTED]"},
		{"percent-encoded forms are replaced", "https://a.example/?q=a%2Bb%2Fc%3D&p=a+b%2Fc=&r=a+b/c=", "a+b/c=", "https://a.example/?q=[REDACTED]&p=[REDACTED]&r=[REDACTED]"},
		{"an empty token changes nothing", "https://a.example/", "", "https://a.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactToken(tt.link, tt.tok); got != tt.want {
				t.Errorf("redactToken(%q, %q) = %q, want %q", tt.link, tt.tok, got, tt.want)
			}
		})
	}
}
