package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/regstack/regstack/core/theme"
)

// bundledScripts holds js/regstack.js, the script of every page.
//
//go:embed ui/static
var bundledScripts embed.FS

// Cache lifetimes of the assets (ui.md §8). A link carrying the asset's
// current content hash (?v=, as the pages write them) names content that
// never changes; any other request may be a stale link and is revalidated
// hourly.
const (
	cacheVersioned = "public, max-age=31536000, immutable"
	cacheDefault   = "public, max-age=3600"
)

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
	version     string // short content hash, the ?v= of versioned links
}

// assetSet is every bundled asset by path under static_prefix
// ("css/core.css", "css/theme.css", "js/regstack.js").
type assetSet map[string]asset

// newAssetSet reads the stylesheets of core/theme and the embedded script.
func newAssetSet() (assetSet, error) {
	scripts, err := fs.Sub(bundledScripts, "ui/static")
	if err != nil {
		return nil, fmt.Errorf("regstack/http: bundled assets: %w", err)
	}
	set := assetSet{}
	for _, fsys := range []fs.FS{theme.Stylesheets(), scripts} {
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			ctype := mime.TypeByExtension(path.Ext(name))
			switch path.Ext(name) {
			// Fixed here rather than taken from the system's MIME table,
			// which varies between machines.
			case ".css":
				ctype = "text/css; charset=utf-8"
			case ".js":
				ctype = "text/javascript; charset=utf-8"
			}
			if ctype == "" {
				ctype = "application/octet-stream"
			}
			set[name] = asset{
				body:        body,
				contentType: ctype,
				etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
				version:     hex.EncodeToString(sum[:6]),
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("regstack/http: bundled assets: %w", err)
		}
	}
	return set, nil
}

// url returns the function the templates call as {{static "css/core.css"}}:
// the asset's URL under prefix with its content hash, so a new release is
// fetched at once while an unchanged file stays cached.
func (s assetSet) url(prefix string) func(string) string {
	return func(name string) string {
		u := prefix + "/" + name
		if a, ok := s[name]; ok {
			u += "?v=" + a.version
		}
		return u
	}
}

// Static serves the bundled assets of the pages (ui.md §8) for paths
// relative to its mount point: css/core.css, css/theme.css (from
// core/theme) and js/regstack.js. Mount it under static_prefix (MountUI
// does). Only GET and HEAD are answered; every other path is 404 (no
// listings). Responses carry an ETag (If-None-Match gives 304) and
// Cache-Control: public, max-age=3600, or a year and immutable when the
// request names the current content hash as ?v=, as the pages' links do.
func Static() http.Handler {
	set, err := newAssetSet()
	if err != nil {
		// The files are compiled in; failing to read them is a build defect.
		panic(err.Error())
	}
	return SecurityHeaders(set)
}

func (s assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path
	if len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	a, ok := s[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !readOnly(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", cacheVersioned)
	} else {
		h.Set("Cache-Control", cacheDefault)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// readOnly answers 405 with Allow: GET, HEAD to any other method and
// reports whether the request may go on: pages and assets are read-only.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}
