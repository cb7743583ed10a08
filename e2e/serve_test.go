package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// verifyLink matches the verification link zero-config serve logs as a
// line of its own; the first group is the origin, the second the token.
var verifyLink = regexp.MustCompile(`(http://[^/\s"]+)/account/verify\?token=([A-Za-z0-9_-]+)`)

// TestServe drives the real `regstack serve` binary over HTTP, as an
// operator and a client would, with nothing but the built command.
func TestServe(t *testing.T) {
	bin := buildRegstack(t)

	t.Run("a zero-config server takes an account from registration to logout and survives a restart", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		srv := startServe(t, bin, dir)
		c := &apiClient{t: t, base: srv.URL + "/api/auth"}
		const email, oldPW, newPW = "ada@example.com", "correct horse 1", "battery staple 2"

		got := c.call("POST", "/register", "", map[string]any{"email": email, "password": oldPW})
		got.want(201)
		if got.body["status"] != "pending_verification" || got.body["email"] != email {
			t.Fatalf("register answered %s, want status pending_verification for %s", got.raw, email)
		}
		token := verificationToken(t, srv, srv.URL)

		c.call("POST", "/login", "", map[string]any{"email": email, "password": oldPW}).
			wantDetailPrefix(401, "Invalid email or password.")
		got = c.call("POST", "/verify", "", map[string]any{"token": token})
		got.want(200)
		if got.body["email"] != email || got.body["is_verified"] != true {
			t.Fatalf("verify answered %s, want the verified user %s", got.raw, email)
		}

		first := c.login(email, oldPW)
		got = c.call("GET", "/me", first, nil)
		got.want(200)
		if got.body["email"] != email || got.body["is_active"] != true || got.body["id"] == nil {
			t.Fatalf("me answered %s, want the active user %s", got.raw, email)
		}
		if _, leaked := got.body["hashed_password"]; leaked {
			t.Fatalf("me exposes hashed_password: %s", got.raw)
		}

		c.call("POST", "/change-password", first, map[string]any{"current_password": oldPW, "new_password": newPW}).
			want(200)
		c.call("GET", "/me", first, nil).
			wantDetail(401, "Session was invalidated; please sign in again.")
		c.call("POST", "/login", "", map[string]any{"email": email, "password": oldPW}).
			wantDetailPrefix(401, "Invalid email or password.")

		second := c.login(email, newPW)
		c.call("GET", "/me", second, nil).want(200)
		c.call("POST", "/logout", second, nil).want(200)
		c.call("GET", "/me", second, nil).wantDetail(401, "Token has been revoked.")

		kept := c.login(email, newPW)
		secret := readSecret(t, dir)
		for _, s := range []string{secret, oldPW, newPW, kept} {
			if strings.Contains(srv.Log(), s) {
				t.Fatalf("the server log contains a secret (%.6s…)", s)
			}
		}

		// Graceful shutdown: exit 0 and a database closed cleanly (the
		// last connection's close checkpoints and removes the WAL).
		code, err := srv.Stop(15 * time.Second)
		if err != nil || code != 0 {
			t.Fatalf("after SIGTERM: exit code %d, %v; want 0\n%s", code, err, srv.Log())
		}
		if !strings.Contains(srv.Log(), `msg=stopped`) {
			t.Errorf("no 'stopped' line after SIGTERM:\n%s", srv.Log())
		}
		for _, leftover := range []string{"regstack.db-wal", "regstack.db-shm"} {
			if fi, err := os.Stat(filepath.Join(dir, leftover)); err == nil && fi.Size() > 0 {
				t.Errorf("%s is left with %d bytes after a graceful shutdown: the database was not closed cleanly", leftover, fi.Size())
			}
		}

		// The restart finds the same secret, so the session from the first
		// run still works and the user is in the database.
		again := startServe(t, bin, dir)
		if got := readSecret(t, dir); got != secret {
			t.Fatal("a restart changed REGSTACK_JWT_SECRET in regstack.secrets.env")
		}
		if strings.Contains(again.Log(), "generated a new JWT secret") {
			t.Errorf("the restart generated a new secret although regstack.secrets.env holds one:\n%s", again.Log())
		}
		c = &apiClient{t: t, base: again.URL + "/api/auth"}
		got = c.call("GET", "/me", kept, nil)
		got.want(200)
		if got.body["email"] != email {
			t.Fatalf("me after the restart answered %s, want %s", got.raw, email)
		}
		c.login(email, newPW)
	})

	t.Run("a bad configuration stops start-up with one line naming the problem", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name     string
			toml     string // regstack.toml in the working directory, if any
			args     []string
			wantCode int
			wantText string
		}{
			{
				name:     "a non-integer jwt_ttl_seconds",
				toml:     "jwt_ttl_seconds = \"abc\"\n",
				wantCode: 1,
				wantText: "jwt_ttl_seconds",
			},
			{
				name:     "a --config path that does not exist",
				args:     []string{"--config", "/nonexistent"},
				wantCode: 2,
				wantText: "/nonexistent",
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir := t.TempDir()
				if tt.toml != "" {
					writeFile(t, filepath.Join(dir, "regstack.toml"), tt.toml, 0o644)
				}
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--port", "0"}, tt.args...)...)
				cmd.Dir = dir
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				err := cmd.Run()
				var exit *exec.ExitError
				if !errors.As(err, &exit) {
					t.Fatalf("serve returned %v, want a non-zero exit\n%s", err, out.String())
				}
				if exit.ExitCode() != tt.wantCode {
					t.Errorf("exit code %d, want %d", exit.ExitCode(), tt.wantCode)
				}
				text := strings.TrimRight(out.String(), "\n")
				if lines := strings.Split(text, "\n"); len(lines) != 1 {
					t.Errorf("want one line of output, got %d:\n%s", len(lines), text)
				}
				if !strings.Contains(text, tt.wantText) {
					t.Errorf("output %q does not name %q", text, tt.wantText)
				}
				for _, trace := range []string{"goroutine ", "panic"} {
					if strings.Contains(text, trace) {
						t.Errorf("output holds a Go stack trace (%q):\n%s", trace, text)
					}
				}
				if _, err := os.Stat(filepath.Join(dir, "regstack.db")); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a failed start created regstack.db (stat: %v)", err)
				}
			})
		}
	})
}

