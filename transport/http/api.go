package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// NewAPI builds the JSON API of http-api.md for rs. The handler serves
// paths relative to its mount point (`/register`, `/me`, …): mount it under
// api_prefix with http.StripPrefix, or let MountAPI do it.
//
// Sub-routers are chosen once, here, from rs.Config(): core (always,
// including /login/mfa-confirm), password reset (enable_password_reset),
// phone / SMS 2FA (enable_sms_2fa), admin (enable_admin_router) and
// /features (expose_features). A path of an unmounted router answers 404
// {"detail": "Not Found"} like any unknown path; a wrong method on a
// mounted path answers 405 {"detail": "Method Not Allowed"}.
//
// Every response carries SecurityHeaders and Cache-Control: no-store, and
// request bodies are limited to DefaultMaxBodyBytes. NewAPI fails only for
// a per-route rate limit (config.md §2.12) it cannot parse.
func NewAPI(rs *regstack.RegStack) (http.Handler, error) {
	a := &api{
		rs:       rs,
		cfg:      rs.Config(),
		logger:   loggerOf(rs),
		mux:      http.NewServeMux(),
		patterns: map[string]bool{},
		mounted:  map[string]bool{},
	}
	a.version = serverVersion()
	for _, sub := range a.subRouters() {
		if !sub.enabled {
			continue
		}
		a.mounted[sub.name] = true
		for _, rt := range sub.routes {
			if err := a.handle(rt); err != nil {
				return nil, err
			}
		}
	}
	return SecurityHeaders(noStore(MaxBodyBytes(DefaultMaxBodyBytes)(a))), nil
}

// API is NewAPI for a configuration already validated by the config
// loader; it panics on an unparsable rate limit, like regexp.MustCompile.
func API(rs *regstack.RegStack) http.Handler {
	h, err := NewAPI(rs)
	if err != nil {
		panic("regstack/http: " + err.Error())
	}
	return h
}

// MountAPI mounts API(rs) on mux at the instance's api_prefix (default
// /api/auth), stripping the prefix so the API sees its own paths.
func MountAPI(mux *http.ServeMux, rs *regstack.RegStack) {
	cfg := rs.Config()
	mountAt(mux, cfg.APIPrefix, API(rs))
}

// mountAt mounts h on mux under prefix ("" or "/" = the root).
func mountAt(mux *http.ServeMux, prefix string, h http.Handler) {
	prefix = strings.TrimRight(prefix, "/")
	if prefix == "" {
		mux.Handle("/", h)
		return
	}
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
}

// api is one built JSON API: its routes and, per route, its rate limiter.
type api struct {
	rs      *regstack.RegStack
	cfg     config.Config
	logger  *slog.Logger
	version string

	mux *http.ServeMux
	// patterns are the registered patterns; a request the mux resolves to
	// anything else (its 404, 405 or redirect handlers) gets a JSON answer.
	patterns map[string]bool
	// mounted names the sub-routers built, for GET /features.
	mounted map[string]bool
}

// subRouter is one optional group of routes of http-api.md §1.
type subRouter struct {
	name    string // the key under `routers` in GET /features
	enabled bool
	routes  []route
}

// Names of the sub-routers as GET /features reports them.
const (
	routerPasswordReset = "password_reset"
	routerSMS2FA        = "sms_2fa"
	routerAdmin         = "admin"
	routerOAuth         = "oauth"
)

// subRouters lists every router and whether the configuration mounts it.
func (a *api) subRouters() []subRouter {
	return []subRouter{
		{name: "core", enabled: true, routes: a.coreRoutes()},
		{name: "features", enabled: a.cfg.ExposeFeatures, routes: a.featureRoutes()},
		{name: routerPasswordReset, enabled: a.cfg.EnablePasswordReset, routes: a.resetRoutes()},
		{name: routerSMS2FA, enabled: a.cfg.EnableSMS2FA, routes: a.phoneRoutes()},
		{name: routerAdmin, enabled: a.cfg.EnableAdminRouter, routes: a.adminRoutes()},
		{name: routerOAuth, enabled: a.cfg.EnableOAuth && len(a.rs.ProviderNames()) > 0, routes: a.oauthRoutes()},
	}
}

// access is who may call a route (http-api.md §4).
type access int

const (
	public access = iota
	userOnly
	adminOnly
)

// route is one endpoint. The shared wrapper runs, in this order:
// authentication, body validation, the per-route rate limit (so 401 and 422
// answers never consume quota, §10.7), then serve.
type route struct {
	pattern string // a ServeMux pattern with method, e.g. "POST /login"
	access  access
	body    schema // nil: the endpoint takes no body and ignores one
	// limitKey names the config key of the route's rate limit, whose value
	// is limit (nil = unlimited).
	limitKey string
	limit    *string
	serve    func(w http.ResponseWriter, r *http.Request, c *call) error
}

// call is what the wrapper hands an endpoint: the caller (nil on public
// routes) and the validated body.
type call struct {
	principal *regstack.Principal
	body      body
}

func (a *api) handle(rt route) error {
	var lim *limiter
	if rt.limit != nil {
		limits, err := config.ParseRateLimit(*rt.limit)
		if err != nil {
			return fmt.Errorf("%s: %w", rt.limitKey, err)
		}
		lim = newLimiter(limits, a.rs.Clock())
	}
	a.patterns[rt.pattern] = true
	a.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{}
		if rt.access != public {
			p, err := authenticate(r.Context(), a.rs, r, rt.access == adminOnly)
			if err != nil {
				writeError(w, r, a.logger, err)
				return
			}
			c.principal = p
			r = r.WithContext(withPrincipal(r.Context(), p))
		}
		if rt.body != nil {
			data, err := readBody(r)
			if err == nil {
				c.body, err = rt.body.decode(data)
			}
			if err != nil {
				writeError(w, r, a.logger, err)
				return
			}
		}
		if lim != nil {
			if err := lim.allow(clientIP(r, a.cfg.BehindProxy)); err != nil {
				writeError(w, r, a.logger, err)
				return
			}
		}
		if err := rt.serve(w, r, c); err != nil {
			writeError(w, r, a.logger, err)
		}
	})
	return nil
}

// ServeHTTP routes r, answering what the mux itself would answer (no
// route, wrong method, path clean-up redirect) with the JSON 404 or 405 of
// http-api.md §1.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := a.mux.Handler(r); !a.patterns[pattern] {
		w = &unmatchedWriter{ResponseWriter: w}
	}
	a.mux.ServeHTTP(w, r)
}

// unmatchedWriter replaces the mux's plain-text answers: 405 stays 405 (with
// its Allow header), everything else becomes 404. Trailing-slash and
// path-cleaning redirects become 404 too (§1 allows it), which also avoids
// redirects that would drop the stripped mount prefix.
type unmatchedWriter struct {
	http.ResponseWriter
	done bool
}

func (w *unmatchedWriter) WriteHeader(status int) {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	h.Del("Location")
	if status == http.StatusMethodNotAllowed {
		writeJSON(w.ResponseWriter, status, detail{detailMethodNotAllowed})
		return
	}
	writeJSON(w.ResponseWriter, http.StatusNotFound, detail{detailNotFound})
}

func (w *unmatchedWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusNotFound)
	return len(p), nil
}
