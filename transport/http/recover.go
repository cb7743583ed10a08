package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in next into a 500 {"detail": "Internal Server
// Error"} and logs the panic value and stack with the request id. Nothing
// about the panic reaches the client. http.ErrAbortHandler is re-raised so
// net/http can abort the connection as the handler asked.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := recording(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("request_id", ensureRequestID(rw, r)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				if rw.status == 0 {
					writeJSON(rw, http.StatusInternalServerError, detail{detailInternal})
					return
				}
				// The answer has begun; the only honest signal left is
				// cutting the connection.
				panic(http.ErrAbortHandler)
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
