package cli

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
)

func TestValidateFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"--url is required", []string{}, `Required flag "url" not set`},
		{"--url must be http or https", []string{"--url", "ftp://host/api/auth"}, "error: --url must be an http:// or https:// URL, got 'ftp://host/api/auth'\n"},
		{"a log source without a kind is refused", []string{"--url", "http://h", "--log-source", "bogus"},
			"error: --log-source must be 'file:PATH', 'ssh:user@host:PATH', 'docker:CONTAINER', or 'cmd:<shell>'. Got: 'bogus'\n"},
		{"an empty log source is refused", []string{"--url", "http://h", "--log-source", ""},
			"error: --log-source must be 'file:PATH', 'ssh:user@host:PATH', 'docker:CONTAINER', or 'cmd:<shell>'. Got: ''\n"},
		{"an unknown phase in --skip is refused", []string{"--url", "http://h", "--skip", "oauth,smss"},
			"error: --skip names unknown phase 'smss' (choose from account, oauth, reset, sms)\n"},
		{"a zero timeout is refused", []string{"--url", "http://h", "--timeout", "0"},
			"error: --timeout must be a positive number of seconds, got 0\n"},
		{"a negative log timeout is refused", []string{"--url", "http://h", "--log-timeout", "-1"},
			"error: --log-timeout must be a positive number of seconds, got -1\n"},
		{"a log file that does not exist is refused before any request", []string{"--url", "http://h", "--log-source", "file:/nonexistent/serve.log"},
			"error: --log-source file: cannot read '/nonexistent/serve.log': open /nonexistent/serve.log: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runRegstack(t, "", append([]string{"validate"}, tt.args...)...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want %q", res.stderr, tt.wantStderr)
			}
			if strings.Contains("\n"+res.stdout, "\n✔ ") || strings.Contains("\n"+res.stdout, "\n✘ ") {
				t.Errorf("stdout = %q, want no check to have run", res.stdout)
			}
		})
	}

	t.Run("--help carries the preparation steps", func(t *testing.T) {
		res := runRegstack(t, "", "validate", "--help")
		for _, want := range []string{
			`email.backend = "console"`, "email.log_bodies = true", `sms.backend = "null"`, "sms.log_bodies = true",
			"file:/var/log/regstack.log", "ssh:[user@]host:", "docker:CONTAINER", "cmd:", "REGSTACK_SSH_COMMAND",
			"--no-cleanup", "--log-timeout", "--oauth-host",
		} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("validate --help does not mention %s:\n%s", want, res.stdout)
			}
		}
	})
}

func TestValidateSkipList(t *testing.T) {
	got, err := parseSkip(" oauth, sms,,reset ,account")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range skippablePhases {
		if !got[name] {
			t.Errorf("%s is not skipped", name)
		}
	}
	if got, _ := parseSkip(""); len(got) != 0 {
		t.Errorf("an empty --skip skips %v", got)
	}
}

// validateTarget is a regstack server in this process whose JSON log
// goes to logPath, as `regstack serve` would write it with a JSON handler.
type validateTarget struct {
	url     string // the API's base URL
	logPath string
}

