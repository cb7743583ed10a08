package e2e_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	headless "github.com/regstack/regstack/e2e/internal/browser"
)

// wizardProc is a wizard command of the real binary running with
// --browser: it serves its UI on 127.0.0.1 until the UI posts /api/done.
type wizardProc struct {
	t      *testing.T
	url    string // the printed URL, token included
	origin string
	token  string
	exited chan int
	mu     sync.Mutex
	stderr bytes.Buffer
}

// startWizard runs `regstack args… --browser`, waits for the "<label>:
// <url>" line and returns the running wizard. A do-nothing xdg-open comes
// first on PATH so no real browser opens; the test's headless Chromium
// is the browser. The process is killed if the test ends before it exits.
func startWizard(t *testing.T, bin, label string, args ...string) *wizardProc {
	t.Helper()
	fakeBin := t.TempDir()
	writeFile(t, filepath.Join(fakeBin, "xdg-open"), "#!/bin/sh\nexit 0\n", 0o755)

	cmd := exec.Command(bin, append(args, "--browser")...)
	cmd.Env = append(os.Environ(), "PATH="+fakeBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	w := &wizardProc{t: t, exited: make(chan int, 1)}
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.stderr.Write(p)
	})
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-w.exited:
		default:
			_ = cmd.Process.Kill()
			<-w.exited
		}
	})
	lines := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_ = cmd.Wait()
		w.exited <- cmd.ProcessState.ExitCode()
	}()
	select {
	case line, ok := <-lines:
		url, found := strings.CutPrefix(line, label+": ")
		if !ok || !found {
			t.Fatalf("first line %q, want %q; stderr:\n%s", line, label+": <url>", w.errText())
		}
		w.url = url
	case <-time.After(30 * time.Second):
		t.Fatalf("the wizard printed no URL; stderr:\n%s", w.errText())
	}
	go func() {
		for range lines { // the "Opening…" line
		}
	}()
	w.origin, w.token, _ = strings.Cut(w.url, "/?token=")
	if !strings.HasPrefix(w.origin, "http://127.0.0.1:") || len(w.token) != 43 {
		t.Fatalf("URL %q, want http://127.0.0.1:<port>/?token=<43 characters>", w.url)
	}
	return w
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (w *wizardProc) errText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.String()
}

// call sends one API request the way a foreign process would: token and
// Host are given explicitly, so a test can leave either out or forge it.
func (w *wizardProc) call(method, path, token, host, body string) (int, string) {
	w.t.Helper()
	req, err := http.NewRequest(method, w.origin+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Wizard-Token", token)
	}
	if host != "" {
		req.Host = host
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitExit waits for the command to end and returns its exit code.
func (w *wizardProc) waitExit() int {
	w.t.Helper()
	select {
	case code := <-w.exited:
		w.exited <- code // for the cleanup
		return code
	case <-time.After(15 * time.Second):
		w.t.Fatalf("the wizard kept running; stderr:\n%s", w.errText())
		return -1
	}
}

// openWizard loads the wizard's page in a new headless tab and waits for
// its script to have read the server state.
func openWizard(t *testing.T, w *wizardProc) *tab {
	t.Helper()
	b := newTab(t, w.origin)
	// The page copies to the clipboard; a person would have allowed it.
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: perm},
			Setting:    cdpbrowser.PermissionSettingGranted,
			Origin:     w.origin,
		}); err != nil {
			t.Fatalf("grant %s: %v", perm, err)
		}
	}
	b.do(chromedp.Navigate(w.url))
	b.waitFor("the wizard page to be ready", `document.body && document.body.dataset.ready === "true"`)
	return b
}

