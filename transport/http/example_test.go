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

// A host mounts the JSON API at api_prefix (/api/auth) and protects its own
// route with the same bearer authentication.
func Example() {
	cfg := config.Default()
	cfg.JWTSecret = "replace-me-with-32-or-more-random-characters"
	store, _ := regstack.OpenStore(context.Background(), "sqlite:///:memory:", regstack.StoreOptions{})
	rs, _ := regstack.New(cfg, regstack.Options{Store: store})
	_ = rs.InstallSchema(context.Background())
	mux := http.NewServeMux()
	rshttp.MountAPI(mux, rs)
	mux.Handle("GET /dashboard", rshttp.RequireUser(rs)(dashboard))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/dashboard", nil)) // no token
	fmt.Println(rec.Code, rec.Body)
	// Output: 401 {"detail":"Authentication required."}
}
