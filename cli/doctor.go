package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/message"
	ucli "github.com/urfave/cli/v2"
)

// Time limits of the doctor's network checks, so an unreachable server
// fails the check instead of hanging a container health check.
const (
	doctorBackendTimeout = 15 * time.Second
	doctorSendTimeout    = 60 * time.Second
)

func doctorCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "doctor",
		Usage: "read-only checks of the loaded configuration",
		Description: "Prints one ✔ / ⚠ / ✘ line per check. Exits 0 when nothing failed (⚠ advisories\n" +
			"do not fail), 1 otherwise. Creates no tables, indexes or files.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "config", Usage: "regstack.toml, or a directory holding it"},
			&ucli.BoolFlag{Name: "check-dns", Usage: "look up MX, SPF and DMARC of the sender domain (needs the Internet)"},
			&ucli.StringFlag{Name: "send-test-email", Usage: "send one probe email to `TO` through the configured backend"},
		},
		Action: func(c *ucli.Context) error {
			return doctor(c.Context, doctorOptions{
				ConfigPath: c.String("config"),
				CheckDNS:   c.Bool("check-dns"),
				SendTo:     c.String("send-test-email"),
				DNSServer:  os.Getenv(dnsServerEnv),
			}, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// doctorOptions are the doctor's flags.
type doctorOptions struct {
	ConfigPath string
	CheckDNS   bool
	// SendTo is the recipient of the probe email; empty sends none.
	SendTo string
	// DNSServer is "host:port" to query instead of the system resolver.
	DNSServer string
}

// checkResult is one line of the doctor's report.
type checkResult struct {
	name   string
	mark   mark
	detail string
}

// doctorReport prints check lines as they come and counts them.
type doctorReport struct {
	out            styler
	scrub          func(string) string
	failed, warned int
}

func (r *doctorReport) add(results ...checkResult) {
	for _, res := range results {
		r.out.check(res.mark, res.name, r.scrub(res.detail))
		switch res.mark {
		case markFail:
			r.failed++
		case markWarn:
			r.warned++
		}
	}
}

// finish prints the summary on stderr (cli.md §5.1): exit 1 when a check
// failed, advisories alone leave it 0.
func (r *doctorReport) finish(errOut styler) error {
	if r.warned > 0 {
		fmt.Fprintln(errOut.w)
		errOut.line(yellow, fmt.Sprintf("%d advisory warning(s).", r.warned))
	}
	if r.failed > 0 {
		errOut.line(red, fmt.Sprintf("%d check(s) failed.", r.failed))
		return reported(1)
	}
	return nil
}

// doctor runs every check of cli.md §5.2 in order.
func doctor(ctx context.Context, opts doctorOptions, stdout, stderr io.Writer) error {
	errOut := newStyler(stderr)
	report := &doctorReport{out: newStyler(stdout), scrub: func(s string) string { return s }}
	cfg, loaded, err := loadConfig(opts.ConfigPath)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) && ee.code == 2 {
			return err // --config names no file: a usage error
		}
		report.add(checkResult{name: "config", mark: markFail, detail: err.Error()})
		return report.finish(errOut)
	}
	report.scrub = secretScrubber(cfg)
	// The store logs only trouble; the mailer logs at INFO so the console
	// backend shows the probe it "sent".
	storeLogger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	mailLogger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	report.add(checkJWTSecret(cfg))

	backend := openBackend(ctx, cfg, storeLogger)
	if backend.store != nil {
		defer backend.store.Close()
	}
	report.add(backend.result)
	dbCtx, cancel := context.WithTimeout(ctx, doctorBackendTimeout)
	defer cancel()
	report.add(checkSchema(dbCtx, backend))
	if res, ok := checkMongoServer(dbCtx, backend); ok {
		report.add(res)
	}

	mailer, res := checkEmailBackend(cfg, mailLogger)
	report.add(res)
	report.add(configChecks(cfg, loaded)...)

	if opts.CheckDNS {
		report.add(dnsChecks(ctx, newResolver(opts.DNSServer), cfg.Email.FromAddress)...)
	}
	if opts.SendTo != "" {
		report.add(sendProbe(ctx, cfg, mailer, opts.SendTo))
	}
	return report.finish(errOut)
}

