package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// DebugEnvVar, set to 1, makes Launch log each request to standard error
// when LaunchOptions.Debug is nil (see LaunchOptions.Debug).
const DebugEnvVar = "REGSTACK_WIZARD_DEBUG"

// shutdownGrace bounds how long Launch waits for in-flight requests (the
// /api/done answer among them) once the UI is finished.
const shutdownGrace = 3 * time.Second

func launch(ctx context.Context, app App, opts LaunchOptions) error {
	if opts.Mode == Window {
		// Say so before binding anything: the operator's next step is a flag.
		if err := windowAvailable(); err != nil {
			return err
		}
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opts.Port)))
	if err != nil {
		return listenError(opts.Port, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port

	finished := make(chan struct{})
	var finish sync.Once
	done := func() { finish.Do(func() { close(finished) }) }

	var handler http.Handler = Handler(app, token, port, done)
	debug := opts.Debug
	if debug == nil && os.Getenv(DebugEnvVar) == "1" {
		debug = os.Stderr
	}
	if debug != nil {
		handler = logRequests(handler, debug)
		fmt.Fprintf(debug, "wizard: listening on 127.0.0.1:%d\n", port)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// The API's requests are small JSON documents.
		MaxHeaderBytes: 64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	url := fmt.Sprintf("http://127.0.0.1:%d/?token=%s", port, token)
	label := opts.URLLabel
	if label == "" {
		label = "Wizard URL"
	}
	if opts.Out != nil {
		fmt.Fprintf(opts.Out, "%s: %s\n", label, url)
	}

	switch opts.Mode {
	case Window:
		return runWindow(ctx, app, url, finished)
	case Browser:
		open := opts.OpenBrowser
		if open == nil {
			open = openBrowser
		}
		// Best effort: the URL line above is the fallback.
		_ = open(url)
		select {
		case <-finished:
		case <-ctx.Done():
		case err := <-served:
			return fmt.Errorf("wizard server: %w", err)
		}
		return nil
	default:
		return fmt.Errorf("wizard: unknown mode %d", opts.Mode)
	}
}

// listenError keeps the reason and drops the net package's repetition of
// the address: "cannot listen on 127.0.0.1:8000: bind: address already in use".
func listenError(port int, err error) error {
	reason := err
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		reason = op.Err
	}
	return fmt.Errorf("cannot listen on 127.0.0.1:%d: %w", port, reason)
}

// logRequests writes one line per request: status, method and path only.
// The query string and the headers are left out because they carry the
// launch token.
func logRequests(next http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "wizard: %d %s %s\n", rec.status, r.Method, r.URL.Path)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
