package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// errReported is the error of a command that has already explained its
// failure on stderr (doctor's summary, create-admin's "Aborted!"): Main
// turns it into the exit code without printing anything more.
var errReported = errors.New("failure already reported")

// reported ends a command with exit code code once it has printed why.
func reported(code int) error { return &exitError{code: code, err: errReported} }

// mark is the outcome of one check line (cli.md §1.4).
type mark int

const (
	markPass mark = iota // ✔, green
	markWarn             // ⚠, yellow: advisory, never fails the command
	markFail             // ✘, red
)

func (m mark) symbol() string {
	switch m {
	case markWarn:
		return "⚠"
	case markFail:
		return "✘"
	default:
		return "✔"
	}
}

func (m mark) colour() colour {
	switch m {
	case markWarn:
		return yellow
	case markFail:
		return red
	default:
		return green
	}
}

// colour is an ANSI SGR foreground colour.
type colour string

const (
	green  colour = "\x1b[32m"
	red    colour = "\x1b[31m"
	yellow colour = "\x1b[33m"
	reset         = "\x1b[0m"
)

// styler writes lines to one stream, in colour only when that stream is a
// terminal and NO_COLOR is not set, so piped output and logs stay plain.
type styler struct {
	w      io.Writer
	colour bool
}

// newStyler decides once, for w, whether to colour.
func newStyler(w io.Writer) styler {
	return styler{w: w, colour: useColour(w, os.Getenv("NO_COLOR"))}
}

// useColour reports whether to colour output to w: only a terminal gets
// colour, and any non-empty NO_COLOR turns it off (https://no-color.org).
func useColour(w io.Writer, noColor string) bool {
	if noColor != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// check writes one "<symbol> <name>: <detail>" line.
func (s styler) check(m mark, name, detail string) {
	s.line(m.colour(), m.symbol()+" "+name+": "+detail)
}

// line writes text and a newline, in c when colouring.
func (s styler) line(c colour, text string) {
	if s.colour {
		text = string(c) + text + reset
	}
	fmt.Fprintln(s.w, text)
}
