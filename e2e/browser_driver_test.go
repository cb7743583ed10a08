package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	// Aliased: the package block already has a type named browser
	// (oauth_serve_test.go's cookie-keeping HTTP client).
	headless "github.com/regstack/regstack/e2e/internal/browser"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// resetLink matches the password-reset link the console mailer logs; the
// first group is the origin, the second the path and query.
var resetLink = regexp.MustCompile(`(http://[^/\s"]+)(/account/reset-password\?token=[A-Za-z0-9_.-]+)`)

// browserTOML is the configuration every browser test starts from: SQLite
// in the test's directory, console email logging bodies, Argon2 small
// enough for a test; extra keys are appended.
const browserTOML = `database_url = %q
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1
%s
[email]
backend = "console"
log_bodies = true
`

// startPagesServe runs `regstack serve` with browserTOML plus extra
// top-level keys (and trailing tables) in a new directory.
func startPagesServe(t *testing.T, bin, extra, tables string, secrets ...string) *serveproc.Server {
	t.Helper()
	dir := t.TempDir()
	dbURL := "sqlite:///" + filepath.Join(dir, "regstack.db")
	writeFile(t, filepath.Join(dir, "regstack.toml"), fmt.Sprintf(browserTOML, dbURL, extra)+tables, 0o644)
	env := "REGSTACK_JWT_SECRET=browser-pages-secret-0123456789-abcdefghij\n"
	for _, s := range secrets {
		env += s + "\n"
	}
	writeFile(t, filepath.Join(dir, "regstack.secrets.env"), env, 0o600)
	return startServe(t, bin, dir)
}

// stepTimeout bounds one browser step: a query waiting for an element, a
// wait for a message or a navigation.
const stepTimeout = 10 * time.Second

// tab drives one headless browser tab against one regstack server, through
// the hooks of transport/http/ui/README.md and spec/ui.md.
type tab struct {
	t      *testing.T
	ctx    context.Context
	origin string
}

func newTab(t *testing.T, origin string) *tab {
	t.Helper()
	return &tab{t: t, ctx: headless.Start(t), origin: origin}
}

// do runs chromedp actions with the step timeout.
func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\n%s", err, b.state())
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v\n%s", expr, err, b.state())
	}
	return v
}

