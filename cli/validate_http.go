package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxReplyBytes bounds how much of an answer the probe reads.
const maxReplyBytes = 1 << 20

// previewChars is how much of a body a failure detail quotes (cli.md §6.4).
const previewChars = 200

// secretFields are JSON keys whose values are secrets: the probe never
// prints them, in details or in verbose output.
var secretFields = map[string]bool{
	"password": true, "current_password": true, "new_password": true,
	"token": true, "access_token": true, "refresh_token": true,
	"pending_token": true, "mfa_pending_token": true, "code": true,
}

// probeClient talks to the JSON API under one base URL: no redirects are
// followed, and the session token, once held, goes with every request
// that asks for it.
type probeClient struct {
	base    string // --url without a trailing slash
	http    *http.Client
	token   string    // the current session; "" when none is known to be valid
	verbose io.Writer // requests and answers are logged here when non-nil
}

func newProbeClient(base string, timeout time.Duration, insecure bool, verbose io.Writer) *probeClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if insecure {
		// --insecure: self-signed staging certificates, asked for by name.
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	}
	return &probeClient{
		base: strings.TrimRight(base, "/"),
		http: &http.Client{
			Transport:     tr,
			Timeout:       timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		verbose: verbose,
	}
}

// reply is the outcome of one request: an answer, or a transport error.
type reply struct {
	req    string // "POST /verify", for details
	status int
	header http.Header
	body   []byte
	err    error
}

// send makes a request carrying the session token (when one is held).
func (c *probeClient) send(ctx context.Context, method, path string, body any) reply {
	return c.do(ctx, method, path, body, c.token)
}

// anon makes a request without a session.
func (c *probeClient) anon(ctx context.Context, method, path string, body any) reply {
	return c.do(ctx, method, path, body, "")
}

func (c *probeClient) do(ctx context.Context, method, path string, body any, bearer string) reply {
	r := reply{req: method + " " + path}
	var payload io.Reader
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			r.err = err
			return r
		}
		payload = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/"+strings.TrimLeft(path, "/"), payload)
	if err != nil {
		r.err = err
		return r
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if c.verbose != nil {
		fmt.Fprintln(c.verbose, strings.TrimSpace(">>> "+r.req+" "+preview(raw)))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		r.err = err
		if c.verbose != nil {
			fmt.Fprintf(c.verbose, "<<< %s failed: %v\n", r.req, err)
		}
		return r
	}
	defer resp.Body.Close()
	r.status, r.header = resp.StatusCode, resp.Header
	r.body, r.err = io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
	if c.verbose != nil {
		fmt.Fprintf(c.verbose, "<<< %s -> %d %s\n", r.req, r.status, preview(r.body))
	}
	return r
}

// is reports whether the request got an answer with status code.
func (r reply) is(code int) bool { return r.err == nil && r.status == code }

// object is the answer as a JSON object (nil when it is not one).
func (r reply) object() map[string]any {
	var m map[string]any
	if json.Unmarshal(r.body, &m) != nil {
		return nil
	}
	return m
}

// field is a string member of the answer ("" when absent).
func (r reply) field(key string) string {
	s, _ := r.object()[key].(string)
	return s
}

// problem describes an unexpected outcome: "<request> returned <status>:
// <body…>" or "<request> failed: <error>".
func (r reply) problem() string {
	if r.err != nil {
		return r.req + " failed: " + r.err.Error()
	}
	return fmt.Sprintf("%s returned %d: %s", r.req, r.status, preview(r.body))
}

// statusText is the status code, or "error: <…>" for a transport failure.
func (r reply) statusText() string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	return fmt.Sprint(r.status)
}

// preview is the first 200 characters of a body, with the values of
// secret JSON fields replaced by "***".
func preview(body []byte) string {
	text := string(body)
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		hidden := false
		for k := range m {
			if secretFields[k] {
				m[k] = "***"
				hidden = true
			}
		}
		if hidden {
			if b, err := json.Marshal(m); err == nil {
				text = string(b)
			}
		}
	}
	return truncateChars(text, previewChars)
}

// truncateChars keeps the first n characters of s.
func truncateChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
