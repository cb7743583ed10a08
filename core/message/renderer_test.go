package message_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/regstack/regstack/core/message"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// newRenderer builds a Renderer over dirs and fails the test on error.
func newRenderer(t *testing.T, dirs ...string) *message.Renderer {
	t.Helper()
	r, err := message.NewRenderer(dirs)
	if err != nil {
		t.Fatalf("NewRenderer(%q): %v", dirs, err)
	}
	return r
}

// hostDir writes files (name → content) into a fresh directory.
func hostDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// golden compares got with testdata/<name>.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

var emailKinds = []struct {
	kind string
	url  string
}{
	{"verification", "https://app.example.com/account/verify?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x"},
	{"password_reset", "https://app.example.com/account/reset-password?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.sig-_y"},
	{"email_change", "https://app.example.com/account/confirm-email-change?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzIn0.sig-_z"},
}

var names = []struct {
	variant  string
	fullName string
}{
	{"with_name", "Ada Lovelace"},
	{"without_name", ""},
}

func TestBundledEmailsMatchGoldenFiles(t *testing.T) {
	r := newRenderer(t)
	for _, k := range emailKinds {
		for _, n := range names {
			t.Run(k.kind+" "+n.variant, func(t *testing.T) {
				subject, text, html, err := r.Email(k.kind, message.EmailData{
					AppName: "Acme", FullName: n.fullName, URL: k.url, TTLMinutes: 30, TTLHours: 24,
				})
				if err != nil {
					t.Fatal(err)
				}
				golden(t, k.kind+"."+n.variant+".subject", subject)
				golden(t, k.kind+"."+n.variant+".txt", text)
				golden(t, k.kind+"."+n.variant+".html", html)
			})
		}
	}
}

func TestGreetingNamesTheUserOnlyWhenKnown(t *testing.T) {
	r := newRenderer(t)
	for _, n := range []struct{ fullName, want string }{
		{"Ada Lovelace", "Hi Ada Lovelace,\n"},
		{"", "Hi,\n"},
	} {
		for _, k := range emailKinds {
			_, text, html, err := r.Email(k.kind, message.EmailData{AppName: "Acme", FullName: n.fullName, URL: k.url, TTLMinutes: 5})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, n.want) {
				t.Errorf("%s text with full name %q starts %q, want %q", k.kind, n.fullName, text[:20], n.want)
			}
			wantHTML := "<p>" + strings.TrimSuffix(n.want, "\n") + "</p>"
			if !strings.Contains(html, wantHTML) {
				t.Errorf("%s html with full name %q lacks %q", k.kind, n.fullName, wantHTML)
			}
		}
	}
}

func TestTextBodyPutsTheLinkAloneOnAnIndentedLine(t *testing.T) {
	r := newRenderer(t)
	// The pattern `regstack validate` uses to scrape links (cli.md §6.3).
	scrape := regexp.MustCompile(`https?://[^\s>'"]+?\?token=[A-Za-z0-9._\-+/=%]+`)
	for _, k := range emailKinds {
		t.Run(k.kind, func(t *testing.T) {
			_, text, _, err := r.Email(k.kind, message.EmailData{AppName: "Acme", URL: k.url, TTLMinutes: 30, TTLHours: 24})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(strings.Split(text, "\n"), "  "+k.url) {
				t.Errorf("no line %q in:\n%s", "  "+k.url, text)
			}
			if got := scrape.FindString(text); got != k.url {
				t.Errorf("validate's pattern scrapes %q, want %q", got, k.url)
			}
		})
	}
}

func TestBundledSMSMatchGoldenFilesAndValidatePatterns(t *testing.T) {
	r := newRenderer(t)
	tests := []struct {
		kind    string
		pattern string
	}{
		{"login_mfa", `sign-in code:\s*(\d{4,10})`},
		{"phone_setup", `verification code:\s*(\d{4,10})`},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			body, err := r.SMS(tt.kind, message.SMSData{AppName: "Acme", Code: "042917", TTLMinutes: 5})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "sms_"+tt.kind, body)
			m := regexp.MustCompile(tt.pattern).FindStringSubmatch(body)
			if m == nil || m[1] != "042917" {
				t.Errorf("pattern %s finds %q in %q, want the code", tt.pattern, m, body)
			}
		})
	}
}

