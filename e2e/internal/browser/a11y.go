package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"
)

// namedRoles are the accessibility roles of controls a person operates;
// a screen reader announces each by its accessible name, so each needs
// one (a label, aria-label, aria-labelledby or, for buttons, its text).
var namedRoles = map[string]bool{
	"textbox": true, "searchbox": true, "spinbutton": true, "combobox": true,
	"listbox": true, "checkbox": true, "radio": true, "switch": true,
	"slider": true, "button": true,
}

// UnnamedControls returns the outer HTML (its opening tag) of every control
// in the tab's current page that is exposed to assistive technology but
// has no accessible name, as Chromium computes it. Controls that are not
// rendered (hidden, display: none) are not exposed and not returned.
func UnnamedControls(ctx context.Context) ([]string, error) {
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		return nil, fmt.Errorf("browser: read the accessibility tree: %w", err)
	}
	var out []string
	for _, n := range tree.Nodes {
		if n.Ignored || !namedRoles[axString(n.Role)] || strings.TrimSpace(axString(n.Name)) != "" {
			continue
		}
		html := fmt.Sprintf("(%s node %d)", axString(n.Role), n.BackendDOMNodeID)
		if n.BackendDOMNodeID != 0 {
			res, err := chromedp.Call(ctx, dom.GetOuterHTML, dom.GetOuterHTMLParams{BackendNodeID: n.BackendDOMNodeID})
			if err == nil {
				html = openingTag(res.OuterHTML)
			}
		}
		out = append(out, html)
	}
	return out, nil
}

// AssertAccessibleNames fails the test for every control UnnamedControls
// finds on the current page.
func AssertAccessibleNames(t testing.TB, ctx context.Context) {
	t.Helper()
	bad, err := UnnamedControls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, html := range bad {
		t.Errorf("a control has no accessible name: %s", html)
	}
}

// axString is the string inside an accessibility value, or "".
func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal([]byte(v.Value), &s) != nil {
		return string(v.Value)
	}
	return s
}

// openingTag cuts an element's outer HTML down to its start tag, which is
// what identifies it in a failure message.
func openingTag(html string) string {
	if i := strings.IndexByte(html, '>'); i >= 0 {
		return html[:i+1]
	}
	return html
}
