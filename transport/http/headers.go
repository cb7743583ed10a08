package http

import "net/http"

// SecurityHeaders sets the headers every regstack response carries:
// X-Content-Type-Options nosniff, Referrer-Policy no-referrer (links carry
// tokens), and X-Frame-Options DENY with CSP frame-ancestors 'none' so no
// page can frame the response. It sets no other CSP directive, so hosts can
// wrap their own pages with it.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if h.Get("Content-Security-Policy") == "" {
			h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		}
		next.ServeHTTP(w, r)
	})
}

// noStore marks every response of next as uncacheable: API answers carry
// tokens and personal data.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
