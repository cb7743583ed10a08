package e2e_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/regstack/regstack/adapters/sqlite"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// The codes the null SMS sender logs with sms.log_bodies = true.
var (
	setupCode  = regexp.MustCompile(`\[regstack/null-sms\] .*Body: .*verification code: ([0-9]{6})\.`)
	signInCode = regexp.MustCompile(`\[regstack/null-sms\] .*Body: .*sign-in code: ([0-9]{6})\.`)
)

// adminPhoneTOML turns on both routers with console email and null SMS
// logging their bodies, and Argon2 parameters small enough for -race.
const adminPhoneTOML = `database_url = %q
enable_sms_2fa = true
enable_admin_router = true
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1

[email]
backend = "console"
log_bodies = true

[sms]
backend = "null"
log_bodies = true
`

// TestServeAdminAndPhone drives the phone and admin routers of the real
// `regstack serve` binary: SMS 2FA from setup through an MFA sign-in to
// disabling it, and every admin endpoint, with codes and links read from
// the server's own log.
func TestServeAdminAndPhone(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	dir := t.TempDir()
	const (
		secret   = "serve-admin-phone-secret-0123456789-abcdef"
		rootPW   = "root password 1"
		alicePW  = "alice password 1"
		bobPW    = "bob password 1"
		phone    = "+14155550123"
		rootMail = "root@example.com"
	)
	dbURL := "sqlite:///" + filepath.Join(dir, "regstack.db")
	writeFile(t, filepath.Join(dir, "regstack.toml"), fmt.Sprintf(adminPhoneTOML, dbURL), 0o644)
	writeFile(t, filepath.Join(dir, "regstack.secrets.env"), "REGSTACK_JWT_SECRET="+secret+"\n", 0o600)
	bootstrapAdmin(t, dbURL, secret, rootMail, rootPW)

	srv := startServe(t, bin, dir) // finds regstack.toml in its working directory
	logs := &logReader{t: t, srv: srv}
	c := &apiClient{t: t, base: srv.URL + "/api/auth"}

	features := c.call("GET", "/features", "", nil)
	features.want(200)
	if r, _ := features.body["routers"].(map[string]any); r["sms_2fa"] != true || r["admin"] != true {
		t.Fatalf("features = %s, want routers.sms_2fa and routers.admin true", features.raw)
	}
	root := c.login(rootMail, rootPW)

	// A user signs up and turns on SMS 2FA.
	c.call("POST", "/register", "", map[string]any{"email": "alice@example.com", "password": alicePW}).want(201)
	aliceUser := c.call("POST", "/verify", "", map[string]any{"token": logs.next(verifyLink, 2)})
	aliceUser.want(200)
	aliceID, _ := aliceUser.body["id"].(string)
	alice := c.login("alice@example.com", alicePW)

	c.call("POST", "/phone/start", "", map[string]any{"phone_number": "x"}).wantDetail(401, "Authentication required.")
	c.call("POST", "/phone/start", alice, map[string]any{"phone_number": "4155550123", "current_password": alicePW}).
		wantDetail(400, "Phone number must be in E.164 format (e.g. +14155552671).")
	started := c.call("POST", "/phone/start", alice, map[string]any{"phone_number": phone, "current_password": alicePW})
	started.want(202)
	if started.body["status"] != "code_sent" || started.body["expires_in"] != float64(600) {
		t.Fatalf("phone/start answered %s", started.raw)
	}
	confirmed := c.call("POST", "/phone/confirm", "", map[string]any{"pending_token": started.body["pending_token"], "code": logs.next(setupCode, 1)})
	confirmed.want(200)
	if confirmed.body["phone_number"] != phone || confirmed.body["is_mfa_enabled"] != true {
		t.Fatalf("phone/confirm answered %s", confirmed.raw)
	}

	// From now on a password sign-in needs the texted code.
	alice = mfaLogin(c, logs, "alice@example.com", alicePW)
	c.call("GET", "/me", alice, nil).want(200)
	c.call("GET", "/admin/stats", alice, nil).wantDetail(403, "Administrator privileges required.")

	// Admin: stats and listing (bob is still pending).
	c.call("POST", "/register", "", map[string]any{"email": "bob@example.com", "password": bobPW}).want(201)
	bobLink := logs.next(verifyLink, 2)
	stats := c.call("GET", "/admin/stats", root, nil)
	stats.want(200)
	if stats.raw != `{"total_users":2,"active_users":2,"verified_users":2,"superusers":1,"pending_registrations":1}` {
		t.Fatalf("stats = %s", stats.raw)
	}
	page := c.call("GET", "/admin/users?skip=0&limit=1", root, nil)
	page.want(200)
	if items, _ := page.body["items"].([]any); len(items) != 1 || page.body["total"] != float64(2) || page.body["limit"] != float64(1) {
		t.Fatalf("users page = %s", page.raw)
	}
	c.call("GET", "/admin/users?limit=201", root, nil).want(422)
	got := c.call("GET", "/admin/users/"+aliceID, root, nil)
	got.want(200)
	if got.body["phone_number"] != phone {
		t.Fatalf("admin get = %s", got.raw)
	}
	c.call("GET", "/admin/users/nope", root, nil).wantDetail(404, "User not found.")

	// Promote bob's pending registration; he signs in with his password.
	promoted := c.call("POST", "/admin/pending/bob@example.com/promote", root, nil)
	promoted.want(201)
	bobID, _ := promoted.body["id"].(string)
	c.call("POST", "/admin/pending/bob@example.com/promote", root, nil).
		wantDetail(404, "No pending registration for bob@example.com.")
	c.login("bob@example.com", bobPW)
	c.call("POST", "/verify", "", map[string]any{"token": bobLink}).
		wantDetail(400, "Verification link is invalid or has expired. Request a new one.")

	// Un-verify bob, resend his link, and the link verifies the same user.
	c.call("PATCH", "/admin/users/"+bobID, root, map[string]any{"is_verified": false}).want(200)
	resent := c.call("POST", "/admin/users/"+bobID+"/resend-verification", root, nil)
	resent.want(202)
	if resent.raw != `{"message":"Verification email sent to bob@example.com."}` {
		t.Fatalf("resend-verification answered %s", resent.raw)
	}
	reverified := c.call("POST", "/verify", "", map[string]any{"token": logs.next(verifyLink, 2)})
	reverified.want(200)
	if reverified.body["id"] != bobID || reverified.body["is_verified"] != true {
		t.Fatalf("verify after admin resend = %s, want bob verified", reverified.raw)
	}
	c.call("POST", "/admin/users/"+bobID+"/resend-verification", root, nil).
		wantDetail(400, "User is already verified.")

	// Disabling alice kills her session at once; re-enabling does not revive it.
	disabled := c.call("PATCH", "/admin/users/"+aliceID, root, map[string]any{"is_active": false})
	disabled.want(200)
	if disabled.body["tokens_invalidated_after"] == nil {
		t.Fatalf("disable answered %s, want tokens_invalidated_after set", disabled.raw)
	}
	c.call("GET", "/me", alice, nil).wantDetail(401, "User no longer active.")
	c.call("PATCH", "/admin/users/"+aliceID, root, map[string]any{"is_active": true, "full_name": "Alice"}).want(200)
	c.call("GET", "/me", alice, nil).wantDetail(401, "Session was invalidated; please sign in again.")

	// The only administrator cannot remove themselves.
	c.call("PATCH", "/admin/users/"+rootID(c, root), root, map[string]any{"is_superuser": false}).
		wantDetail(409, "Cannot remove the last administrator.")

	// Alice signs in again (second code) and turns SMS 2FA off.
	alice = mfaLogin(c, logs, "alice@example.com", alicePW)
	c.call("DELETE", "/phone", alice, map[string]any{"current_password": "wrong"}).wantDetail(400, "Current password is incorrect.")
	off := c.call("DELETE", "/phone", alice, map[string]any{"current_password": alicePW})
	off.want(200)
	if off.raw != `{"message":"SMS 2FA disabled."}` {
		t.Fatalf("DELETE /phone answered %s", off.raw)
	}
	c.login("alice@example.com", alicePW)

	// Delete bob: his session and record are gone.
	deleted := c.call("DELETE", "/admin/users/"+bobID, root, nil)
	deleted.want(200)
	if deleted.raw != `{"message":"User bob@example.com deleted."}` {
		t.Fatalf("admin delete answered %s", deleted.raw)
	}
	c.call("GET", "/admin/users/"+bobID, root, nil).wantDetail(404, "User not found.")
	c.call("DELETE", "/admin/users/"+bobID, root, nil).wantDetail(404, "User not found.")
	final := c.call("GET", "/admin/stats", root, nil)
	final.want(200)
	if final.body["total_users"] != float64(2) {
		t.Fatalf("stats after delete = %s", final.raw)
	}

	for _, s := range []string{secret, rootPW, alicePW, bobPW, root, alice} {
		if strings.Contains(srv.Log(), s) {
			t.Fatalf("the server log contains a secret (%.6s…)", s)
		}
	}
	if code, err := srv.Stop(15 * time.Second); err != nil || code != 0 {
		t.Fatalf("after SIGTERM: exit code %d, %v; want 0", code, err)
	}
}

