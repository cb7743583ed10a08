package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	"github.com/regstack/regstack/core/config"
	ucli "github.com/urfave/cli/v2"
)

// migrator is a store with Alembic-compatible schema migrations: both SQL
// adapters (their stores embed *sqlstore.Store).
type migrator interface {
	Migrate(ctx context.Context, target string) error
	CurrentRevision(ctx context.Context) (string, error)
}

// errDowngrade is the refusal of a target below the current revision
// (cli.md §4): migrate only moves forward.
var errDowngrade = errors.New("downgrades are not supported")

func migrateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "migrate",
		Usage: "roll the SQL schema forward (idempotent); MongoDB needs no migrations",
		Description: "Brings the database_url schema to --target: head (the default), a revision id\n" +
			"such as 0001, or a step relative to the current revision such as +1.\n" +
			"Revisions only move forward.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or a directory holding it (default ./regstack.toml or $REGSTACK_CONFIG)"},
			&ucli.StringFlag{Name: "target", Value: "head", Usage: "revision to upgrade to: head, a revision id (0001) or a relative step (+1)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usageError("migrate takes no arguments, got %q", c.Args().First())
			}
			cfg, _, err := loadConfig(c.String("config"))
			if err != nil {
				return err
			}
			// Warnings only: the store's note that a migration to 0003 locks
			// out older Python versions is one.
			logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
			return migrate(c.Context, cfg, c.String("target"), c.App.Writer, c.App.ErrWriter, logger)
		},
	}
}

// migrate runs `regstack migrate` (cli.md §4): it reports the revision
// before and after, and on failure prints "upgrade failed: …" on stderr and
// exits 1.
func migrate(ctx context.Context, cfg config.Config, target string, stdout, stderr io.Writer, logger *slog.Logger) error {
	out, errOut := newStyler(stdout), newStyler(stderr)
	fail := func(err error) error {
		errOut.line(red, "upgrade failed: "+err.Error())
		return reported(1)
	}
	if cfg.DatabaseKind() == config.KindMongoDB {
		out.line(yellow, "skip: mongo backends use install_schema() at app start; nothing to migrate.")
		return nil
	}
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return fail(fmt.Errorf("open database: %w", err))
	}
	defer st.Close()
	m, ok := st.(migrator)
	if !ok {
		return fail(fmt.Errorf("the %s backend has no schema migrations", cfg.DatabaseKind()))
	}
	current, err := m.CurrentRevision(ctx)
	if err != nil {
		return fail(err)
	}
	resolved, err := resolveTarget(target, current)
	if err != nil {
		return fail(err)
	}
	if resolved == current {
		out.line(green, fmt.Sprintf("already at %s (%s)", target, sqlstore.HeadRevision))
		return nil
	}
	fmt.Fprintf(stdout, "upgrading %s from %s to %s…\n", config.MaskURL(cfg.DatabaseURL), displayRevision(current), target)
	if err := m.Migrate(ctx, resolved); err != nil {
		return fail(err)
	}
	now, err := m.CurrentRevision(ctx)
	if err != nil {
		return fail(err)
	}
	out.line(green, "now at "+now)
	return nil
}

// resolveTarget turns a --target (head, a revision id, or +N) into the
// revision id to migrate to from current ("" for an empty database). It
// refuses a current revision this build does not know, targets it does
// not know, and downgrades.
func resolveTarget(target, current string) (string, error) {
	revs := sqlstore.Revisions()
	cur := -1
	if current != "" {
		cur = slices.Index(revs, current)
		if cur < 0 {
			return "", fmt.Errorf("the database is at revision %s, which this build does not know (it knows %s); upgrade regstack first",
				current, strings.Join(revs, ", "))
		}
	}
	var next int
	switch {
	case target == "" || target == "head":
		next = len(revs) - 1
	case strings.HasPrefix(target, "+"):
		n, err := strconv.Atoi(target[1:])
		if err != nil || n < 1 {
			return "", fmt.Errorf("invalid relative revision %q (use +1, +2, …)", target)
		}
		if cur+n >= len(revs) {
			return "", fmt.Errorf("relative revision %s from %s goes past the head revision %s", target, displayRevision(current), sqlstore.HeadRevision)
		}
		next = cur + n
	case strings.HasPrefix(target, "-"), target == "base":
		return "", errDowngrade
	default:
		next = slices.Index(revs, target)
		if next < 0 {
			return "", fmt.Errorf("unknown target revision %q (this build knows head, %s, or +N)", target, strings.Join(revs, ", "))
		}
	}
	if next < cur {
		return "", errDowngrade
	}
	return revs[next], nil
}

// displayRevision names a revision in messages; an empty database has none.
func displayRevision(rev string) string {
	if rev == "" {
		return "(empty)"
	}
	return rev
}
