package http

import (
	"log/slog"
	"net/http"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// NewHandler is the whole site `regstack serve` runs (cli.md §15): the JSON
// API at api_prefix and, when enable_ui_router is true, the account pages
// at ui_prefix and their assets at static_prefix (MountUI), wrapped,
// outermost first, in RequestID (every log line of a request carries its
// id), AccessLog (sees the final status, including the 500 of a recovered
// panic) and Recover. An unset enable_ui_router counts as false here;
// `regstack serve` sets it first.
func NewHandler(rs *regstack.RegStack) (http.Handler, error) {
	cfg := rs.Config()
	logger := loggerOf(rs)
	apiHandler, err := NewAPI(rs)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mountAt(mux, cfg.APIPrefix, apiHandler)
	if cfg.EnableUIRouter != nil && *cfg.EnableUIRouter {
		if err := MountUI(mux, rs); err != nil {
			return nil, err
		}
	}

	var h http.Handler = mux
	h = Recover(logger)(h)
	h = AccessLog(logger, cfg.BehindProxy)(h)
	h = RequestID(h)
	return h, nil
}

// Timeouts of NewServer: generous for humans on slow links, short enough
// that idle or trickling connections cannot pile up.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
)

// NewServer returns an *http.Server listening on addr with NewHandler(rs)
// and timeouts suited to a server exposed to the internet; net/http's own
// error log goes to rs's logger. The caller runs ListenAndServe and
// Shutdown.
func NewServer(rs *regstack.RegStack, addr string) (*http.Server, error) {
	h, err := NewHandler(rs)
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(loggerOf(rs).Handler(), slog.LevelWarn),
	}, nil
}
