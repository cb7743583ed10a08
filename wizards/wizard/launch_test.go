package wizard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regstack/regstack/wizards/wizard"
)

// syncBuffer is an io.Writer the test can read while Launch writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var urlLine = regexp.MustCompile(`^Wizard URL: (http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{43}))\n$`)

// launched is a wizard running in Browser mode in the background.
type launched struct {
	url, port, token string
	opened           string
	debug            *syncBuffer
	result           chan error
}

func launchBrowser(t *testing.T, ctx context.Context, port int) *launched {
	t.Helper()
	out := &syncBuffer{}
	l := &launched{debug: &syncBuffer{}, result: make(chan error, 1)}
	opened := make(chan string, 1)
	app := wizard.App{
		Index: template.Must(template.New("i").Parse(`<body data-wizard-token="{{.Token}}"></body>`)),
		API: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			wizard.WriteJSON(w, http.StatusOK, map[string]int{"num_steps": 3})
		}),
	}
	go func() {
		l.result <- wizard.Launch(ctx, app, wizard.LaunchOptions{
			Mode: wizard.Browser, Port: port, Out: out, Debug: l.debug,
			OpenBrowser: func(u string) error { opened <- u; return nil },
		})
	}()
	select {
	case l.opened = <-opened:
	case err := <-l.result:
		t.Fatalf("Launch returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was never opened")
	}
	m := urlLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q lacks the Wizard URL line", out.String())
	}
	l.url, l.port, l.token = m[1], m[2], m[3]
	return l
}

func (l *launched) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-l.result:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Launch did not return")
		return nil
	}
}

func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Wizard-Token", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestBrowserModeServesUntilTheUIIsDone(t *testing.T) {
	l := launchBrowser(t, t.Context(), 0)
	if l.opened != l.url {
		t.Errorf("browser opened %q, want the printed URL %q", l.opened, l.url)
	}
	if code, body := call(t, http.MethodGet, l.url, "", ""); code != http.StatusOK || !strings.Contains(body, l.token) {
		t.Fatalf("GET /?token=: %d %q", code, body)
	}
	base := "http://127.0.0.1:" + l.port
	if code, body := call(t, http.MethodGet, base+"/api/state", l.token, ""); code != http.StatusOK || body != `{"num_steps":3}` {
		t.Fatalf("GET /api/state: %d %q", code, body)
	}
	if code, _ := call(t, http.MethodPost, base+"/api/done", l.token, "{}"); code != http.StatusOK {
		t.Fatalf("POST /api/done: %d", code)
	}
	if err := l.wait(t); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	if _, err := net.DialTimeout("tcp", "127.0.0.1:"+l.port, time.Second); err == nil {
		t.Error("the server still listens after /api/done")
	}

	t.Run("the debug log names each request without the token", func(t *testing.T) {
		log := l.debug.String()
		for _, want := range []string{"wizard: 200 GET /\n", "wizard: 200 GET /api/state\n", "wizard: 200 POST /api/done\n"} {
			if !strings.Contains(log, want) {
				t.Errorf("debug log lacks %q:\n%s", want, log)
			}
		}
		if strings.Contains(log, l.token) {
			t.Error("the debug log contains the token")
		}
	})
}

func TestEndingTheContextStopsTheWizard(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	l := launchBrowser(t, ctx, 0)
	cancel()
	if err := l.wait(t); err != nil {
		t.Fatalf("Launch: %v", err)
	}
}

func TestAPinnedPortIsUsed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(t.Context())
	l := launchBrowser(t, ctx, port)
	if l.port != fmt.Sprint(port) {
		t.Errorf("listening on %s, want %d", l.port, port)
	}
	cancel()
	_ = l.wait(t)
}

func TestABusyPortIsReportedWithItsReason(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	out := &syncBuffer{}
	err = wizard.Launch(t.Context(), wizard.App{}, wizard.LaunchOptions{Mode: wizard.Browser, Port: port, Out: out,
		OpenBrowser: func(string) error { return errors.New("must not be called") }})
	want := fmt.Sprintf("cannot listen on 127.0.0.1:%d: bind: address already in use", port)
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	if out.String() != "" {
		t.Errorf("printed %q before failing", out.String())
	}
}
