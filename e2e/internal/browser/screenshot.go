package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// artifactsEnv names the variable holding the directory screenshots go to.
const artifactsEnv = "REGSTACK_ARTIFACTS"

// settle waits until the page's web fonts are loaded and two frames have
// been painted, so a screenshot shows the page as a person would see it
// and not a half-laid-out first frame.
const settle = `document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`

// Screenshot saves a full-page PNG of the tab as
// $REGSTACK_ARTIFACTS/<test name>/<name>.png (default ./artifacts) and
// fails the test if the image is a single colour: a blank page, a page
// whose stylesheet hid everything, or a browser that painted nothing.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](settle, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("screenshot %s: wait for the page to settle: %v", name, err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ArtifactsDir(t), name+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s: decode the PNG: %v", name, err)
	}
	if c, ok := singleColour(img); ok {
		t.Errorf("screenshot %s (%s) is a single colour %s: the page rendered nothing", name, path, c)
	}
}

// ArtifactsDir is the directory the test's artifacts go to:
// $REGSTACK_ARTIFACTS (default ./artifacts, relative to the package under
// test) followed by the test's name, subtests as subdirectories.
func ArtifactsDir(t testing.TB) string {
	root := os.Getenv(artifactsEnv)
	if root == "" {
		root = "artifacts"
	}
	return filepath.Join(root, filepath.FromSlash(t.Name()))
}

// singleColour reports whether every pixel of img has the same colour, and
// which.
func singleColour(img image.Image) (string, bool) {
	b := img.Bounds()
	if b.Empty() {
		return "(empty image)", true
	}
	// Chromium's PNGs decode as NRGBA or RGBA; compare their bytes
	// directly, the generic At path is slow for a full page under -race.
	var pix []byte
	var stride, width int
	switch m := img.(type) {
	case *image.NRGBA:
		pix, stride, width = m.Pix, m.Stride, 4*b.Dx()
	case *image.RGBA:
		pix, stride, width = m.Pix, m.Stride, 4*b.Dx()
	}
	if pix != nil {
		first := pix[:4]
		for y := 0; y < b.Dy(); y++ {
			row := pix[y*stride : y*stride+width]
			for x := 0; x < width; x += 4 {
				if !bytes.Equal(row[x:x+4], first) {
					return "", false
				}
			}
		}
		return fmt.Sprintf("rgba(%d, %d, %d, %d)", first[0], first[1], first[2], first[3]), true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, a := img.At(x, y).RGBA(); r != r0 || g != g0 || bl != b0 || a != a0 {
				return "", false
			}
		}
	}
	return fmt.Sprintf("%v", first), true
}
