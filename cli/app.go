package cli

import (
	"errors"
	"fmt"
	"io"

	ucli "github.com/urfave/cli/v2"
)

// Version is the regstack version this binary reports.
var Version = "0.1.0-dev"

// exitError carries a process exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is exit code 2 (cli.md §1.5).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// runtimeError is exit code 1.
func runtimeError(err error) error { return &exitError{code: 1, err: err} }

// Main runs the CLI with args (args[0] is the program name) and returns the
// process exit code. Errors are printed as one line on stderr, never a
// stack trace.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if !errors.Is(ee.err, errReported) {
			fmt.Fprintf(stderr, "Error: %v\n", ee.err)
		}
		return ee.code
	}
	// urfave reports flag parsing problems as plain errors: usage errors.
	fmt.Fprintf(stderr, "Error: %v\n", err)
	return 2
}

// urfave/cli keeps its version printer in a package variable: set it once,
// so apps built concurrently (tests) never write it.
func init() {
	ucli.VersionPrinter = func(c *ucli.Context) {
		fmt.Fprintf(c.App.Writer, "regstack, version %s\n", c.App.Version)
	}
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *ucli.App {
	return &ucli.App{
		Name:            "regstack",
		Usage:           "user accounts for Go web services: operator tools",
		Version:         Version,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		// Errors are printed once, by Main.
		ExitErrHandler: func(*ucli.Context, error) {},
		Commands: []*ucli.Command{
			initCommand(),
			serveCommand(),
			reapCommand(),
			migrateCommand(),
			createAdminCommand(),
			doctorCommand(),
			validateCommand(),
			oauthCommand(),
			themeCommand(),
			sesCommand(),
		},
	}
}
