package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// defaultLogWait is how long validate waits for each token to show up in
// the deployment's log (cli.md §6.3).
const defaultLogWait = 30 * time.Second

// logTail queues the lines a running log source produces, from before the
// first request on, so a token logged before a phase starts waiting for it
// is still found. Waiting consumes queued lines in order and discards the
// ones that do not match.
type logTail struct {
	source  string        // "<kind>:<target>", for messages
	wait    time.Duration // per-token wait
	verbose io.Writer     // tailed lines are echoed here as they arrive when non-nil; safe for concurrent use

	mu       sync.Mutex
	lines    []string
	ended    bool
	whyEnded func(what string) string // set with ended
	wake     chan struct{}            // signalled (never blocking) on every change
	ready    chan struct{}            // closed once the source is known to be following
	isReady  bool

	// recipient is the addressee of the latest console email consumed;
	// only the consumer (one phase at a time) touches it.
	recipient string

	stop func() // ends the source and waits for its goroutines
	// kill ends the source's processes at once, without waiting (a second
	// interrupt); stop still follows to reap them.
	kill func()
	// diag, when set, is the source's latest complaint (a command's last
	// stderr line), quoted when a wait times out.
	diag func() string
}

func newLogTail(source string, wait time.Duration, verbose io.Writer) *logTail {
	return &logTail{
		source:  source,
		wait:    wait,
		verbose: verbose,
		wake:    make(chan struct{}, 1),
		ready:   make(chan struct{}),
		stop:    func() {},
		kill:    func() {},
	}
}

func (t *logTail) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// push queues one line.
func (t *logTail) push(line string) {
	if t.verbose != nil {
		fmt.Fprintln(t.verbose, "log: "+redactLine(line))
	}
	t.mu.Lock()
	t.lines = append(t.lines, line)
	t.mu.Unlock()
	t.signal()
}

// markReady says the source now sees everything the deployment logs.
func (t *logTail) markReady() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isReady {
		t.isReady = true
		close(t.ready)
	}
}

// end records that the source stopped; why words the failure of a wait
// for what that the end cut short.
func (t *logTail) end(why func(what string) string) {
	t.mu.Lock()
	if !t.ended {
		t.ended, t.whyEnded = true, why
	}
	t.mu.Unlock()
	t.markReady() // nothing more is coming: no one should wait for it
	t.signal()
}

// waitReady blocks until the source follows the log, it ends, or limit
// passes; a source that never says does not hold up the probe for long.
func (t *logTail) waitReady(ctx context.Context, limit time.Duration) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-t.ready:
	case <-timer.C:
	case <-ctx.Done():
	}
}

// next pops the oldest queued line.
func (t *logTail) next() (line string, ok, ended bool, why func(string) string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) > 0 {
		line = t.lines[0]
		t.lines[0] = ""
		t.lines = t.lines[1:]
		return line, true, false, nil
	}
	return "", false, t.ended, t.whyEnded
}

// expect consumes lines until match accepts one and returns what it found.
// what names the awaited thing in errors ("verification URL").
func (t *logTail) expect(ctx context.Context, what string, match logMatcher) (string, error) {
	timer := time.NewTimer(t.wait)
	defer timer.Stop()
	for {
		for {
			line, ok, ended, why := t.next()
			if !ok {
				if ended {
					return "", tailError{msg: why(what)}
				}
				break
			}
			msg := logMessage(line)
			if to, ok := emailRecipient(msg); ok {
				t.recipient = to
			}
			if found, ok := match(msg, t.recipient); ok {
				return found, nil
			}
		}
		select {
		case <-t.wake:
		case <-timer.C:
			msg := fmt.Sprintf("timed out after %.1fs waiting for %s on log-source %s", t.wait.Seconds(), what, t.source)
			if t.diag != nil {
				if d := t.diag(); d != "" {
					msg += " (its last stderr line: " + d + ")"
				}
			}
			return "", tailError{timeout: true, msg: msg}
		case <-ctx.Done():
			return "", tailError{msg: fmt.Sprintf("stopped waiting for %s: %v", what, ctx.Err())}
		}
	}
}

// tailError is a failed wait for a token: a timeout (the deployment did
// not log it, usually a configuration problem) or the source's end.
type tailError struct {
	timeout bool
	msg     string
}

func (e tailError) Error() string { return e.msg }

// close stops the source.
func (t *logTail) close() { t.stop() }
