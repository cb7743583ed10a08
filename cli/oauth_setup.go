package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/regstack/regstack/wizards/oauth"
)

func oauthCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "oauth",
		Usage: "Google OAuth set-up wizard",
		Subcommands: []*ucli.Command{{
			Name:  "setup",
			Usage: "register a Google OAuth client and merge it into regstack.toml and regstack.secrets.env",
			Description: "Opens a guided 12-step wizard that walks you through registering a Google OAuth 2.0\n" +
				"client (project, consent screen, redirect URI, credentials, linking policy, MFA) and\n" +
				"merges the result into regstack.toml and regstack.secrets.env without touching\n" +
				"anything else. --headless does the same from flags and prints a JSON diff.",
			Flags: append(wizardFlags(),
				&ucli.StringFlag{Name: "api-prefix", Usage: "where the host mounts regstack's API, for the redirect URI (default: api_prefix of regstack.toml, else /api/auth)"},
				&ucli.StringFlag{Name: "client-id", Usage: "headless: the Google OAuth client ID"},
				&ucli.StringFlag{Name: "client-secret", Usage: "headless: the client secret (or --client-secret-file, or $" + oauth.SecretEnvVar + ")"},
				&ucli.StringFlag{Name: "client-secret-file", Usage: "headless: read the client secret from this file (- = standard input)"},
				&ucli.StringFlag{Name: "base-url", Value: oauth.DefaultBaseURL, Usage: "headless: the public base URL, to validate and to compute the redirect URI (not written)"},
				&ucli.BoolFlag{Name: "auto-link", Usage: "headless: auto-link Google sign-ins to existing accounts with a verified email"},
				&ucli.BoolFlag{Name: "no-auto-link", Usage: "headless: refuse such sign-ins (the default)"},
				&ucli.BoolFlag{Name: "mfa", Usage: "headless: require MFA on Google sign-in when the user has MFA set up"},
				&ucli.BoolFlag{Name: "no-mfa", Usage: "headless: do not (the default)"},
			),
			Action: runOAuthSetup,
		}},
	}
}

func runOAuthSetup(c *ucli.Context) error {
	run, err := parseWizardRun(c)
	if err != nil {
		return err
	}
	autoLink, err := pairedBool(c, "auto-link", "no-auto-link")
	if err != nil {
		return err
	}
	mfa, err := pairedBool(c, "mfa", "no-mfa")
	if err != nil {
		return err
	}
	if !run.headless {
		log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
		app := oauth.App(oauth.Wizard{Target: run.target, APIPrefix: c.String("api-prefix"), Log: log})
		return launchWizard(c, app, run, "Wizard URL", "Opening wizard window… close it to exit.")
	}

	secret, err := clientSecret(c)
	if err != nil {
		return err
	}
	in := oauth.Inputs{
		"existing_oauth":              false,
		"replace_existing":            true,
		"base_url":                    c.String("base-url"),
		"client_id":                   c.String("client-id"),
		"client_secret":               secret,
		"auto_link_verified_emails":   autoLink,
		"enforce_mfa_on_oauth_signin": mfa,
	}
	if res := oauth.ValidateAll(in); !res.OK {
		lines := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			lines[i] = e.Field + ": " + e.Message
		}
		return validationFailure(c.App.ErrWriter, lines)
	}
	res, err := oauth.Write(run.target, oauth.SettingsFrom(in), run.dryRun)
	if err != nil {
		return writeFailure(c.App.ErrWriter, err)
	}
	return printJSON(c.App.Writer, struct {
		oauth.WriteResult
		DryRun bool `json:"dry_run"`
	}{res, run.dryRun})
}

// pairedBool reads a --name/--no-name pair; naming both is a usage error.
func pairedBool(c *ucli.Context, yes, no string) (bool, error) {
	if c.Bool(yes) && c.Bool(no) {
		return false, usageError("--%s and --%s are mutually exclusive.", yes, no)
	}
	return c.Bool(yes), nil
}

// clientSecret takes the secret from --client-secret, --client-secret-file
// or the environment, so scripts need not put it on the command line where
// other local users can read it.
func clientSecret(c *ucli.Context) (string, error) {
	if c.IsSet("client-secret") && c.IsSet("client-secret-file") {
		return "", usageError("--client-secret and --client-secret-file are mutually exclusive.")
	}
	if c.IsSet("client-secret") {
		return c.String("client-secret"), nil
	}
	if path := c.String("client-secret-file"); path != "" {
		var b []byte
		var err error
		if path == "-" {
			b, err = io.ReadAll(c.App.Reader)
		} else {
			b, err = os.ReadFile(path)
		}
		if err != nil {
			return "", runtimeError(fmt.Errorf("read the client secret: %w", err))
		}
		// A file ends with a line break the secret does not contain.
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return os.Getenv(oauth.SecretEnvVar), nil
}
