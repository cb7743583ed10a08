package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sshCommandEnv names the environment variable that replaces `ssh` for
// the ssh: log source, the way GIT_SSH_COMMAND does for git: it is run by
// the shell with the ssh arguments appended, so it may carry options
// ("ssh -F ./probe_ssh_config -i ~/.ssh/deploy").
const sshCommandEnv = "REGSTACK_SSH_COMMAND"

// sshReadyMarker is echoed by the remote shell once it has measured the
// log file; tail then prints everything written after that measurement.
// Seeing it means nothing logged from now on can be missed, so the probe
// does not register its user while ssh is still shaking hands.
const sshReadyMarker = "regstack-validate: log source ready"

// sourceStopGrace is how long a stopped log command may take to exit
// after SIGTERM before it is killed.
const sourceStopGrace = 2 * time.Second

// sourceKillWait is how long a killed log command's output may stay open
// before validate stops reading it: a process that left the command's
// process group (setsid) can hold the pipes forever.
const sourceKillWait = time.Second

// logKinds are the --log-source kinds, sorted as error messages list them.
var logKinds = []string{"cmd", "docker", "file", "ssh"}

// logSpec is a parsed --log-source value.
type logSpec struct {
	kind, target string
}

func (s logSpec) String() string { return s.kind + ":" + s.target }

// parseLogSource splits SPEC into kind and target (cli.md §6.3). Errors
// are usage errors, worded as the operator will see them.
func parseLogSource(spec string) (logSpec, error) {
	kind, target, ok := strings.Cut(spec, ":")
	if !ok {
		return logSpec{}, fmt.Errorf("--log-source must be 'file:PATH', 'ssh:user@host:PATH', 'docker:CONTAINER', or 'cmd:<shell>'. Got: '%s'", spec)
	}
	kind = strings.TrimSpace(kind)
	known := false
	for _, k := range logKinds {
		known = known || k == kind
	}
	if !known {
		return logSpec{}, fmt.Errorf("--log-source kind '%s' not one of ['%s']", kind, strings.Join(logKinds, "', '"))
	}
	if target == "" {
		return logSpec{}, fmt.Errorf("--log-source '%s' requires a target after the colon", kind)
	}
	if kind == "ssh" {
		host, path, ok := strings.Cut(target, ":")
		if !ok || host == "" || path == "" {
			return logSpec{}, fmt.Errorf("--log-source ssh requires 'user@host:/path' (got '%s')", target)
		}
	}
	return logSpec{kind: kind, target: target}, nil
}

// logSource follows the deployment's output: start begins following,
// feeding every line to tail, and sets tail.stop. An error means the
// source could not start at all (a usage problem: exit 2).
type logSource interface {
	start(ctx context.Context, tail *logTail) error
}

// openLogSource picks the source for spec; since is when the probe started
// (docker replays from just before it).
func openLogSource(spec logSpec, since time.Time, getenv func(string) string) logSource {
	switch spec.kind {
	case "file":
		return fileSource{path: spec.target, poll: filePollInterval}
	case "ssh":
		return openSSHSource(spec.target, getenv(sshCommandEnv))
	case "docker":
		return commandSource{name: "docker", argv: []string{
			"docker", "logs", "-f", "--since", since.Add(-time.Second).UTC().Format(time.RFC3339), spec.target,
		}}
	default: // cmd
		return commandSource{name: "sh", argv: []string{"sh", "-c", spec.target}}
	}
}