// checkJWTSecret is check 1: present and at least 32 characters.
func checkJWTSecret(cfg config.Config) checkResult {
	res := checkResult{name: "jwt secret", mark: markFail}
	switch n := utf8.RuneCountInString(cfg.JWTSecret); {
	case n == 0:
		res.detail = "missing — run `regstack init`"
	case n < config.MinJWTSecretLength:
		res.detail = fmt.Sprintf("too short (%d chars; need ≥%d)", n, config.MinJWTSecretLength)
	default:
		res.mark, res.detail = markPass, fmt.Sprintf("present (%d chars)", n)
	}
	return res
}

// backendState is what the backend check found, for the checks after it.
type backendState struct {
	kind   string // sqlite, postgres, mongo; "" for an unknown scheme
	store  regstack.Store
	result checkResult
	// noDatabase: the SQLite file does not exist, so there is no schema.
	noDatabase bool
}

// openBackend is check 2: open the store without creating anything and
// ping it.
func openBackend(ctx context.Context, cfg config.Config, logger *slog.Logger) backendState {
	b := backendState{kind: backendLabel(cfg.DatabaseKind())}
	fail := func(format string, args ...any) backendState {
		b.result = checkResult{name: "backend", mark: markFail, detail: fmt.Sprintf(format, args...)}
		return b
	}
	if b.kind == "" {
		for _, err := range cfg.StartupErrors() {
			var se *config.StartupError
			if errors.As(err, &se) && se.Key == "database_url" {
				return fail("%s", se.Message)
			}
		}
		return fail("unrecognised database_url scheme")
	}
	if b.kind == config.KindSQLite {
		if path, isFile := sqliteFile(cfg.DatabaseURL); isFile {
			// Opening a missing SQLite file would create it.
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				b.noDatabase = true
				abs, _ := filepath.Abs(path)
				return fail("sqlite unreachable: database file %s does not exist", abs)
			}
			cfg.DatabaseURL = withQueryParam(cfg.DatabaseURL, "mode=ro")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, doctorBackendTimeout)
	defer cancel()
	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return fail("%s unreachable: %v", b.kind, err)
	}
	if err := store.Ping(ctx); err != nil {
		store.Close()
		return fail("%s unreachable: %v", b.kind, err)
	}
	b.store = store
	b.result = checkResult{name: "backend", mark: markPass, detail: b.kind + " reachable"}
	return b
}

// backendLabel is the backend's name in doctor lines (cli.md §5.2).
func backendLabel(kind string) string {
	if kind == config.KindMongoDB {
		return "mongo"
	}
	return kind
}

// sqliteFile returns the file a sqlite:// URL names, relative to the
// working directory as the adapter resolves it; false for an in-memory
// database.
func sqliteFile(dbURL string) (string, bool) {
	_, rest, _ := strings.Cut(dbURL, "://")
	rest, _, _ = strings.Cut(rest, "?")
	path, ok := strings.CutPrefix(rest, "/")
	if !ok || path == "" || path == ":memory:" {
		return "", false
	}
	return path, true
}

func withQueryParam(dbURL, param string) string {
	if strings.Contains(dbURL, "?") {
		return dbURL + "&" + param
	}
	return dbURL + "?" + param
}

// revisioner is a SQL store that reports its Alembic revision.
type revisioner interface {
	CurrentRevision(ctx context.Context) (string, error)
}

// indexReporter is a MongoDB store that names, as "<collection>.<index>"
// in the collections the configuration names, the indexes its
// InstallSchema always creates but the database lacks: cli.md §5.2's
// users.email_unique and token_blacklist.jti_unique, and the other unique
// indexes and login_attempts.email_when (TTL indexes are optional).
type indexReporter interface {
	MissingIndexes(ctx context.Context) ([]string, error)
}

