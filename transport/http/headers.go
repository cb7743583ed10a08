package http

import "net/http"

// SecurityHeaders sets the headers every regstack response carries:
// X-Content-Type-Options nosniff, Referrer-Policy no-referrer (links carry
// tokens), and X-Frame-Options DENY with CSP frame-ancestors 'none' so no
// page can frame the response. It sets no other CSP directive, so hosts can
// wrap their own pages with it.
func SecurityHeaders(next http.Handler) http.Handler {
	nosniff, noReferrer := fixedValue("nosniff"), fixedValue("no-referrer")
	deny, noFraming := fixedValue("DENY"), fixedValue("frame-ancestors 'none'")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		h["X-Frame-Options"] = deny
		if h.Get("Content-Security-Policy") == "" {
			h["Content-Security-Policy"] = noFraming
		}
		next.ServeHTTP(w, r)
	})
}

// fixedValue is a header value built once and shared by every response it
// is assigned to (with its canonical key, h[key] = v): Header.Set would
// allocate a new slice per response, on every request. The slice has no
// spare capacity, so a later Header.Add appends to a copy, never to the
// shared array.
func fixedValue(v string) []string { return []string{v}[:1:1] }

// noStore marks every response of next as uncacheable: API answers carry
// tokens and personal data.
func noStore(next http.Handler) http.Handler {
	value := fixedValue("no-store")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Cache-Control"] = value
		next.ServeHTTP(w, r)
	})
}
