package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
)

// recorderKey is the context key under which Start stores the tab's
// recorder.
type recorderKey struct{}

// recorder collects the error-level console output of one tab: calls of
// console.error and console.assert, uncaught exceptions, and error entries
// of the browser log, which is where Chromium reports CSP violations and
// failed resource loads.
type recorder struct {
	mu      sync.Mutex
	errs    []string
	allowed []string
}

// newRecorder returns a recorder that already accepts the failed load of
// /favicon.ico: Chromium requests it by itself for any page that declares
// no icon, so it says nothing about the page under test.
func newRecorder() *recorder {
	return &recorder{allowed: []string{"/favicon.ico)"}}
}

// listen runs in the tab's event loop, in arrival order; it must return
// fast and send no command.
func (r *recorder) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		msg = "console." + string(ev.Type) + ": " + argsText(ev.Args)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		if d.URL != "" {
			msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		if e == nil || e.Level != log.EntryLevelError {
			return
		}
		msg = string(e.Source) + ": " + e.Text
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
	default:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, msg)
}

// allow whitelists messages containing substr.
func (r *recorder) allow(substr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.allowed = append(r.allowed, substr)
}

// unexpected returns the recorded messages no allowed substring matches.
func (r *recorder) unexpected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
next:
	for _, m := range r.errs {
		for _, a := range r.allowed {
			if strings.Contains(m, a) {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// argsText renders console arguments roughly as DevTools shows them:
// strings bare, other values as JSON or their description.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a == nil:
		case len(a.Value) > 0:
			var s string
			if json.Unmarshal([]byte(a.Value), &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// AllowConsoleError makes the console check of the test that owns ctx
// (see Start) accept every message containing substr, such as the
// "status of 401" a deliberately failed sign-in logs. It panics when ctx
// does not come from Start: that is a bug in the test.
func AllowConsoleError(ctx context.Context, substr string) {
	recorderOf(ctx).allow(substr)
}

// ConsoleErrors returns the error-level messages recorded so far in the
// tab of ctx that AllowConsoleError has not whitelisted, for a test that
// wants to fail early or assert on them.
func ConsoleErrors(ctx context.Context) []string {
	return recorderOf(ctx).unexpected()
}

func recorderOf(ctx context.Context) *recorder {
	r, ok := ctx.Value(recorderKey{}).(*recorder)
	if !ok {
		panic("browser: the context does not come from browser.Start")
	}
	return r
}