// checkSchema is check 3: SQL at the bundled head revision with a readable
// users table, or MongoDB with its core indexes.
func checkSchema(ctx context.Context, b backendState) checkResult {
	res := func(m mark, format string, args ...any) checkResult {
		return checkResult{name: "schema", mark: m, detail: fmt.Sprintf(format, args...)}
	}
	missing := fmt.Sprintf("alembic_version table missing (run `regstack migrate`); bundled head is %s", sqlstore.HeadRevision)
	if b.noDatabase {
		return res(markFail, "%s", missing)
	}
	if b.store == nil {
		return res(markFail, "check failed: backend unreachable")
	}
	switch st := b.store.(type) {
	case revisioner:
		rev, err := st.CurrentRevision(ctx)
		switch {
		case err != nil:
			return res(markFail, "check failed: %v", err)
		case rev == "":
			return res(markFail, "%s", missing)
		case rev != sqlstore.HeadRevision:
			return res(markFail, "deployed revision %s ≠ bundled head %s (run `regstack migrate`)", rev, sqlstore.HeadRevision)
		}
		if _, err := b.store.Users().Count(ctx, regstack.UserFilter{}); err != nil {
			return res(markFail, "users table not readable: %v", err)
		}
		return res(markPass, "at head (%s)", rev)
	case indexReporter:
		names, err := st.MissingIndexes(ctx)
		switch {
		case err != nil:
			return res(markFail, "check failed: %v", err)
		case len(names) > 0:
			return res(markFail, "missing: %s (call install_schema)", strings.Join(names, ", "))
		}
		return res(markPass, "core indexes present")
	}
	return res(markWarn, "not checked: the %s store reports neither a schema revision nor its indexes", b.kind)
}

// serverVersioner is a MongoDB store that reports buildInfo's version.
type serverVersioner interface {
	ServerVersion(ctx context.Context) (string, error)
}

// secantusVersioner is a MongoDB store that reports buildInfo's
// secantusVersion: "" unless the server is SecantusDB.
type secantusVersioner interface {
	SecantusVersion(ctx context.Context) (string, error)
}

// checkMongoServer is check 4, MongoDB only: the CVE-2025-14847 advisory.
// It is left out when the store cannot report its server version.
func checkMongoServer(ctx context.Context, b backendState) (checkResult, bool) {
	if b.kind != backendLabel(config.KindMongoDB) {
		return checkResult{}, false
	}
	if b.store == nil {
		return mongoServerCheck("", "", errors.New("backend unreachable")), true
	}
	sv, ok := b.store.(serverVersioner)
	if !ok {
		return checkResult{}, false
	}
	secantus := ""
	if s, ok := b.store.(secantusVersioner); ok {
		v, err := s.SecantusVersion(ctx)
		if err != nil {
			return mongoServerCheck("", "", err), true
		}
		secantus = v
	}
	version, err := sv.ServerVersion(ctx)
	return mongoServerCheck(version, secantus, err), true
}

// checkEmailBackend is check 5: the configured mailer can be built. It
// sends nothing.
func checkEmailBackend(cfg config.Config, logger *slog.Logger) (regstack.Mailer, checkResult) {
	backend := cfg.Email.Backend
	mailer, err := newMailer(cfg, logger)
	if err != nil {
		return nil, checkResult{name: "email backend", mark: markFail,
			detail: fmt.Sprintf("backend '%s' failed to instantiate: %v", backend, err)}
	}
	impl := strings.TrimPrefix(reflect.TypeOf(mailer).String(), "*")
	return mailer, checkResult{name: "email backend", mark: markPass, detail: backend + " → " + impl}
}

