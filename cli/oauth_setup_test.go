package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	testClientID     = "12345-abc.apps.googleusercontent.com"
	testClientSecret = "GOCSPX-secretvalue1234"
)

// oauthSummary is the JSON `oauth setup --headless` prints.
type oauthSummary struct {
	ConfigPath       string `json:"config_path"`
	ConfigDiff       string `json:"config_diff"`
	SecretsPath      string `json:"secrets_path"`
	SecretsDiff      string `json:"secrets_diff"`
	ReplacedExisting bool   `json:"replaced_existing"`
	DryRun           bool   `json:"dry_run"`
}

func assertMissing(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists (stat error %v), want nothing written", p, err)
		}
	}
}

func TestOAuthSetupDryRunPrintsTheDiffAndWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	res := runRegstack(t, "", "oauth", "setup", "--dry-run", "--config", dir, "--client-id", testClientID, "--client-secret", testClientSecret)
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	want := "{\n" +
		`  "config_path": "` + filepath.Join(dir, "regstack.toml") + "\",\n" +
		`  "config_diff": "added [oauth] table",` + "\n" +
		`  "secrets_path": "` + filepath.Join(dir, "regstack.secrets.env") + "\",\n" +
		`  "secrets_diff": "added REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET",` + "\n" +
		`  "replaced_existing": false,` + "\n" +
		`  "dry_run": true` + "\n}\n"
	if res.stdout != want {
		t.Errorf("stdout =\n%s\nwant\n%s", res.stdout, want)
	}
	assertMissing(t, dir)
}

func TestOAuthSetupHeadlessWritesBothFiles(t *testing.T) {
	dir := t.TempDir()
	res := runRegstack(t, "", "oauth", "setup", "--headless", "--config", filepath.Join(dir, "regstack.toml"),
		"--client-id", testClientID, "--client-secret", testClientSecret, "--auto-link", "--mfa")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	var got oauthSummary
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.stdout)
	}
	want := oauthSummary{
		ConfigPath: filepath.Join(dir, "regstack.toml"), ConfigDiff: "added [oauth] table",
		SecretsPath: filepath.Join(dir, "regstack.secrets.env"), SecretsDiff: "added REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET",
	}
	if got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
	wantTOML := "enable_oauth = true\n\n[oauth]\ngoogle_client_id = \"" + testClientID + "\"\n" +
		"auto_link_verified_emails = true\nenforce_mfa_on_oauth_signin = true\n"
	if got := readTestFile(t, want.ConfigPath); got != wantTOML {
		t.Errorf("regstack.toml =\n%s\nwant\n%s", got, wantTOML)
	}
	if got := readTestFile(t, want.SecretsPath); got != "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+testClientSecret+"\n" {
		t.Errorf("regstack.secrets.env = %q", got)
	}
	if info, _ := os.Stat(want.SecretsPath); info.Mode().Perm() != 0o600 {
		t.Errorf("secrets mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestOAuthSetupHeadlessTwiceOverAHandEditedFileKeepsEveryUnrelatedByte(t *testing.T) {
	dir := t.TempDir()
	const before = "# Hand-written config — keep this comment.\napp_name = 'Mine'  # trailing\n" +
		"base_url = \"https://app.example.com\"\n\n[email]\n# relay\nbackend = \"smtp\"\nsmtp_host = \"mail.internal\"\n\n" +
		"[oauth]\ngoogle_client_id = \"old.apps.googleusercontent.com\"\nstate_ttl_seconds = 600\n\n[sms]\nbackend = \"null\" # note\n"
	const after = "# Hand-written config — keep this comment.\napp_name = 'Mine'  # trailing\n" +
		"base_url = \"https://app.example.com\"\nenable_oauth = true\n\n[email]\n# relay\nbackend = \"smtp\"\nsmtp_host = \"mail.internal\"\n\n" +
		"[oauth]\ngoogle_client_id = \"" + testClientID + "\"\nauto_link_verified_emails = false\nenforce_mfa_on_oauth_signin = false\n\n" +
		"[sms]\nbackend = \"null\" # note\n"
	writeTestFile(t, filepath.Join(dir, "regstack.toml"), before)
	writeTestFile(t, filepath.Join(dir, "regstack.secrets.env"), "# secrets\nREGSTACK_JWT_SECRET=x\n")
	for run := 1; run <= 2; run++ {
		res := runRegstack(t, "", "oauth", "setup", "--headless", "--config", dir, "--client-id", testClientID, "--client-secret", testClientSecret)
		if res.code != 0 {
			t.Fatalf("run %d: exit %d, stderr %q", run, res.code, res.stderr)
		}
		var got oauthSummary
		_ = json.Unmarshal([]byte(res.stdout), &got)
		if got.ConfigDiff != "replaced [oauth] table" || !got.ReplacedExisting {
			t.Errorf("run %d: summary = %+v, want the table replaced", run, got)
		}
		if got := readTestFile(t, filepath.Join(dir, "regstack.toml")); got != after {
			t.Errorf("run %d: regstack.toml =\n%s\nwant\n%s", run, got, after)
		}
		if got := readTestFile(t, filepath.Join(dir, "regstack.secrets.env")); got != "# secrets\nREGSTACK_JWT_SECRET=x\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+testClientSecret+"\n" {
			t.Errorf("run %d: regstack.secrets.env = %q", run, got)
		}
	}
}

