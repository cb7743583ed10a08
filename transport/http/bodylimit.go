package http

import "net/http"

// DefaultMaxBodyBytes is the request-body limit API applies: every regstack
// request body is a few short strings.
const DefaultMaxBodyBytes = 64 << 10

// MaxBodyBytes refuses request bodies longer than limit bytes with 413
// {"detail": "Request body too large."}: at once when Content-Length says
// so, otherwise when a handler reads past the limit (the read fails with
// *http.MaxBytesError; API's handlers answer 413 for it). limit <= 0 means
// DefaultMaxBodyBytes.
func MaxBodyBytes(limit int64) func(http.Handler) http.Handler {
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit {
				writeJSON(w, http.StatusRequestEntityTooLarge, detail{detailBodyTooLarge})
				return
			}
			// A request without a body (every GET) has nothing to limit.
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			}
			next.ServeHTTP(w, r)
		})
	}
}
