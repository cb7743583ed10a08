package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	_ "github.com/regstack/regstack/adapters/sqlite"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	rshttp "github.com/regstack/regstack/transport/http"
)

// dashboard is a host page that knows who is signed in.
var dashboard = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	user, _ := rshttp.UserFrom(r.Context())
	fmt.Fprintf(w, "Hello, %s", user.Email)
})

// A host mounts the JSON API at api_prefix (/api/auth), the account pages
// at ui_prefix (/account) with their assets at static_prefix
// (/regstack-static), and protects its own route with the same bearer
// authentication.
func Example() {
	cfg := config.Default()
	cfg.JWTSecret = "replace-me-with-32-or-more-random-characters"
	on := true
	cfg.EnableUIRouter = &on // emailed links land on the pages
	store, _ := regstack.OpenStore(context.Background(), "sqlite:///:memory:", regstack.StoreOptions{})
	rs, _ := regstack.New(cfg, regstack.Options{Store: store})
	_ = rs.InstallSchema(context.Background())
	mux := http.NewServeMux()
	rshttp.MountAPI(mux, rs)
	mux.Handle("/account/", http.StripPrefix("/account", rshttp.UI(rs)))
	mux.Handle("/regstack-static/", http.StripPrefix("/regstack-static", rshttp.Static()))
	mux.Handle("GET /dashboard", rshttp.RequireUser(rs)(dashboard))

	for _, path := range []string{"/dashboard", "/account/login", "/regstack-static/js/regstack.js"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil)) // no token
		fmt.Println(path, rec.Code, rec.Header().Get("Content-Type"))
	}
	// Output:
	// /dashboard 401 application/json
	// /account/login 200 text/html; charset=utf-8
	// /regstack-static/js/regstack.js 200 text/javascript; charset=utf-8
}

// MountUI mounts the pages and their assets at the configured prefixes in
// one call, and reports a broken host template (extra_template_dirs)
// instead of panicking.
func ExampleMountUI() {
	cfg := config.Default()
	cfg.JWTSecret = "replace-me-with-32-or-more-random-characters"
	cfg.UIPrefix = "/users"
	store, _ := regstack.OpenStore(context.Background(), "sqlite:///:memory:", regstack.StoreOptions{})
	rs, _ := regstack.New(cfg, regstack.Options{Store: store})
	mux := http.NewServeMux()
	if err := rshttp.MountUI(mux, rs); err != nil {
		fmt.Println(err)
		return
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/users/me", nil))
	fmt.Println(rec.Code)
	// Output: 200
}
