// Package serveproc builds the regstack command and runs `regstack serve`
// as a child process for the black-box tests and the load driver: it reads
// the address the server listens on from its log, gives access to the log,
// and stops the process gracefully or kills it.
//
// The server's log goes to a file, not a pipe: under load it writes a line
// per request, and reading those through a pipe would cost the measuring
// process CPU on every request.
package serveproc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// listening matches the line `regstack serve` logs once it accepts
// connections; the first group is its origin.
var listening = regexp.MustCompile(`msg="regstack is listening" url=(http://\S+)`)

// pollInterval is how often WaitForLine looks at the log file again.
const pollInterval = 10 * time.Millisecond

// tailBytes bounds how much of a large log Lines reads: the newest part.
const tailBytes = 1 << 20

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
	// Env is added to this process's environment for the server, e.g.
	// GODEBUG=gctrace=1 or GOMEMLIMIT=200MiB while investigating.
	Env []string
	// LogFile receives the server's stdout and stderr; empty means a new
	// file serve-*.log in Dir.
	LogFile string
	// StartTimeout bounds the wait for the listening line; 0 means 30 s.
	StartTimeout time.Duration
}

// Server is one running (or exited) `regstack serve` process.
type Server struct {
	// URL is the origin the server listens on, e.g. http://127.0.0.1:41234.
	URL string
	// LogPath is the file holding the server's output.
	LogPath string

	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
}

// Start runs `regstack serve` and returns once it logs that it listens.
// If it exits first or does not listen within the timeout, Start kills it
// and returns an error quoting its last log lines.
func Start(ctx context.Context, opts Options) (*Server, error) {
	// The child runs in opts.Dir: a relative binary path means the
	// caller's directory, not that one.
	bin, err := filepath.Abs(opts.Bin)
	if err != nil {
		return nil, fmt.Errorf("serveproc: %w", err)
	}
	var logf *os.File
	if opts.LogFile != "" {
		logf, err = os.OpenFile(opts.LogFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	} else {
		logf, err = os.CreateTemp(opts.Dir, "serve-*.log")
	}
	if err != nil {
		return nil, fmt.Errorf("serveproc: log file: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor

	args := append([]string{"serve", "--host", "127.0.0.1", "--port", "0"}, opts.Args...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = opts.Dir
	if len(opts.Env) > 0 {
		cmd.Env = append(os.Environ(), opts.Env...)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("serveproc: start %s: %w", bin, err)
	}
	s := &Server{LogPath: logf.Name(), cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()

	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	line, err := s.WaitForLine(wctx, listening.MatchString)
	if err != nil {
		s.Kill()
		return nil, fmt.Errorf("serveproc: regstack serve did not start: %w\n%s", err, strings.Join(s.Tail(20), "\n"))
	}
	s.URL = listening.FindStringSubmatch(line)[1]
	return s, nil
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Done is closed once the process has exited.
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

// Log is the server's whole output so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogPath) // a missing log reads as empty
	return string(b)
}

// Tail returns the last n complete lines of the log (of its newest MiB
// when it is larger).
func (s *Server) Tail(n int) []string {
	f, err := os.Open(s.LogPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var from int64
	if fi, err := f.Stat(); err == nil && fi.Size() > tailBytes {
		from = fi.Size() - tailBytes
	}
	b, _ := io.ReadAll(io.NewSectionReader(f, from, tailBytes))
	if from > 0 {
		// The first line read is probably cut; drop it.
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// WaitForLine returns the first log line match accepts, waiting for one
// to be written until ctx ends or the process exits.
func (s *Server) WaitForLine(ctx context.Context, match func(string) bool) (string, error) {
	f, err := os.Open(s.LogPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var partial []byte
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		// Once the process has exited its log is complete: this read is
		// the last.
		exited := false
		select {
		case <-s.done:
			exited = true
		default:
		}
		for {
			chunk, err := r.ReadBytes('\n')
			partial = append(partial, chunk...)
			if err != nil {
				break // EOF: the rest of the line is not written yet
			}
			if line := strings.TrimRight(string(partial), "\n"); match(line) {
				return line, nil
			}
			partial = partial[:0]
		}
		if exited {
			if line := string(partial); len(partial) > 0 && match(line) {
				return line, nil // a last line without a newline
			}
			return "", fmt.Errorf("process exited with code %d", s.ExitCode())
		}
		select {
		case <-tick.C:
		case <-s.done:
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
