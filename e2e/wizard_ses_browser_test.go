package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	headless "github.com/regstack/regstack/e2e/internal/browser"
	"github.com/regstack/regstack/wizards/ses/awstest"
)

// The SES wizard's UI driven through every step in headless Chromium: the
// real `regstack ses setup --browser` process, its AWS calls going to the
// wire fakes of package awstest (STS and SES v1 over the Query protocol,
// SES v2 over REST JSON, with AWS's own error shapes), the live test send
// forwarded to the SES v2 emulator of scripts/services.d/40-ses.sh.

// sesWizardURL matches the line the command prints once it listens.
var sesWizardURL = regexp.MustCompile(`^Wizard URL: (http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]+)$`)

// Credentials the wizard is given; none is real.
const (
	sesEnvKeyID      = "AKIAENVIRONMENT"
	sesProfileKeyID  = "AKIANAMEDPROFILE"
	sesExplicitKeyID = "AKIAEXPLICITKEY"
	sesSecret        = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// sesWizard is one running `regstack ses setup --browser` and the tab
// showing it.
type sesWizard struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited

	mu    sync.Mutex
	lines []string
}

// startSESWizard runs the wizard on dir with the AWS SDK pointed at fake,
// opens its URL in a fresh headless Chromium and waits for the page.
func startSESWizard(t *testing.T, bin, dir string, fake *awstest.Server) *sesWizard {
	t.Helper()
	home := t.TempDir()
	env, err := awstest.SDKEnv(home, fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The default chain finds a key in the environment; profile "dev" is
	// in the shared credentials file.
	creds := "[dev]\naws_access_key_id = " + sesProfileKeyID + "\naws_secret_access_key = " + sesSecret + "\n"
	writeFile(t, filepath.Join(home, awstest.CredentialsFile), creds, 0o600)
	env = append(env, "AWS_ACCESS_KEY_ID="+sesEnvKeyID, "AWS_SECRET_ACCESS_KEY="+sesSecret)
	// --browser asks xdg-open to show the URL; this one shows nothing, so
	// the test's own Chromium is the only browser.
	stub := t.TempDir()
	writeFile(t, filepath.Join(stub, "xdg-open"), "#!/bin/sh\nexit 0\n", 0o755)
	env = append(env, "PATH="+stub+string(os.PathListSeparator)+os.Getenv("PATH"))

	w := &sesWizard{t: t, dir: dir, done: make(chan struct{})}
	w.cmd = exec.Command(bin, "ses", "setup", "--browser", "--config", dir)
	w.cmd.Env = append(os.Environ(), env...)
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w.cmd.Stderr = w.cmd.Stdout // one stream, in order
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			w.mu.Lock()
			w.lines = append(w.lines, line)
			w.mu.Unlock()
			if m := sesWizardURL.FindStringSubmatch(line); m != nil {
				urls <- m[1]
			}
		}
	}()
	go func() {
		_ = w.cmd.Wait()
		close(w.done)
	}()
	t.Cleanup(func() {
		select {
		case <-w.done:
		default:
			_ = w.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-w.done:
			case <-time.After(5 * time.Second):
				_ = w.cmd.Process.Kill()
				<-w.done
			}
		}
	})

	var url string
	select {
	case url = <-urls:
	case <-w.done:
		t.Fatalf("the wizard exited before printing its URL:\n%s", w.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("no Wizard URL line within 30 s:\n%s", w.output())
	}
	w.ctx = headless.Start(t)
	w.do(chromedp.Navigate(url))
	w.waitFor("the page to start", `document.body.dataset.ready === "true"`)
	return w
}

func (w *sesWizard) output() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

func (w *sesWizard) do(actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		w.t.Fatalf("browser: %v\n%s", err, w.state())
	}
}

func sesEval[T any](w *sesWizard, expr string) T {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v\n%s", expr, err, w.state())
	}
	return v
}