func TestOAuthSetupRefusals(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{
			name:     "a bad client ID is a validation failure, exit 2",
			args:     []string{"--dry-run", "--client-id", "nope", "--client-secret", testClientSecret},
			wantCode: 2,
			wantStderr: "Validation failed:\n" +
				"  - client_id: Client ID must end with .apps.googleusercontent.com.\n",
		},
		{
			name:     "missing credentials report both fields",
			args:     []string{"--headless"},
			wantCode: 2,
			wantStderr: "Validation failed:\n" +
				"  - client_id: Client ID is required.\n" +
				"  - client_secret: Client secret is required.\n",
		},
		{
			name:       "a bad base URL fails before the credentials are looked at",
			args:       []string{"--headless", "--base-url", "localhost:8000"},
			wantCode:   2,
			wantStderr: "Validation failed:\n  - base_url: URL must start with http:// or https://.\n",
		},
		{
			name:       "--auto-link with --no-auto-link is a usage error",
			args:       []string{"--dry-run", "--auto-link", "--no-auto-link"},
			wantCode:   2,
			wantStderr: "Error: --auto-link and --no-auto-link are mutually exclusive.\n",
		},
		{
			name:       "--mfa with --no-mfa is a usage error",
			args:       []string{"--dry-run", "--mfa", "--no-mfa"},
			wantCode:   2,
			wantStderr: "Error: --mfa and --no-mfa are mutually exclusive.\n",
		},
		{
			name:       "--config with --target is a usage error",
			args:       []string{"--dry-run", "--target", "x"},
			wantCode:   2,
			wantStderr: "Error: --config and --target are mutually exclusive. Use --config (--target is the deprecated alias).\n",
		},
		{
			name:       "--browser with --headless is a usage error",
			args:       []string{"--headless", "--browser"},
			wantCode:   2,
			wantStderr: "Error: --browser and --headless are mutually exclusive.\n",
		},
		{
			name:       "a port out of range is a usage error",
			args:       []string{"--browser", "--port", "70000"},
			wantCode:   2,
			wantStderr: "Error: Invalid value for --port: 70000 is not a TCP port.\n",
		},
		{
			name:     "the window without a desktop build says to use --headless or --browser",
			args:     []string{},
			wantCode: 1,
			wantStderr: "Error: no window: this build or host cannot open a desktop window; " +
				"run the command with --headless (flags only) or --browser (the same UI in your browser)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			res := runRegstack(t, "", append([]string{"oauth", "setup", "--config", dir}, tt.args...)...)
			if res.code != tt.wantCode || res.stderr != tt.wantStderr || res.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant exit %d, stderr %q", res.code, res.stdout, res.stderr, tt.wantCode, tt.wantStderr)
			}
			assertMissing(t, filepath.Join(dir, "regstack.toml"), filepath.Join(dir, "regstack.secrets.env"))
		})
	}
}

func TestOAuthSetupDeprecatedAliases(t *testing.T) {
	dir := t.TempDir()
	res := runRegstack(t, "", "oauth", "setup", "--target", dir, "--print-only", "--client-id", testClientID, "--client-secret", testClientSecret)
	wantStderr := "Deprecation: --target is deprecated; use --config (accepts a file or a directory). --target will be removed in 1.0.\n" +
		"Deprecation: --print-only is deprecated; use --headless. --print-only will be removed in 1.0.\n"
	if res.code != 0 || res.stderr != wantStderr {
		t.Fatalf("exit %d, stderr %q\nwant 0, %q", res.code, res.stderr, wantStderr)
	}
	if !strings.Contains(readTestFile(t, filepath.Join(dir, "regstack.toml")), "google_client_id = \""+testClientID+"\"") {
		t.Error("--print-only did not write regstack.toml, as --headless does")
	}
}

