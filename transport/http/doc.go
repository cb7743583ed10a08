// Package http serves regstack over net/http: the JSON API, middleware a
// host can reuse (RequireUser, RequireAdmin, UserFrom), and later the pages
// and static assets.
package http
