package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/google/oidctest"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// validateTOML is a deployment prepared as `regstack validate --help`
// asks: console email and null SMS logging their bodies; SMS 2FA, admin
// and Google sign-in (against a local OpenID provider) mounted; Argon2
// parameters small enough for -race. The %t is sms.log_bodies.
const validateTOML = `database_url = %q
enable_sms_2fa = true
enable_admin_router = true
enable_oauth = true
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1

[email]
backend = "console"
log_bodies = true

[sms]
backend = "null"
log_bodies = %t

[oauth]
google_client_id = %q
google_issuer = %q
google_authorization_endpoint = %q
google_token_endpoint = %q
google_jwks_uri = %q
`

// probeCheck is one entry of `validate --json`.
type probeCheck struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped"`
	Detail  string `json:"detail"`
}

// validateRun is one finished `regstack validate`.
type validateRun struct {
	code           int
	stdout, stderr string
}

// report decodes the JSON report, checking that every entry has exactly
// the keys name, ok, skipped, detail in that order.
func (r validateRun) report(t *testing.T) []probeCheck {
	t.Helper()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	keys := regexp.MustCompile(`"(\w+)":`)
	checks := make([]probeCheck, len(raw))
	for i, entry := range raw {
		var got []string
		for _, m := range keys.FindAllStringSubmatch(string(entry), -1) {
			got = append(got, m[1])
		}
		if want := []string{"name", "ok", "skipped", "detail"}; !slices.Equal(got, want) {
			t.Errorf("entry %d has keys %v, want %v: %s", i, got, want, entry)
		}
		if err := json.Unmarshal(entry, &checks[i]); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
	return checks
}

// check is the entry named name.
func check(t *testing.T, checks []probeCheck, name string) probeCheck {
	t.Helper()
	for _, c := range checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, checks)
	return probeCheck{}
}

// runValidate runs `regstack validate args…` with env added to the
// environment.
func runValidate(t *testing.T, bin string, env []string, args ...string) validateRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"validate"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	run := validateRun{stdout: out.String(), stderr: errOut.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		run.code = exit.ExitCode()
	default:
		t.Fatalf("regstack validate: %v\n%s", err, errOut.String())
	}
	return run
}

