package browser

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Phone is the small viewport every page must fit: 360 CSS pixels is the
// narrowest common phone width.
const (
	PhoneWidth  = 360
	PhoneHeight = 740
)

// SetColorScheme makes the tab's pages see prefers-color-scheme: dark (or
// light), as on a system set to that scheme.
func SetColorScheme(ctx context.Context, dark bool) error {
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		return fmt.Errorf("browser: emulate prefers-color-scheme %s: %w", scheme, err)
	}
	return nil
}

// SetViewport sizes the tab's viewport to w×h CSS pixels at a device scale
// of 1.
func SetViewport(ctx context.Context, w, h int) error {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		return fmt.Errorf("browser: set the viewport to %dx%d: %w", w, h, err)
	}
	return nil
}

// Shots saves the three screenshots every page state gets — <name>-light
// and <name>-dark at the desktop size, and <name>-360 at PhoneWidth ×
// PhoneHeight — and fails the test if the page is wider than the phone
// (document.documentElement.scrollWidth > PhoneWidth: a horizontal scroll
// bar). It leaves the tab in the light scheme at the desktop size.
func Shots(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(SetViewport(ctx, DesktopWidth, DesktopHeight))
	must(SetColorScheme(ctx, false))
	Screenshot(t, ctx, name+"-light")
	must(SetColorScheme(ctx, true))
	Screenshot(t, ctx, name+"-dark")
	must(SetColorScheme(ctx, false))
	must(SetViewport(ctx, PhoneWidth, PhoneHeight))
	Screenshot(t, ctx, name+"-360")
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
	must(err)
	if w > PhoneWidth {
		t.Errorf("%s: at %dx%d the page is %d px wide (document.documentElement.scrollWidth); want ≤ %d", name, PhoneWidth, PhoneHeight, w, PhoneWidth)
	}
	must(SetViewport(ctx, DesktopWidth, DesktopHeight))
}
