//go:build desktop

package wizard

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// windowAvailable: on Linux and the BSDs a webview needs a reachable X11 or
// Wayland display. GTK aborts the process when it cannot open one, so the
// socket is tried first.
func windowAvailable() error {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		return nil
	}
	if wl := os.Getenv("WAYLAND_DISPLAY"); wl != "" && reachable("unix", waylandSocket(wl)) {
		return nil
	}
	if d := os.Getenv("DISPLAY"); d != "" {
		if network, addr, ok := x11Socket(d); ok && reachable(network, addr) {
			return nil
		}
	}
	return ErrNoWindow
}

func reachable(network, addr string) bool {
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

func waylandSocket(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), name)
}

// x11Socket maps a DISPLAY value to the X server's socket:
// ":N" and "unix:N" → /tmp/.X11-unix/XN, "host:N" → TCP 6000+N.
func x11Socket(display string) (network, addr string, ok bool) {
	host, rest, found := strings.Cut(display, ":")
	if !found {
		return "", "", false
	}
	num, _, _ := strings.Cut(rest, ".")
	if num == "" || strings.Trim(num, "0123456789") != "" {
		return "", "", false
	}
	if host == "" || host == "unix" {
		return "unix", "/tmp/.X11-unix/X" + num, true
	}
	var n int
	fmt.Sscan(num, &n)
	return "tcp", net.JoinHostPort(host, fmt.Sprint(6000+n)), true
}

// runWindow opens a Wails window whose page is a hop to the loopback
// server's URL, so the UI and every API call go through the guarded
// server exactly as in a browser. It returns when the window is closed, or
// closes it when finished is closed or ctx ends.
func runWindow(ctx context.Context, app App, url string, finished <-chan struct{}) (err error) {
	started := make(chan context.Context, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		var wctx context.Context
		select {
		case wctx = <-started:
		case <-stop:
			return
		}
		select {
		case <-finished:
		case <-ctx.Done():
		case <-stop:
			return
		}
		wailsruntime.Quit(wctx)
	}()

	// GTK panics inside Wails when the display goes away between the check
	// and the window; that is still "no window", not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", ErrNoWindow, r)
		}
	}()
	err = wails.Run(&options.App{
		Title:  app.Title,
		Width:  app.Width,
		Height: app.Height,
		AssetServer: &assetserver.Options{
			Handler: hopHandler(url),
		},
		Logger:    quietLogger{},
		OnStartup: func(wctx context.Context) { started <- wctx },
	})
	if err != nil {
		return fmt.Errorf("wizard window: %w", err)
	}
	return nil
}

// hopHandler answers the webview's first request (on Wails' own scheme)
// with a page that moves straight to the loopback URL. No Wails runtime or
// binding is used past that point.
func hopHandler(url string) http.Handler {
	page := `<!doctype html><html><head><meta charset="utf-8">` +
		`<meta http-equiv="refresh" content="0;url=` + html.EscapeString(url) + `">` +
		`<title>regstack</title></head><body></body></html>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(page))
	})
}

// quietLogger keeps Wails' chatter off stdout, which belongs to the
// command (its URL line and JSON); only errors reach stderr.
type quietLogger struct{}

func (quietLogger) Print(string)     {}
func (quietLogger) Trace(string)     {}
func (quietLogger) Debug(string)     {}
func (quietLogger) Info(string)      {}
func (quietLogger) Warning(string)   {}
func (quietLogger) Error(msg string) { fmt.Fprintln(os.Stderr, "wizard window:", msg) }
func (quietLogger) Fatal(msg string) { fmt.Fprintln(os.Stderr, "wizard window:", msg) }
