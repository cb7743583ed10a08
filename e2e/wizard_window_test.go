package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/bits"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/regstack/regstack/e2e/internal/browser"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// displayEnv names the Xvfb display scripts/services.d/70-desktop.sh
// starts (":N").
const displayEnv = "REGSTACK_TEST_DISPLAY"

// noWindowMessage is the error line a wizard prints when it cannot open a
// window (cli.md §10.4): it must point at both ways out.
var noWindowMessage = regexp.MustCompile(`^Error: .*--headless.*--browser.*\n$`)

// windowCase is one program that opens a wizard window, with the title
// and size cli.md §10.1 gives its window.
type windowCase struct {
	name          string
	args          func(dir string) []string
	title         string
	width, height int
	// demo runs the scaffold's own demo program instead of regstack.
	demo bool
}

var windowCases = []windowCase{
	{name: "the scaffold demo", demo: true, args: func(string) []string { return nil },
		title: "regstack — scaffold demo", width: 820, height: 720},
	{name: "oauth setup", args: func(dir string) []string { return []string{"oauth", "setup", "--config", dir} },
		title: "regstack — Google OAuth setup", width: 820, height: 720},
	{name: "theme design", args: func(dir string) []string { return []string{"theme", "design", "--config", dir} },
		title: "regstack — theme designer", width: 1100, height: 720},
	{name: "ses setup", args: func(dir string) []string { return []string{"ses", "setup", "--config", dir} },
		title: "regstack — SES setup", width: 820, height: 720},
}

// TestWizardWindows opens each wizard's Wails window on the Xvfb display
// and checks that the window is a client of the wizard's own loopback
// server: the server sees the page load with the token and the page's
// first API call, the screen shows something, and POST /api/done closes
// the window and ends the command with exit code 0. It also checks that
// the same desktop binary without a display refuses with the one line
// naming --headless and --browser.
func TestWizardWindows(t *testing.T) {
	display := os.Getenv(displayEnv)
	if display == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: scripts/services.d/70-desktop.sh starts Xvfb", displayEnv)
		}
		t.Skipf("%s is not set (source scripts/services.d/70-desktop.sh and run start_desktop)", displayEnv)
	}
	for _, tool := range []string{"xwd", "xwininfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (scripts/services.d/70-desktop.sh installs it): %v", tool, err)
		}
	}
	bins := buildDesktop(t)

	for _, wc := range windowCases {
		bin := bins.regstack
		if wc.demo {
			bin = bins.demo
		}
		t.Run(wc.name+" shows the loopback UI in a window", func(t *testing.T) {
			w := startWindow(t, bin, wc.args(t.TempDir()), display)
			w.waitFor(t, "the page loaded with the token", regexp.MustCompile(`(?m)^wizard: 200 GET /$`))
			w.waitFor(t, "the page's first API call", regexp.MustCompile(`(?m)^wizard: 200 (GET|POST) /api/\S+$`))
			if size := windowSize(t, display, wc.title); size != fmt.Sprintf("%dx%d", wc.width, wc.height) {
				t.Errorf("window %q is %s, want %dx%d", wc.title, size, wc.width, wc.height)
			}
			shot := screenshotUntilPainted(t, display)
			path := filepath.Join(browser.ArtifactsDir(t), "window.png")
			savePNG(t, path, shot)
			if n := colours(shot, 3); n < 3 {
				t.Errorf("the screen (%s) has %d colour(s): the window painted nothing", path, n)
			}
			if strings.Contains(w.stderr.String(), w.token) {
				t.Error("the token appears on stderr")
			}
			how := "/api/done"
			if wc.demo {
				// The demo ends the other way a wizard ends: Ctrl-C, which
				// closes the window from the Go side.
				how = "SIGINT"
				if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
					t.Fatal(err)
				}
			} else {
				w.done(t)
			}
			if code := w.wait(t); code != 0 {
				t.Fatalf("exit code %d after %s, want 0; stderr:\n%s", code, how, w.stderr.String())
			}
		})
	}

	for _, wc := range windowCases {
		bin := bins.regstack
		if wc.demo {
			bin = bins.demo
		}
		t.Run(wc.name+" without a display names --headless and --browser", func(t *testing.T) {
			code, stdout, stderr := runOnce(t, bin, wc.args(t.TempDir()), "")
			if code != 1 || !noWindowMessage.MatchString(stderr) || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and one Error line naming --headless and --browser", code, stdout, stderr)
			}
		})
	}
}