// state describes the page for failure messages: the step and every
// message on show.
func (w *sesWizard) state() string {
	ctx, cancel := context.WithTimeout(w.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const shown = Array.from(document.querySelectorAll(".error, .warning, .status, .aws"))
			.filter(e => !e.hidden && e.offsetParent !== null && e.textContent.trim() !== "")
			.map(e => e.className + ": " + e.textContent.trim());
		return "step " + document.getElementById("step-current").textContent + "; " + JSON.stringify(shown);
	})()`))
	if err != nil {
		return "(page state unavailable: " + err.Error() + ")"
	}
	return s
}

// waitFor polls a JavaScript condition until it is truthy.
func (w *sesWizard) waitFor(what, cond string) {
	w.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		ctx, cancel := context.WithTimeout(w.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("waiting for %s: %v\n%s\nwizard output:\n%s", what, err, w.state(), w.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// atStep waits until the page shows step n (0-based) and no request is
// in flight.
func (w *sesWizard) atStep(n int, heading string) {
	w.t.Helper()
	w.waitFor(fmt.Sprintf("step %d", n), fmt.Sprintf(`document.body.getAttribute("aria-busy") !== "true" &&
		document.getElementById("step-current").textContent === %q &&
		!document.querySelector('section[data-step="%d"]').hidden`, strconv.Itoa(n+1), n))
	if heading != "" {
		if got := w.visibleText(fmt.Sprintf(`section[data-step="%d"] h2`, n)); got != heading {
			w.t.Errorf("step %d heading = %q, want %q", n, got, heading)
		}
	}
}

// next clicks the primary button and waits until the page has handled
// the click (body[data-handled] counts them) and shows the answer.
func (w *sesWizard) next() {
	w.t.Helper()
	before := sesEval[string](w, `document.body.dataset.handled || "0"`)
	w.do(chromedp.Click(chromedp.CSS("#btn-next")))
	w.waitFor("the answer", fmt.Sprintf(`(document.body.dataset.handled || "0") !== %q`, before))
}

func (w *sesWizard) click(sel string) {
	w.t.Helper()
	w.do(chromedp.Click(chromedp.CSS(sel)))
}

func (w *sesWizard) fill(id, value string) {
	w.t.Helper()
	w.do(chromedp.SetValue(chromedp.CSS("#"+id), value))
}

// visibleText is the rendered text (innerText, blanks collapsed) of the
// first element sel matches that is on show, "" when none is.
func (w *sesWizard) visibleText(sel string) string {
	w.t.Helper()
	return sesEval[string](w, fmt.Sprintf(`(() => {
		const e = Array.from(document.querySelectorAll(%q)).find(e => !e.hidden && e.offsetParent !== null);
		return e ? e.innerText.trim().replace(/\s+/g, " ") : "";
	})()`, sel))
}

// wantShown waits until the first visible element sel matches has text
// containing want.
func (w *sesWizard) wantShown(sel, want string) {
	w.t.Helper()
	w.waitFor(fmt.Sprintf("%s to show %q", sel, want), fmt.Sprintf(`Array.from(document.querySelectorAll(%q))
		.some(e => !e.hidden && e.offsetParent !== null && e.textContent.replace(/\s+/g, " ").includes(%q))`, sel, want))
}

// wantHidden checks that no element sel matches is on show.
func (w *sesWizard) wantHidden(sel string) {
	w.t.Helper()
	if got := w.visibleText(sel); got != "" {
		w.t.Errorf("%s is on show: %q", sel, got)
	}
}

// errorFor is the message shown under a field.
func (w *sesWizard) errorFor(field string) string {
	w.t.Helper()
	return w.visibleText(fmt.Sprintf(`[data-error-for=%q]`, field))
}

// exit waits for the process to end and returns its exit code.
func (w *sesWizard) exit() int {
	w.t.Helper()
	select {
	case <-w.done:
		return w.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		w.t.Fatalf("the wizard still runs 10 s after Close:\n%s", w.output())
		return -1
	}
}

// sesEmulator is the SES v2 emulator the success walk sends through.
func sesEmulator(t *testing.T) string {
	t.Helper()
	u := os.Getenv("REGSTACK_TEST_SES_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REGSTACK_TEST_SES_URL is not set; scripts/services.d/40-ses.sh starts the SES emulator")
		}
		t.Skip("REGSTACK_TEST_SES_URL is not set; run under scripts/services.sh to start the SES emulator")
	}
	return u
}

// emulatorMessage is one message as the emulator's GET /store lists it.
type emulatorMessage struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
	} `json:"body"`
}

// emulatorMessages returns what the emulator holds for recipient.
func emulatorMessages(t *testing.T, emulator, recipient string) []emulatorMessage {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(emulator + "/store")
	if err != nil {
		t.Fatalf("read the emulator's store: %v", err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []emulatorMessage `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		t.Fatalf("decode the emulator's store: %v", err)
	}
	var out []emulatorMessage
	for _, m := range store.Emails {
		for _, to := range m.Destination.To {
			if to == recipient {
				out = append(out, m)
			}
		}
	}
	return out
}