// setInput replaces an input's value and fires the input event, as typing
// would.
func (b *tab) setInput(sel, value string) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		e.value = %q;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`, sel, value))
}

// clipboard reads the text the page put on the clipboard.
func (b *tab) clipboard() string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("read the clipboard: %v", err)
	}
	return v
}

// oauthStep is the number of the step the OAuth wizard shows.
func oauthStep(b *tab) int {
	b.t.Helper()
	n, err := strconv.Atoi(eval[string](b, `document.querySelector(".wiz-step:not([hidden])").dataset.step`))
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// oauthNext clicks Next and waits for step want.
func oauthNext(b *tab, want int) {
	b.t.Helper()
	b.click("#wiz-next")
	oauthWaitStep(b, want)
}

func oauthWaitStep(b *tab, want int) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("step %d", want), fmt.Sprintf(`(() => {
		const s = document.querySelector(".wiz-step:not([hidden])");
		return s && s.dataset.step === "%d" && location.hash === "#/step/%d";
	})()`, want, want))
}

// oauthFieldError is the error shown under the named input ("" when none).
func oauthFieldError(b *tab, name string) string {
	b.t.Helper()
	return b.text(fmt.Sprintf(`.wiz-step:not([hidden]) .wiz-field:has([name=%q]) .wiz-field-error`, name))
}

// oauthWaitFieldError waits for the error under the named input to read want.
func oauthWaitFieldError(b *tab, name, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("the error %q under %s", want, name), fmt.Sprintf(
		`(document.querySelector(%q) || {}).textContent === %q`,
		fmt.Sprintf(`.wiz-step:not([hidden]) .wiz-field:has([name=%q]) .wiz-field-error`, name), want))
}

// oauthBefore is a hand-edited regstack.toml with an [oauth] table the
// wizard is to replace.
const oauthBefore = `# Hand-written config — the wizard must keep this comment.
app_name = "Wizard E2E"  # trailing comment
base_url = "https://app.example.com"

[email]
# the relay belongs to ops
backend = "console"

[oauth]
google_client_id = "old-id.apps.googleusercontent.com"
state_ttl_seconds = 600

[sms]
backend = "null"   # kept
`

const oauthAfter = `# Hand-written config — the wizard must keep this comment.
app_name = "Wizard E2E"  # trailing comment
base_url = "https://app.example.com"
enable_oauth = true

[email]
# the relay belongs to ops
backend = "console"

[oauth]
google_client_id = "12345-abc.apps.googleusercontent.com"
auto_link_verified_emails = true
enforce_mfa_on_oauth_signin = false

