package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// prompter asks the init wizard's questions with click's conventions
// (cli.md §2.3): text shows "[default]", yes/no "[y/N]" or "[Y/n]", choices
// "(a, b, c)", and an invalid answer is explained and asked again. Answers
// are read a line at a time from one buffered reader, so a pipe or a test
// can script them; hidden answers go through passwordPrompt, which turns
// echo off only when stdin is a terminal. End of input is errAborted.
type prompter struct {
	out    io.Writer
	lines  *bufio.Reader
	hidden *passwordPrompt
}

func newPrompter(in io.Reader, out io.Writer) *prompter {
	p := &prompter{out: out, lines: bufio.NewReader(in)}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.hidden = &passwordPrompt{out: out, fd: int(f.Fd()), tty: true}
	} else {
		// Share the reader: two buffers on one pipe would steal each
		// other's lines.
		p.hidden = &passwordPrompt{out: out, lines: p.lines}
	}
	return p
}

// readLine shows prompt and returns one line without its line ending.
func (p *prompter) readLine(prompt string) (string, error) {
	fmt.Fprint(p.out, prompt)
	line, err := p.lines.ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		fmt.Fprintln(p.out)
		return "", errAborted
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read answer: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// invalid explains why an answer was refused before it is asked again.
func (p *prompter) invalid(reason string) { fmt.Fprintln(p.out, "Error: "+reason) }

// text asks for free text; Enter takes def. check, when not nil, returns
// the reason an answer is refused, or "".
func (p *prompter) text(label, def string, check func(string) string) (string, error) {
	for {
		answer, err := p.readLine(label + " [" + def + "]: ")
		if err != nil {
			return "", err
		}
		if answer == "" {
			answer = def
		}
		if check != nil {
			if reason := check(answer); reason != "" {
				p.invalid(reason)
				continue
			}
		}
		return answer, nil
	}
}

// required asks for free text that has no default and must not be empty.
func (p *prompter) required(label string) (string, error) {
	for {
		answer, err := p.readLine(label + ": ")
		if err != nil || answer != "" {
			return answer, err
		}
	}
}

// choice asks for one of options; Enter takes def.
func (p *prompter) choice(label string, options []string, def string) (string, error) {
	for {
		answer, err := p.readLine(fmt.Sprintf("%s (%s) [%s]: ", label, strings.Join(options, ", "), def))
		if err != nil {
			return "", err
		}
		if answer == "" {
			return def, nil
		}
		if slices.Contains(options, answer) {
			return answer, nil
		}
		quoted := make([]string, len(options))
		for i, o := range options {
			quoted[i] = "'" + o + "'"
		}
		p.invalid(fmt.Sprintf("'%s' is not one of %s.", answer, strings.Join(quoted, ", ")))
	}
}

// confirm asks a yes/no question; Enter takes def.
func (p *prompter) confirm(label string, def bool) (bool, error) {
	hint := " [y/N]: "
	if def {
		hint = " [Y/n]: "
	}
	for {
		answer, err := p.readLine(label + hint)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		p.invalid("invalid input")
	}
}

// integer asks for a whole number in [lo, hi]; Enter takes def.
func (p *prompter) integer(label string, def, lo, hi int) (int, error) {
	for {
		answer, err := p.readLine(fmt.Sprintf("%s [%d]: ", label, def))
		if err != nil {
			return 0, err
		}
		if answer == "" {
			return def, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(answer))
		switch {
		case err != nil:
			p.invalid(fmt.Sprintf("'%s' is not a valid integer.", answer))
		case n < lo || n > hi:
			p.invalid(fmt.Sprintf("%d is not in the range %d<=x<=%d.", n, lo, hi))
		default:
			return n, nil
		}
	}
}