// startValidated runs `regstack serve` configured by validateTOML.
func startValidated(t *testing.T, bin string, op *oidctest.Provider, smsBodies bool) *serveproc.Server {
	t.Helper()
	dir := t.TempDir()
	dbURL := "sqlite:///" + filepath.Join(dir, "regstack.db")
	writeFile(t, filepath.Join(dir, "regstack.toml"), fmt.Sprintf(validateTOML, dbURL, smsBodies, oidctest.ClientID,
		op.Issuer(), op.AuthorizationEndpoint(), op.TokenEndpoint(), op.JWKSURI()), 0o644)
	writeFile(t, filepath.Join(dir, "regstack.secrets.env"),
		"REGSTACK_JWT_SECRET=validate-e2e-secret-0123456789-abcdefghij\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+oidctest.ClientSecret+"\n", 0o600)
	return startServe(t, bin, dir)
}

// everyCheck is the report of a run with nothing skipped, in order.
var everyCheck = []string{
	"reachability", "feature:oauth", "feature:admin", "feature:sms-2fa", "feature:password-reset",
	"register", "verify", "login", "/me", "logout", "blacklist", "re-login",
	"patch /me", "change-password", "change-password:re-login", "change-email",
	"forgot-password", "reset-password", "reset:revokes-session", "reset:re-login",
	"oauth:start",
	"phone/start", "phone/confirm", "mfa-login", "mfa-confirm", "phone:disable",
	"cleanup",
}

// wantAllPassed checks a run that should pass every phase.
func wantAllPassed(t *testing.T, run validateRun) []probeCheck {
	t.Helper()
	if run.code != 0 {
		t.Errorf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", run.code, run.stdout, run.stderr)
	}
	checks := run.report(t)
	var got []string
	for _, c := range checks {
		got = append(got, c.Name)
		if !c.OK || c.Skipped {
			t.Errorf("%s did not pass: %+v", c.Name, c)
		}
	}
	if !slices.Equal(got, everyCheck) {
		t.Errorf("checks:\n%q\nwant:\n%q", got, everyCheck)
	}
	return checks
}

// TestValidate runs the real `regstack validate` binary against the real
// `regstack serve`, reading tokens and codes from the server's log file
// through every --log-source flavour.
func TestValidate(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	op := oidctest.New(t)
	authURL, err := url.Parse(op.AuthorizationEndpoint())
	if err != nil {
		t.Fatal(err)
	}
	srv := startValidated(t, bin, op, true)
	api := srv.URL + "/api/auth"
	// The local provider stands in for accounts.google.com.
	base := []string{"--url", api, "--oauth-host", authURL.Host, "--json"}
	withBase := func(args ...string) []string { return append(slices.Clone(base), args...) }

	t.Run("every phase passes with SMS 2FA and Google sign-in mounted", func(t *testing.T) {
		t.Parallel()
		run := runValidate(t, bin, nil, withBase("--log-source", "file:"+srv.LogPath, "--phone", "+14155550101")...)
		checks := wantAllPassed(t, run)
		if c := check(t, checks, "oauth:start"); c.Detail != "302 to "+authURL.Host+" with client_id + state (client_id="+oidctest.ClientID[:8]+"…)" {
			t.Errorf("oauth:start detail = %q", c.Detail)
		}
		// The user is gone: its last address and password no longer sign in.
		email := strings.TrimSuffix(strings.TrimPrefix(check(t, checks, "cleanup").Detail, "probe user "), " deleted")
		c := &apiClient{t: t, base: api}
		c.call("POST", "/login", "", map[string]any{"email": email, "password": "whatever-it-was"}).
			wantDetailPrefix(401, "Invalid email or password.")
		if strings.Contains(run.stdout+run.stderr, "token=") {
			t.Errorf("the output shows a one-time token:\n%s\n%s", run.stdout, run.stderr)
		}
	})

	t.Run("the human report is one ✔ or ↷ line per check and skips what --skip names", func(t *testing.T) {
		t.Parallel()
		run := runValidate(t, bin, nil, "--url", api, "--log-source", "file:"+srv.LogPath, "--skip", "oauth,sms,reset,account")
		if run.code != 0 {
			t.Fatalf("exit %d\n%s\n%s", run.code, run.stdout, run.stderr)
		}
		for _, want := range []string{
			"✔ reachability: " + api + " reachable (login returned 422 as expected)",
			"✔ feature:oauth: mounted",
			"✔ register: probe user accepted (verification required)",
			"✔ verify: email verified via tailed token",
			"↷ account: skipped via --skip account",
			"↷ password-reset: skipped via --skip reset",
			"↷ oauth: skipped via --skip oauth",
			"↷ sms-2fa: skipped via --skip sms",
		} {
			if !slices.Contains(strings.Split(run.stdout, "\n"), want) {
				t.Errorf("no line %q in:\n%s", want, run.stdout)
			}
		}
		if run.stderr != "" {
			t.Errorf("stderr = %q, want nothing when every check passed", run.stderr)
		}
	})

	t.Run("--no-cleanup leaves the probe user able to sign in", func(t *testing.T) {
		t.Parallel()
		const pw = "validate probe password 1"
		run := runValidate(t, bin, nil, withBase("--log-source", "file:"+srv.LogPath, "--no-cleanup",
			"--password", pw, "--skip", "account,reset,oauth,sms")...)
		if run.code != 0 {
			t.Fatalf("exit %d\n%s\n%s", run.code, run.stdout, run.stderr)
		}
		for _, c := range run.report(t) {
			if strings.HasPrefix(c.Name, "cleanup") {
				t.Errorf("--no-cleanup ran %+v", c)
			}
		}
		m := regexp.MustCompile(`left probe user (\S+) on deployment \(--no-cleanup\)\.`).FindStringSubmatch(run.stderr)
		if m == nil {
			t.Fatalf("stderr does not name the user left behind: %q", run.stderr)
		}
		(&apiClient{t: t, base: api}).login(m[1], pw)
	})

	t.Run("cmd: follows a command's output", func(t *testing.T) {
		t.Parallel()
		// tail replays the file: lines for other probes are ignored.
		run := runValidate(t, bin, nil, withBase("--log-source", "cmd:exec tail -n +1 -F '"+srv.LogPath+"'", "--phone", "+14155550102")...)
		wantAllPassed(t, run)
	})

	t.Run("docker: runs docker logs -f --since <probe start> CONTAINER", func(t *testing.T) {
		t.Parallel()
		// No docker engine here: a stand-in docker first on PATH checks
		// the arguments and follows the log of the one "container".
		binDir := t.TempDir()
		writeFile(t, filepath.Join(binDir, "docker"), `#!/bin/sh
[ "$1 $2 $3" = "logs -f --since" ] || { echo "unexpected docker arguments: $*" >&2; exit 64; }
date -d "$4" >/dev/null 2>&1 || { echo "--since $4 is not a time" >&2; exit 64; }
[ "$5" = regstack-web ] || { echo "Error: No such container: $5" >&2; exit 1; }
exec tail -n +1 -F "$REGSTACK_FAKE_DOCKER_LOG"
`, 0o755)
		env := []string{"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"), "REGSTACK_FAKE_DOCKER_LOG=" + srv.LogPath}
		wantAllPassed(t, runValidate(t, bin, env, withBase("--log-source", "docker:regstack-web", "--phone", "+14155550103")...))

		t.Run("a container that does not exist fails the first wait with docker's error", func(t *testing.T) {
			run := runValidate(t, bin, env, withBase("--log-source", "docker:nope", "--skip", "account,reset,oauth,sms")...)
			if run.code != 3 {
				t.Errorf("exit %d, want 3 (verify, the abort, and cleanup: the user never existed)", run.code)
			}
			want := "log-source 'docker' exited (code=1) before verification URL was seen. stderr: Error: No such container: nope"
			if c := check(t, run.report(t), "verify"); c.OK || c.Detail != want {
				t.Errorf("verify = %+v, want %q", c, want)
			}
		})
	})

	t.Run("ssh: follows the log on a host through the system ssh client", func(t *testing.T) {
		t.Parallel()
		sshURL, err := url.Parse(serviceURL(t, "REGSTACK_TEST_SSH_URL"))
		if err != nil {
			t.Fatal(err)
		}
		key, known := os.Getenv("REGSTACK_TEST_SSH_KEY"), os.Getenv("REGSTACK_TEST_SSH_KNOWN_HOSTS")
		if key == "" || known == "" {
			t.Fatal("REGSTACK_TEST_SSH_URL is set but REGSTACK_TEST_SSH_KEY or REGSTACK_TEST_SSH_KNOWN_HOSTS is not")
		}
		// The operator's way of passing ssh options: an ssh config of the
		// probe's own, named through REGSTACK_SSH_COMMAND.
		cfg := filepath.Join(t.TempDir(), "ssh_config")
		writeFile(t, cfg, fmt.Sprintf(`Host %s
  Port %s
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
`, sshURL.Hostname(), sshURL.Port(), key, known), 0o600)
		env := []string{"REGSTACK_SSH_COMMAND=ssh -F '" + cfg + "'"}
		target := sshURL.User.Username() + "@" + sshURL.Hostname()
		wantAllPassed(t, runValidate(t, bin, env, withBase("--log-source", "ssh:"+target+":"+srv.LogPath, "--phone", "+14155550104")...))
	})

	t.Run("a deployment without sms.log_bodies fails the SMS phase and says what to set", func(t *testing.T) {
		t.Parallel()
		quiet := startValidated(t, bin, op, false)
		run := runValidate(t, bin, nil, "--url", quiet.URL+"/api/auth", "--log-source", "file:"+quiet.LogPath,
			"--phone", "+14155550105", "--log-timeout", "2", "--skip", "oauth")
		if run.code != 1 {
			t.Errorf("exit %d, want 1 (one failed check)\n%s", run.code, run.stdout)
		}
		lines := strings.Split(run.stdout, "\n")
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "✘ ") })
		if i < 0 {
			t.Fatalf("no failed check in:\n%s", run.stdout)
		}
		want := "✘ phone/start:tail: timed out after 2.0s waiting for phone-setup SMS code on log-source file:" + quiet.LogPath +
			" — confirm `sms.backend = \"null\"` AND `sms.log_bodies = true` in the deployment's regstack.toml (see `regstack validate --help`, prep step 3)"
		if lines[i] != want {
			t.Errorf("failed line:\n%s\nwant:\n%s", lines[i], want)
		}
		if !slices.Contains(lines, "✔ forgot-password: request accepted (202)") || !strings.HasPrefix(lines[len(lines)-2], "✔ cleanup: probe user ") {
			t.Errorf("the failure masked other phases or cleanup:\n%s", run.stdout)
		}
		if !strings.Contains(run.stderr, "1 check(s) failed.") {
			t.Errorf("stderr = %q, want the failure count", run.stderr)
		}
	})

	t.Run("an unreachable URL aborts after reachability and still tries cleanup", func(t *testing.T) {
		// cli.md §6.4: cleanup runs "always, even after an abort", so its
		// sign-in fails too: three failed checks (§6.5).
		t.Parallel()
		dead := "http://127.0.0.1:1/api/auth"
		run := runValidate(t, bin, nil, "--url", dead, "--json", "--log-source", "file:"+srv.LogPath)
		if run.code != 3 {
			t.Errorf("exit %d, want 3", run.code)
		}
		checks := run.report(t)
		if len(checks) != 3 || checks[0].Name != "reachability" || checks[0].OK ||
			!strings.HasPrefix(checks[0].Detail, "could not reach "+dead+": ") ||
			checks[1] != (probeCheck{Name: "reachability:abort", Detail: "hard-prerequisite phase failed; skipping remaining phases"}) ||
			checks[2].Name != "cleanup:error" || checks[2].OK || checks[2].Skipped ||
			!strings.HasPrefix(checks[2].Detail, "cleanup raised: POST /login failed: ") {
			t.Errorf("report = %+v", checks)
		}
	})

	t.Run("a second Ctrl-C ends the log command and what it started, and exits 130", func(t *testing.T) {
		t.Parallel()
		stub, requests := hangingDeployment(t)
		dir := t.TempDir()
		logFile, childFile, bgFile := filepath.Join(dir, "serve.log"), filepath.Join(dir, "child"), filepath.Join(dir, "background")
		writeFile(t, logFile, "", 0o644)
		source := "cmd:sleep 300 & echo $! > " + bgFile + "; echo $$ > " + childFile + "; exec tail -f " + logFile
		cmd, exited := startValidate(t, bin, "--url", stub+"/api/auth", "--timeout", "60", "--log-source", source)

		waitRequest(t, requests, "the reachability probe")
		child, bg := readPID(t, childFile), readPID(t, bgFile)
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		// The first interrupt stops the phases; cleanup then signs in,
		// and the deployment keeps it waiting.
		waitRequest(t, requests, "cleanup's sign-in")
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			t.Fatal("validate did not end after the second interrupt")
		}
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("exit %d (%v), want 130", code, cmd.ProcessState)
		}
		wantEnded(t, child, "the log command")
		wantEnded(t, bg, "the log command's background child")
	})

	t.Run("a validate killed outright takes its log command with it", func(t *testing.T) {
		t.Parallel()
		if runtime.GOOS != "linux" {
			t.Skip("the parent-death signal is Linux's")
		}
		stub, requests := hangingDeployment(t)
		childFile := filepath.Join(t.TempDir(), "child")
		// Not tail: GNU tail -f notices on its own that its reader is gone.
		cmd, exited := startValidate(t, bin, "--url", stub+"/api/auth", "--log-source", "cmd:echo $$ > "+childFile+"; exec sleep 300")
		waitRequest(t, requests, "the reachability probe")
		child := readPID(t, childFile)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-exited
		wantEnded(t, child, "the log command")
	})

	t.Run("a malformed --log-source is a usage error", func(t *testing.T) {
		t.Parallel()
		run := runValidate(t, bin, nil, "--url", api, "--log-source", "bogus")
		want := "error: --log-source must be 'file:PATH', 'ssh:user@host:PATH', 'docker:CONTAINER', or 'cmd:<shell>'. Got: 'bogus'\n"
		if run.code != 2 || run.stderr != want || run.stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", run.code, run.stdout, run.stderr, want)
		}
	})
}