// TestAPlainBuildHasNoWindow: the regstack binary built without the
// desktop tag refuses Window mode with the same line, display or not.
func TestAPlainBuildHasNoWindow(t *testing.T) {
	bin, err := serveproc.Build(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, wc := range windowCases[1:] {
		t.Run(wc.name, func(t *testing.T) {
			code, stdout, stderr := runOnce(t, bin, wc.args(t.TempDir()), ":0")
			if code != 1 || !noWindowMessage.MatchString(stderr) || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and one Error line naming --headless and --browser", code, stdout, stderr)
			}
		})
	}
}

type desktopBins struct{ regstack, demo string }

// buildDesktop compiles regstack and the scaffold demo with the desktop
// tag (cgo, WebKitGTK), once per test binary run.
func buildDesktop(t *testing.T) desktopBins {
	t.Helper()
	root, err := serveproc.RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bins := desktopBins{regstack: filepath.Join(dir, "regstack"), demo: filepath.Join(dir, "demo")}
	for pkg, out := range map[string]string{
		"./cli/cmd/regstack":             bins.regstack,
		"./wizards/wizard/internal/demo": bins.demo,
	} {
		cmd := exec.CommandContext(t.Context(), "go", "build", "-tags", "desktop,production", "-o", out, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build -tags desktop,production %s: %v\n%s", pkg, err, b)
		}
	}
	return bins
}

// childEnv is the environment of a wizard under test: the display (or
// none), request logging on, and WebKit's caches in a temporary home.
func childEnv(t *testing.T, display string) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DISPLAY", "WAYLAND_DISPLAY", "HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"REGSTACK_WIZARD_DEBUG=1",
		"NO_AT_BRIDGE=1", // no accessibility bus in a test
	)
	if display != "" {
		env = append(env, "DISPLAY="+display)
	}
	return env
}

// runOnce runs a command that is expected to end by itself.
func runOnce(t *testing.T, bin string, args []string, display string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = childEnv(t, display)
	cmd.Stdin = nil
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	default:
		t.Fatalf("run %s: %v", bin, err)
		return 0, "", ""
	}
}

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// windowProc is a wizard running with a window.
type windowProc struct {
	cmd         *exec.Cmd
	base, token string
	stderr      *lockedBuffer
	exited      chan struct{}
	exitErr     error
}

var urlLinePattern = regexp.MustCompile(`^(?:Wizard|Designer) URL: (http://127\.0\.0\.1:\d+)/\?token=([A-Za-z0-9_-]{43})$`)

func startWindow(t *testing.T, bin string, args []string, display string) *windowProc {
	t.Helper()
	w := &windowProc{stderr: &lockedBuffer{}, exited: make(chan struct{})}
	w.cmd = exec.Command(bin, args...)
	w.cmd.Env = childEnv(t, display)
	w.cmd.Stderr = w.stderr
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := urlLinePattern.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		w.exitErr = w.cmd.Wait()
		close(w.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-w.exited:
		default:
			_ = w.cmd.Process.Kill()
			<-w.exited
		}
	})
	select {
	case m := <-urls:
		w.base, w.token = m[1], m[2]
	case <-w.exited:
		t.Fatalf("the wizard exited (%v) before printing its URL; stderr:\n%s", w.exitErr, w.stderr.String())
	case <-time.After(time.Minute):
		t.Fatalf("no URL line within a minute; stderr:\n%s", w.stderr.String())
	}
	return w
}

// waitFor waits until the wizard's stderr (its request log) matches.
func (w *windowProc) waitFor(t *testing.T, what string, re *regexp.Regexp) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if re.MatchString(w.stderr.String()) {
			return
		}
		select {
		case <-w.exited:
			t.Fatalf("the wizard exited (%v) before %s; stderr:\n%s", w.exitErr, what, w.stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("the server never saw %s; stderr:\n%s", what, w.stderr.String())
}

// done posts /api/done as the UI's Close button does.
func (w *windowProc) done(t *testing.T) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, w.base+"/api/done", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Wizard-Token", w.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if body, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"ok":true}` {
		t.Fatalf("POST /api/done: %d %s", resp.StatusCode, body)
	}
}

