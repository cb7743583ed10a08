// Package wizard is the scaffold the three setup wizards share (cli.md §10):
// the per-launch token, the loopback HTTP server that guards the UI and its
// API (token, Host, Origin, Content-Type checks), and the window that shows
// it — a Wails webview in binaries built with the `desktop` tag, or the
// user's browser with --browser.
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
}

// ErrNoWindow is returned by Launch in Window mode when no window can be
// opened: a binary built without the desktop tag, or no display. Its text
// points the operator at --headless and --browser.
var ErrNoWindow = errors.New("no window: this build or host cannot open a desktop window; run the command with --headless (flags only) or --browser (the same UI in your browser)")

// Launch serves app on 127.0.0.1, shows it as opts.Mode says, and blocks
// until the UI posts /api/done, the window closes, or ctx ends.
func Launch(ctx context.Context, app App, opts LaunchOptions) error {
	return errors.New("wizard.Launch: not implemented yet")
}

// NewToken mints a launch token: 32 random bytes, base64url without padding.
func NewToken() (string, error) {
	return "", errors.New("wizard.NewToken: not implemented yet")
}

// Handler is the guarded HTTP handler Launch serves, exposed for tests: it
// checks the token, the Host (127.0.0.1:<port> or localhost:<port>) and the
// Origin, and calls done once when the UI posts /api/done.
func Handler(app App, token string, port int, done func()) http.Handler {
	return http.NotFoundHandler()
}