// hangingDeployment is a server that accepts every request and never
// answers until the client gives up; each request's path is sent on the
// returned channel as it arrives.
func hangingDeployment(t *testing.T) (string, <-chan string) {
	t.Helper()
	requests := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		// Only once the body is read does the server notice the client
		// hanging up, which ends r.Context().
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case requests <- r.Method + " " + r.URL.Path:
		default:
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests
}

// waitRequest waits for the next request to the hanging deployment.
func waitRequest(t *testing.T, requests <-chan string, what string) {
	t.Helper()
	select {
	case <-requests:
	case <-time.After(30 * time.Second):
		t.Fatalf("validate never sent %s", what)
	}
}

// startValidate starts `regstack validate args…`; the channel is closed
// once it has exited and been reaped. It is killed if the test ends first.
func startValidate(t *testing.T, bin string, args ...string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"validate"}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		_ = cmd.Wait() // the exit status is read from cmd.ProcessState
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return cmd, exited
}

// readPID waits for the pid a shell command writes to path and kills that
// process when the test ends, in case it outlived what should end it.
func readPID(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			return pid
		}
	}
	t.Fatalf("no pid in %s", path)
	return 0
}

// wantEnded fails unless pid ends within a few seconds: kill(pid, 0)
// finds no such process (ESRCH), or /proc shows a zombie waiting for init
// to reap it. Any other answer, including a missing /proc, counts as
// running.
func wantEnded(t *testing.T, pid int, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			return
		}
		if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(stat), ") Z ") {
			return
		}
	}
	t.Errorf("%s (pid %d) is still running", what, pid)
}
