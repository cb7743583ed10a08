package cli

import (
	"fmt"
	"log/slog"
	"strings"

	ucli "github.com/urfave/cli/v2"

	coretheme "github.com/regstack/regstack/core/theme"
	"github.com/regstack/regstack/wizards/theme"
)

// noVarsNote is printed when --headless is given no --var (cli.md §8).
const noVarsNote = "No --var pairs supplied; writing all defaults. Pass --var to override."

func themeCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "theme",
		Usage: "theme designer",
		Subcommands: []*ucli.Command{{
			Name:  "design",
			Usage: "design regstack-theme.css with a live preview of the account pages",
			Description: "Opens a live designer for regstack-theme.css: controls for every --rs-* property\n" +
				"(light and dark) on the left, the account pages' widgets on the right. Save writes\n" +
				"the file; only its :root and prefers-color-scheme: dark blocks are managed, the rest\n" +
				"of the file is left alone. --headless writes the file from --var pairs.",
			Flags: append(wizardFlags(),
				&ucli.StringFlag{Name: "filename", Value: theme.DefaultFilename, Usage: "name of the theme file written next to regstack.toml"},
				&ucli.GenericFlag{Name: "var", Value: &varPairs{}, Usage: "headless: NAME=VALUE, repeatable; prefix dark: for the dark scheme (e.g. --var dark:--rs-accent=#2dd4bf)"},
			),
			Action: runThemeDesign,
		}},
	}
}

// varPairs collects every --var as given: unlike a string slice flag it
// does not split at commas, which colours and font stacks contain.
type varPairs struct{ raw []string }

func (v *varPairs) Set(s string) error { v.raw = append(v.raw, s); return nil }
func (v *varPairs) String() string     { return strings.Join(v.raw, " ") }

func runThemeDesign(c *ucli.Context) error {
	run, err := parseWizardRun(c)
	if err != nil {
		return err
	}
	filename := c.String("filename")
	if err := checkFilename(filename); err != nil {
		return err
	}
	d := theme.Designer{Dir: run.target.Dir, Filename: filename}
	if !run.headless {
		log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
		return launchWizard(c, theme.App(d, log), run, "Designer URL", "Opening designer window… close it to exit.")
	}

	var raw []string
	if pairs, ok := c.Generic("var").(*varPairs); ok {
		raw = pairs.raw
	}
	light, dark, err := parseVars(raw)
	if err != nil {
		return err
	}
	if len(raw) == 0 {
		fmt.Fprintln(c.App.ErrWriter, noVarsNote)
		for _, p := range coretheme.Properties() {
			light.Set(p.Name, p.Light)
		}
	}
	errs := append(theme.Validate(theme.Light, light), theme.Validate(theme.Dark, dark)...)
	if len(errs) > 0 {
		lines := make([]string, len(errs))
		for i, e := range errs {
			lines[i] = e.Field + ": " + e.Message
		}
		return validationFailure(c.App.ErrWriter, lines)
	}
	res, err := d.Save(theme.Clean(light), theme.Clean(dark), run.dryRun)
	if err != nil {
		return runtimeError(err)
	}
	return printJSON(c.App.Writer, struct {
		theme.SaveResult
		DryRun bool `json:"dry_run"`
	}{res, run.dryRun})
}

// checkFilename keeps --filename a name in the --config directory.
func checkFilename(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return usageError("Invalid value for --filename: must be a file name without a directory or '..' (got '%s')", name)
	}
	return nil
}

// parseVars splits --var pairs into the two scopes: at the first "=", both
// sides trimmed, a dark: or light: prefix picking the scope, a later pair
// for the same name winning.
func parseVars(raw []string) (light, dark theme.Assignments, err error) {
	for _, r := range raw {
		name, value, ok := strings.Cut(r, "=")
		if !ok {
			return nil, nil, usageError("Invalid value for --var: --var must be NAME=VALUE (got '%s')", r)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		scope := &light
		if rest, found := strings.CutPrefix(name, "dark:"); found {
			name, scope = strings.TrimSpace(rest), &dark
		} else if rest, found := strings.CutPrefix(name, "light:"); found {
			name = strings.TrimSpace(rest)
		}
		scope.Set(name, value)
	}
	return light, dark, nil
}
