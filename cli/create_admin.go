package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"unicode/utf8"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/emailaddr"
	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// Password length limits of create-admin, as for every new password
// (cli.md §3, http-api.md §3.1).
const (
	adminPasswordMin = 8
	adminPasswordMax = 128
)

func createAdminCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "create-admin",
		Usage: "create or promote a superuser (idempotent)",
		Description: "An existing user is promoted to superuser and keeps its password. Otherwise an\n" +
			"active, verified superuser is created with the given password. Without\n" +
			"--password the password is asked for twice, without echo.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "email", Usage: "the admin's email address (required)"},
			&ucli.StringFlag{Name: "password", Usage: "the password for a new user (prompted for when omitted)"},
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or a directory holding it"},
		},
		Action: func(c *ucli.Context) error {
			// Checked here rather than with Required, for cli.md §3's wording.
			email := c.String("email")
			if email == "" {
				return usageError("Missing option '--email'.")
			}
			cfg, _, err := loadConfig(c.String("config"))
			if err != nil {
				return err
			}
			password := c.String("password")
			if !c.IsSet("password") {
				prompt := newPasswordPrompt(c.App.Reader, c.App.ErrWriter)
				password, err = prompt.askConfirmed("Password", "Repeat for confirmation")
				if errors.Is(err, errAborted) {
					fmt.Fprintln(c.App.ErrWriter, "Aborted!")
					return reported(1)
				}
				if err != nil {
					return runtimeError(err)
				}
			}
			switch n := utf8.RuneCountInString(password); {
			case n < adminPasswordMin:
				return usageError("Password must be at least %d characters.", adminPasswordMin)
			case n > adminPasswordMax:
				return usageError("Password must be at most %d characters.", adminPasswordMax)
			}
			normalized, err := emailaddr.Normalize(email)
			if err != nil {
				return runtimeError(err)
			}
			logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
			u, outcome, err := createAdmin(c.Context, cfg, logger, normalized, password)
			if err != nil {
				return runtimeError(err)
			}
			newStyler(c.App.ErrWriter).line(green, fmt.Sprintf("User %s %s (id=%s).", u.Email, outcome, u.ID))
			return nil
		},
	}
}

// createAdmin installs the schema and creates or promotes the superuser
// email (already normalised). outcome is the verb phrase to print.
func createAdmin(ctx context.Context, cfg config.Config, logger *slog.Logger, email, password string) (u *regstack.User, outcome string, err error) {
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, "", fmt.Errorf("open database: %w", err)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store, Logger: logger})
	if err != nil {
		store.Close()
		return nil, "", err
	}
	defer rs.Close()
	if err := rs.InstallSchema(ctx); err != nil {
		return nil, "", fmt.Errorf("install schema: %w", err)
	}
	// BootstrapAdmin cannot tell "already an admin" from "promoted", so
	// look first (cli.md §3 wants three distinct messages).
	before, err := rs.Store().Users().GetByEmail(ctx, email)
	if err != nil {
		return nil, "", fmt.Errorf("look up user: %w", err)
	}
	u, created, err := rs.BootstrapAdmin(ctx, email, password)
	if err != nil {
		return nil, "", err
	}
	switch {
	case created:
		return u, "created", nil
	case before != nil && before.IsSuperuser:
		return u, "is already an admin", nil
	default:
		return u, "promoted to admin", nil
	}
}

// errAborted is input that ended before a password was given.
var errAborted = errors.New("aborted")

// passwordPrompt asks for passwords without echo on a terminal; from any
// other stdin (a pipe, a test) it reads one line per answer.
type passwordPrompt struct {
	out   io.Writer
	fd    int  // stdin's descriptor when it is a terminal
	tty   bool // read with term.ReadPassword
	lines *bufio.Reader
}

func newPasswordPrompt(in io.Reader, out io.Writer) *passwordPrompt {
	p := &passwordPrompt{out: out}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.fd, p.tty = int(f.Fd()), true
		return p
	}
	p.lines = bufio.NewReader(in)
	return p
}

// askConfirmed asks for a non-empty answer and its repetition until the
// two match, as click's confirmation prompt does.
func (p *passwordPrompt) askConfirmed(label, confirmLabel string) (string, error) {
	for {
		first, err := p.askNonEmpty(label)
		if err != nil {
			return "", err
		}
		second, err := p.ask(confirmLabel)
		if err != nil {
			return "", err
		}
		if first == second {
			return first, nil
		}
		fmt.Fprintln(p.out, "Error: The two entered values do not match.")
	}
}

func (p *passwordPrompt) askNonEmpty(label string) (string, error) {
	for {
		answer, err := p.ask(label)
		if err != nil || answer != "" {
			return answer, err
		}
	}
}

// ask shows "label: " and reads one answer. End of input is errAborted.
func (p *passwordPrompt) ask(label string) (string, error) {
	fmt.Fprint(p.out, label+": ")
	if p.tty {
		b, err := term.ReadPassword(p.fd)
		fmt.Fprintln(p.out)
		if errors.Is(err, io.EOF) {
			return "", errAborted
		}
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := p.lines.ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		fmt.Fprintln(p.out)
		return "", errAborted
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	fmt.Fprintln(p.out)
	return strings.TrimRight(line, "\r\n"), nil
}
