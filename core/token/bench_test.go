package token

import (
	"testing"
	"time"
)

func BenchmarkMint(b *testing.B) {
	c, _ := newTestCodec(b, "HS256", nil)
	for b.Loop() {
		if _, _, err := c.Mint(Session, specSubject, time.Hour, Extra{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	c, _ := newTestCodec(b, "HS256", nil)
	tok, _, err := c.Mint(Session, specSubject, time.Hour, Extra{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Decode(tok, Session); err != nil {
			b.Fatal(err)
		}
	}
}
