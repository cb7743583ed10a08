package e2e_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// With Google's own endpoints (nothing overridden) and a dummy client, the
// OAuth phase checks the 302 to accounts.google.com — validate's default
// --oauth-host — and never follows it, so the run needs no network.
func TestValidateChecksTheGoogleRedirectWithoutFollowingIt(t *testing.T) {
	t.Parallel()
	bin := buildRegstack(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "regstack.toml"), `database_url = "sqlite:///`+filepath.Join(dir, "regstack.db")+`"
enable_oauth = true
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1

[email]
backend = "console"
log_bodies = true

[oauth]
google_client_id = "dummy-client-id.apps.googleusercontent.com"
`, 0o644)
	writeFile(t, filepath.Join(dir, "regstack.secrets.env"),
		"REGSTACK_JWT_SECRET=validate-e2e-secret-0123456789-abcdefghij\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=dummy-client-secret\n", 0o600)
	srv := startServe(t, bin, dir)

	run := runValidate(t, bin, nil, "--url", srv.URL+"/api/auth", "--log-source", "file:"+srv.LogPath,
		"--skip", "account,reset,sms", "--json")
	if run.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", run.code, run.stdout, run.stderr)
	}
	c := check(t, run.report(t), "oauth:start")
	if !c.OK || !strings.HasPrefix(c.Detail, "302 to accounts.google.com with client_id + state (client_id=dummy-cl") {
		t.Errorf("oauth:start = %+v; want ✔ with the 302 to accounts.google.com", c)
	}
}