// buildRegstack compiles the regstack command once for the test.
func buildRegstack(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	bin, err := serveproc.Build(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// startServe runs `regstack serve` in dir on a free port, checks /healthz
// and kills the server when the test ends.
func startServe(t *testing.T, bin, dir string) *serveproc.Server {
	t.Helper()
	srv, err := serveproc.Start(t.Context(), serveproc.Options{Bin: bin, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Kill)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Fatalf("GET /healthz = %d %s, want 200 {\"status\":\"ok\"}", resp.StatusCode, body)
	}
	return srv
}

// verificationToken waits for the verification link zero-config serve logs
// (console email with bodies) and returns its token. The link must point
// at the server itself.
func verificationToken(t *testing.T, srv *serveproc.Server, origin string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	line, err := srv.WaitForLine(ctx, verifyLink.MatchString)
	if err != nil {
		t.Fatalf("no verification link in the log: %v\n%s", err, srv.Log())
	}
	m := verifyLink.FindStringSubmatch(line)
	if m[1] != origin {
		t.Errorf("the verification link points at %s, want %s", m[1], origin)
	}
	return m[2]
}

// readSecret checks regstack.secrets.env in dir (mode 0600, one
// 86-character REGSTACK_JWT_SECRET) and returns the secret.
func readSecret(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "regstack.secrets.env")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("zero-config serve left no secrets file: %v", err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("regstack.secrets.env has mode %#o, want 0600", mode)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var secrets []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "REGSTACK_JWT_SECRET="); ok {
			secrets = append(secrets, v)
		}
	}
	if len(secrets) != 1 || len(secrets[0]) != 86 {
		t.Fatalf("regstack.secrets.env holds %d REGSTACK_JWT_SECRET lines (lengths %v), want one of 86 characters", len(secrets), lengths(secrets))
	}
	return secrets[0]
}

func lengths(ss []string) []int {
	var n []int
	for _, s := range ss {
		n = append(n, len(s))
	}
	return n
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// apiClient calls the JSON API of one server.
type apiClient struct {
	t    *testing.T
	base string // origin + API prefix
}

// apiResponse is one answer: status, raw body and the body as an object
// (nil when it is not one).
type apiResponse struct {
	t      *testing.T
	call   string
	status int
	raw    string
	body   map[string]any
}

func (c *apiClient) call(method, path, bearer string, body any) apiResponse {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	r := apiResponse{t: c.t, call: method + " " + path, status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body) // a non-object body leaves r.body nil; callers compare fields
	return r
}

// login signs in and returns the session token.
func (c *apiClient) login(email, pw string) string {
	c.t.Helper()
	r := c.call("POST", "/login", "", map[string]any{"email": email, "password": pw})
	r.want(200)
	tok, _ := r.body["access_token"].(string)
	if tok == "" || r.body["token_type"] != "bearer" {
		c.t.Fatalf("login answered %s, want a bearer access_token", r.raw)
	}
	return tok
}

func (r apiResponse) want(status int) {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("%s = %d %s, want %d", r.call, r.status, r.raw, status)
	}
}

func (r apiResponse) wantDetail(status int, detail string) {
	r.t.Helper()
	r.want(status)
	if r.body["detail"] != detail {
		r.t.Fatalf("%s detail = %s, want %q", r.call, r.raw, detail)
	}
}

// wantDetailPrefix is for texts with a variable tail, such as the
// remaining-attempts count of a failed login.
func (r apiResponse) wantDetailPrefix(status int, prefix string) {
	r.t.Helper()
	r.want(status)
	if d, _ := r.body["detail"].(string); !strings.HasPrefix(d, prefix) {
		r.t.Fatalf("%s detail = %s, want it to start with %q", r.call, r.raw, prefix)
	}
}
