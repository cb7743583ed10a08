//go:build unix

package cli

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readPID waits for the pid a shell command writes to path.
func readPID(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(path)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			return pid
		}
	}
	t.Fatalf("no pid in %s", path)
	return 0
}

// processEnded reports whether pid has ended: kill(pid, 0) finds no such
// process (ESRCH), or /proc shows it as a zombie waiting for init to reap
// it. Any other answer, including a missing /proc, counts as running.
func processEnded(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && strings.Contains(string(stat), ") Z ")
}

// wantEnded fails unless pid ends within a few seconds.
func wantEnded(t *testing.T, pid int, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if processEnded(pid) {
			return
		}
	}
	t.Errorf("%s (pid %d) outlived the stopped source", what, pid)
}

func TestValidateCommandSourceProcesses(t *testing.T) {
	t.Parallel()

	t.Run("stopping ends the command's children too", func(t *testing.T) {
		t.Parallel()
		pidFile := filepath.Join(t.TempDir(), "pid")
		src := commandSource{name: "sh", argv: []string{"sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"}}
		tail := newLogTail("x", time.Second, nil)
		if err := src.start(t.Context(), tail); err != nil {
			t.Fatal(err)
		}
		pid := readPID(t, pidFile)
		t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
		tail.close()
		wantEnded(t, pid, "the child")
	})

	t.Run("a process that left the group and holds the output open does not hold up stopping", func(t *testing.T) {
		t.Parallel()
		if _, err := exec.LookPath("setsid"); err != nil {
			t.Fatalf("this test needs setsid (util-linux): %v", err)
		}
		dir := t.TempDir()
		logFile, childFile, escapedFile := filepath.Join(dir, "serve.log"), filepath.Join(dir, "child"), filepath.Join(dir, "escaped")
		appendFile(t, logFile, "")
		// The background sleep starts a session of its own, out of reach
		// of the group kill, and keeps stdout and stderr open.
		script := "setsid sleep 300 & echo $! > " + escapedFile + "; echo $$ > " + childFile + "; exec tail -f " + logFile
		tail := newLogTail("x", time.Second, nil)
		if err := (commandSource{name: "sh", argv: []string{"sh", "-c", script}}).start(t.Context(), tail); err != nil {
			t.Fatal(err)
		}
		escaped, child := readPID(t, escapedFile), readPID(t, childFile)
		t.Cleanup(func() {
			_ = syscall.Kill(escaped, syscall.SIGKILL)
			_ = syscall.Kill(child, syscall.SIGKILL)
		})

		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			tail.close()
		}()
		select {
		case <-stopped:
		case <-time.After(sourceStopGrace + sourceKillWait + 5*time.Second):
			t.Fatal("stopping waited for the pipes the escaped process holds")
		}
		wantEnded(t, child, "the command")
	})
}

func TestValidateInterrupts(t *testing.T) {
	t.Parallel()
	// A deployment that keeps every request waiting until the client
	// gives up, reporting each one as it arrives.
	requests := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then a hang-up ends r.Context()
		requests <- r.Method + " " + r.URL.Path
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	next := func(want string) {
		t.Helper()
		select {
		case got := <-requests:
			if got != want {
				t.Fatalf("request %q, want %q", got, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no %s", want)
		}
	}

	dir := t.TempDir()
	logFile, childFile, bgFile := filepath.Join(dir, "serve.log"), filepath.Join(dir, "child"), filepath.Join(dir, "background")
	appendFile(t, logFile, "")
	spec, err := parseLogSource("cmd:sleep 300 & echo $! > " + bgFile + "; echo $$ > " + childFile + "; exec tail -f " + logFile)
	if err != nil {
		t.Fatal(err)
	}
	opts := validateOptions{
		URL: srv.URL + "/api/auth", LogSource: &spec, EmailDomain: "regstack-probe.example", JSON: true,
		Timeout: time.Minute, LogWait: time.Minute, OAuthHost: defaultOAuthHost,
	}
	interrupts := make(chan os.Signal, 1)
	var stdout, stderr strings.Builder
	result := make(chan error, 1)
	go func() {
		result <- validate(t.Context(), opts, interrupts, &stdout, &stderr, func(string) string { return "" })
	}()

	next("POST /api/auth/login") // reachability
	child, bg := readPID(t, childFile), readPID(t, bgFile)
	t.Cleanup(func() {
		_ = syscall.Kill(child, syscall.SIGKILL)
		_ = syscall.Kill(bg, syscall.SIGKILL)
	})
	interrupts <- os.Interrupt
	next("POST /api/auth/login") // cleanup signs in: the first interrupt spared it
	interrupts <- os.Interrupt

	select {
	case err := <-result:
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 130 {
			t.Errorf("validate returned %v, want exit code 130", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("validate did not return after the second interrupt")
	}
	wantEnded(t, child, "the log command")
	wantEnded(t, bg, "the log command's background child")
	if !strings.Contains(stdout.String(), `"name": "cleanup:error"`) {
		t.Errorf("the report does not say cleanup was cut short:\n%s", stdout.String())
	}
}
