//go:build unix

package http_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	rshttp "github.com/regstack/regstack/transport/http"
)

// BenchmarkMe measures the whole authenticated request path a /me call
// takes in `regstack serve` (request id, access log, security headers,
// bearer check against the blacklist and the user row, JSON encoding) on
// a real SQLite store, without the network. Besides the wall time per
// request it reports cpu-ns/op, the process's CPU time (all threads, the
// collector included) per request: on a machine shared with other work the
// wall time swings with their load, the CPU time much less.
func BenchmarkMe(b *testing.B) {
	ctx := context.Background()
	cfg := testConfig()
	cfg.RequireVerification = false
	cfg.DatabaseURL = "sqlite:///" + b.TempDir() + "/b.db"
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := regstack.OpenStore(ctx, cfg.DatabaseURL, regstack.StoreOptions{Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rs.Close() })
	if err := rs.InstallSchema(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := rs.Register(ctx, regstack.RegisterInput{Email: "bench@example.com", Password: "correct horse"}); err != nil {
		b.Fatal(err)
	}
	res, err := rs.Login(ctx, regstack.LoginInput{Email: "bench@example.com", Password: "correct horse"})
	if err != nil {
		b.Fatal(err)
	}
	h, err := rshttp.NewHandler(rs)
	if err != nil {
		b.Fatal(err)
	}
	auth := "Bearer " + res.Session.AccessToken
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodGet, cfg.APIPrefix+"/me", nil)
			r.Header.Set("Authorization", auth)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("GET /me = %d %s", w.Code, w.Body)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