// configChecks are the `config` lines: start-up errors no other check
// covers (✘), the loader's warnings and the advisories of config.md §7 (⚠).
func configChecks(cfg config.Config, loaded *config.Report) []checkResult {
	var out []checkResult
	fail := func(msg string) { out = append(out, checkResult{name: "config", mark: markFail, detail: msg}) }
	warn := func(msg string) { out = append(out, checkResult{name: "config", mark: markWarn, detail: msg}) }

	for _, err := range cfg.StartupErrors() {
		var se *config.StartupError
		if errors.As(err, &se) && (se.Key == "jwt_secret" || se.Key == "database_url") {
			continue // the jwt secret and backend checks report these
		}
		fail(err.Error())
	}
	for _, w := range loaded.Warnings {
		warn(w.String())
	}
	if cfg.EnableSMS2FA && cfg.SMS.Backend == "null" {
		msg := `enable_sms_2fa is on but sms.backend = "null": sign-in codes are never delivered`
		if cfg.SMS.LogBodies == nil || !*cfg.SMS.LogBodies {
			// Since 0.8.2 the null sender hides bodies by default, so the
			// codes are not even in the log that `regstack validate` reads.
			msg += "; probing SMS with `regstack validate` needs sms.log_bodies = true"
		}
		warn(msg)
	}
	if cfg.EnableOAuth && (isEmpty(cfg.OAuth.GoogleClientID) || isEmpty(cfg.OAuth.GoogleClientSecret)) {
		warn("enable_oauth is on but oauth.google_client_id and oauth.google_client_secret are not both set: the OAuth router is not mounted")
	}
	if cfg.Email.Backend == "console" && strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://") {
		warn(`email.backend = "console" with an https base_url: email is only logged, never delivered`)
	}
	return out
}

func isEmpty(s *string) bool { return s == nil || *s == "" }

// sendProbe is check 9: one real email through the configured backend.
func sendProbe(ctx context.Context, cfg config.Config, mailer regstack.Mailer, to string) checkResult {
	res := checkResult{name: "email send", mark: markFail}
	if mailer == nil {
		res.detail = fmt.Sprintf("send failed: backend '%s' failed to instantiate", cfg.Email.Backend)
		return res
	}
	subject, text, html := message.DoctorProbe(cfg.AppName)
	ctx, cancel := context.WithTimeout(ctx, doctorSendTimeout)
	defer cancel()
	err := mailer.Send(ctx, regstack.EmailMessage{
		To:          to,
		FromName:    cfg.EmailFromName(),
		FromAddress: cfg.Email.FromAddress,
		Subject:     subject,
		Text:        text,
		HTML:        html,
	})
	if err != nil {
		res.detail = fmt.Sprintf("send failed: %v", err)
		return res
	}
	res.mark, res.detail = markPass, fmt.Sprintf("probe delivered to %s via %s", to, cfg.Email.Backend)
	return res
}

// secretScrubber returns a function that hides the configuration's secret
// values in text bound for the terminal: a driver's error may quote the
// database URL, and no secret may be printed (config.md §3).
func secretScrubber(cfg config.Config) func(string) string {
	type swap struct{ secret, shown string }
	var swaps []swap
	add := func(secret, shown string) {
		// Very short values would mask ordinary words.
		if len(secret) >= 4 {
			swaps = append(swaps, swap{secret, shown})
		}
	}
	add(cfg.DatabaseURL, config.MaskURL(cfg.DatabaseURL))
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			add(pw, "***")
			add(url.QueryEscape(pw), "***")
		}
	}
	add(cfg.JWTSecret, "***")
	for _, s := range []*string{cfg.Email.SMTPPassword, cfg.Email.SESSecretAccessKey, cfg.Email.SESAccessKeyID,
		cfg.SMS.TwilioAuthToken, cfg.OAuth.GoogleClientSecret} {
		if s != nil {
			add(*s, "***")
		}
	}
	// Longest first, so the URL is masked before the password inside it.
	sort.Slice(swaps, func(i, j int) bool { return len(swaps[i].secret) > len(swaps[j].secret) })
	return func(text string) string {
		for _, s := range swaps {
			text = strings.ReplaceAll(text, s.secret, s.shown)
		}
		return text
	}
}