func TestSMSIsTrimmed(t *testing.T) {
	dir := hostDir(t, map[string]string{"sms_login_mfa.txt": "\n\n  code {{.code}}  \n\n"})
	body, err := newRenderer(t, dir).SMS("login_mfa", message.SMSData{Code: "123456"})
	if err != nil {
		t.Fatal(err)
	}
	if body != "code 123456" {
		t.Errorf("SMS = %q, want %q", body, "code 123456")
	}
}

func TestHostDirOverridesExactlyTheNamedTemplate(t *testing.T) {
	bundled := newRenderer(t)
	dir := hostDir(t, map[string]string{"verification.txt": "OVERRIDDEN {{.app_name}} {{.url}}"})
	host := newRenderer(t, dir)
	d := message.EmailData{AppName: "Acme", FullName: "Ada", URL: "https://x.example/verify?token=t", TTLMinutes: 30, TTLHours: 24}

	wantSubject, _, wantHTML, err := bundled.Email("verification", d)
	if err != nil {
		t.Fatal(err)
	}
	subject, text, html, err := host.Email("verification", d)
	if err != nil {
		t.Fatal(err)
	}
	if text != "OVERRIDDEN Acme https://x.example/verify?token=t" {
		t.Errorf("overridden text = %q", text)
	}
	if subject != wantSubject || html != wantHTML {
		t.Errorf("subject or HTML changed although only verification.txt was overridden")
	}

	for _, kind := range []string{"password_reset", "email_change"} {
		_, wantText, _, _ := bundled.Email(kind, d)
		_, gotText, _, err := host.Email(kind, d)
		if err != nil {
			t.Fatal(err)
		}
		if gotText != wantText {
			t.Errorf("%s text changed although only verification.txt was overridden", kind)
		}
	}
}

func TestFirstHostDirWins(t *testing.T) {
	first := hostDir(t, map[string]string{"sms_phone_setup.txt": "first {{.code}}"})
	second := hostDir(t, map[string]string{
		"sms_phone_setup.txt": "second {{.code}}",
		"sms_login_mfa.txt":   "second login {{.code}}",
	})
	missing := filepath.Join(t.TempDir(), "does-not-exist")
	r := newRenderer(t, missing, first, second)

	tests := []struct{ kind, want string }{
		{"phone_setup", "first 1234"},
		{"login_mfa", "second login 1234"},
	}
	for _, tt := range tests {
		got, err := r.SMS(tt.kind, message.SMSData{Code: "1234"})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("SMS(%s) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestHostTemplatesMayUseGoFieldNames(t *testing.T) {
	dir := hostDir(t, map[string]string{
		"email_change.subject.txt": "{{.AppName}} {{.FullName}} {{.TTLMinutes}} {{.TTLHours}}",
		"sms_login_mfa.txt":        "{{.AppName}} {{.Code}} {{.TTLMinutes}}",
	})
	r := newRenderer(t, dir)
	subject, _, _, err := r.Email("email_change", message.EmailData{AppName: "Acme", FullName: "Ada", TTLMinutes: 7, TTLHours: 1})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Acme Ada 7 1" {
		t.Errorf("subject = %q", subject)
	}
	body, err := r.SMS("login_mfa", message.SMSData{AppName: "Acme", Code: "99", TTLMinutes: 3})
	if err != nil {
		t.Fatal(err)
	}
	if body != "Acme 99 3" {
		t.Errorf("SMS = %q", body)
	}
}

func TestBrokenHostTemplatesAreReportedByFile(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		atParse bool
	}{
		{"a text template that does not parse fails NewRenderer", "verification.txt", "Hi {{.app_name", true},
		{"an HTML template that does not parse fails NewRenderer", "password_reset.html", "<p>{{if .url}}</p>", true},
		{"an unknown field fails the render", "email_change.txt", "{{.no_such_field}}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := hostDir(t, map[string]string{tt.file: tt.content})
			path := filepath.Join(dir, tt.file)
			r, err := message.NewRenderer([]string{dir})
			if tt.atParse {
				if err == nil || !strings.Contains(err.Error(), path) {
					t.Fatalf("NewRenderer error = %v, want one naming %s", err, path)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kind := strings.TrimSuffix(tt.file, filepath.Ext(tt.file))
			_, _, _, err = r.Email(kind, message.EmailData{AppName: "Acme"})
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("Email error = %v, want one naming %s", err, path)
			}
		})
	}
}

