package cli

import (
	"errors"

	"context"
	"fmt"
	ucli "github.com/urfave/cli/v2"
	"log/slog"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// reapResult is one store's count of deleted expired rows.
type reapResult struct {
	Table string
	Count int
}

// reapExpired deletes expired rows from every store (domain.md §8.2).
func reapExpired(ctx context.Context, rs *regstack.RegStack) ([]reapResult, error) {
	st := rs.Store()
	now := rs.Clock().Now()
	window := time.Duration(rs.Config().LoginLockoutWindowSeconds) * time.Second
	steps := []struct {
		table string
		purge func() (int, error)
	}{
		{"pending_registrations", func() (int, error) { return st.Pending().PurgeExpired(ctx, now) }},
		{"token_blacklist", func() (int, error) { return st.Blacklist().PurgeExpired(ctx, now) }},
		{"login_attempts", func() (int, error) { return st.LoginAttempts().PurgeExpired(ctx, now, window) }},
		{"mfa_codes", func() (int, error) { return st.MFACodes().PurgeExpired(ctx, now) }},
		{"oauth_states", func() (int, error) { return st.OAuthStates().PurgeExpired(ctx, now) }},
	}
	var out []reapResult
	for _, s := range steps {
		n, err := s.purge()
		if err != nil {
			return out, fmt.Errorf("reap %s: %w", s.table, err)
		}
		out = append(out, reapResult{s.table, n})
	}
	return out, nil
}

// startReaper runs reapExpired every reap_interval_seconds on SQL backends
// (MongoDB's TTL indexes do this job there) until ctx ends or the returned
// stop is called.
func startReaper(ctx context.Context, rs *regstack.RegStack, cfg config.Config, logger *slog.Logger) (stop func()) {
	if cfg.ReapIntervalSeconds <= 0 || cfg.DatabaseKind() == "mongodb" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Duration(cfg.ReapIntervalSeconds) * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				res, err := reapExpired(ctx, rs)
				if err != nil {
					logger.Error("reaper", "err", err)
					continue
				}
				for _, r := range res {
					if r.Count > 0 {
						logger.Info("reaper: expired rows deleted", "table", r.Table, "count", r.Count)
					}
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

func reapCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "reap",
		Usage: "delete expired rows (pending registrations, blacklist, login attempts, MFA codes, OAuth states)",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or a directory holding it"},
		},
		Action: func(c *ucli.Context) error {
			logger := slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: slog.LevelWarn}))
			cfg, _, err := loadConfig(c.String("config"))
			if err != nil {
				return err
			}
			if errs := cfg.StartupErrors(); len(errs) > 0 {
				return runtimeError(errors.Join(errs...))
			}
			rs, err := build(c.Context, cfg, logger)
			if err != nil {
				return runtimeError(err)
			}
			defer rs.Close()
			res, err := reapExpired(c.Context, rs)
			for _, r := range res {
				fmt.Fprintf(c.App.Writer, "✔ %s: %d expired row(s) deleted\n", r.Table, r.Count)
			}
			if err != nil {
				return runtimeError(err)
			}
			return nil
		},
	}
}