// openSSHSource runs, in batch mode (a missing key fails at once instead
// of prompting), `ssh <host> <remote>` where remote is `tail -n 0 -F PATH`
// made race-free: it notes the file's size, echoes the ready marker and
// follows from that size on, so a line written while tail starts up is
// still shown. The user's ssh configuration applies (ports, keys, jump
// hosts); sshCommand, when set, replaces the ssh command.
//
// sshd hands remote to the user's login shell, which may be fish or csh:
// the POSIX script runs under `sh -c`, quoted for any of them.
func openSSHSource(target, sshCommand string) logSource {
	host, path, _ := strings.Cut(target, ":")
	q := shellQuote(path)
	script := "n=$(wc -c < " + q + " 2>/dev/null) || n=0; echo '" + sshReadyMarker + "'; exec tail -c +$((n + 1)) -F " + q
	remote := "sh -c " + loginShellQuote(script)
	args := []string{"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new", host, remote}
	src := commandSource{name: "ssh", argv: append([]string{"ssh"}, args...), marker: sshReadyMarker}
	if cmd := strings.TrimSpace(sshCommand); cmd != "" {
		src.name = strings.Fields(cmd)[0]
		src.argv = append([]string{"sh", "-c", cmd + ` "$@"`, "ssh"}, args...)
	}
	return src
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// loginShellQuote quotes s as one word for a POSIX shell, fish, and csh
// alike. Inside single quotes fish still reads \\ and \', so no
// backslash or quote is left inside them: each is closed, escaped
// outside (where all three read \x as x) and reopened.
func loginShellQuote(s string) string {
	return "'" + strings.NewReplacer("'", `'\''`, `\`, `'\\'`).Replace(s) + "'"
}

// commandSource runs a command and follows its stdout and stderr, merged
// line by line (docker writes a container's stderr to its own).
type commandSource struct {
	name   string   // what messages call the command
	argv   []string // argv[0] is looked up on PATH
	marker string   // a line that means "following now"; empty: ready at start
}

func (c commandSource) start(_ context.Context, tail *logTail) error {
	path, err := exec.LookPath(c.argv[0])
	if err != nil {
		return fmt.Errorf("--log-source command not found: '%s' (is it installed and on PATH?)", c.argv[0])
	}
	cmd := exec.Command(path, c.argv[1:]...)
	ownProcessGroup(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("--log-source %s: %w", c.name, err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("--log-source %s: %w", c.name, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("--log-source %s: %w", c.name, err)
	}
	if c.marker == "" {
		tail.markReady()
	}

	errText := &lastBytes{max: 2048}
	tail.diag = func() string {
		text := strings.TrimSpace(errText.String())
		return text[strings.LastIndexByte(text, '\n')+1:]
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		c.pump(stdout, tail, nil)
	}()
	go func() {
		defer readers.Done()
		c.pump(stderr, tail, errText)
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		readers.Wait() // Wait closes the pipes: read them to the end first
		_ = cmd.Wait() // the exit code below says how it ended
		code := -1     // -1: ended by a signal
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		}
		tail.end(func(what string) string {
			text := strings.TrimSpace(errText.String())
			if text == "" {
				text = "<empty>"
			}
			return fmt.Sprintf("log-source '%s' exited (code=%d) before %s was seen. stderr: %s", c.name, code, what, text)
		})
	}()

	var killed atomic.Bool
	tail.kill = func() {
		select {
		case <-done: // reaped: the pid may be someone else's by now
		default:
			killed.Store(true)
			signalProcessGroup(cmd, true)
			_ = cmd.Process.Kill() // in case it left its group
		}
	}
	tail.stop = func() {
		if waitClosed(done, 0) {
			return
		}
		if !killed.Load() {
			signalProcessGroup(cmd, false)
			if waitClosed(done, sourceStopGrace) {
				return
			}
			tail.kill()
		}
		if !waitClosed(done, sourceKillWait) {
			// Something outside the group holds the pipes open: stop
			// reading, so the readers end and Wait reaps the killed command.
			_ = stdout.Close()
			_ = stderr.Close()
			<-done
		}
	}
	return nil
}

// waitClosed reports whether ch is closed within d.
func waitClosed(ch <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// pump queues every line of r; keep, when set, also keeps the text.
func (c commandSource) pump(r io.Reader, tail *logTail, keep *lastBytes) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			line = strings.TrimRight(line, "\r\n")
			if keep != nil {
				keep.add(line + "\n")
			}
			if c.marker != "" && line == c.marker {
				tail.markReady()
			} else {
				tail.push(line)
			}
		}
		if err != nil {
			return
		}
	}
}

// lastBytes keeps the end of a stream, for an error message.
type lastBytes struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (l *lastBytes) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b = append(l.b, s...)
	if over := len(l.b) - l.max; over > 0 {
		l.b = l.b[over:]
	}
}

func (l *lastBytes) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}

// filePollInterval is how often the file: source looks for new lines.
const filePollInterval = 50 * time.Millisecond

// fileSource follows a local file the way `tail -n 0 -F` does: from its
// current end, across truncation and rotation (a new file under the same
// name is read from its start). It is read in-process, so it follows
// the file before validate sends its first request.
type fileSource struct {
	path string
	poll time.Duration
}

func (f fileSource) start(ctx context.Context, tail *logTail) error {
	fh, err := os.Open(f.path)
	if err != nil {
		return fmt.Errorf("--log-source file: cannot read '%s': %w", f.path, err)
	}
	offset, err := fh.Seek(0, io.SeekEnd)
	if err != nil {
		fh.Close()
		return fmt.Errorf("--log-source file: cannot read '%s': %w", f.path, err)
	}
	tail.markReady()
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.follow(fctx, tail, fh, offset)
	}()
	tail.stop = func() {
		cancel()
		<-done
	}
	return nil
}

// follow reads new bytes every poll interval until ctx ends.
func (f fileSource) follow(ctx context.Context, tail *logTail, fh *os.File, offset int64) {
	defer func() {
		if fh != nil {
			fh.Close()
		}
	}()
	var partial []byte
	buf := make([]byte, 64<<10)
	flush := func(final bool) {
		for {
			i := bytes.IndexByte(partial, '\n')
			if i < 0 {
				break
			}
			tail.push(strings.TrimRight(string(partial[:i]), "\r"))
			partial = partial[i+1:]
		}
		if final && len(partial) > 0 {
			tail.push(string(partial))
			partial = nil
		}
	}
	ticker := time.NewTicker(f.poll)
	defer ticker.Stop()
	for {
		if fh != nil {
			for {
				n, err := fh.Read(buf)
				partial = append(partial, buf[:n]...)
				offset += int64(n)
				if err == io.EOF || (err == nil && n == 0) {
					break
				}
				if err != nil {
					tail.end(func(what string) string {
						return fmt.Sprintf("log-source file:%s failed before %s was seen: %v", f.path, what, err)
					})
					return
				}
			}
			flush(false)
			if cur, err := fh.Stat(); err == nil {
				switch named, err := os.Stat(f.path); {
				case err != nil || !os.SameFile(cur, named):
					// Rotated away (or gone): finish the old file, then
					// read the new one from its start once it exists.
					flush(true)
					fh.Close()
					fh, offset = nil, 0
				case named.Size() < offset:
					// Truncated in place: start over.
					partial = nil
					if _, err := fh.Seek(0, io.SeekStart); err == nil {
						offset = 0
					}
				}
			}
		}
		if fh == nil {
			if nf, err := os.Open(f.path); err == nil {
				fh, offset = nf, 0
				continue
			} else if !errors.Is(err, os.ErrNotExist) && tail.verbose != nil {
				fmt.Fprintf(tail.verbose, "log: file:%s: %v\n", f.path, err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