// bootstrapAdmin creates the first superuser in the database the server
// will use, as a host would before its first start (there is no HTTP way
// to create one).
func bootstrapAdmin(t *testing.T, dbURL, secret, email, pw string) {
	t.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.JWTSecret = secret
	cfg.DatabaseURL = dbURL
	cfg.Argon2MemoryKiB, cfg.Argon2Iterations, cfg.Argon2Parallelism = 8192, 1, 1
	quiet := slog.New(slog.DiscardHandler)
	store, err := regstack.OpenStore(ctx, dbURL, regstack.StoreOptions{Logger: quiet})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	rs, err := regstack.New(cfg, regstack.Options{Store: store, Logger: quiet})
	if err != nil {
		_ = store.Close()
		t.Fatalf("regstack.New: %v", err)
	}
	defer func() {
		if err := rs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	if err := rs.InstallSchema(ctx); err != nil {
		t.Fatalf("install schema: %v", err)
	}
	if _, created, err := rs.BootstrapAdmin(ctx, email, pw); err != nil || !created {
		t.Fatalf("bootstrap admin: created=%v, %v", created, err)
	}
}

// mfaLogin signs in through the MFA branch with the next sign-in code the
// server texts and returns the session token.
func mfaLogin(c *apiClient, logs *logReader, email, pw string) string {
	c.t.Helper()
	r := c.call("POST", "/login", "", map[string]any{"email": email, "password": pw})
	r.want(200)
	if r.body["status"] != "mfa_required" || r.body["delivery"] != "sms" {
		c.t.Fatalf("login answered %s, want mfa_required", r.raw)
	}
	s := c.call("POST", "/login/mfa-confirm", "", map[string]any{"mfa_pending_token": r.body["mfa_pending_token"], "code": logs.next(signInCode, 1)})
	s.want(200)
	tok, _ := s.body["access_token"].(string)
	if tok == "" {
		c.t.Fatalf("mfa-confirm answered %s", s.raw)
	}
	return tok
}

// rootID reads the caller's own id.
func rootID(c *apiClient, tok string) string {
	c.t.Helper()
	me := c.call("GET", "/me", tok, nil)
	me.want(200)
	id, _ := me.body["id"].(string)
	return id
}

// logReader hands out values from the server log in order: each regexp
// has its own cursor, so the n-th call returns the n-th match.
type logReader struct {
	t    *testing.T
	srv  *serveproc.Server
	seen map[*regexp.Regexp]int
}

// next waits for the next line re matches and returns its submatch group.
func (l *logReader) next(re *regexp.Regexp, group int) string {
	l.t.Helper()
	if l.seen == nil {
		l.seen = map[*regexp.Regexp]int{}
	}
	want := l.seen[re] + 1
	ctx, cancel := context.WithTimeout(l.t.Context(), 10*time.Second)
	defer cancel()
	n := 0
	line, err := l.srv.WaitForLine(ctx, func(s string) bool {
		if !re.MatchString(s) {
			return false
		}
		n++
		return n == want
	})
	if err != nil {
		l.t.Fatalf("no match #%d of %s in the log: %v\n%s", want, re, err, l.srv.Log())
	}
	l.seen[re] = want
	return re.FindStringSubmatch(line)[group]
}