func TestOAuthSetupReadsTheSecretOffTheCommandLine(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	writeTestFile(t, secretFile, "GOCSPX-from-a-file-123\n")
	tests := []struct {
		name  string
		stdin string
		env   string
		args  []string
		want  string
	}{
		{"from a file, without its final line break", "", "", []string{"--client-secret-file", secretFile}, "GOCSPX-from-a-file-123"},
		{"from standard input", "GOCSPX-from-stdin-456\r\n", "", []string{"--client-secret-file", "-"}, "GOCSPX-from-stdin-456"},
		{"from the environment", "", "GOCSPX-from-env-789", nil, "GOCSPX-from-env-789"},
		{"the flag wins over the environment", "", "GOCSPX-from-env-789", []string{"--client-secret", testClientSecret}, testClientSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET", tt.env)
			dir := t.TempDir()
			res := runRegstack(t, tt.stdin, append([]string{"oauth", "setup", "--headless", "--config", dir, "--client-id", testClientID}, tt.args...)...)
			if res.code != 0 {
				t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
			}
			if got := readTestFile(t, filepath.Join(dir, "regstack.secrets.env")); got != "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET="+tt.want+"\n" {
				t.Errorf("regstack.secrets.env = %q, want the secret %q", got, tt.want)
			}
		})
	}
	t.Run("a flag and a file together are a usage error", func(t *testing.T) {
		res := runRegstack(t, "", "oauth", "setup", "--dry-run", "--config", t.TempDir(), "--client-id", testClientID,
			"--client-secret", testClientSecret, "--client-secret-file", secretFile)
		if res.code != 2 || res.stderr != "Error: --client-secret and --client-secret-file are mutually exclusive.\n" {
			t.Errorf("exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

func TestOAuthSetupRefusesATOMLFileThatDoesNotParse(t *testing.T) {
	dir := t.TempDir()
	const broken = "app_name = \"x\"\n[oauth\n"
	writeTestFile(t, filepath.Join(dir, "regstack.toml"), broken)
	res := runRegstack(t, "", "oauth", "setup", "--headless", "--config", dir, "--client-id", testClientID, "--client-secret", testClientSecret)
	if res.code != 1 || !strings.HasPrefix(res.stderr, "error: regstack.toml is not valid TOML: line ") || strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want 1 and one line naming the file and line", res.code, res.stderr)
	}
	if got := readTestFile(t, filepath.Join(dir, "regstack.toml")); got != broken {
		t.Error("regstack.toml changed")
	}
	assertMissing(t, filepath.Join(dir, "regstack.secrets.env"))
}

// noBrowser puts a do-nothing xdg-open first on PATH, so --browser runs
// in a test do not open the developer's browser.
func noBrowser(t *testing.T) {
	t.Helper()
	bin := t.TempDir()
	writeTestFile(t, filepath.Join(bin, "xdg-open"), "#!/bin/sh\nexit 0\n")
	if err := os.Chmod(filepath.Join(bin, "xdg-open"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// startBrowserWizard runs `regstack args… --browser` until it prints its
// URL, and returns the URL and the channel its exit code arrives on.
func startBrowserWizard(t *testing.T, label string, args ...string) (string, <-chan int) {
	t.Helper()
	noBrowser(t)
	outR, outW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		code := Main(append(append([]string{"regstack"}, args...), "--browser"), strings.NewReader(""), outW, io.Discard)
		outW.Close()
		exit <- code
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("the wizard printed nothing (exit %d)", <-exit)
	}
	url, ok := strings.CutPrefix(lines.Text(), label+": ")
	if !ok {
		t.Fatalf("first line = %q, want %q", lines.Text(), label+": <url>")
	}
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "Opening the wizard in your browser") {
		t.Errorf("second line = %q", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	return url, exit
}

func TestOAuthSetupBrowserModeServesTheWizardUntilDone(t *testing.T) {
	dir := t.TempDir()
	url, exit := startBrowserWizard(t, "Wizard URL", "oauth", "setup", "--config", dir, "--api-prefix", "/auth")
	base, token, _ := strings.Cut(url, "/?token=")
	if !strings.HasPrefix(base, "http://127.0.0.1:") || len(token) != 43 {
		t.Fatalf("URL = %q, want http://127.0.0.1:<port>/?token=<43 characters>", url)
	}

	api := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("X-Wizard-Token", token)
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
	if code, body := api(http.MethodGet, "/api/state", ""); code != 200 || !strings.Contains(body, `"api_prefix":"/auth"`) {
		t.Errorf("GET /api/state = %d %s", code, body)
	}
	inputs := `{"base_url":"http://localhost:8000","client_id":"` + testClientID + `","client_secret":"` + testClientSecret + `"}`
	if code, body := api(http.MethodPost, "/api/write", inputs); code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("POST /api/write = %d %s", code, body)
	}
	if code, _ := api(http.MethodPost, "/api/done", "{}"); code != 200 {
		t.Errorf("POST /api/done = %d", code)
	}
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit %d, want 0 once the UI is done", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the wizard kept running after /api/done")
	}
	if !strings.Contains(readTestFile(t, filepath.Join(dir, "regstack.toml")), "[oauth]") {
		t.Error("regstack.toml has no [oauth] table")
	}
}

func TestOAuthSetupIsASubcommandOfOAuth(t *testing.T) {
	res := runRegstack(t, "", "oauth", "--help")
	if res.code != 0 || !strings.Contains(res.stdout, "setup") {
		t.Errorf("regstack oauth --help: exit %d\n%s", res.code, res.stdout)
	}
	res = runRegstack(t, "", "oauth", "setup", "--help")
	for _, flag := range []string{"--config", "--target", "--api-prefix", "--port", "--headless", "--dry-run", "--print-only",
		"--client-id", "--client-secret", "--client-secret-file", "--base-url", "--auto-link", "--no-auto-link", "--mfa", "--no-mfa", "--browser"} {
		if !strings.Contains(res.stdout, flag+" ") {
			t.Errorf("regstack oauth setup --help does not list %s", flag)
		}
	}
}
