package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	ucli "github.com/urfave/cli/v2"
)

// skippablePhases are the names --skip accepts.
var skippablePhases = []string{"account", "oauth", "reset", "sms"}

// validateHelp is the operator runbook `regstack validate --help` shows
// (cli.md §6.2, §6.3).
const validateHelp = `Registers a throwaway user against the live JSON API, walks every auth flow
(verify → login → /me → logout + blacklist → PATCH /me → change-password →
change-email → password reset → OAuth start → SMS 2FA), then deletes the user.
Exit code = number of failed checks (0: everything passed).

PREPARATION — on the deployment, BEFORE running this command:

 1. email.backend = "console" in regstack.toml ([email] backend = "console").
    Real SMTP/SES backends cannot be probed: the one-time links are read from
    the deployment's log, not from a mailbox. Switch for the probe, revert after.

 2. email.log_bodies = true in regstack.toml. The console backend logs the
    To/From/Subject line always, but the body (with the verification, reset
    and change-email link) only at DEBUG unless log_bodies promotes it to INFO.

 3. For SMS 2FA: sms.backend = "null" AND sms.log_bodies = true, and pass
    --phone +E164 (the number is only logged, never texted). Without
    sms.log_bodies the codes are left out of the log and the SMS phase fails
    at phone/start:tail.

 4. Make the deployment's stdout readable from here with ONE --log-source:

      file:/var/log/regstack.log
          a local file, followed like tail -F (systemd:
          StandardOutput=append:/var/log/regstack.log)
      ssh:[user@]host:/var/log/regstack.log
          the same on another host, through the system ssh client in batch
          mode (key-based auth only; your ~/.ssh/config applies). Set
          REGSTACK_SSH_COMMAND (like GIT_SSH_COMMAND) to run another ssh
          command line, e.g. "ssh -F ./probe_config -i ./deploy_key".
      docker:CONTAINER
          docker logs -f --since <start of the probe> CONTAINER
      cmd:'journalctl -fu regstack.service'
          any command that streams the deployment's output to its stdout

 5. The probe is an HTTP client: --url must be reachable from here.

WHAT IT CREATES: one user validate-<hex>@<probe-email-domain>, renamed to
validate-renamed-<hex>@… by the change-email flow, deleted at the end with
DELETE /account (also after a failure; --no-cleanup keeps it). No other user
is touched; links and codes addressed to anyone else are ignored.

Example:
   regstack validate --url https://staging.example.com/api/auth \
       --log-source ssh:deploy@staging.example.com:/var/log/regstack.log \
       --phone +15551234567`

func validateCommand() *ucli.Command {
	return &ucli.Command{
		Name:        "validate",
		Usage:       "probe a deployed regstack server end to end",
		UsageText:   "regstack validate --url URL [--log-source SPEC] [options]",
		Description: validateHelp,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "url", Required: true, Usage: "base `URL` of the JSON router, e.g. https://host/api/auth"},
			&ucli.StringFlag{Name: "log-source", Usage: "where to tail the deployment's output: `SPEC` is file:PATH, ssh:[user@]host:PATH, docker:CONTAINER or cmd:COMMAND (see above)"},
			&ucli.StringFlag{Name: "phone", Usage: "`E.164` number for the SMS 2FA phase; without it the phase is skipped"},
			&ucli.StringFlag{Name: "probe-email-domain", Value: "regstack-probe.example", Usage: "`DOMAIN` of the throwaway address"},
			&ucli.StringFlag{Name: "password", Usage: "the probe user's initial password `PW` (default: 32 random bytes, base64url)"},
			&ucli.StringFlag{Name: "skip", Usage: "comma-separated `LIST` of phases to skip: " + strings.Join(skippablePhases, ",")},
			&ucli.BoolFlag{Name: "json", Usage: "print a JSON report instead of ✔/✘ lines"},
			&ucli.BoolFlag{Name: "no-cleanup", Usage: "leave the probe user behind (debugging only)"},
			&ucli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every HTTP request and tailed log line on stderr (secrets masked)"},
			&ucli.BoolFlag{Name: "insecure", Usage: "skip TLS certificate verification (self-signed staging certificates)"},
			&ucli.Float64Flag{Name: "timeout", Value: 10, Usage: "per-request HTTP timeout in `SECS`"},
			&ucli.Float64Flag{Name: "log-timeout", Value: defaultLogWait.Seconds(), Usage: "how long to wait for each link or code in the log, in `SECS`"},
			&ucli.StringFlag{Name: "oauth-host", Value: defaultOAuthHost, Usage: "`HOST` the OAuth start must redirect to (for a google_authorization_endpoint of your own)"},
		},
		Action: func(c *ucli.Context) error {
			opts, err := validateFlags(c)
			if err != nil {
				return err
			}
			// Handled for the whole run, never handed back to the default
			// action: the log source runs in a process group of its own
			// that the terminal's Ctrl-C does not reach, so validate must
			// be the one to end it (see validate).
			interrupts := make(chan os.Signal, 1)
			signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(interrupts)
			return validate(c.Context, opts, interrupts, c.App.Writer, c.App.ErrWriter, os.Getenv)
		},
	}
}

// validateOptions are validate's flags, checked.
type validateOptions struct {
	URL         string
	LogSource   *logSpec // nil: no --log-source
	Phone       string
	EmailDomain string
	Password    string
	Skip        map[string]bool
	JSON        bool
	NoCleanup   bool
	Verbose     bool
	Insecure    bool
	Timeout     time.Duration
	LogWait     time.Duration
	OAuthHost   string
}

