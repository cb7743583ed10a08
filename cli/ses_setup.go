package cli

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/regstack/regstack/wizards/ses"
)

// credentialSources are the values --credential-source takes.
var credentialSources = []string{ses.SourceProfile, ses.SourceExplicit, ses.SourceChain}

func sesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "ses",
		Usage: "Amazon SES set-up wizard",
		Subcommands: []*ucli.Command{{
			Name:  "setup",
			Usage: "configure the SES email backend, checked against AWS, in regstack.toml and regstack.secrets.env",
			Description: "Opens a guided 9-step wizard that configures the SES email backend and checks it\n" +
				"against AWS as you go: the credential source authenticates (STS GetCallerIdentity),\n" +
				"the sender or its domain is verified in SES, the sandbox state is known (GetAccount,\n" +
				"else the GetSendQuota heuristic), and one optional test send goes out. The result is\n" +
				"merged into regstack.toml and regstack.secrets.env without touching anything else.\n" +
				"--headless does the same from flags, without any AWS call, and prints a JSON diff.",
			Flags: append(wizardFlags(),
				&ucli.StringFlag{Name: "region", Usage: "headless: the AWS region, one SES serves (e.g. eu-west-1)"},
				&ucli.StringFlag{Name: "from-address", Usage: "headless: the sender, [email].from_address"},
				&ucli.StringFlag{Name: "credential-source", Value: ses.SourceChain, Usage: "headless: profile, explicit or chain — which credentials to write"},
				&ucli.StringFlag{Name: "profile", Usage: "headless, profile source: the AWS profile name, [email].ses_profile"},
				&ucli.StringFlag{Name: "access-key-id", Usage: "headless, explicit source: [email].ses_access_key_id"},
				&ucli.StringFlag{Name: "secret-access-key", Usage: "headless, explicit source: the secret, written to regstack.secrets.env only"},
			),
			Action: runSESSetup,
		}},
	}
}

func runSESSetup(c *ucli.Context) error {
	source := c.String("credential-source")
	if !slices.Contains(credentialSources, source) {
		return usageError("Invalid value for '--credential-source': '%s' is not one of 'profile', 'explicit', 'chain'.", source)
	}
	run, err := parseWizardRun(c)
	if err != nil {
		return err
	}
	if !run.headless {
		log := slog.New(slog.NewTextHandler(c.App.ErrWriter, nil))
		app := ses.NewApp(run.target, ses.AWS{}, log)
		return launchWizard(c, app, run, "Wizard URL", "Opening wizard window… close it to exit.")
	}

	// Headless mode trusts the operator about AWS (cli.md §9): no probe
	// runs, so nothing here may build an AWS client.
	region := strings.TrimSpace(c.String("region"))
	if region != "" && !ses.KnownRegion(region) {
		fmt.Fprintf(c.App.ErrWriter, "error: '%s' is not a known SES region. Try us-east-1, eu-west-1, etc.\n", region)
		return reported(2)
	}
	in := ses.Inputs{
		ExistingSES:        false,
		ReplaceExisting:    true,
		SESRegion:          region,
		FromAddress:        c.String("from-address"),
		CredentialSource:   source,
		SESProfile:         c.String("profile"),
		SESAccessKeyID:     c.String("access-key-id"),
		SESSecretAccessKey: c.String("secret-access-key"),
		AWSInSandbox:       false,
		SandboxAttested:    true,
		SkipTestSend:       true,
	}
	if res := ses.ValidateAll(in); !res.OK() {
		lines := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			lines[i] = e.Field + ": " + e.Message
		}
		return validationFailure(c.App.ErrWriter, lines)
	}
	sum, err := ses.Write(run.target, in.Settings(), run.dryRun)
	if err != nil {
		return writeFailure(c.App.ErrWriter, err)
	}
	return printJSON(c.App.Writer, struct {
		ses.Summary
		DryRun bool `json:"dry_run"`
	}{sum, run.dryRun})
}
