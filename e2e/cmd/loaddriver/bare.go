//go:build linux

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serveBare is the -bare mode: a plain net/http server on a free loopback
// port whose GET /api/auth/me answers the JSON bytes in bodyFile (a real
// /me response) to any Bearer request. It is the ceiling /me is compared
// with: same client, same bytes, no authentication, database or logging.
// It prints "listening <origin>" on stdout and stops on SIGTERM/SIGINT.
func serveBare(bodyFile string) error {
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/auth/me", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, `{"detail":"Authentication required."}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Printf("listening http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bareServer is a running -bare child process.
type bareServer struct {
	URL      string
	cmd      *exec.Cmd
	stopOnce sync.Once
}

// startBare runs this executable in -bare mode and waits for its origin.
func startBare(ctx context.Context, bodyFile string) (*bareServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-bare", "-bare-body", bodyFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &bareServer{cmd: cmd}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		line := ""
		if sc.Scan() {
			line = sc.Text()
		}
		first <- line
		for sc.Scan() { // keep the pipe drained
		}
	}()
	select {
	case line := <-first:
		origin, ok := strings.CutPrefix(line, "listening ")
		if !ok {
			b.stop()
			return nil, fmt.Errorf("bare server: unexpected first line %q", line)
		}
		b.URL = origin
		return b, nil
	case <-time.After(10 * time.Second):
		b.stop()
		return nil, errors.New("bare server: no listening line within 10s")
	case <-ctx.Done():
		b.stop()
		return nil, ctx.Err()
	}
}

func (b *bareServer) pid() int { return b.cmd.Process.Pid }

// stop ends the child (SIGTERM, then SIGKILL after 5 s) and reaps it; a
// second call does nothing.
func (b *bareServer) stop() { b.stopOnce.Do(b.terminate) }

func (b *bareServer) terminate() {
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
}
