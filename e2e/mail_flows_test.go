package e2e_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/smtp/mailpittest"
	_ "github.com/regstack/regstack/adapters/sqlite"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// mailAppName names the app in the mail flow servers; the subjects of
// ui.md §11 carry it.
const mailAppName = "Mail Flow Test"

// mailTOML is the part of regstack.toml every server of these tests
// shares: a known secret and cheap Argon2, so sign-ups stay fast under
// -race.
const mailTOML = `app_name = "` + mailAppName + `"
jwt_secret = "mail-flow-test-secret-0123456789-abcdefghij"
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1
`

// TestMailFlowsThroughSMTP runs `regstack serve` with the smtp backend
// pointed at Mailpit and follows every email flow from the request that
// sends the message to the link inside it.
func TestMailFlowsThroughSMTP(t *testing.T) {
	mp := mailpittest.Instance(t, mailpittest.Plain)
	bin := buildRegstack(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "regstack.toml"), mailTOML+fmt.Sprintf(`
[email]
backend = "smtp"
from_address = "accounts@example.com"
from_name = "Mail Flow Accounts"
smtp_host = %q
smtp_port = %d
smtp_tls = "none"
smtp_timeout_seconds = 10
`, mp.Host, mp.Port), 0o644)
	srv := startServe(t, bin, dir)
	c := &apiClient{t: t, base: srv.URL + "/api/auth"}

	t.Run("registering sends the verification email whose link verifies the account", func(t *testing.T) {
		t.Parallel()
		email, pw := uniqueEmail("verify"), "correct horse 1"
		c.call("POST", "/register", "", map[string]any{"email": email, "password": pw}).want(201)

		token := followMail(t, mp, srv, email, "Confirm your "+mailAppName+" account", "/account/verify")
		got := c.call("POST", "/verify", "", map[string]any{"token": token})
		got.want(200)
		if got.body["email"] != email || got.body["is_verified"] != true {
			t.Fatalf("verify answered %s, want the verified user %s", got.raw, email)
		}
		c.login(email, pw)
	})

	t.Run("forgot-password sends the reset email whose link sets a new password", func(t *testing.T) {
		t.Parallel()
		email, oldPW, newPW := uniqueEmail("reset"), "correct horse 1", "battery staple 2"
		registerVerified(t, c, mp, srv, email, oldPW)

		c.call("POST", "/forgot-password", "", map[string]any{"email": email}).want(202)
		token := followMail(t, mp, srv, email, "Reset your "+mailAppName+" password", "/account/reset-password")
		c.call("POST", "/reset-password", "", map[string]any{"token": token, "new_password": newPW}).want(200)
		c.call("POST", "/login", "", map[string]any{"email": email, "password": oldPW}).
			wantDetailPrefix(401, "Invalid email or password.")
		c.login(email, newPW)
	})

	t.Run("change-email mails the new address a link that moves the account", func(t *testing.T) {
		t.Parallel()
		oldEmail, newEmail, pw := uniqueEmail("old"), uniqueEmail("new"), "correct horse 1"
		registerVerified(t, c, mp, srv, oldEmail, pw)
		session := c.login(oldEmail, pw)

		c.call("POST", "/change-email", session, map[string]any{"new_email": newEmail, "current_password": pw}).want(202)
		subject := "Confirm your new " + mailAppName + " email address"
		token := followMail(t, mp, srv, newEmail, subject, "/account/confirm-email-change")
		if n := mp.Count(t, oldEmail); n != 1 {
			t.Errorf("the old address received %d messages, want only its verification email", n)
		}
		got := c.call("POST", "/confirm-email-change", "", map[string]any{"token": token})
		got.want(200)
		if got.body["email"] != newEmail {
			t.Fatalf("confirm-email-change answered %s, want the user with %s", got.raw, newEmail)
		}
		c.login(newEmail, pw)
	})
}

// registerVerified signs up email and verifies it through the emailed
// link.
func registerVerified(t *testing.T, c *apiClient, mp mailpittest.Server, srv *serveproc.Server, email, pw string) {
	t.Helper()
	c.call("POST", "/register", "", map[string]any{"email": email, "password": pw}).want(201)
	token := followMail(t, mp, srv, email, "Confirm your "+mailAppName+" account", "/account/verify")
	c.call("POST", "/verify", "", map[string]any{"token": token}).want(200)
}

// mailLink matches a link of these servers; the groups are the origin,
// the path and the token.
var mailLink = regexp.MustCompile(`(http://[^/\s"<>]+)(/[^?\s"<>]*)\?token=([A-Za-z0-9_.-]+)`)

// followMail waits for the one message to `to` with subject, checks its
// sender and both parts, and returns the token of the link it carries,
// which must point at srv's path. The text and HTML parts must carry the
// same link.
func followMail(t *testing.T, mp mailpittest.Server, srv *serveproc.Server, to, subject, path string) string {
	t.Helper()
	msg := mp.WaitFor(t, to, subject)
	if want := (mailpittest.Address{Name: "Mail Flow Accounts", Address: "accounts@example.com"}); msg.From != want {
		t.Errorf("From = %+v, want %+v", msg.From, want)
	}
	if len(msg.To) != 1 || msg.To[0].Address != to {
		t.Errorf("To = %+v, want only %s", msg.To, to)
	}
	if msg.MessageID == "" {
		t.Error("the message has no Message-ID")
	}
	m := mailLink.FindStringSubmatch(msg.Text)
	if m == nil {
		t.Fatalf("the text part holds no link:\n%s", msg.Text)
	}
	if m[1] != srv.URL || m[2] != path {
		t.Errorf("the link goes to %s%s, want %s%s", m[1], m[2], srv.URL, path)
	}
	if !strings.Contains(msg.HTML, m[0]) {
		t.Errorf("the HTML part does not carry the link %s:\n%s", m[0], msg.HTML)
	}
	return m[3]
}

