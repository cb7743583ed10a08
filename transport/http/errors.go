package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	regstack "github.com/regstack/regstack/core"
)

// statusByCode is the one table mapping regstack error codes to HTTP
// statuses. A code missing here is answered like EINTERNAL.
var statusByCode = map[string]int{
	regstack.EINVALID:      http.StatusBadRequest,
	regstack.EUNAUTHORIZED: http.StatusUnauthorized,
	regstack.EFORBIDDEN:    http.StatusForbidden,
	regstack.ENOTFOUND:     http.StatusNotFound,
	regstack.ECONFLICT:     http.StatusConflict,
	regstack.ETOOMANY:      http.StatusTooManyRequests,
	regstack.EDELIVERY:     http.StatusBadGateway,
	regstack.EBUSY:         http.StatusServiceUnavailable,
	regstack.EINTERNAL:     http.StatusInternalServerError,
}

// Fixed bodies of answers that do not come from a use case.
const (
	detailInternal         = "Internal Server Error"
	detailNotFound         = "Not Found"
	detailMethodNotAllowed = "Method Not Allowed"
	detailBodyTooLarge     = "Request body too large."
)

// detail is the `{"detail": "…"}` body of every non-validation error.
type detail struct {
	Detail string `json:"detail"`
}

// writeError answers err. Application errors (*regstack.Error) keep their
// message as `detail`; a 422 list is written as is; anything else is logged
// in full with the request id and answered with a bare 500 so that no
// internals reach the client.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	var invalid validationErrors
	if errors.As(err, &invalid) {
		writeJSON(w, http.StatusUnprocessableEntity, struct {
			Detail validationErrors `json:"detail"`
		}{invalid})
		return
	}
	var limited rateLimitExceeded
	if errors.As(err, &limited) {
		w.Header().Set("Retry-After", strconv.Itoa(limited.retryAfter))
		writeJSON(w, http.StatusTooManyRequests, struct {
			Detail string `json:"detail"`
			Error  string `json:"error"`
		}{limited.Error(), limited.Error()})
		return
	}
	if errors.Is(err, errBodyTooLarge) {
		writeJSON(w, http.StatusRequestEntityTooLarge, detail{detailBodyTooLarge})
		return
	}

	var appErr *regstack.Error
	status, known := http.StatusInternalServerError, false
	if errors.As(err, &appErr) {
		status, known = statusByCode[appErr.Code]
	}
	if !known || status == http.StatusInternalServerError {
		id := ensureRequestID(w, r)
		logger.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
		writeJSON(w, http.StatusInternalServerError, detail{detailInternal})
		return
	}
	if status == http.StatusBadGateway {
		logger.LogAttrs(r.Context(), slog.LevelWarn, "message delivery failed",
			slog.String("request_id", ensureRequestID(w, r)),
			slog.String("path", r.URL.Path),
			slog.String("error", err.Error()))
	}
	if appErr.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(appErr.RetryAfter))
	}
	if appErr.Challenge {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	writeJSON(w, status, detail{appErr.Message})
}

// logOnly records the error of an anti-enumeration endpoint, whose answer
// never depends on it (http-api.md §10.1, §10.6).
func logOnly(ctx context.Context, logger *slog.Logger, r *http.Request, err error) {
	level := slog.LevelError
	if code := regstack.ErrorCode(err); code != regstack.EINTERNAL {
		level = slog.LevelWarn
	}
	logger.LogAttrs(ctx, level, "request failed; answering as usual",
		slog.String("request_id", RequestIDFrom(ctx)),
		slog.String("path", r.URL.Path),
		slog.String("error", err.Error()))
}

// ensureRequestID returns the request's id, minting one (and sending it as
// X-Request-ID) when no RequestID middleware ran, so a client can always
// quote the id of a logged failure.
func ensureRequestID(w http.ResponseWriter, r *http.Request) string {
	if id := RequestIDFrom(r.Context()); id != "" {
		return id
	}
	id := newRequestID()
	w.Header().Set(requestIDHeader, id)
	return id
}

// writeJSON writes v as the JSON body of a response with the given status.
// HTML characters are not escaped, matching Python's output byte for byte.
// jsonContentType is the Content-Type of every JSON answer (see fixedValue).
var jsonContentType = fixedValue("application/json")

func writeJSON(w http.ResponseWriter, status int, v any) {
	// Sized for the largest common body (a user is about 400 bytes), so
	// the buffer is allocated once, not grown four times.
	buf := bytes.NewBuffer(make([]byte, 0, 512))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value written here is built from plain structs; failing to
		// encode one is a programming error.
		panic("regstack/http: encode response: " + err.Error())
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