[sms]
backend = "null"   # kept
`

func TestOAuthWizardInTheBrowserWritesTheConfiguration(t *testing.T) {
	bin := buildRegstack(t)
	dir := t.TempDir()
	tomlPath := filepath.Join(dir, "regstack.toml")
	secretsPath := filepath.Join(dir, "regstack.secrets.env")
	writeFile(t, tomlPath, oauthBefore, 0o644)
	writeFile(t, secretsPath, "# secrets\nREGSTACK_JWT_SECRET=e2e-secret\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=old\n", 0o600)

	w := startWizard(t, bin, "Wizard URL", "oauth", "setup", "--config", dir)

	t.Run("the API refuses requests without the launch token and writes nothing", func(t *testing.T) {
		host := strings.TrimPrefix(w.origin, "http://")
		body := `{"base_url":"http://x.example","client_id":"12345-abc.apps.googleusercontent.com","client_secret":"GOCSPX-secretvalue1234"}`
		for _, tc := range []struct {
			name, method, path, token, host string
			want                            int
		}{
			{"the page without its token", http.MethodGet, "/", "", host, http.StatusUnauthorized},
			{"the state without the header", http.MethodGet, "/api/state", "", host, http.StatusUnauthorized},
			{"a write without the header", http.MethodPost, "/api/write", "", host, http.StatusUnauthorized},
			{"a write with a wrong token", http.MethodPost, "/api/write", strings.Repeat("A", 43), host, http.StatusUnauthorized},
			{"a write through another host name", http.MethodPost, "/api/write", w.token, "evil.example", http.StatusForbidden},
		} {
			if code, answer := w.call(tc.method, tc.path, tc.token, tc.host, body); code != tc.want {
				t.Errorf("%s: %d %s, want %d", tc.name, code, answer, tc.want)
			}
		}
		if got, _ := os.ReadFile(tomlPath); string(got) != oauthBefore {
			t.Error("regstack.toml changed")
		}
	})

	b := openWizard(t, w)

	t.Run("welcome", func(t *testing.T) {
		if got := b.text(".wiz-step:not([hidden]) h2"); got != "Welcome" {
			t.Errorf("step 0 heading %q", got)
		}
		if !eval[bool](b, `document.getElementById("wiz-back").disabled`) {
			t.Error("Back is enabled on the first step")
		}
		if n := eval[int](b, `document.querySelectorAll("#wiz-progress .wiz-progress-cell").length`); n != 12 {
			t.Errorf("the progress bar has %d cells, want 12", n)
		}
		headless.Screenshot(t, b.ctx, "oauth-0-welcome")
		headless.AssertAccessibleNames(t, b.ctx)
		oauthNext(b, 1)
	})

	t.Run("an existing [oauth] table must be confirmed before it is replaced", func(t *testing.T) {
		if !b.exists(`[data-step="1"] [data-when="existing"]:not([hidden])`) {
			t.Fatal("the replace warning is not shown although regstack.toml has an [oauth] table")
		}
		b.click("#wiz-next")
		oauthWaitFieldError(b, "replace_existing", "Confirm you want to replace the existing OAuth configuration.")
		if oauthStep(b) != 1 {
			t.Fatal("Next advanced past an unconfirmed replacement")
		}
		headless.Screenshot(t, b.ctx, "oauth-1-confirm")
		b.click(`[name="replace_existing"]`)
		oauthNext(b, 2)
	})

	t.Run("the base URL is prefilled from regstack.toml and validated", func(t *testing.T) {
		if got := eval[string](b, `document.querySelector('[name="base_url"]').value`); got != "https://app.example.com" {
			t.Errorf("base_url prefilled with %q", got)
		}
		if got := b.text("#wiz-redirect-preview"); got != "https://app.example.com/api/auth/oauth/google/callback" {
			t.Errorf("redirect preview %q", got)
		}
		b.setInput(`[name="base_url"]`, "ftp://app.example.com")
		b.click("#wiz-next")
		oauthWaitFieldError(b, "base_url", "URL must start with http:// or https://.")
		b.setInput(`[name="base_url"]`, "")
		b.do(chromedp.SendKeys(chromedp.CSS(`[name="base_url"]`), "https://wizard.example.com/"))
		if got := b.text("#wiz-redirect-preview"); got != "https://wizard.example.com/api/auth/oauth/google/callback" {
			t.Errorf("the redirect preview did not follow the typing: %q", got)
		}
		oauthNext(b, 3)
	})

	t.Run("the console steps only inform", func(t *testing.T) {
		if href := eval[string](b, `document.querySelector('[data-step="3"] a').href`); href != "https://console.cloud.google.com/projectselector2/home/dashboard" {
			t.Errorf("console link %q", href)
		}
		oauthNext(b, 4)
		oauthNext(b, 5)
		oauthNext(b, 6)
	})

	t.Run("the redirect URI can be copied", func(t *testing.T) {
		want := "https://wizard.example.com/api/auth/oauth/google/callback"
		if got := b.text("#wiz-redirect-copy"); got != want {
			t.Errorf("redirect URI %q, want %q", got, want)
		}
		b.click("#wiz-copy-redirect")
		b.waitFor("the Copied label", `document.getElementById("wiz-copy-redirect").textContent === "Copied"`)
		if got := b.clipboard(); got != want {
			t.Errorf("clipboard %q, want %q", got, want)
		}
		oauthNext(b, 7)
	})

	t.Run("both credential errors are shown together", func(t *testing.T) {
		b.do(chromedp.SendKeys(chromedp.CSS(`[name="client_id"]`), "not-a-google-id"))
		b.do(chromedp.SendKeys(chromedp.CSS(`[name="client_secret"]`), "short"))
		b.click("#wiz-next")
		oauthWaitFieldError(b, "client_id", "Client ID must end with .apps.googleusercontent.com.")
		if got := oauthFieldError(b, "client_secret"); got != "Client secret length must be 8 to 128 characters." {
			t.Errorf("client_secret error %q", got)
		}
		headless.Screenshot(t, b.ctx, "oauth-7-errors")
		b.setInput(`[name="client_id"]`, "12345-abc.apps.googleusercontent.com")
		b.setInput(`[name="client_secret"]`, "GOCSPX-secretvalue1234")
		if stored := eval[string](b, `sessionStorage.getItem("regstack.oauth-wizard.state") || ""`); strings.Contains(stored, "GOCSPX") || !strings.Contains(stored, "12345-abc") {
			t.Errorf("sessionStorage holds %s; want the client ID but never the secret", stored)
		}
		oauthNext(b, 8)
	})

	t.Run("linking policy and MFA", func(t *testing.T) {
		b.click(`[name="auto_link_verified_emails"]`)
		oauthNext(b, 9)
		oauthNext(b, 10)
	})

	t.Run("the review shows every value and masks the secret", func(t *testing.T) {
		for sel, want := range map[string]string{
			"#wiz-rev-redirect":      "https://wizard.example.com/api/auth/oauth/google/callback",
			"#wiz-rev-client-id":     "12345-abc.apps.googleusercontent.com",
			"#wiz-rev-client-secret": strings.Repeat("•", 12),
			"#wiz-rev-auto-link":     "Yes",
			"#wiz-rev-mfa":           "No",
		} {
			if got := b.text(sel); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		b.click("#wiz-toggle-secret")
		if got := b.text("#wiz-rev-client-secret"); got != "GOCSPX-secretvalue1234" {
			t.Errorf("after Show the secret reads %q", got)
		}
		b.click("#wiz-toggle-secret")
		headless.Shots(t, b.ctx, "oauth-10-review")
		headless.AssertAccessibleNames(t, b.ctx)
	})

	t.Run("the full validation sends a bad value back to its step", func(t *testing.T) {
		b.click(`[data-goto="7"]`)
		oauthWaitStep(b, 7)
		b.setInput(`[name="client_id"]`, "")
		// Skip ahead past step 7's own check, as a hand-edited URL would.
		eval[bool](b, `(location.hash = "#/step/10", true)`)
		oauthWaitStep(b, 10)
		b.click("#wiz-next")
		oauthWaitStep(b, 7)
		oauthWaitFieldError(b, "client_id", "Client ID is required.")
		b.setInput(`[name="client_id"]`, "12345-abc.apps.googleusercontent.com")
		oauthNext(b, 8)
		oauthNext(b, 9)
		oauthNext(b, 10)
		oauthNext(b, 11)
	})

	t.Run("write merges into the files", func(t *testing.T) {
		if !eval[bool](b, `document.getElementById("wiz-next").hidden`) {
			t.Error("Next is shown on the last step")
		}
		if got := b.text("#wiz-write-target"); got != filepath.Join(dir, "regstack.toml") {
			t.Errorf("write target %q", got)
		}
		b.click("#wiz-write")
		b.waitFor("the write summary", `!document.querySelector('[data-when="post-write"]').hidden`)
		want := "replaced [oauth] table in " + tomlPath + "; replaced REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET in " + secretsPath + "."
		if got := b.text("#wiz-write-summary"); got != want {
			t.Errorf("summary %q, want %q", got, want)
		}
		headless.Screenshot(t, b.ctx, "oauth-11-done")
		if got, _ := os.ReadFile(tomlPath); string(got) != oauthAfter {
			t.Errorf("regstack.toml =\n%s\nwant\n%s", got, oauthAfter)
		}
		wantSecrets := "# secrets\nREGSTACK_JWT_SECRET=e2e-secret\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=GOCSPX-secretvalue1234\n"
		if got, _ := os.ReadFile(secretsPath); string(got) != wantSecrets {
			t.Errorf("regstack.secrets.env = %q, want %q", got, wantSecrets)
		}
		if info, err := os.Stat(secretsPath); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("secrets file mode: %v %v, want 0600", info.Mode(), err)
		}
	})

	t.Run("Close window ends the command with exit code 0", func(t *testing.T) {
		b.click("#wiz-close")
		if code := w.waitExit(); code != 0 {
			t.Errorf("exit code %d, stderr:\n%s", code, w.errText())
		}
	})
}