// validateFlags reads and checks the flags; problems are usage errors
// (exit 2) printed as "error: <message>" (cli.md §6.3).
func validateFlags(c *ucli.Context) (validateOptions, error) {
	opts := validateOptions{
		URL:         c.String("url"),
		Phone:       strings.TrimSpace(c.String("phone")),
		EmailDomain: strings.TrimSpace(c.String("probe-email-domain")),
		Password:    c.String("password"),
		JSON:        c.Bool("json"),
		NoCleanup:   c.Bool("no-cleanup"),
		Verbose:     c.Bool("verbose"),
		Insecure:    c.Bool("insecure"),
		OAuthHost:   strings.TrimSpace(c.String("oauth-host")),
	}
	fail := func(format string, args ...any) (validateOptions, error) {
		fmt.Fprintf(c.App.ErrWriter, "error: "+format+"\n", args...)
		return validateOptions{}, reported(2)
	}
	if u, err := url.Parse(opts.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail("--url must be an http:// or https:// URL, got '%s'", opts.URL)
	}
	if spec := c.String("log-source"); c.IsSet("log-source") {
		ls, err := parseLogSource(spec)
		if err != nil {
			return fail("%v", err)
		}
		opts.LogSource = &ls
	}
	skip, err := parseSkip(c.String("skip"))
	if err != nil {
		return fail("%v", err)
	}
	opts.Skip = skip
	if opts.EmailDomain == "" {
		return fail("--probe-email-domain must not be empty")
	}
	if opts.OAuthHost == "" {
		return fail("--oauth-host must not be empty")
	}
	if opts.Timeout, err = seconds("--timeout", c.Float64("timeout")); err != nil {
		return fail("%v", err)
	}
	if opts.LogWait, err = seconds("--log-timeout", c.Float64("log-timeout")); err != nil {
		return fail("%v", err)
	}
	return opts, nil
}

// parseSkip reads --skip; an unknown phase name is refused rather than
// silently probed.
func parseSkip(list string) (map[string]bool, error) {
	skip := map[string]bool{}
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(skippablePhases, name) {
			return nil, fmt.Errorf("--skip names unknown phase '%s' (choose from %s)", name, strings.Join(skippablePhases, ", "))
		}
		skip[name] = true
	}
	return skip, nil
}

// seconds turns a positive number of seconds into a duration.
func seconds(flag string, s float64) (time.Duration, error) {
	if !(s > 0) || s > math.MaxInt64/float64(time.Second) {
		return 0, fmt.Errorf("%s must be a positive number of seconds, got %v", flag, s)
	}
	return time.Duration(s * float64(time.Second)), nil
}

// validate runs the probe and returns its exit code as an error: nil when
// every check passed, else the number of failed checks (at most 125).
//
// A first interrupt stops the phases; cleanup still runs. A second one
// kills the log source's processes at once, abandons cleanup and returns
// 128 + the signal's number (130 for Ctrl-C), as a shell reports a
// process it interrupted.
func validate(ctx context.Context, opts validateOptions, interrupts <-chan os.Signal, stdout, stderr io.Writer, getenv func(string) string) error {
	// The log reader writes verbose lines from its own goroutine: every
	// write to stderr goes through one lock.
	locked := &lockedWriter{w: stderr}
	errOut := styler{w: locked, colour: useColour(stderr, os.Getenv("NO_COLOR"))}
	var verbose io.Writer
	if opts.Verbose {
		verbose = locked
	}

	// runCtx ends at a second interrupt (cleanup and log source too),
	// phasesCtx already at the first.
	runCtx, abort := context.WithCancel(ctx)
	defer abort()
	phasesCtx, stopPhases := context.WithCancel(runCtx)
	defer stopPhases()

	var tail *logTail
	if opts.LogSource != nil {
		tail = newLogTail(opts.LogSource.String(), opts.LogWait, verbose)
		src := openLogSource(*opts.LogSource, time.Now(), getenv)
		if err := src.start(runCtx, tail); err != nil {
			fmt.Fprintf(locked, "error: %v\n", err)
			return reported(2)
		}
		defer tail.close()
	}

	finished := make(chan struct{})
	defer close(finished)
	killedBy := make(chan os.Signal, 1)
	go func() {
		select {
		case <-interrupts:
			stopPhases()
		case <-finished:
			return
		}
		select {
		case sig := <-interrupts:
			if tail != nil {
				tail.kill()
			}
			abort()
			killedBy <- sig
		case <-finished:
		}
	}()

	if tail != nil {
		// A source that says when it follows (ssh) is waited for, so the
		// first mail is not logged before it looks.
		tail.waitReady(phasesCtx, opts.LogWait)
	}

	report := &probeReport{out: newStyler(stdout), json: opts.JSON}
	p, err := newProbe(opts, newProbeClient(opts.URL, opts.Timeout, opts.Insecure, verbose), tail, report)
	if err != nil {
		return runtimeError(err)
	}
	p.run(phasesCtx, runCtx)

	code, err := report.finish(errOut)
	if err != nil {
		return runtimeError(err)
	}
	if opts.NoCleanup {
		errOut.line(yellow, "\nleft probe user "+p.email+" on deployment (--no-cleanup).")
	}
	select {
	case sig := <-killedBy:
		return reported(signalExitCode(sig))
	default:
	}
	if code > 0 {
		return reported(code)
	}
	return nil
}

// signalExitCode is the shells' exit status for a process ended by sig.
func signalExitCode(sig os.Signal) int {
	if n, ok := sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

// lockedWriter serialises writes from the log reader and the probe, so
// verbose lines never interleave mid-line.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
