package http

import (
	"log/slog"
	"net/http"
	"time"
)

// AccessLogMessage is the message of AccessLog's lines, for a handler that
// treats them apart (regstack serve writes them out in batches).
const AccessLogMessage = "http request"

// AccessLog writes one log line per request at INFO: method, path, status,
// bytes, duration, request id and client address. The query string is never
// logged: verification and reset links carry their tokens there. trustProxy
// takes the client address from X-Forwarded-For (set it when behind_proxy
// is true).
func AccessLog(logger *slog.Logger, trustProxy bool) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rw := recording(w)
			// Logged even when next panics: Recover usually sits inside, but
			// if it does not, the line still says the request happened.
			defer func() {
				status := rw.status
				if status == 0 {
					status = http.StatusOK
				}
				logger.LogAttrs(r.Context(), slog.LevelInfo, AccessLogMessage,
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int64("bytes", rw.bytes),
					slog.Duration("duration", time.Since(start)),
					slog.String("request_id", RequestIDFrom(r.Context())),
					slog.String("client_ip", clientIP(r, trustProxy)))
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
