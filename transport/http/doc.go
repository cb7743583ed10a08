// Package http serves regstack over net/http: the JSON API of
// spec/http-api.md, the account pages of spec/ui.md with their static
// assets, and middleware a host can reuse.
//
// API(rs) is an http.Handler for paths relative to its mount point; a host
// mounts it under api_prefix with MountAPI(mux, rs) (or http.StripPrefix).
// Routers are picked from the configuration when the handler is built:
// core, password reset (enable_password_reset), phone / SMS 2FA
// (enable_sms_2fa), admin (enable_admin_router) and /features
// (expose_features); the OAuth router joins them in api.subRouters. Unknown paths answer 404 {"detail": "Not Found"} and
// wrong methods 405 {"detail": "Method Not Allowed"}.
//
// UI(rs) serves the account pages for paths relative to ui_prefix and
// Static() their stylesheets and script relative to static_prefix;
// MountUI(mux, rs) mounts both. The pages are rendered once from the
// configuration, hold no session and carry a strict CSP; regstack.js does
// the work in the browser against the JSON API.
//
// RequireUser and RequireAdmin protect host routes with the same bearer
// authentication; UserFrom and PrincipalFrom read the caller back.
// RequestID, AccessLog, Recover, SecurityHeaders and MaxBodyBytes are plain
// middleware; NewHandler and NewServer compose them the way
// `regstack serve` runs them.
//
// Use-case errors (*regstack.Error) map to statuses in one table
// (errors.go); anything else is logged with the request id and answered
// with a bare 500.
package http
