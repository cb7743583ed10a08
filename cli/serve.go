package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
	ucli "github.com/urfave/cli/v2"
)

// shutdownGrace is how long in-flight requests may take to finish after
// SIGINT/SIGTERM before the server closes them.
const shutdownGrace = 30 * time.Second

func serveCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "serve",
		Usage: "run the standalone server (JSON API, account pages, static assets)",
		Description: "With no configuration file at all, serve runs on SQLite in the current directory,\n" +
			"console email with bodies logged (so verification links show), null SMS, and a\n" +
			"JWT secret generated into regstack.secrets.env (mode 0600) on first run.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or a directory holding it"},
			&ucli.StringFlag{Name: "host", Value: "127.0.0.1", Usage: "interface to listen on"},
			&ucli.IntFlag{Name: "port", Value: 8000, Usage: "TCP port (0 picks a free one)"},
		},
		Action: func(c *ucli.Context) error {
			logs := newLogBatch(c.App.ErrWriter)
			defer logs.Close()
			logger := slog.New(logs.handler(&slog.HandlerOptions{Level: slog.LevelInfo}))
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, logger, serveOptions{
				ConfigPath: c.String("config"),
				Host:       c.String("host"),
				Port:       c.Int("port"),
			})
		},
	}
}

type serveOptions struct {
	ConfigPath string
	Host       string
	Port       int
}

// serve runs until ctx is cancelled, then shuts down gracefully.
func serve(ctx context.Context, logger *slog.Logger, opts serveOptions) error {
	if opts.Port < 0 || opts.Port > 65535 {
		return usageError("--port must be between 0 and 65535, got %d", opts.Port)
	}
	cfg, report, err := loadConfig(opts.ConfigPath)
	if err != nil {
		return err
	}
	for _, w := range report.Warnings {
		logger.Warn("config: " + w.String())
	}
	zeroConfig := report.TOMLFile == ""

	if cfg.JWTSecret == "" && zeroConfig {
		path := report.SecretsFile
		if path == "" {
			path = "regstack.secrets.env"
		}
		cfg.JWTSecret = newJWTSecret()
		if err := appendSecret(path, "REGSTACK_JWT_SECRET", cfg.JWTSecret); err != nil {
			return runtimeError(err)
		}
		abs, _ := filepath.Abs(path)
		logger.Info("generated a new JWT secret", "file", abs, "mode", "0600")
	}
	// serve mounts the pages unless enable_ui_router = false is explicit
	// (cli.md §15).
	if cfg.EnableUIRouter == nil {
		on := true
		cfg.EnableUIRouter = &on
	}
	themeFile := hostTheme(cfg, report)
	if themeFile != "" {
		u := hostThemeURL(cfg)
		cfg.ThemeCSSURL = &u
		logger.Info("serving the host theme beside the configuration", "file", themeFile, "url", u)
	}
	if _, set := report.Sources["email.log_bodies"]; !set && zeroConfig && cfg.Email.Backend == "console" {
		on := true
		cfg.Email.LogBodies = &on
		logger.Info("zero-config mode: console email logs message bodies (email.log_bodies = true) so verification links show here")
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)))
	if err != nil {
		return runtimeError(fmt.Errorf("listen: %w", err))
	}
	defer ln.Close()
	origin := "http://" + ln.Addr().String()
	if _, set := report.Sources["base_url"]; !set {
		cfg.BaseURL = origin
	}
	if errs := cfg.StartupErrors(); len(errs) > 0 {
		return runtimeError(errors.Join(errs...))
	}

	setMemoryLimit(cfg, logger)
	rs, err := build(ctx, cfg, logger)
	if err != nil {
		return runtimeError(err)
	}
	defer func() {
		if err := rs.Close(); err != nil {
			logger.Error("close database", "err", err)
		}
	}()
	if err := rs.InstallSchema(ctx); err != nil {
		return runtimeError(fmt.Errorf("install schema: %w", err))
	}

	srv, err := rshttp.NewServer(rs, ln.Addr().String())
	if err != nil {
		return runtimeError(err)
	}
	site := srv.Handler
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := rs.Store().Ping(r.Context()); err != nil {
			logger.ErrorContext(r.Context(), "healthz: database ping failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, `{"status":"unavailable"}`)
			return
		}
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mountServeUI(mux, cfg, themeFile)
	mux.Handle("/", site)
	srv.Handler = mux

	stopReaper := startReaper(ctx, rs, cfg, logger)
	defer stopReaper()

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	listening := []any{"url", origin, "api", origin + cfg.APIPrefix}
	if uiOn(cfg) {
		listening = append(listening, "pages", origin+strings.TrimRight(cfg.UIPrefix, "/")+"/login")
	}
	listening = append(listening, "database", config.MaskURL(cfg.DatabaseURL), "email", cfg.Email.Backend)
	logger.Info("regstack is listening", listening...)

	select {
	case err := <-serveErr:
		return runtimeError(fmt.Errorf("serve: %w", err))
	case <-ctx.Done():
	}
	logger.Info("shutting down: waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return runtimeError(fmt.Errorf("shutdown: %w", err))
	}
	logger.Info("stopped")
	return nil
}

// setMemoryLimit bounds the Go heap to what the hashing pool needs plus
// headroom. Every Argon2id hash allocates argon2_memory_kib and drops it;
// without a limit the collector lets garbage grow to twice the live heap,
// so a login flood would hold far more memory than the pool's bound. The
// operator's GOMEMLIMIT, when set, wins.
func setMemoryLimit(cfg config.Config, logger *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	workers := cfg.PasswordHashWorkers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	limit := int64(workers)*int64(cfg.Argon2MemoryKiB)<<10 + serveHeapHeadroom
	debug.SetMemoryLimit(limit)
	logger.Debug("memory limit set", "bytes", limit)
}

// serveHeapHeadroom is the Go heap allowed beyond the hashing pool's memory:
// requests, the database driver, templates.
const serveHeapHeadroom = 24 << 20

// loadConfig loads configuration for a read-only command: --config may
// name a file or a directory holding regstack.toml.
func loadConfig(path string) (config.Config, *config.Report, error) {
	cfg, report, err := config.Load(config.LoadOptions{ConfigPath: path})
	if err != nil {
		var nf *config.NotFoundError
		if errors.As(err, &nf) {
			return cfg, report, usageError("%v", err)
		}
		return cfg, report, runtimeError(err)
	}
	return cfg, report, nil
}
