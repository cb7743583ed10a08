package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/emailaddr"
	"github.com/regstack/regstack/wizards/configfile"
	ucli "github.com/urfave/cli/v2"
)

// Exact texts of cli.md §1.3 and §2.
const (
	targetDeprecation = "Deprecation: --target is deprecated; use --config (accepts a file or a directory). --target will be removed in 1.0."
	configTargetClash = "--config and --target are mutually exclusive. Use --config (--target is the deprecated alias)."
	ifMissingClash    = "--if-missing and --force are mutually exclusive."
	initNext          = "Next: run `regstack serve`, or mount regstack in your Go app (see the README)."
	asyncpgNote       = "Note: regstack pins the asyncpg driver — coercing scheme to postgresql+asyncpg://"
)

// Limits the wizard enforces on what it writes (cli.md §2.3, config.md §2.4).
const (
	jwtSecretMin  = 32
	jwtTTLMin     = 60
	jwtTTLMax     = 2592000
	defaultJWTTTL = 7200
)

// bold is the SGR code of the wizard's title.
const bold colour = "\x1b[1m"

func initCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "init",
		Usage: "interactive wizard that writes regstack.toml and regstack.secrets.env",
		Description: "Asks about the app, its database, JWT, email, SMS and routers, then writes\n" +
			"regstack.toml and regstack.secrets.env (mode 0600) into the --config directory.\n" +
			"Generates a 64-byte JWT secret. Never provisions infrastructure.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or the directory to write it into (default: current directory)"},
			&ucli.StringFlag{Name: "target", Usage: "deprecated alias for --config; removed in 1.0"},
			&ucli.BoolFlag{Name: "force", Usage: "overwrite existing files without asking"},
			&ucli.BoolFlag{Name: "if-missing", Usage: "exit 0 without a word when either file already exists"},
		},
		Action: func(c *ucli.Context) error {
			if c.IsSet("config") && c.IsSet("target") {
				return usageError(configTargetClash)
			}
			if c.Bool("force") && c.Bool("if-missing") {
				return usageError(ifMissingClash)
			}
			path := c.String("config")
			if c.IsSet("target") {
				newStyler(c.App.ErrWriter).line(yellow, targetDeprecation)
				path = c.String("target")
			}
			return runInit(c.Context, initOptions{
				Path:      path,
				Force:     c.Bool("force"),
				IfMissing: c.Bool("if-missing"),
				DNSServer: os.Getenv(dnsServerEnv),
			}, c.App.Reader, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// initOptions are init's flags, the deprecated alias already folded in.
type initOptions struct {
	Path      string
	Force     bool
	IfMissing bool
	// DNSServer is "host:port" to query instead of the system resolver.
	DNSServer string
}

// runInit is the flow of cli.md §2.2.
func runInit(ctx context.Context, opts initOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	dir, err := filepath.Abs(config.ResolveWriteDir(opts.Path))
	if err != nil {
		return runtimeError(fmt.Errorf("resolve %s: %w", opts.Path, err))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return runtimeError(fmt.Errorf("create %s: %w", dir, err))
	}
	tomlPath := filepath.Join(dir, config.TOMLFileName)
	secretsPath := filepath.Join(dir, config.SecretsFileName)
	exists, err := anyExists(tomlPath, secretsPath)
	if err != nil {
		return runtimeError(err)
	}
	if exists && opts.IfMissing {
		return nil
	}

	out := newStyler(stdout)
	p := newPrompter(stdin, stdout)
	aborted := func(err error) error {
		if errors.Is(err, errAborted) {
			fmt.Fprintln(stderr, "Aborted!")
			return reported(1)
		}
		return runtimeError(err)
	}
	if exists && !opts.Force {
		overwrite, err := p.confirm(fmt.Sprintf("Config already exists at %s or %s. Overwrite?", tomlPath, secretsPath), false)
		if err == nil && !overwrite {
			err = errAborted
		}
		if err != nil {
			return aborted(err)
		}
	}

	out.line(bold, "regstack init — app configuration only.")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "This wizard never provisions infrastructure. It only writes config files.")
	fmt.Fprintln(stdout)
	a, err := askInit(p, out)
	if err != nil {
		return aborted(err)
	}

	secrets, err := a.renderSecrets()
	if err != nil {
		return runtimeError(err)
	}
	if err := configfile.WriteAtomic(tomlPath, []byte(a.renderTOML()), 0o644); err != nil {
		return runtimeError(err)
	}
	if err := configfile.WriteAtomic(secretsPath, []byte(secrets), 0o600); err != nil {
		return runtimeError(err)
	}
	fmt.Fprintln(stdout)
	out.wrote(tomlPath, "")
	out.wrote(secretsPath, "  (chmod 600)")
	fmt.Fprintln(stdout)

	if a.emailBackend != "console" {
		_, domain, _ := strings.Cut(a.fromAddress, "@")
		check, err := p.confirm(fmt.Sprintf("Run DNS sanity checks (MX / SPF / DMARC) for %s now?", domain), false)
		if err != nil {
			return aborted(err)
		}
		if check {
			// Advisory only: the files are written whatever DNS says.
			for _, res := range dnsChecks(ctx, newResolver(opts.DNSServer), a.fromAddress) {
				out.check(res.mark, res.name, res.detail)
			}
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, initNext)
	return nil
}

// anyExists reports whether any of paths exists, as anything.
func anyExists(paths ...string) (bool, error) {
	for _, p := range paths {
		_, err := os.Lstat(p)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("check %s: %w", p, err)
		}
	}
	return false, nil
}

// wrote prints "Wrote <path><note>" with only "Wrote " in green (cli.md §2.5).
func (s styler) wrote(path, note string) {
	word := "Wrote "
	if s.colour {
		word = string(green) + word + reset
	}
	fmt.Fprintln(s.w, word+path+note)
}

// askInit asks the questions of cli.md §2.3 in order.
func askInit(p *prompter, out styler) (initAnswers, error) {
	a := initAnswers{smsBackend: "null"}
	var err error
	if a.appName, err = p.text("App name", "MyApp", nil); err != nil {
		return a, err
	}
	if a.baseURL, err = p.text("Public base URL", "http://localhost:8000", checkBaseURL); err != nil {
		return a, err
	}
	if a.behindProxy, err = p.confirm("Behind a reverse proxy (X-Forwarded-* headers)?", false); err != nil {
		return a, err
	}
	if err := askDatabase(p, out, &a); err != nil {
		return a, err
	}
	if err := askJWTSecret(p, &a); err != nil {
		return a, err
	}
	if a.jwtTTLSeconds, err = p.integer("JWT lifetime in seconds", defaultJWTTTL, jwtTTLMin, jwtTTLMax); err != nil {
		return a, err
	}
	if err := askEmail(p, &a); err != nil {
		return a, err
	}
	if a.enableSMS2FA, err = p.confirm("Enable SMS-based 2FA?", false); err != nil {
		return a, err
	}
	if a.enableSMS2FA {
		if a.smsBackend, err = p.choice("SMS backend", []string{"sns", "twilio"}, "sns"); err != nil {
			return a, err
		}
	}
	for _, q := range []struct {
		label string
		def   bool
		dst   *bool
	}{
		{"Enable JSON admin router?", false, &a.enableAdminRouter},
		{"Enable server-rendered UI pages?", false, &a.enableUIRouter},
		{"Allow self-service registration?", true, &a.allowRegistration},
		// The wizard's default differs from the config default (true).
		{"Require email verification before login?", false, &a.requireVerification},
	} {
		if *q.dst, err = p.confirm(q.label, q.def); err != nil {
			return a, err
		}
	}
	return a, nil
}

// askDatabase is question 4 and its follow-ups (5a–5c).
func askDatabase(p *prompter, out styler, a *initAnswers) error {
	backend, err := p.choice("Database backend", []string{"sqlite", "postgres", "mongo"}, "sqlite")
	if err != nil {
		return err
	}
	name := slug(a.appName)
	switch backend {
	case "sqlite":
		path, err := p.text("SQLite file path", "./"+name+".sqlite", nil)
		if err != nil {
			return err
		}
		a.databaseURL = "sqlite+aiosqlite:///" + path
	case "postgres":
		u, err := p.text("Postgres URL", "postgresql+asyncpg://postgres@localhost/"+name, checkPostgresURL)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u, "postgresql+asyncpg://") && !strings.HasPrefix(u, "postgres+asyncpg://") {
			out.line(yellow, asyncpgNote)
			_, rest, _ := strings.Cut(u, "://")
			u = "postgresql+asyncpg://" + rest
		}
		a.databaseURL = u
	case "mongo":
		host, err := p.text("MongoDB host", "localhost:27017", nil)
		if err != nil {
			return err
		}
		if a.mongoDatabase, err = p.text("MongoDB database", name, nil); err != nil {
			return err
		}
		a.databaseURL = "mongodb://" + host + "/" + a.mongoDatabase
	}
	return nil
}

