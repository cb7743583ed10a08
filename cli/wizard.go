package cli

// The plumbing the three wizard commands (oauth setup, theme design, ses
// setup) share: their common flags, how the UI is launched, and how
// validation and write failures are reported.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	ucli "github.com/urfave/cli/v2"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/wizard"
)

// Texts of cli.md §1.3, §7 and §10 that the wizard commands print.
const (
	printOnlyDeprecation = "Deprecation: --print-only is deprecated; use --headless. --print-only will be removed in 1.0."
	validationFailed     = "Validation failed:"
)

// wizardRun is what the wizard commands share: where to write and how to
// show the UI.
type wizardRun struct {
	target   configfile.Target
	headless bool
	dryRun   bool
	mode     wizard.Mode
	port     int
}

// wizardFlags are the flags every wizard command takes (cli.md §7–9).
func wizardFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or the directory it lives in (default: current directory)"},
		&ucli.StringFlag{Name: "target", Usage: "deprecated alias for --config; removed in 1.0"},
		&ucli.IntFlag{Name: "port", Usage: "pin the wizard server's port on 127.0.0.1", DefaultText: "a free port"},
		&ucli.BoolFlag{Name: "headless", Usage: "no window: validate the flags, write the files, print JSON"},
		&ucli.BoolFlag{Name: "dry-run", Usage: "like --headless, but write nothing; exit 0 when valid, 2 when not"},
		&ucli.BoolFlag{Name: "print-only", Usage: "deprecated alias for --headless; removed in 1.0"},
		&ucli.BoolFlag{Name: "browser", Usage: "show the wizard in your web browser instead of a desktop window"},
	}
}

// parseWizardRun reads the shared flags, printing the deprecation lines of
// the aliases it meets.
func parseWizardRun(c *ucli.Context) (wizardRun, error) {
	if c.NArg() > 0 {
		return wizardRun{}, usageError("unexpected argument %q", c.Args().First())
	}
	if c.IsSet("config") && c.IsSet("target") {
		return wizardRun{}, usageError(configTargetClash)
	}
	warn := newStyler(c.App.ErrWriter)
	path := c.String("config")
	if c.IsSet("target") {
		warn.line(yellow, targetDeprecation)
		path = c.String("target")
	}
	if c.Bool("print-only") {
		warn.line(yellow, printOnlyDeprecation)
	}
	run := wizardRun{
		dryRun:   c.Bool("dry-run"),
		headless: c.Bool("headless") || c.Bool("dry-run") || c.Bool("print-only"),
		mode:     wizard.Window,
		port:     c.Int("port"),
	}
	if c.Bool("browser") {
		if run.headless {
			return wizardRun{}, usageError("--browser and --headless are mutually exclusive.")
		}
		run.mode = wizard.Browser
	}
	if run.port < 0 || run.port > 65535 {
		return wizardRun{}, usageError("Invalid value for --port: %d is not a TCP port.", run.port)
	}
	target, err := configfile.ResolveTarget(path)
	if err != nil {
		return wizardRun{}, runtimeError(err)
	}
	run.target = target
	return run, nil
}

// launchWizard shows app and blocks until the operator is done with it,
// the window closes, or Ctrl-C.
func launchWizard(c *ucli.Context, app wizard.App, run wizardRun, label, opening string) error {
	if run.mode == wizard.Browser {
		opening = "Opening the wizard in your browser… finish it there, or press Ctrl-C to exit."
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := wizard.Launch(ctx, app, wizard.LaunchOptions{
		Mode:     run.mode,
		Port:     run.port,
		Out:      &thenLine{w: c.App.Writer, next: opening},
		URLLabel: label,
	})
	if err != nil {
		return runtimeError(err)
	}
	return nil
}

// thenLine passes through the URL line Launch prints and follows it with
// the line saying what happens next.
type thenLine struct {
	w    io.Writer
	next string
	done bool
}

func (t *thenLine) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if err == nil && !t.done && bytes.HasSuffix(p, []byte("\n")) {
		t.done = true
		_, err = fmt.Fprintln(t.w, t.next)
	}
	return n, err
}

// validationFailure prints "Validation failed:" and one "  - …" line per
// error, and ends the command with exit code 2.
func validationFailure(stderr io.Writer, lines []string) error {
	fmt.Fprintln(stderr, validationFailed)
	for _, l := range lines {
		fmt.Fprintln(stderr, "  - "+l)
	}
	return reported(2)
}

// writeFailure reports a file the wizard would not or could not write:
// exit code 1.
func writeFailure(stderr io.Writer, err error) error {
	var invalid *configfile.InvalidTOMLError
	if errors.As(err, &invalid) {
		fmt.Fprintln(stderr, "error: "+invalid.Error())
		return reported(1)
	}
	return runtimeError(err)
}

// printJSON writes v as the one, 2-space indented JSON document on stdout.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return runtimeError(fmt.Errorf("write the summary: %w", err))
	}
	return nil
}
