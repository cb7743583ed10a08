// Package wizard is the scaffold the three setup wizards share (cli.md §10):
// the per-launch token, the loopback HTTP server that guards the UI and its
// API (token, Host, Origin, Content-Type checks), and the window that shows
// it — a Wails webview in binaries built with the `desktop` tag, or the
// user's browser with --browser.
//
// A wizard supplies an App (its page template, static files and API
// handler) and calls Launch, which blocks until the UI posts /api/done, the
// window closes, or the context ends. In Window mode Launch must be called
// from the program's main goroutine: GTK runs its loop on the main thread.
package wizard

import (
	"context"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
)

// App is what one wizard plugs into the scaffold.
type App struct {
	// Title is the window title, e.g. "regstack — Google OAuth setup".
	Title         string
	Width, Height int
	// Index renders the UI page for GET /?token=…; it is executed with
	// IndexData, so the page can put the token in its <body> data attribute.
	Index *template.Template
	// Static is served, ungated, under /static/.
	Static fs.FS
	// API serves /api/* once a request has passed the token, Host, Origin
	// and Content-Type checks. The scaffold answers POST /api/done itself.
	API http.Handler
}

// IndexData is what App.Index is executed with.
type IndexData struct {
	Token string
}

// Mode says how the UI is shown.
type Mode int

const (
	// Window shows the UI in a native webview (desktop builds only).
	Window Mode = iota
	// Browser serves the UI and prints its URL for a browser of the user's choice.
	Browser
)

// LaunchOptions configure one run of a wizard's UI.
type LaunchOptions struct {
	Mode Mode
	// Port is the loopback port to listen on; 0 picks a free one.
	Port int
	// Out receives the "Wizard URL:" lines.
	Out io.Writer
	// URLLabel starts the URL line; empty means "Wizard URL" (the theme
	// designer prints "Designer URL").
	URLLabel string
	// Debug, when set, receives one line per request that reached the
	// server: "wizard: <status> <method> <path>", never the query string
	// (it holds the token) nor any header. When nil and the environment has
	// REGSTACK_WIZARD_DEBUG=1, the lines go to standard error; the desktop
	// tests watch them to see the window load the page and call the API.
	Debug io.Writer
	// OpenBrowser, in Browser mode, opens the URL in the user's browser;
	// nil means xdg-open (or the platform's equivalent), best effort. Tests
	// set a no-op.
	OpenBrowser func(url string) error
}

// ErrNoWindow is returned by Launch in Window mode when no window can be
// opened: a binary built without the desktop tag, or no display. Its text
// points the operator at --headless and --browser.
var ErrNoWindow = errors.New("no window: this build or host cannot open a desktop window; run the command with --headless (flags only) or --browser (the same UI in your browser)")

// Launch serves app on 127.0.0.1, shows it as opts.Mode says, and blocks
// until the UI posts /api/done, the window closes, or ctx ends. It prints
// "<label>: http://127.0.0.1:<port>/?token=<token>" on opts.Out once the
// server listens. A port that cannot be bound is the error
// "cannot listen on 127.0.0.1:<port>: <reason>"; in Window mode a build or
// host without a window is ErrNoWindow, reported before anything listens.
// Ending through ctx is not an error.
func Launch(ctx context.Context, app App, opts LaunchOptions) error {
	return launch(ctx, app, opts)
}

// NewToken mints a launch token: 32 random bytes, base64url without padding.
func NewToken() (string, error) {
	return newToken()
}

// Handler is the guarded HTTP handler Launch serves, exposed for tests: it
// checks the token, the Host (127.0.0.1:<port> or localhost:<port>) and the
// Origin, and calls done once when the UI posts /api/done.
func Handler(app App, token string, port int, done func()) http.Handler {
	return newGuard(app, token, port, done)
}
