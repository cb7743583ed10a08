package config

import (
	"io/fs"
	"strings"
)

// Problem is one key that failed to load or validate. Message never contains
// the value of a secret key.
type Problem struct {
	// Key is the dotted key ("email.smtp_port"); empty for a whole-file
	// problem such as malformed TOML.
	Key string
	Source
	Message string
}

// String renders the problem as "path:line: key: message".
func (p Problem) String() string { return locate(p.Source, p.Key, p.Message) }

// Error is a configuration that cannot be used: every bad key is listed,
// not only the first (config.md §7).
type Error struct {
	Problems []Problem
}

// Error lists the problems, one per line when there are several.
func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "invalid configuration: " + e.Problems[0].String()
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return "invalid configuration:\n" + strings.Join(lines, "\n")
}

// NotFoundError is a TOML path named explicitly (--config, LoadOptions, or
// REGSTACK_CONFIG) that does not resolve to an existing file. Python ignores
// such a path; Go refuses to start (config.md §1.2).
type NotFoundError struct {
	// Path is the file that was looked for (<dir>/regstack.toml when a
	// directory was named).
	Path string
	// Via is the variable that named it ("REGSTACK_CONFIG"), or empty when
	// it was named by the program or the --config flag.
	Via string
}

// Error reads "config file not found: <path>", as cli.md §1.3 asks.
func (e *NotFoundError) Error() string {
	msg := "config file not found: " + e.Path
	if e.Via != "" {
		msg += " (named by " + e.Via + ")"
	}
	return msg
}

// Unwrap lets errors.Is(err, fs.ErrNotExist) match.
func (e *NotFoundError) Unwrap() error { return fs.ErrNotExist }