func readText(t *testing.T, path string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

// An app's config before the wizard: comments, an [email] table the
// wizard edits in place, and tables it must not touch.
const sesBeforeTOML = `# Hand-written config — keep this line.
app_name = "Acme"
base_url = "https://acme.example.com"

[email]
backend = "console"   # until SES is set up
from_address = "noreply@app.example.com"
from_name = "Acme"

[sms]
backend = "null"
`

const sesBeforeSecrets = "# keep out of git\nREGSTACK_JWT_SECRET=e2e-ses-wizard-secret-0123456789-abcdefghij\n"

func TestSESWizardInTheBrowser(t *testing.T) {
	bin := buildRegstack(t)

	t.Run("a sandboxed account is attested, the test send lands and the files are written", func(t *testing.T) {
		emulator := sesEmulator(t)
		fake := awstest.Start(t, awstest.Behaviour{
			Identities: map[string]string{"app.example.com": "SUCCESS"},
			Sandbox:    true,
			Upstream:   emulator,
		})
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "regstack.toml"), sesBeforeTOML, 0o644)
		writeFile(t, filepath.Join(dir, "regstack.secrets.env"), sesBeforeSecrets, 0o600)
		w := startSESWizard(t, bin, dir, fake)
		if !strings.Contains(w.output(), "Opening the wizard in your browser") {
			t.Errorf("the command did not say what happens next:\n%s", w.output())
		}

		w.atStep(0, "Welcome")
		if got := sesEval[string](w, `document.title`); got != "regstack — SES setup" {
			t.Errorf("title = %q", got)
		}
		if got := w.visibleText("#counter"); got != "Step 1 of 9" {
			t.Errorf("counter = %q, want Step 1 of 9", got)
		}
		headless.AssertAccessibleNames(t, w.ctx)
		w.next()

		w.atStep(1, "No existing SES configuration")
		w.next()

		w.atStep(2, "AWS region")
		if got := sesEval[string](w, `document.getElementById("ses_region").value`); got != "us-east-1" {
			t.Errorf("region prefill = %q, want us-east-1", got)
		}
		w.fill("ses_region", "eu-west-3x")
		w.next()
		w.wantShown(`[data-error-for="ses_region"]`, "'eu-west-3x' is not a known SES region. Pick from us-east-1, eu-west-1, etc.")
		w.atStep(2, "")
		w.fill("ses_region", "eu-west-1")
		w.next()

		w.atStep(3, "Credentials")
		w.click(`input[name="credential_source"][value="explicit"]`)
		w.wantHidden(`[data-source="profile"]`)
		w.next()
		if got := w.errorFor("ses_access_key_id"); got != "Access key ID is required." {
			t.Errorf("key id error = %q", got)
		}
		if got := w.errorFor("ses_secret_access_key"); got != "Secret access key is required." {
			t.Errorf("secret error = %q", got)
		}
		if n := len(fake.Calls()); n != 0 {
			t.Errorf("%d AWS calls before the credentials had their shape", n)
		}
		w.fill("ses_access_key_id", sesExplicitKeyID)
		w.fill("ses_secret_access_key", sesSecret)
		w.next()
		w.wantShown(`[data-aws-for="3"]`, "Resolved: "+awstest.DefaultARN)
		w.wantShown("#status", "Checked. Click Next to continue.")
		headless.Shots(t, w.ctx, "credentials-resolved")
		w.next()

		w.atStep(4, "Sender address")
		if got := sesEval[string](w, `document.getElementById("from_address").value`); got != "noreply@app.example.com" {
			t.Errorf("sender prefill = %q, want the existing [email].from_address", got)
		}
		w.next()
		w.wantShown(`[data-aws-for="4"]`, "Address: unknown · Domain: verified")
		w.wantHidden("#verify-link")
		w.next()

		w.atStep(5, "SES sandbox check")
		w.wantShown("#sandbox-pending", "(Sandbox state will be checked when you click Next.)")
		w.wantHidden("#sandbox-attest")
		w.next()
		w.wantShown(`[data-error-for="sandbox_attested"]`, "This account is in the SES sandbox. Tick the attestation checkbox to confirm you understand the limitations before continuing.")
		w.wantShown("#sandbox-attest", "SES will reject email to any address that isn't separately verified.")
		w.wantShown("#sandbox-attest label", "I understand. This is for development or every recipient is independently verified.")
		headless.Shots(t, w.ctx, "sandbox")
		w.next() // not ticked: refused without asking AWS again
		w.wantShown(`[data-error-for="sandbox_attested"]`, "Tick the checkbox to confirm you understand the sandbox limitations.")
		w.atStep(5, "")
		w.click("#sandbox_attested")
		w.next()
		w.wantShown("#status", "Checked. Click Next to continue.")
		w.next()

		w.atStep(6, "Send a test email")
		recipient := fmt.Sprintf("ses-wizard-%d@example.com", time.Now().UnixNano())
		w.fill("test_recipient", recipient)
		w.next()
		w.wantShown(`[data-aws-for="6"]`, "Test send accepted by SES. MessageId: ")
		got := emulatorMessages(t, emulator, recipient)
		if len(got) != 1 {
			t.Fatalf("the emulator holds %d messages for %s, want 1", len(got), recipient)
		}
		if got[0].From != "noreply@app.example.com" || got[0].Subject != "regstack SES wizard — test send" ||
			!strings.Contains(got[0].Body.Text, "If you can read it, your SES configuration is working.") {
			t.Errorf("the test message = %+v", got[0])
		}
		w.wantShown(`[data-aws-for="6"]`, got[0].MessageID)
		w.next() // moves on without sending again
		if n := len(emulatorMessages(t, emulator, recipient)); n != 1 {
			t.Errorf("Next after the test send sent again: %d messages", n)
		}

		w.atStep(7, "Review")
		review := w.visibleText(`section[data-step="7"]`)
		for _, want := range []string{`ses_region "eu-west-1"`, `from_address "noreply@app.example.com"`,
			`credential mode "explicit"`, `ses_access_key_id "` + sesExplicitKeyID + `"`, "(secret goes to regstack.secrets.env)"} {
			if !strings.Contains(review, want) {
				t.Errorf("the review lacks %q: %q", want, review)
			}
		}
		if strings.Contains(review, sesSecret) {
			t.Error("the review shows the secret")
		}
		if b := w.visibleText("#btn-next"); b != "Confirm" {
			t.Errorf("the review's button says %q, want Confirm", b)
		}
		w.next()

		w.atStep(8, "Write configuration")
		if b := w.visibleText("#btn-next"); b != "Write" {
			t.Errorf("the last step's button says %q, want Write", b)
		}
		w.next()
		w.wantShown("#done", "Configuration written successfully.")
		w.wantShown("#done", "replaced [email] table")
		w.wantShown("#done", "added REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY")
		w.wantShown("#done", filepath.Join(dir, "regstack.toml"))
		w.wantShown("#done", "regstack doctor --send-test-email you@example.com")
		headless.Shots(t, w.ctx, "done")

		toml, _ := readText(t, filepath.Join(dir, "regstack.toml"))
		wantTOML := strings.Replace(sesBeforeTOML, `backend = "console"   # until SES is set up`, `backend = "ses"   # until SES is set up`, 1)
		wantTOML = strings.Replace(wantTOML, "from_name = \"Acme\"\n", "from_name = \"Acme\"\nses_region = \"eu-west-1\"\nses_access_key_id = \""+sesExplicitKeyID+"\"\n", 1)
		if toml != wantTOML {
			t.Errorf("regstack.toml =\n%s\nwant\n%s", toml, wantTOML)
		}
		secrets, _ := readText(t, filepath.Join(dir, "regstack.secrets.env"))
		if want := sesBeforeSecrets + "REGSTACK_EMAIL__SES_SECRET_ACCESS_KEY=" + sesSecret + "\n"; secrets != want {
			t.Errorf("regstack.secrets.env =\n%s\nwant\n%s", secrets, want)
		}
		if info, err := os.Stat(filepath.Join(dir, "regstack.secrets.env")); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("secrets file mode = %v (%v), want 0600", info.Mode().Perm(), err)
		}
		for _, c := range fake.Calls() {
			if c.KeyID != sesExplicitKeyID || c.Region != "eu-west-1" {
				t.Errorf("%s was signed by %s in %s, want %s in eu-west-1", c.Operation, c.KeyID, c.Region, sesExplicitKeyID)
			}
		}

		w.click("#btn-close")
		w.wantShown("#closed", "Finished.")
		if code := w.exit(); code != 0 {
			t.Errorf("the wizard exited %d after Close, want 0:\n%s", code, w.output())
		}
		if strings.Contains(w.output(), sesSecret) {
			t.Error("the command printed the secret")
		}
	})

	t.Run("AWS denying the sandbox lookups is an advisory, not a stop", func(t *testing.T) {
		fake := awstest.Start(t, awstest.Behaviour{
			EmailIdentity: awstest.AccessDeniedException("ses:GetEmailIdentity"),
			GetAccount:    awstest.AccessDeniedException("ses:GetAccount"),
			GetSendQuota:  awstest.AccessDenied("ses:GetSendQuota"),
		})
		dir := filepath.Join(t.TempDir(), "etc", "app")
		w := startSESWizard(t, bin, dir, fake)
		w.atStep(0, "Welcome")
		w.next()
		w.atStep(1, "No existing SES configuration")
		w.next()
		w.atStep(2, "")
		w.next() // us-east-1, as prefilled
		w.atStep(3, "")
		w.next() // the default chain, as preselected
		w.wantShown(`[data-aws-for="3"]`, "Resolved: ")
		w.next()

		w.atStep(4, "")
		w.fill("from_address", "noreply@acme.example.com")
		w.next()
		w.wantShown(`[data-aws-for="4"]`, "AccessDeniedException: User: "+awstest.DefaultARN+" is not authorized to perform: ses:GetEmailIdentity")
		if got := w.errorFor("from_address"); got != "" {
			t.Errorf("a denied identity lookup blocked the step: %q", got)
		}
		w.wantShown("#status", "Checked. Click Next to continue.")
		w.next()

		w.atStep(5, "")
		w.next()
		w.wantShown(`[data-warning-for="_form"]`, "Could not determine SES sandbox state (likely an IAM policy denying ses:GetAccount). The wizard will proceed; verify the account is graduated out of sandbox before relying on email in prod.")
		w.wantShown(`[data-aws-for="5"]`, "AccessDeniedException: ")
		w.wantHidden("#sandbox-attest")
		headless.Shots(t, w.ctx, "sandbox-undetermined")
		w.next()

		w.atStep(6, "")
		w.click("#skip_test_send")
		w.next()
		w.atStep(7, "")
		if review := w.visibleText(`section[data-step="7"]`); !strings.Contains(review, "(no credential keys written — default chain at runtime)") {
			t.Errorf("the review = %q", review)
		}
		w.next()
		w.atStep(8, "")
		w.next()
		w.wantShown("#done", "added [email] table")
		w.wantShown("#done", "no secrets change")

		ops := strings.Join(fake.Operations(), " ")
		if want := "GetCallerIdentity GetEmailIdentity GetEmailIdentity GetAccount GetSendQuota"; ops != want {
			t.Errorf("AWS operations = %s, want %s (no SendEmail when skipped)", ops, want)
		}
		for _, c := range fake.Calls() {
			if c.KeyID != sesEnvKeyID || c.Region != "us-east-1" {
				t.Errorf("%s was signed by %s in %s, want the chain's %s in us-east-1", c.Operation, c.KeyID, c.Region, sesEnvKeyID)
			}
		}
		toml, _ := readText(t, filepath.Join(dir, "regstack.toml"))
		if want := "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@acme.example.com\"\nses_region = \"us-east-1\"\n"; toml != want {
			t.Errorf("regstack.toml =\n%s\nwant\n%s", toml, want)
		}
		if _, ok := readText(t, filepath.Join(dir, "regstack.secrets.env")); ok {
			t.Error("the chain wrote a secrets file")
		}
		w.click("#btn-close")
		if code := w.exit(); code != 0 {
			t.Errorf("exit %d after Close, want 0", code)
		}
	})

	t.Run("a test send SES rejects keeps the operator on the step and writes nothing", func(t *testing.T) {
		fake := awstest.Start(t, awstest.Behaviour{
			Identities: map[string]string{"noreply@acme.example.com": "SUCCESS"},
			SendEmail:  awstest.MessageRejected("someone@example.org"),
		})
		dir := t.TempDir()
		existing := "[email]\nbackend = \"ses\"\nfrom_address = \"noreply@acme.example.com\"\nses_region = \"eu-west-2\"\nses_profile = \"old\"\n"
		writeFile(t, filepath.Join(dir, "regstack.toml"), existing, 0o644)
		w := startSESWizard(t, bin, dir, fake)
		w.atStep(0, "")
		w.next()

		w.atStep(1, "Existing SES configuration detected")
		w.next()
		if got := w.errorFor("replace_existing"); got != "Confirm you want to replace the existing SES configuration." {
			t.Errorf("replace error = %q", got)
		}
		w.click("#replace_existing")
		w.next()

		w.atStep(2, "")
		w.fill("ses_region", "eu-west-2")
		w.next()
		w.atStep(3, "")
		w.click(`input[name="credential_source"][value="profile"]`)
		w.fill("ses_profile", "dev")
		w.next()
		w.wantShown(`[data-aws-for="3"]`, "Resolved: ")
		w.next()
		w.atStep(4, "")
		w.next()
		w.wantShown(`[data-aws-for="4"]`, "Address: verified · Domain: unknown")
		w.next()
		w.atStep(5, "")
		w.next()
		w.wantShown(`[data-aws-for="5"]`, "Not in sandbox. Production sends are allowed.")
		w.next()

		w.atStep(6, "")
		w.fill("test_recipient", "someone@example.org")
		w.next()
		w.wantShown(`[data-error-for="test_recipient"]`, "SES rejected the send: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: someone@example.org")
		w.atStep(6, "")
		w.wantHidden(`[data-aws-for="6"]`) // the error above says it all
		headless.Shots(t, w.ctx, "test-send-rejected")
		sent := fake.Sent()
		if len(sent) != 1 || sent[0].From != "noreply@acme.example.com" || strings.Join(sent[0].To, ",") != "someone@example.org" {
			t.Errorf("sends = %+v, want one from the sender to someone@example.org", sent)
		}

		w.click("#skip_test_send")
		w.next()
		w.atStep(7, "")
		if review := w.visibleText(`section[data-step="7"]`); !strings.Contains(review, `credential mode "profile" ses_profile "dev"`) {
			t.Errorf("the review = %q, want the profile named", review)
		}
		if n := len(fake.Sent()); n != 1 {
			t.Errorf("skipping after a failed send sent again: %d sends", n)
		}
		for _, c := range fake.Calls() {
			if c.KeyID != sesProfileKeyID || c.Region != "eu-west-2" {
				t.Errorf("%s was signed by %s in %s, want the profile's %s in eu-west-2", c.Operation, c.KeyID, c.Region, sesProfileKeyID)
			}
		}
		if toml, _ := readText(t, filepath.Join(dir, "regstack.toml")); toml != existing {
			t.Errorf("regstack.toml changed before Write:\n%s", toml)
		}
	})
}
