package e2e_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	coretheme "github.com/regstack/regstack/core/theme"
	headless "github.com/regstack/regstack/e2e/internal/browser"
	"github.com/regstack/regstack/wizards/theme"
)

// themeBefore is a hand-kept theme file: the designer must reload its
// values and keep every rule it does not manage.
const themeBefore = `/* Brand theme — hand-kept rules below must survive the designer. */
.brand-logo { height: 32px; }

:root {
  --rs-accent: #123456;
  --rs-radius: 12px;
}

@media print {
  .rs-header { display: none; }
}
`

// designerPreviewStyle is a computed style property of an element of the preview
// frame.
func designerPreviewStyle(b *tab, sel, prop string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(() => {
		const doc = document.getElementById("d-preview").contentDocument;
		return getComputedStyle(doc.querySelector(%q)).getPropertyValue(%q).trim();
	})()`, sel, prop))
}

// designerField is the text field of a property's control row.
func designerField(b *tab, name string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`document.getElementById(%q).value`, "d-input-"+name))
}

func designerStatus(b *tab) (text, tone string) {
	b.t.Helper()
	return b.text("#d-status"), eval[string](b, `document.getElementById("d-status").dataset.tone || ""`)
}

func designerWaitStatus(b *tab, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("the status %q", want), fmt.Sprintf(`document.getElementById("d-status").textContent === %q`, want))
}

func TestThemeDesignerInTheBrowser(t *testing.T) {
	bin := buildRegstack(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "regstack-theme.css")
	writeFile(t, path, themeBefore, 0o644)

	w := startWizard(t, bin, "Designer URL", "theme", "design", "--config", dir)

	t.Run("the API refuses a save without the launch token and writes nothing", func(t *testing.T) {
		host := strings.TrimPrefix(w.origin, "http://")
		for _, token := range []string{"", strings.Repeat("B", 43)} {
			if code, body := w.call(http.MethodPost, "/api/save", token, host, `{"light":{"--rs-accent":"#000000"}}`); code != http.StatusUnauthorized {
				t.Errorf("save with token %q: %d %s, want 401", token, code, body)
			}
		}
		if code, _ := w.call(http.MethodPost, "/api/save", w.token, "evil.example:80", `{"light":{}}`); code != http.StatusForbidden {
			t.Errorf("save through another host name: %d, want 403", code)
		}
		if got, _ := os.ReadFile(path); string(got) != themeBefore {
			t.Error("the theme file changed")
		}
	})

	b := openWizard(t, w)

	t.Run("every property has a control, filled from the saved file over the defaults", func(t *testing.T) {
		for _, p := range coretheme.Properties() {
			if !b.exists(fmt.Sprintf(`.d-row[data-var=%q] #%s`, p.Name, cssEscapeID("d-input-"+p.Name))) {
				t.Errorf("no control for %s", p.Name)
			}
		}
		if n := eval[int](b, `document.querySelectorAll("#d-colour-fields .d-row").length`); n != 12 {
			t.Errorf("%d colour rows, want 12", n)
		}
		if got := designerField(b, "--rs-accent"); got != "#123456" {
			t.Errorf("--rs-accent = %q, want the saved #123456", got)
		}
		if got := designerField(b, "--rs-radius"); got != "12px" {
			t.Errorf("--rs-radius = %q, want the saved 12px", got)
		}
		if got := designerField(b, "--rs-bg"); got != "#ffffff" {
			t.Errorf("--rs-bg = %q, want the default #ffffff", got)
		}
		if got := b.text("#d-target-path"); got != path {
			t.Errorf("the hint names %q, want %q", got, path)
		}
	})

	t.Run("colour pickers take only #rrggbb values", func(t *testing.T) {
		if eval[bool](b, `document.querySelector('.d-row[data-var="--rs-accent"] .d-picker').disabled`) {
			t.Error("the picker of a hex colour is disabled")
		}
		if !eval[bool](b, `document.querySelector('.d-row[data-var="--rs-accent-bg"] .d-picker').disabled`) {
			t.Error("the picker of an rgba() colour is enabled")
		}
		if got := eval[string](b, `document.querySelector('.d-row[data-var="--rs-accent-bg"] .d-picker').title`); got != "rgba() value — edit the text field" {
			t.Errorf("the disabled picker's hint is %q", got)
		}
	})

	t.Run("the preview is styled by the pages' core.css with the edited values", func(t *testing.T) {
		sheets := eval[[]string](b, `[...document.getElementById("d-preview").contentDocument.styleSheets].map(s => s.href)`)
		if len(sheets) != 1 || !strings.HasSuffix(sheets[0], "/static/rs/core.css") {
			t.Errorf("the preview's stylesheets are %v, want the bundled core.css only", sheets)
		}
		if got := designerPreviewStyle(b, ".rs-btn-primary", "background-color"); got != "rgb(18, 52, 86)" {
			t.Errorf("the primary button is %s, want the saved accent rgb(18, 52, 86)", got)
		}
		if got := designerPreviewStyle(b, ".rs-card", "border-top-left-radius"); got != "12px" {
			t.Errorf("the card's radius is %s, want 12px", got)
		}
		for _, sel := range []string{`.rs-message[data-rs-tone="success"]`, `.rs-message[data-rs-tone="error"]`, ".rs-section-danger .rs-btn-danger", `input[type="email"]`, `input[type="password"]`, ".rs-btn-ghost"} {
			if !eval[bool](b, fmt.Sprintf(`!!document.getElementById("d-preview").contentDocument.querySelector(%q)`, sel)) {
				t.Errorf("the preview lacks %s", sel)
			}
		}
		b.setInput("#"+cssEscapeID("d-input---rs-accent"), "#0d9488")
		if got := designerPreviewStyle(b, ".rs-btn-primary", "background-color"); got != "rgb(13, 148, 136)" {
			t.Errorf("after editing the accent the button is %s, want rgb(13, 148, 136)", got)
		}
		if got := eval[string](b, `document.querySelector('.d-row[data-var="--rs-accent"] .d-picker').value`); got != "#0d9488" {
			t.Errorf("the picker shows %s after the text changed", got)
		}
		b.setInput("#"+cssEscapeID("d-input---rs-radius"), "4")
		if got := designerPreviewStyle(b, ".rs-card", "border-top-left-radius"); got != "4px" {
			t.Errorf("a bare radius of 4 renders as %s, want 4px", got)
		}
		headless.Shots(t, b.ctx, "designer")
		headless.AssertAccessibleNames(t, b.ctx)
	})

	t.Run("the dark tab edits the dark scope and previews the dark scheme", func(t *testing.T) {
		b.click("#d-tab-dark")
		if got := designerField(b, "--rs-bg"); got != "#0b1220" {
			t.Errorf("dark --rs-bg = %q, want the dark default", got)
		}
		if got := designerField(b, "--rs-radius"); got != "" {
			t.Errorf("dark --rs-radius = %q, want empty (carried over from light)", got)
		}
		if got := designerPreviewStyle(b, "body", "background-color"); got != "rgb(11, 18, 32)" {
			t.Errorf("the dark preview's page is %s, want rgb(11, 18, 32)", got)
		}
		if got := designerPreviewStyle(b, ".rs-card", "border-top-left-radius"); got != "4px" {
			t.Errorf("the dark preview's radius is %s, want the light 4px", got)
		}
		b.setInput("#"+cssEscapeID("d-input---rs-accent"), "#2dd4bf")
		headless.Screenshot(t, b.ctx, "designer-dark")
	})

	t.Run("a refused save marks the field and shows its scope", func(t *testing.T) {
		// The refusal is a 422, which Chromium logs as a failed load.
		b.allow("status of 422 (Unprocessable Entity)")
		b.setInput("#"+cssEscapeID("d-input---rs-danger"), "blood")
		b.click("#d-tab-light")
		b.click("#d-save")
		designerWaitStatus(b, "Validation failed — see field errors")
		if _, tone := designerStatus(b); tone != "error" {
			t.Errorf("status tone %q, want error", tone)
		}
		if got := eval[string](b, `document.querySelector(".d-tab[aria-selected=true]").dataset.scope`); got != "dark" {
			t.Errorf("the %s tab is shown, want the dark tab of the first error", got)
		}
		row := `.d-row[data-var="--rs-danger"]`
		if !b.exists(row + ".has-error") {
			t.Error("the --rs-danger row is not marked")
		}
		if got := b.text(row + " .d-row-error"); got != "--rs-danger must be a hex colour (#rgb / #rrggbb) or rgba(...)." {
			t.Errorf("the row's error reads %q", got)
		}
		if got, _ := os.ReadFile(path); string(got) != themeBefore {
			t.Error("a refused save changed the file")
		}
		headless.Screenshot(t, b.ctx, "designer-error")
		b.setInput("#"+cssEscapeID("d-input---rs-danger"), "#f87171")
		if b.exists(row + ".has-error") {
			t.Error("the row stays marked after the value changed")
		}
	})

	// The values the page holds now, as theme.Clean would give them.
	light := theme.Defaults(theme.Light)
	light["--rs-accent"], light["--rs-radius"] = "#0d9488", "4px"
	dark := theme.Defaults(theme.Dark)
	dark["--rs-accent"] = "#2dd4bf"

	t.Run("Save writes the managed blocks and keeps the hand-kept rules", func(t *testing.T) {
		b.click("#d-save")
		want, err := theme.Update(themeBefore, theme.DefaultFilename, light, dark)
		if err != nil {
			t.Fatal(err)
		}
		designerWaitStatus(b, fmt.Sprintf("Saved %d bytes · 16 light · 13 dark", len(want)))
		if _, tone := designerStatus(b); tone != "ok" {
			t.Errorf("status tone %q, want ok", tone)
		}
		got, _ := os.ReadFile(path)
		if string(got) != want {
			t.Errorf("file =\n%s\nwant\n%s", got, want)
		}
		for _, keep := range []string{"/* Brand theme — hand-kept rules below must survive the designer. */\n.brand-logo { height: 32px; }\n", "@media print {\n  .rs-header { display: none; }\n}\n"} {
			if !strings.Contains(string(got), keep) {
				t.Errorf("the save lost %q", keep)
			}
		}
	})

	t.Run("Copy CSS puts exactly what Save writes for a new file on the clipboard", func(t *testing.T) {
		before, _ := os.ReadFile(path)
		b.click("#d-copy")
		designerWaitStatus(b, "Copied CSS to clipboard.")
		if got, want := b.clipboard(), theme.NewFile(theme.DefaultFilename, light, dark); got != want {
			t.Errorf("clipboard =\n%s\nwant\n%s", got, want)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Error("Copy CSS wrote the file")
		}
	})

	t.Run("Reset to defaults resets the form and writes nothing", func(t *testing.T) {
		before, _ := os.ReadFile(path)
		b.click("#d-reset")
		designerWaitStatus(b, "Reset to defaults — click Save to write.")
		b.click("#d-tab-light")
		if got := designerField(b, "--rs-accent"); got != "#2563eb" {
			t.Errorf("after Reset --rs-accent = %q, want the default #2563eb", got)
		}
		if got := designerPreviewStyle(b, ".rs-btn-primary", "background-color"); got != "rgb(37, 99, 235)" {
			t.Errorf("after Reset the button is %s", got)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Error("Reset wrote the file")
		}
	})

	t.Run("re-running the designer reloads the saved values", func(t *testing.T) {
		b.do(chromedp.Reload())
		b.waitFor("the designer to be ready again", `document.body && document.body.dataset.ready === "true"`)
		if got := designerField(b, "--rs-accent"); got != "#0d9488" {
			t.Errorf("after a reload --rs-accent = %q, want the saved #0d9488", got)
		}
	})

	t.Run("the command ends with exit code 0 when the window hook posts done", func(t *testing.T) {
		host := strings.TrimPrefix(w.origin, "http://")
		if code, body := w.call(http.MethodPost, "/api/done", w.token, host, "{}"); code != http.StatusOK {
			t.Errorf("POST /api/done: %d %s", code, body)
		}
		if code := w.waitExit(); code != 0 {
			t.Errorf("exit code %d, stderr:\n%s", code, w.errText())
		}
	})
}

// cssEscapeID escapes an element id for a CSS #selector: the property names
// start with two hyphens.
func cssEscapeID(id string) string {
	return strings.ReplaceAll(id, "-", `\-`)
}