func TestSubjectIsTrimmedAndLosesLineBreaks(t *testing.T) {
	tests := []struct {
		name    string
		host    map[string]string
		appName string
		want    string
	}{
		{
			name:    "line breaks in app_name cannot add a header",
			appName: "Acme\r\nBcc: victim@example.com",
			want:    "Confirm your AcmeBcc: victim@example.com account",
		},
		{
			name:    "a host subject over several lines becomes one",
			host:    map[string]string{"password_reset.subject.txt": "\n  Reset\r\n {{.app_name}}\n\n"},
			appName: "Acme",
			want:    "Reset Acme",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dirs []string
			kind := "verification"
			if tt.host != nil {
				dirs = append(dirs, hostDir(t, tt.host))
				kind = "password_reset"
			}
			subject, _, _, err := newRenderer(t, dirs...).Email(kind, message.EmailData{AppName: tt.appName})
			if err != nil {
				t.Fatal(err)
			}
			if subject != tt.want {
				t.Errorf("subject = %q, want %q", subject, tt.want)
			}
			if err := message.CheckHeaderValues(subject); err != nil {
				t.Errorf("rendered subject refused by CheckHeaderValues: %v", err)
			}
		})
	}
}

func TestHTMLEscapesValuesButTextDoesNot(t *testing.T) {
	const evil = `<script>alert("x")</script>`
	_, text, html, err := newRenderer(t).Email("verification", message.EmailData{
		AppName: "Acme", FullName: evil, URL: "https://x.example/verify?token=t",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("HTML body contains an unescaped <script>:\n%s", html)
	}
	if !strings.Contains(html, "Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;,") {
		t.Errorf("HTML body lacks the escaped name:\n%s", html)
	}
	if !strings.HasPrefix(text, "Hi "+evil+",") {
		t.Errorf("text body altered the name: %q", text)
	}
}

func TestHTMLRefusesScriptURLs(t *testing.T) {
	_, _, html, err := newRenderer(t).Email("password_reset", message.EmailData{AppName: "Acme", URL: "javascript:alert(1)"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, `href="javascript:`) {
		t.Errorf("HTML body links to a javascript: URL:\n%s", html)
	}
}

func TestUnknownKindsAreErrors(t *testing.T) {
	r := newRenderer(t)
	if _, _, _, err := r.Email("welcome", message.EmailData{}); err == nil {
		t.Error(`Email("welcome") succeeded`)
	}
	if _, _, _, err := r.Email("sms_login_mfa", message.EmailData{}); err == nil {
		t.Error(`Email("sms_login_mfa") succeeded`)
	}
	if _, err := r.SMS("verification", message.SMSData{}); err == nil {
		t.Error(`SMS("verification") succeeded`)
	}
}

func TestUnreadableHostDirIsAnError(t *testing.T) {
	// A file where a directory is expected cannot be searched; saying so
	// beats silently serving bundled texts the host meant to replace.
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := message.NewRenderer([]string{file})
	if err == nil {
		t.Fatal("NewRenderer accepted a file as a template directory")
	}
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v reads as not-exist", err)
	}
}

func TestRendererIsSafeForConcurrentUse(t *testing.T) {
	r := newRenderer(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if _, _, _, err := r.Email(emailKinds[i%3].kind, message.EmailData{AppName: "Acme", URL: emailKinds[i%3].url}); err != nil {
					t.Error(err)
					return
				}
				if _, err := r.SMS("login_mfa", message.SMSData{AppName: "Acme", Code: "1"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
