package wizard

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Answers of the guard. The 401 text is the original's (cli.md §10.2); the
// others are Go additions.
const (
	detailBadToken    = "Missing or invalid wizard token."
	detailBadHost     = "Forbidden host: the wizard answers only 127.0.0.1 and localhost on its own port."
	detailBadOrigin   = "Cross-origin request refused."
	detailContentType = "Content-Type must be application/json."
	detailNotFound    = "Not found."
	detailMethod      = "Method not allowed."
)

// TokenHeader carries the launch token on every /api/* request.
const TokenHeader = "X-Wizard-Token"

// contentSecurityPolicy lets the page load only its own files: the UIs use
// no inline script or style and no event-handler attributes (cli.md §10.2).
// Same-origin frames stay allowed for the theme designer's preview.
const contentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// guard is the handler Launch serves: every request passes the Host check,
// then / needs ?token=, /api/* needs the token header (and a same-origin,
// JSON request), and /static/* is open.
type guard struct {
	app     App
	token   string
	hosts   map[string]bool
	origins map[string]bool
	static  http.Handler
	done    func()
	once    sync.Once
}

func newGuard(app App, token string, port int, done func()) *guard {
	p := strconv.Itoa(port)
	g := &guard{
		app:     app,
		token:   token,
		hosts:   map[string]bool{"127.0.0.1:" + p: true, "localhost:" + p: true},
		origins: map[string]bool{"http://127.0.0.1:" + p: true, "http://localhost:" + p: true},
		done:    done,
	}
	if app.Static != nil {
		g.static = http.StripPrefix("/static/", http.FileServerFS(app.Static))
	}
	return g
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the page's URL holds the token
	h.Set("X-Frame-Options", "SAMEORIGIN")

	// A page on another site that rebinds its DNS name to 127.0.0.1 still
	// sends its own name as Host.
	if !g.hosts[strings.ToLower(r.Host)] {
		WriteDetail(w, http.StatusForbidden, detailBadHost)
		return
	}
	switch path := r.URL.Path; {
	case path == "/":
		g.serveIndex(w, r)
	case path == "/api" || strings.HasPrefix(path, "/api/"):
		g.serveAPI(w, r)
	case strings.HasPrefix(path, "/static/") && g.static != nil:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			WriteDetail(w, http.StatusMethodNotAllowed, detailMethod)
			return
		}
		g.static.ServeHTTP(w, r)
	default:
		WriteDetail(w, http.StatusNotFound, detailNotFound)
	}
}

func (g *guard) serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		WriteDetail(w, http.StatusMethodNotAllowed, detailMethod)
		return
	}
	if !tokenMatches(r.URL.Query().Get("token"), g.token) {
		WriteDetail(w, http.StatusUnauthorized, detailBadToken)
		return
	}
	if g.app.Index == nil {
		WriteDetail(w, http.StatusNotFound, detailNotFound)
		return
	}
	// Render first, so a template error is a clean 500 and not half a page.
	var page bytes.Buffer
	if err := g.app.Index.Execute(&page, IndexData{Token: g.token}); err != nil {
		WriteDetail(w, http.StatusInternalServerError, "Internal error.")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(page.Bytes())
}

func (g *guard) serveAPI(w http.ResponseWriter, r *http.Request) {
	// Browsers send Origin on cross-origin requests and on same-origin
	// POSTs; a present, foreign one is another site driving the API.
	if origin := r.Header.Get("Origin"); origin != "" && !g.origins[strings.ToLower(origin)] {
		WriteDetail(w, http.StatusForbidden, detailBadOrigin)
		return
	}
	if !tokenMatches(r.Header.Get(TokenHeader), g.token) {
		WriteDetail(w, http.StatusUnauthorized, detailBadToken)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !isJSON(r.Header.Get("Content-Type")) {
		// A cross-site form can POST text/plain without a preflight;
		// demanding JSON forces one.
		WriteDetail(w, http.StatusUnsupportedMediaType, detailContentType)
		return
	}
	if r.URL.Path == "/api/done" {
		if r.Method != http.MethodPost {
			WriteDetail(w, http.StatusMethodNotAllowed, detailMethod)
			return
		}
		WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
		if g.done != nil {
			g.once.Do(g.done)
		}
		return
	}
	if g.app.API == nil {
		WriteDetail(w, http.StatusNotFound, detailNotFound)
		return
	}
	g.app.API.ServeHTTP(w, r)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