// uniqueEmail is an address no other test run uses, so tests can share
// one Mailpit.
func uniqueEmail(prefix string) string {
	return fmt.Sprintf("%s-%s@example.com", prefix, strings.ToLower(rand.Text()))
}

// TestMailAndSMSLogBodies runs `regstack serve` with the console email and
// null SMS backends and checks what their log lines show: the email text
// body (it holds a live link) and the SMS body (it holds a code) appear at
// INFO only when email.log_bodies / sms.log_bodies say so (config.md
// §2.8–2.9, ui.md §12).
func TestMailAndSMSLogBodies(t *testing.T) {
	bin := buildRegstack(t)
	tests := []struct {
		name      string
		logBodies string // the value of both keys in regstack.toml; "" leaves them unset
		wantBody  bool
	}{
		{name: "unset keys keep both bodies out of the log", logBodies: "", wantBody: false},
		{name: "log_bodies = false keeps both bodies out of the log", logBodies: "false", wantBody: false},
		{name: "log_bodies = true logs both bodies at INFO", logBodies: "true", wantBody: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// Without verification the account exists at once, so the
			// sign-in below can reach the MFA step.
			toml := mailTOML + "require_verification = false\n[email]\nbackend = \"console\"\n[sms]\nbackend = \"null\"\n"
			if tt.logBodies != "" {
				toml = mailTOML + "require_verification = false\n[email]\nbackend = \"console\"\nlog_bodies = " + tt.logBodies +
					"\n[sms]\nbackend = \"null\"\nlog_bodies = " + tt.logBodies + "\n"
			}
			writeFile(t, filepath.Join(dir, "regstack.toml"), toml, 0o644)
			srv := startServe(t, bin, dir)
			c := &apiClient{t: t, base: srv.URL + "/api/auth"}
			email, pw := uniqueEmail("logs"), "correct horse 1"

			// The console mailer logs before the request answers, so the
			// log is complete once the answer is here.
			c.call("POST", "/register", "", map[string]any{"email": email, "password": pw}).want(201)
			c.call("POST", "/forgot-password", "", map[string]any{"email": email}).want(202)
			log := srv.Log()
			header := "[regstack/console-email] To: " + email + " | From: " + mailAppName + " <noreply@example.com> | Subject: Reset your " + mailAppName + " password"
			if !strings.Contains(log, header) {
				t.Fatalf("no console-email line %q at INFO:\n%s", header, log)
			}
			hasLink := regexp.MustCompile(`/reset-password\?token=`).MatchString(log)
			hasBodyMarker := strings.Contains(log, "[regstack/console-email] text body:")
			if hasLink != tt.wantBody || hasBodyMarker != tt.wantBody {
				t.Fatalf("email body in the log: link %v, body marker %v; want %v\n%s", hasLink, hasBodyMarker, tt.wantBody, log)
			}

			// A user with a phone and MFA on gets a sign-in code by SMS.
			const phone = "+15555550123"
			enableMFA(t, dir, email, phone)
			got := c.call("POST", "/login", "", map[string]any{"email": email, "password": pw})
			got.want(200)
			if got.body["status"] != "mfa_required" {
				t.Fatalf("login answered %s, want status mfa_required", got.raw)
			}
			log = srv.Log()
			smsLine := regexp.MustCompile(`\[regstack/null-sms\] To: ` + regexp.QuoteMeta(phone) + ` \| From: \(unset\) \| ([^"\n]*)`).FindStringSubmatch(log)
			if smsLine == nil {
				t.Fatalf("no null-sms line for %s at INFO:\n%s", phone, log)
			}
			code := regexp.MustCompile(`sign-in code: (\d{4,10})`).FindStringSubmatch(smsLine[1])
			switch {
			case tt.wantBody && (code == nil || !strings.HasPrefix(smsLine[1], "Body: "+mailAppName+" sign-in code: ")):
				t.Fatalf("null-sms line %q, want the body with the sign-in code", smsLine[0])
			case !tt.wantBody && smsLine[1] != "(body suppressed)":
				t.Fatalf("null-sms line %q, want it to end in (body suppressed)", smsLine[0])
			}
			if tt.wantBody {
				// The logged code is the real one: it completes the sign-in.
				c.call("POST", "/login/mfa-confirm", "", map[string]any{
					"mfa_pending_token": got.body["mfa_pending_token"], "code": code[1],
				}).want(200)
			}
		})
	}
}

// enableMFA gives the user with email a phone number and turns MFA on, in
// the database of the server running in dir: the phone routes need the
// code that a suppressed SMS body keeps out of reach.
func enableMFA(t *testing.T, dir, email, phone string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	abs, err := filepath.Abs(filepath.Join(dir, "regstack.db"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := regstack.OpenStore(ctx, "sqlite:///"+abs, regstack.StoreOptions{})
	if err != nil {
		t.Fatalf("open the server's database: %v", err)
	}
	defer store.Close()
	u, err := store.Users().GetByEmail(ctx, email)
	if err != nil || u == nil {
		t.Fatalf("look up %s: %v (user %v)", email, err, u)
	}
	if err := store.Users().SetPhone(ctx, u.ID, &phone); err != nil {
		t.Fatal(err)
	}
	if err := store.Users().SetMFAEnabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
}