// startValidateTarget serves the JSON API with console email and null
// SMS logging their bodies, SMS 2FA on, and small Argon2 parameters;
// edit changes the configuration first.
func startValidateTarget(t *testing.T, edit func(*config.Config)) validateTarget {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })

	on := true
	cfg := config.Default()
	cfg.DatabaseURL = "sqlite:///" + filepath.Join(dir, "regstack.db")
	cfg.JWTSecret = "validate-test-secret-0123456789-abcdefghij"
	cfg.Argon2MemoryKiB, cfg.Argon2Iterations, cfg.Argon2Parallelism = 8192, 1, 1
	cfg.EnableSMS2FA = true
	cfg.Email.Backend, cfg.Email.LogBodies = "console", &on
	cfg.SMS.Backend, cfg.SMS.LogBodies = "null", &on
	if edit != nil {
		edit(&cfg)
	}
	rs, err := build(t.Context(), cfg, slog.New(slog.NewJSONHandler(logFile, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	if err := rs.InstallSchema(t.Context()); err != nil {
		t.Fatal(err)
	}
	h, err := rshttp.NewHandler(rs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return validateTarget{url: srv.URL + cfg.APIPrefix, logPath: logPath}
}

// validateJSON runs validate --json against target and decodes the report.
func validateJSON(t *testing.T, target validateTarget, args ...string) (int, []probeResult, string) {
	t.Helper()
	res := runRegstack(t, "", append([]string{"validate", "--json", "--url", target.url}, args...)...)
	var report []probeResult
	if err := json.Unmarshal([]byte(res.stdout), &report); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s\nstderr:\n%s", err, res.stdout, res.stderr)
	}
	return res.code, report, res.stderr
}

func names(report []probeResult) []string {
	var out []string
	for _, r := range report {
		out = append(out, r.Name)
	}
	return out
}

func find(t *testing.T, report []probeResult, name string) probeResult {
	t.Helper()
	for _, r := range report {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no %q in the report %v", name, names(report))
	return probeResult{}
}

// TestValidateAgainstAServer runs its cases one after the other: Main
// must not run concurrently (urfave/cli's help flag is a package variable
// every run writes).
func TestValidateAgainstAServer(t *testing.T) {

	t.Run("every phase passes with a JSON log, SMS 2FA and a file log source", func(t *testing.T) {
		target := startValidateTarget(t, nil)
		code, report, stderr := validateJSON(t, target, "--log-source", "file:"+target.logPath, "--phone", "+14155550100")
		if code != 0 {
			t.Fatalf("exit %d, want 0: %+v\n%s", code, report, stderr)
		}
		want := []string{
			"reachability", "feature:oauth", "feature:admin", "feature:sms-2fa", "feature:password-reset",
			"register", "verify", "login", "/me", "logout", "blacklist", "re-login",
			"patch /me", "change-password", "change-password:re-login", "change-email",
			"forgot-password", "reset-password", "reset:revokes-session", "reset:re-login",
			"oauth",
			"phone/start", "phone/confirm", "mfa-login", "mfa-confirm", "phone:disable",
			"cleanup",
		}
		if got := names(report); !slices.Equal(got, want) {
			t.Errorf("checks:\n%q\nwant:\n%q", got, want)
		}
		if r := find(t, report, "oauth"); !r.Skipped || r.Detail != "router not mounted on deployment" {
			t.Errorf("oauth = %+v, want skipped as not mounted", r)
		}
		if r := find(t, report, "feature:sms-2fa"); r.Detail != "mounted" {
			t.Errorf("feature:sms-2fa = %+v", r)
		}
		if r := find(t, report, "cleanup"); !strings.HasPrefix(r.Detail, "probe user validate-renamed-") {
			t.Errorf("cleanup = %+v, want the renamed probe user deleted", r)
		}
	})

	t.Run("a deployment that keeps SMS bodies out of its log fails only the SMS code wait", func(t *testing.T) {
		off := false
		target := startValidateTarget(t, func(c *config.Config) { c.SMS.LogBodies = &off })
		code, report, _ := validateJSON(t, target, "--log-source", "file:"+target.logPath, "--phone", "+14155550100",
			"--log-timeout", "0.3", "--skip", "account,reset")
		if code != 1 {
			t.Fatalf("exit %d, want 1 (one failed check): %+v", code, report)
		}
		r := find(t, report, "phone/start:tail")
		want := "timed out after 0.3s waiting for phone-setup SMS code on log-source file:" + target.logPath +
			" — confirm `sms.backend = \"null\"` AND `sms.log_bodies = true`"
		if r.OK || !strings.HasPrefix(r.Detail, want) {
			t.Errorf("phone/start:tail = %+v, want a failure starting %q", r, want)
		}
		if r := find(t, report, "cleanup"); !r.OK || r.Skipped {
			t.Errorf("cleanup = %+v, want the user deleted", r)
		}
	})

	t.Run("without /features the routers are inferred from status codes", func(t *testing.T) {
		target := startValidateTarget(t, func(c *config.Config) {
			c.ExposeFeatures = false
			c.EnableAdminRouter = true
			c.EnablePasswordReset = false
		})
		code, report, _ := validateJSON(t, target, "--log-source", "file:"+target.logPath, "--skip", "account,sms")
		if code != 0 {
			t.Fatalf("exit %d: %+v", code, report)
		}
		for name, want := range map[string]string{
			"feature:oauth": "not mounted", "feature:admin": "mounted",
			"feature:sms-2fa": "mounted", "feature:password-reset": "disabled",
		} {
			if r := find(t, report, name); r.Detail != want || !r.OK {
				t.Errorf("%s = %+v, want %q", name, r, want)
			}
		}
		if r := find(t, report, "password-reset"); !r.Skipped || r.Detail != "endpoint disabled on deployment" {
			t.Errorf("password-reset = %+v", r)
		}
	})

	t.Run("without verification or a log source the token phases are skipped, not failed", func(t *testing.T) {
		target := startValidateTarget(t, func(c *config.Config) { c.RequireVerification = false })
		code, report, _ := validateJSON(t, target, "--phone", "+14155550100")
		if code != 0 {
			t.Fatalf("exit %d: %+v", code, report)
		}
		for name, detail := range map[string]string{
			"verify":         "require_verification=False on deployment",
			"change-email":   "no --log-source",
			"password-reset": "no --log-source",
			"sms-2fa":        "no --log-source",
		} {
			if r := find(t, report, name); !r.Skipped || r.Detail != detail {
				t.Errorf("%s = %+v, want skipped: %s", name, r, detail)
			}
		}
		if r := find(t, report, "register"); r.Detail != "probe user accepted (auto-verified)" {
			t.Errorf("register = %+v", r)
		}
	})

	t.Run("a deployment without account deletion fails cleanup and names the user to remove", func(t *testing.T) {
		target := startValidateTarget(t, func(c *config.Config) { c.EnableAccountDeletion = false })
		code, report, _ := validateJSON(t, target, "--log-source", "file:"+target.logPath, "--skip", "account,reset,sms")
		if code != 1 {
			t.Fatalf("exit %d, want 1: %+v", code, report)
		}
		r := find(t, report, "cleanup")
		if r.OK || !strings.HasPrefix(r.Detail, "DELETE /account disabled on deployment; probe user validate-") ||
			!strings.HasSuffix(r.Detail, " must be removed manually") {
			t.Errorf("cleanup = %+v", r)
		}
	})

	t.Run("verbose output shows requests and log lines with every secret masked", func(t *testing.T) {
		target := startValidateTarget(t, nil)
		const pw = "verbose probe password 1"
		res := runRegstack(t, "", "validate", "-v", "--url", target.url, "--log-source", "file:"+target.logPath,
			"--password", pw, "--phone", "+14155550100", "--skip", "account")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		for _, want := range []string{`>>> POST /register {"email":"validate-`, `"password":"***"`, "<<< POST /login -> 200 ", `"access_token":"***"`, "log: ", "token=***"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("verbose output lacks %q", want)
			}
		}
		for _, secret := range []*regexp.Regexp{regexp.MustCompile(regexp.QuoteMeta(pw)), regexp.MustCompile(`token=[^*]`), regexp.MustCompile(`code: *[0-9]`), regexp.MustCompile(`"(code|access_token|mfa_pending_token|pending_token)":"[^*]`)} {
			if m := secret.FindString(res.stderr); m != "" {
				t.Errorf("verbose output shows a secret: %q", m)
			}
		}
	})

	t.Run("a URL that is not a regstack mount aborts after reachability and still tries cleanup", func(t *testing.T) {
		// cli.md §6.4: cleanup runs "always, even after an abort"; its
		// sign-in fails, and §6.5 counts that failure too.
		target := startValidateTarget(t, nil)
		target.url = strings.TrimSuffix(target.url, "/api/auth") + "/wrong"
		code, report, _ := validateJSON(t, target)
		if code != 3 {
			t.Fatalf("exit %d, want 3: %+v", code, report)
		}
		want := []probeResult{
			failed("reachability", target.url+"/login returned 404 — wrong --url? expected the regstack mount prefix (e.g. https://host/api/auth)"),
			failed("reachability:abort", "hard-prerequisite phase failed; skipping remaining phases"),
		}
		if len(report) != 3 || !slices.Equal(report[:2], want) {
			t.Fatalf("report:\n%+v\nwant:\n%+v and a failed cleanup", report, want)
		}
		cleanup := regexp.MustCompile(`^cannot re-authenticate probe user validate-[0-9a-f]{12}@regstack-probe\.example for cleanup \(login → 404\); delete manually$`)
		if r := report[2]; r.Name != "cleanup" || r.OK || r.Skipped || !cleanup.MatchString(r.Detail) {
			t.Errorf("cleanup = %+v, want a failure matching %s", r, cleanup)
		}
	})
}

func TestValidateFeatureRowsNeverFail(t *testing.T) {
	// cli.md §6.4, features: "Always ✔ with detail mounted/not mounted".
	// This deployment has no /features and drops the connection on every
	// route the inference asks about.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/auth/features" {
			http.NotFound(w, r)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	opts := validateOptions{URL: srv.URL + "/api/auth", EmailDomain: "regstack-probe.example", Timeout: 5 * time.Second}
	report := &probeReport{json: true}
	p, err := newProbe(opts, newProbeClient(opts.URL, opts.Timeout, false, nil), nil, report)
	if err != nil {
		t.Fatal(err)
	}
	p.discoverFeatures(t.Context())
	want := []probeResult{
		passed("feature:oauth", "not mounted"),
		passed("feature:admin", "not mounted"),
		passed("feature:sms-2fa", "not mounted"),
		passed("feature:password-reset", "disabled"),
	}
	if !slices.Equal(report.results, want) {
		t.Errorf("report:\n%+v\nwant:\n%+v", report.results, want)
	}
}
