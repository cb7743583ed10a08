package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckLines(t *testing.T) {
	tests := []struct {
		name   string
		colour bool
		mark   mark
		want   string
	}{
		{"a pass is a plain ✔ line without colour", false, markPass, "✔ backend: ok\n"},
		{"a warning is a plain ⚠ line without colour", false, markWarn, "⚠ backend: ok\n"},
		{"a failure is a plain ✘ line without colour", false, markFail, "✘ backend: ok\n"},
		{"a pass is green in colour", true, markPass, "\x1b[32m✔ backend: ok\x1b[0m\n"},
		{"a warning is yellow in colour", true, markWarn, "\x1b[33m⚠ backend: ok\x1b[0m\n"},
		{"a failure is red in colour", true, markFail, "\x1b[31m✘ backend: ok\x1b[0m\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			styler{w: &b, colour: tt.colour}.check(tt.mark, "backend", "ok")
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestUseColour(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	tests := []struct {
		name    string
		w       io.Writer
		noColor string
		want    bool
	}{
		{"a buffer is not a terminal", &bytes.Buffer{}, "", false},
		{"a regular file is not a terminal", file, "", false},
		{"NO_COLOR turns colour off", &bytes.Buffer{}, "1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := useColour(tt.w, tt.noColor); got != tt.want {
				t.Errorf("useColour = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a terminal is coloured unless NO_COLOR is set", func(t *testing.T) {
		// The master side of a pseudo-terminal answers terminal ioctls.
		pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
		if err != nil {
			t.Fatalf("open a pseudo-terminal: %v", err)
		}
		defer pty.Close()
		if !useColour(pty, "") {
			t.Error("no colour on a terminal")
		}
		if useColour(pty, "1") {
			t.Error("colour on a terminal despite NO_COLOR")
		}
	})
}