// askJWTSecret is question 6 (and 6b): generated, or typed twice unseen.
func askJWTSecret(p *prompter, a *initAnswers) error {
	generate, err := p.confirm("Auto-generate a 64-byte JWT secret?", true)
	if err != nil {
		return err
	}
	if generate {
		a.jwtSecret = newJWTSecret()
		return nil
	}
	for {
		secret, err := p.hidden.askConfirmed("JWT secret", "Repeat for confirmation")
		if err != nil {
			return err
		}
		// regstack refuses a shorter secret at start-up (config.md §2.4).
		if utf8.RuneCountInString(secret) >= jwtSecretMin {
			a.jwtSecret = secret
			return nil
		}
		p.invalid(fmt.Sprintf("The JWT secret must be at least %d characters.", jwtSecretMin))
	}
}

// askEmail is questions 8–11f.
func askEmail(p *prompter, a *initAnswers) error {
	var err error
	if a.emailBackend, err = p.choice("Email backend", []string{"console", "smtp", "ses"}, "console"); err != nil {
		return err
	}
	host := "example.com"
	if u, err := url.Parse(a.baseURL); err == nil && strings.Contains(u.Hostname(), ".") {
		host = u.Hostname()
	}
	if a.fromAddress, err = p.text("Sender email address", "noreply@"+host, checkSender); err != nil {
		return err
	}
	if a.fromName, err = p.text("Sender display name", a.appName, nil); err != nil {
		return err
	}
	switch a.emailBackend {
	case "smtp":
		if a.smtpHost, err = p.required("SMTP host"); err != nil {
			return err
		}
		if a.smtpPort, err = p.integer("SMTP port", 587, 1, 65535); err != nil {
			return err
		}
		if a.smtpStartTLS, err = p.confirm("Use STARTTLS?", true); err != nil {
			return err
		}
		if a.smtpUsername, err = p.text("SMTP username", "", nil); err != nil {
			return err
		}
		if a.smtpPassword, err = p.hidden.ask("SMTP password"); err != nil {
			return err
		}
	case "ses":
		if a.sesRegion, err = p.text("AWS region", "eu-west-1", nil); err != nil {
			return err
		}
	}
	return nil
}

// checkBaseURL accepts http(s)://host[:port][/path] (cli.md §2.3).
func checkBaseURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(s, "?") || strings.Contains(s, "#") {
		return fmt.Sprintf("'%s' is not a URL of the form http(s)://host[:port][/path].", s)
	}
	return ""
}

// checkSender accepts an email address.
func checkSender(s string) string {
	if _, err := emailaddr.Normalize(s); err != nil {
		return err.Error()
	}
	return ""
}

// checkPostgresURL accepts the postgres and postgresql schemes, with or
// without +asyncpg; anything else is not a PostgreSQL URL.
func checkPostgresURL(s string) string {
	scheme, _, ok := strings.Cut(s, "://")
	switch scheme {
	case "postgresql", "postgres", "postgresql+asyncpg", "postgres+asyncpg":
		if ok {
			return ""
		}
	}
	return fmt.Sprintf("'%s' is not a PostgreSQL URL (postgresql://…).", s)
}
