package cli

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/regstack/regstack/core/config"
)

// hostThemeName is the file `regstack theme design` writes beside
// regstack.toml (cli.md §8); serve links it when theme_css_url is unset.
const hostThemeName = "regstack-theme.css"

// uiOn reports whether serve mounts the pages: enable_ui_router unless it
// is explicitly false (serve sets an unset flag to true first).
func uiOn(cfg config.Config) bool {
	return cfg.EnableUIRouter != nil && *cfg.EnableUIRouter
}

// hostTheme finds regstack-theme.css beside the configuration file (the
// current directory without one) and returns its path, or "" when there
// is none, the pages are off, or theme_css_url already names a theme
// (ui.md §8).
func hostTheme(cfg config.Config, report *config.Report) string {
	if !uiOn(cfg) || cfg.ThemeCSSURL != nil {
		return ""
	}
	dir := "."
	if report != nil && report.TOMLFile != "" {
		dir = filepath.Dir(report.TOMLFile)
	}
	path := filepath.Join(dir, hostThemeName)
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return abs
}

// hostThemeURL is where serve publishes the host theme: beside the bundled
// stylesheets, so the pages' CSP ('self') admits it.
func hostThemeURL(cfg config.Config) string {
	return strings.TrimRight(cfg.StaticPrefix, "/") + "/" + hostThemeName
}

// mountServeUI adds what serve puts around the pages, which NewHandler
// mounts: the site root sends visitors to the sign-in page; with an
// explicit email_link_prefix = "" the emailed links land at the site root
// (http-api.md §10.4), so /verify, /reset-password and
// /confirm-email-change redirect to their pages, query kept; and a host
// theme file found beside the configuration is served at hostThemeURL.
func mountServeUI(mux *http.ServeMux, cfg config.Config, themeFile string) {
	if !uiOn(cfg) {
		return
	}
	pages := strings.TrimRight(cfg.UIPrefix, "/")
	mux.Handle("GET /{$}", redirectTo(pages+"/login", false))
	if p := cfg.EmailLinkPrefix; pages != "" && p != nil && strings.TrimRight(*p, "/") == "" {
		for _, path := range []string{"/verify", "/reset-password", "/confirm-email-change"} {
			mux.Handle("GET "+path, redirectTo(pages+path, true))
		}
	}
	if themeFile != "" {
		mux.Handle("GET "+hostThemeURL(cfg), serveThemeFile(themeFile))
	}
}

// redirectTo answers 302 to target, with the request's query when
// keepQuery is set (the links carry their token there).
func redirectTo(target string, keepQuery bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := target
		if keepQuery && r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, to, http.StatusFound)
	})
}

// serveThemeFile serves the host theme from disk on every request, so a
// theme saved by the designer shows on the next page load; browsers
// revalidate it each time (Last-Modified).
func serveThemeFile(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				http.NotFound(w, r)
				return
			}
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, hostThemeName, st.ModTime(), f)
	})
}