// wait returns the exit code once the wizard has ended.
func (w *windowProc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("still running 30 s after it was told to end; stderr:\n%s", w.stderr.String())
	}
	var exit *exec.ExitError
	if errors.As(w.exitErr, &exit) {
		return exit.ExitCode()
	}
	if w.exitErr != nil {
		t.Fatal(w.exitErr)
	}
	return 0
}

// windowSize finds the top-level window with the title on the display and
// returns its size ("820x720"), or "none".
func windowSize(t *testing.T, display, title string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "xwininfo", "-root", "-tree", "-display", display).Output()
	if err != nil {
		t.Fatalf("xwininfo: %v", err)
	}
	// 0x400007 "regstack — Google OAuth setup": ("regstack" "Regstack")  820x720+230+40  +230+40
	re := regexp.MustCompile(regexp.QuoteMeta(`"`+title+`"`) + `:.*?\s(\d+x\d+)\+`)
	if m := re.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return "none"
}

// screenshotUntilPainted reads the whole X screen until it shows at least
// three colours (a blank window has one or two) and two reads 300 ms apart
// agree — the page has loaded its state and settled — or fifteen seconds
// pass, and returns the last image.
func screenshotUntilPainted(t *testing.T, display string) *image.RGBA {
	t.Helper()
	var last *image.RGBA
	for start := time.Now(); time.Since(start) < 15*time.Second; time.Sleep(300 * time.Millisecond) {
		img := grabScreen(t, display)
		if last != nil && colours(img, 3) >= 3 && bytes.Equal(img.Pix, last.Pix) {
			return img
		}
		last = img
	}
	return last
}

// grabScreen dumps the root window with xwd and decodes it.
func grabScreen(t *testing.T, display string) *image.RGBA {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "xwd", "-root", "-silent", "-display", display)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xwd: %v %s", err, stderr.String())
	}
	img, err := decodeXWD(out)
	if err != nil {
		t.Fatalf("decode xwd output: %v", err)
	}
	return img
}

func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// colours counts the distinct colours of img, stopping at limit.
func colours(img *image.RGBA, limit int) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			seen[img.RGBAAt(x, y)] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// decodeXWD reads an X Window Dump of a TrueColor screen (what `xwd
// -root` writes for Xvfb's 24-bit visual): a big-endian header of 25
// 32-bit fields, the window name, the colour map, then ZPixmap rows.
func decodeXWD(data []byte) (*image.RGBA, error) {
	const fields = 25
	if len(data) < fields*4 {
		return nil, errors.New("short header")
	}
	h := make([]uint32, fields)
	for i := range h {
		h[i] = binary.BigEndian.Uint32(data[i*4:])
	}
	var (
		headerSize   = int(h[0])
		version      = h[1]
		format       = h[2]
		width        = int(h[4])
		height       = int(h[5])
		byteOrder    = h[7]
		bitsPerPixel = int(h[11])
		bytesPerLine = int(h[12])
		masks        = [3]uint32{h[14], h[15], h[16]}
		ncolors      = int(h[19])
	)
	if version != 7 || format != 2 {
		return nil, fmt.Errorf("xwd version %d format %d; want 7 and ZPixmap (2)", version, format)
	}
	if bitsPerPixel != 32 && bitsPerPixel != 24 {
		return nil, fmt.Errorf("%d bits per pixel; want 24 or 32", bitsPerPixel)
	}
	offset := headerSize + ncolors*12
	if offset+height*bytesPerLine > len(data) {
		return nil, errors.New("truncated image")
	}
	pix := data[offset:]
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	step := bitsPerPixel / 8
	for y := range height {
		row := pix[y*bytesPerLine:]
		for x := range width {
			p := row[x*step : x*step+step]
			var v uint32
			for i := range step {
				if byteOrder == 0 { // LSBFirst
					v |= uint32(p[i]) << (8 * i)
				} else {
					v = v<<8 | uint32(p[i])
				}
			}
			var c [3]uint8
			for i, m := range masks {
				if m == 0 {
					continue
				}
				shift := bits.TrailingZeros32(m)
				width := bits.OnesCount32(m)
				val := (v & m) >> shift
				c[i] = uint8(val * 255 / (1<<width - 1))
			}
			img.SetRGBA(x, y, color.RGBA{c[0], c[1], c[2], 255})
		}
	}
	return img, nil
}
