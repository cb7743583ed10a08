// Package serveproc builds the regstack command and runs `regstack serve`
// as a child process for the black-box tests and the load driver: it reads
// the address the server listens on from its log, keeps the log lines for
// inspection, and stops the process gracefully or kills it.
package serveproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// listening matches the line `regstack serve` logs once it accepts
// connections; the first group is its origin.
var listening = regexp.MustCompile(`msg="regstack is listening" url=(http://\S+)`)

// Options says how to start one server.
type Options struct {
	// Bin is the regstack binary (see Build).
	Bin string
	// Dir is the working directory: with no regstack.toml there, serve
	// runs zero-config and keeps its database and secrets file in it.
	Dir string
	// Args are extra `serve` arguments, such as --config DIR. The server
	// always listens on a free loopback port.
	Args []string
	// KeepLines bounds how many log lines are kept (the newest); 0 keeps
	// them all. A load run logs a line per request and sets a bound.
	KeepLines int
	// StartTimeout bounds the wait for the listening line; 0 means 30 s.
	StartTimeout time.Duration
}

// Server is one running (or exited) `regstack serve` process.
type Server struct {
	// URL is the origin the server listens on, e.g. http://127.0.0.1:41234.
	URL string

	cmd  *exec.Cmd
	keep int
	done chan struct{} // closed once the process exited and its log is drained

	mu      sync.Mutex
	lines   []string      // the newest retained lines
	dropped int           // lines no longer retained
	changed chan struct{} // closed and replaced whenever a line arrives
}

// Start runs `regstack serve` and returns once it logs that it listens.
// If it exits first or does not listen within the timeout, Start kills it
// and returns an error quoting its last log lines.
func Start(ctx context.Context, opts Options) (*Server, error) {
	args := append([]string{"serve", "--host", "127.0.0.1", "--port", "0"}, opts.Args...)
	cmd := exec.Command(opts.Bin, args...)
	cmd.Dir = opts.Dir
	cmd.SysProcAttr = childAttr()
	out, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("serveproc: %w", err)
	}
	cmd.Stdout = cmd.Stderr // one ordered log: stdout and stderr share the pipe
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("serveproc: start %s: %w", opts.Bin, err)
	}
	s := &Server{cmd: cmd, keep: opts.KeepLines, done: make(chan struct{}), changed: make(chan struct{})}
	go s.drain(out)

	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	line, err := s.WaitForLine(wctx, listening.MatchString)
	if err != nil {
		s.Kill()
		return nil, fmt.Errorf("serveproc: regstack serve did not start: %w\n%s", err, s.tail(20))
	}
	s.URL = listening.FindStringSubmatch(line)[1]
	return s, nil
}

// drain reads the process's log until EOF, then reaps the process.
func (s *Server) drain(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s.mu.Lock()
		s.lines = append(s.lines, sc.Text())
		if s.keep > 0 && len(s.lines) > 2*s.keep {
			n := len(s.lines) - s.keep
			s.lines = append(s.lines[:0], s.lines[n:]...)
			s.dropped += n
		}
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}
	// A line longer than the scanner's limit stops the scan; keep the pipe
	// drained so the server never blocks writing its log.
	_, _ = io.Copy(io.Discard, r)
	_ = s.cmd.Wait()
	close(s.done)
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Done is closed once the process has exited and its log is complete.
func (s *Server) Done() <-chan struct{} { return s.done }

// ExitCode is the process's exit status once Done is closed (-1 when a
// signal ended it, or while it still runs).
func (s *Server) ExitCode() int {
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// Lines returns a copy of the retained log lines, oldest first.
func (s *Server) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lines...)
}

// Log is the retained log as one string.
func (s *Server) Log() string { return strings.Join(s.Lines(), "\n") }

func (s *Server) tail(n int) string {
	lines := s.Lines()
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WaitForLine returns the first retained log line match accepts, waiting
// for one to arrive until ctx ends or the process exits.
func (s *Server) WaitForLine(ctx context.Context, match func(string) bool) (string, error) {
	next := 0 // absolute index of the first line not yet checked
	for {
		s.mu.Lock()
		if next < s.dropped {
			next = s.dropped
		}
		for ; next-s.dropped < len(s.lines); next++ {
			if line := s.lines[next-s.dropped]; match(line) {
				s.mu.Unlock()
				return line, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-s.done:
			// The log is complete: one last look at lines that arrived
			// with the exit.
			s.mu.Lock()
			complete := next-s.dropped >= len(s.lines)
			s.mu.Unlock()
			if complete {
				return "", fmt.Errorf("process exited with code %d", s.ExitCode())
			}
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// Stop sends SIGTERM and waits up to grace for the process to exit; after
// that it kills it and reports an error. It returns the exit code.
func (s *Server) Stop(grace time.Duration) (int, error) {
	select {
	case <-s.done:
		return s.ExitCode(), nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return -1, fmt.Errorf("serveproc: SIGTERM: %w", err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-s.done:
		return s.ExitCode(), nil
	case <-t.C:
		s.Kill()
		return s.ExitCode(), fmt.Errorf("serveproc: regstack serve ignored SIGTERM for %s and was killed", grace)
	}
}

// Kill ends the process with SIGKILL (if it still runs) and waits for it.
// It is safe to call more than once.
func (s *Server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}