// state describes where the tab is, for failure messages.
func (b *tab) state() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const m = document.querySelector("[data-rs-message]");
		return "page " + location.href + "; message box " +
			(m ? (m.hidden ? "hidden" : JSON.stringify(m.dataset.rsTone || "") + " " + JSON.stringify(m.textContent)) : "missing");
	})()`))
	if err != nil {
		return "(page state unavailable: " + err.Error() + ")"
	}
	return s
}

// waitFor polls a JavaScript condition until it is truthy. Evaluation
// errors (a navigation destroying the page's context) count as false.
func (b *tab) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			if last == nil {
				last = errors.New("condition stayed false")
			}
			b.t.Fatalf("waiting for %s: %v\n%s", what, last, b.state())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// open navigates to a path of the server and waits for the page's script.
func (b *tab) open(path string) {
	b.t.Helper()
	b.navigate(path)
	b.waitPage(strings.SplitN(path, "?", 2)[0])
}

// navigate loads a path of the server without waiting for its script.
func (b *tab) navigate(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.origin + path))
}

// shots saves the light, dark and 360 px screenshots of the current page
// and checks it fits 360 px (browser.Shots).
func (b *tab) shots(name string) {
	b.t.Helper()
	headless.Shots(b.t, b.ctx, name)
}

// waitPage waits until the tab shows path and the page's script is ready
// (body[data-rs-ready], README "Every page").
func (b *tab) waitPage(path string) {
	b.t.Helper()
	b.waitFor("page "+path, fmt.Sprintf(`location.pathname === %s && document.body && document.body.hasAttribute("data-rs-ready")`, strconv.Quote(path)))
}

// form is the CSS selector of a form by its data-rs-form name.
func form(name string) string { return fmt.Sprintf(`form[data-rs-form=%q]`, name) }

// fill sets the named fields of a form.
func (b *tab) fill(formName string, fields map[string]string) {
	b.t.Helper()
	for name, v := range fields {
		b.do(chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`%s [name=%q]`, form(formName), name)), v))
	}
}

// submit clicks the form's submit button, as a person would.
func (b *tab) submit(formName string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(form(formName) + ` [type=submit]`)))
}

// click clicks the first element sel matches.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

// openSection opens a collapsible section of the account page by id.
func (b *tab) openSection(id string) {
	b.t.Helper()
	if !eval[bool](b, fmt.Sprintf(`document.getElementById(%q).open`, id)) {
		b.click("#" + id + " > summary")
	}
}

// waitMessage waits for the message box to show tone ("success" or
// "error") with a text containing want, and returns the whole text.
func (b *tab) waitMessage(tone, want string) string {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("a %s message containing %q", tone, want), fmt.Sprintf(`(() => {
		const m = document.querySelector("[data-rs-message]");
		return m && !m.hidden && m.dataset.rsTone === %q && m.textContent.includes(%q);
	})()`, tone, want))
	return eval[string](b, `document.querySelector("[data-rs-message]").textContent`)
}

// text is the trimmed text content of the first element sel matches.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)))
}

// exists reports whether sel matches an element.
func (b *tab) exists(sel string) bool {
	b.t.Helper()
	return eval[bool](b, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// token is the stored session token ("" when none).
func (b *tab) token() string {
	b.t.Helper()
	return eval[string](b, `localStorage.getItem("regstack.access_token") || ""`)
}

// allow whitelists an expected console error, such as the network error a
// deliberate 401 logs.
func (b *tab) allow(substr string) { headless.AllowConsoleError(b.ctx, substr) }

// acceptDialogs answers every window.confirm of the tab with OK, for the
// actions that ask first (unlink, delete account).
func (b *tab) acceptDialogs() {
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

// checkPage asserts what every page owes a person using assistive
// technology or a phone: every control named, a polite live message box,
// and no horizontal scrolling at 360 px (checked by Shots, which also
// saves the screenshots). On the account page the closed sections are
// opened first so their controls are rendered and checked.
func (b *tab) checkPage(shot string) {
	b.t.Helper()
	if live := eval[string](b, `(document.querySelector("[data-rs-message]") || {getAttribute: () => "(no message box)"}).getAttribute("aria-live")`); live != "polite" {
		b.t.Errorf("%s: the message box has aria-live=%q, want \"polite\"", shot, live)
	}
	b.shots(shot)
	if b.exists("details.rs-section") {
		eval[int](b, `(() => { const d = [...document.querySelectorAll("details.rs-section")]; d.forEach(s => s.open = true); return d.length })()`)
		b.shots(shot + "-sections")
	}
	headless.AssertAccessibleNames(b.t, b.ctx)
	// The accessibility tree only holds rendered controls; hidden forms
	// (the phone confirmation step) need a label in the markup too.
	for _, bad := range eval[[]string](b, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
		.filter(e => e.labels.length === 0 && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
		.map(e => e.outerHTML)`) {
		b.t.Errorf("%s: an input has no label: %s", shot, bad)
	}
	if b.exists("details.rs-section") {
		eval[int](b, `(() => { const d = [...document.querySelectorAll("details.rs-section")]; d.forEach(s => s.open = false); return d.length })()`)
	}
}

// focusAfterFailure asserts that after a failed submit of formName the
// focus is on the form's first invalid field or on the message box, and
// returns which ("message" or "field:<name>").
func (b *tab) focusAfterFailure(formName string) string {
	b.t.Helper()
	where := eval[string](b, fmt.Sprintf(`(() => {
		const a = document.activeElement;
		if (a && a.matches("[data-rs-message]")) return "message";
		const f = document.querySelector(%q);
		const first = [...f.querySelectorAll("input:not([type=hidden]), select, textarea")]
			.find(e => e.getAttribute("aria-invalid") === "true" || !e.validity.valid);
		if (first && a === first) return "field:" + a.name;
		return "elsewhere: " + (a ? a.outerHTML.slice(0, 120) : "nothing") + (first ? " (first invalid: " + first.name + ")" : " (no invalid field)");
	})()`, form(formName)))
	b.t.Logf("after a failed %s submit the focus is on %s", formName, where)
	if where != "message" && !strings.HasPrefix(where, "field:") {
		b.t.Errorf("after a failed %s submit the focus is %s; want the first invalid field or the message box", formName, where)
	}
	return where
}
