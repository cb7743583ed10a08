package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
)

// doctorRun runs `regstack doctor --config <dir> args…`.
func doctorRun(t *testing.T, in testInstall, args ...string) cliResult {
	t.Helper()
	return runRegstack(t, "", append([]string{"doctor", "--config", in.dir}, args...)...)
}

// wantLines checks that every line of want appears, in order, among the
// lines of got.
func wantLines(t *testing.T, got string, want ...string) {
	t.Helper()
	have := lines(got)
	i := 0
	for _, w := range want {
		j := slices.Index(have[i:], w)
		if j < 0 {
			t.Errorf("missing line (in this order) %q in:\n%s", w, got)
			return
		}
		i += j + 1
	}
}

func TestDoctorOnAFreshSQLiteConfigFailsTheSchema(t *testing.T) {
	in := newTestInstall(t, "", "")
	res := doctorRun(t, in)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout,
		"✔ jwt secret: present (40 chars)",
		"✘ backend: sqlite unreachable: database file "+in.dbPath+" does not exist",
		"✘ schema: alembic_version table missing (run `regstack migrate`); bundled head is "+sqlstore.HeadRevision,
		"✔ email backend: console → regstack.ConsoleMailer",
	)
	if !strings.Contains(res.stderr, "2 check(s) failed.") {
		t.Errorf("stderr = %q, want the failure count", res.stderr)
	}
	if _, err := os.Stat(in.dbPath); err == nil {
		t.Errorf("doctor created %s", in.dbPath)
	}
}

func TestDoctorOnAnEmptyDatabaseFailsOnlyTheSchema(t *testing.T) {
	in := newTestInstall(t, "", "")
	writeTestFile(t, in.dbPath, "") // SQLite treats an empty file as an empty database
	res := doctorRun(t, in)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", res.code, res.stdout)
	}
	wantLines(t, res.stdout,
		"✔ backend: sqlite reachable",
		"✘ schema: alembic_version table missing (run `regstack migrate`); bundled head is "+sqlstore.HeadRevision,
	)
	if fi, err := os.Stat(in.dbPath); err != nil || fi.Size() != 0 {
		t.Errorf("doctor wrote to the database file (size %v, err %v)", fi.Size(), err)
	}
}

func TestDoctorAfterMigratingPassesEveryCheck(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	res := doctorRun(t, in)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	want := []string{
		"✔ jwt secret: present (40 chars)",
		"✔ backend: sqlite reachable",
		"✔ schema: at head (" + sqlstore.HeadRevision + ")",
		"✔ email backend: console → regstack.ConsoleMailer",
	}
	if got := lines(res.stdout); !slices.Equal(got, want) {
		t.Errorf("stdout lines =\n%q\nwant\n%q", got, want)
	}
	if res.stderr != "" {
		t.Errorf("stderr = %q, want nothing", res.stderr)
	}
}

func TestDoctorReportsAnOldSchemaRevision(t *testing.T) {
	in := newTestInstall(t, "", "")
	st := in.open(t)
	migrator, ok := st.(interface {
		Migrate(ctx context.Context, target string) error
	})
	if !ok {
		t.Fatalf("%T cannot migrate to a revision", st)
	}
	if err := migrator.Migrate(context.Background(), "0001"); err != nil {
		t.Fatal(err)
	}
	res := doctorRun(t, in)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", res.code, res.stdout)
	}
	wantLines(t, res.stdout, "✘ schema: deployed revision 0001 ≠ bundled head "+sqlstore.HeadRevision+" (run `regstack migrate`)")
}

func TestDoctorConfigErrors(t *testing.T) {
	t.Run("a --config that names no file is a usage error", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "absent")
		res := runRegstack(t, "", "doctor", "--config", missing)
		want := "Error: config file not found: " + missing
		if res.code != 2 || !strings.Contains(res.stderr, want) {
			t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, want)
		}
	})
	t.Run("a configuration that does not load is a failed check", func(t *testing.T) {
		in := newTestInstall(t, `jwt_ttl_seconds = "soon"`, "")
		res := doctorRun(t, in)
		if res.code != 1 || !strings.HasPrefix(res.stdout, "✘ config: invalid configuration: ") || !strings.Contains(res.stdout, "jwt_ttl_seconds") {
			t.Errorf("exit %d, stdout %q; want 1 and a ✘ config line naming jwt_ttl_seconds", res.code, res.stdout)
		}
		if !strings.Contains(res.stderr, "1 check(s) failed.") {
			t.Errorf("stderr = %q", res.stderr)
		}
	})
}

func TestDoctorWarningsDoNotFail(t *testing.T) {
	in := newTestInstall(t, `jwt_secret = "`+strings.Repeat("t", 48)+`"
enable_sms_2fa = true
base_url = "https://app.example.com"
no_such_key = 1`, "")
	in.migrate(t)
	res := doctorRun(t, in)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s", res.code, res.stdout)
	}
	toml := filepath.Join(in.dir, "regstack.toml")
	wantLines(t, res.stdout,
		"⚠ config: "+toml+":8: no_such_key: unknown key; ignored",
		"⚠ config: "+toml+":5: jwt_secret: secret stored in regstack.toml; move it to regstack.secrets.env (mode 0600) or the environment",
		`⚠ config: enable_sms_2fa is on but sms.backend = "null": sign-in codes are never delivered; probing SMS with `+"`regstack validate`"+` needs sms.log_bodies = true`,
		`⚠ config: email.backend = "console" with an https base_url: email is only logged, never delivered`,
	)
	if !strings.Contains(res.stderr, "\n4 advisory warning(s).") || strings.Contains(res.stderr, "failed") {
		t.Errorf("stderr = %q, want 4 advisory warnings and no failure", res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, strings.Repeat("t", 48)) || strings.Contains(res.stdout+res.stderr, testJWTSecret) {
		t.Error("a JWT secret was printed")
	}
}

func TestDoctorJWTSecretCheck(t *testing.T) {
	tests := []struct {
		name, secret string
		want         checkResult
	}{
		{"an empty secret is missing", "", checkResult{"jwt secret", markFail, "missing — run `regstack init`"}},
		{"31 characters is too short", strings.Repeat("s", 31), checkResult{"jwt secret", markFail, "too short (31 chars; need ≥32)"}},
		{"length counts characters, not bytes", strings.Repeat("é", 31), checkResult{"jwt secret", markFail, "too short (31 chars; need ≥32)"}},
		{"32 characters is enough", strings.Repeat("s", 32), checkResult{"jwt secret", markPass, "present (32 chars)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.JWTSecret = tt.secret
			if got := checkJWTSecret(cfg); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDoctorNeverPrintsTheDatabasePassword(t *testing.T) {
	const password = "S3cr3t-Pa55word"
	in := newTestInstall(t, "", "", "REGSTACK_DATABASE_URL=postgresql://app:"+password+"@127.0.0.1:1/app?connect_timeout=1")
	res := doctorRun(t, in)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.stdout, "✘ backend: postgres unreachable: ") {
		t.Errorf("stdout = %q, want the backend to fail", res.stdout)
	}
	if strings.Contains(res.stdout+res.stderr, password) {
		t.Errorf("the database password was printed:\n%s\n%s", res.stdout, res.stderr)
	}
}

func TestDoctorFailsAnEmailBackendThatCannotBeBuilt(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	// An SMTP backend without a host cannot be built (cli.md §5.2, check 5).
	toml := filepath.Join(in.dir, "regstack.toml")
	data, err := os.ReadFile(toml)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, toml, strings.Replace(string(data), `backend = "console"`, `backend = "smtp"`, 1))
	res := doctorRun(t, in)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", res.code, res.stdout)
	}
	wantLines(t, res.stdout, "✘ config: EmailConfig.smtp_host is required for the SMTP backend.")
	if !strings.Contains(res.stdout, "✘ email backend: backend 'smtp' failed to instantiate: ") {
		t.Errorf("stdout = %q, want the email backend to fail", res.stdout)
	}
}

func TestDoctorSendsTheProbeEmail(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	res := doctorRun(t, in, "--send-test-email", "alice@example.com")
	if res.code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout,
		"✔ email backend: console → regstack.ConsoleMailer",
		"✔ email send: probe delivered to alice@example.com via console",
	)
	want := "[regstack/console-email] To: alice@example.com | From: DoctorTest <noreply@mail.example.com> | Subject: [DoctorTest] regstack doctor probe"
	if !strings.Contains(res.stderr, want) {
		t.Errorf("stderr = %q, want the console mailer's line %q", res.stderr, want)
	}

	t.Run("a message the backend refuses fails the check", func(t *testing.T) {
		res := doctorRun(t, in, "--send-test-email", "alice@example.com\r\nBcc: x@example.com")
		if res.code != 1 || !strings.Contains(res.stdout, "✘ email send: send failed: ") {
			t.Errorf("exit %d, stdout %q; want 1 and a failed send", res.code, res.stdout)
		}
	})
}

func TestDoctorConfigAdvisories(t *testing.T) {
	tests := []struct {
		name   string
		change func(*config.Config)
		want   []checkResult
	}{
		{"the defaults give none", func(*config.Config) {}, nil},
		{"SMS 2FA with the null backend", func(c *config.Config) { c.EnableSMS2FA = true },
			[]checkResult{{"config", markWarn, `enable_sms_2fa is on but sms.backend = "null": sign-in codes are never delivered; probing SMS with ` + "`regstack validate`" + ` needs sms.log_bodies = true`}}},
		{"OAuth without a client secret", func(c *config.Config) {
			c.EnableOAuth = true
			id := "1-abc.apps.googleusercontent.com"
			c.OAuth.GoogleClientID = &id
		}, []checkResult{{"config", markWarn, "enable_oauth is on but oauth.google_client_id and oauth.google_client_secret are not both set: the OAuth router is not mounted"}}},
		{"OAuth with both credentials", func(c *config.Config) {
			c.EnableOAuth = true
			id, secret := "1-abc.apps.googleusercontent.com", "GOCSPX-x"
			c.OAuth.GoogleClientID, c.OAuth.GoogleClientSecret = &id, &secret
		}, nil},
		{"console email behind https", func(c *config.Config) { c.BaseURL = "HTTPS://app.example.com" },
			[]checkResult{{"config", markWarn, `email.backend = "console" with an https base_url: email is only logged, never delivered`}}},
		{"Twilio without credentials fails", func(c *config.Config) {
			from := "+15550100"
			c.SMS.Backend, c.SMS.FromNumber = "twilio", &from
		}, []checkResult{{"config", markFail, "Twilio backend needs both twilio_account_sid and twilio_auth_token."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.JWTSecret = testJWTSecret
			tt.change(&cfg)
			got := configChecks(cfg, &config.Report{})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// mongoLikeStore stands in for the MongoDB adapter's optional reports
// (MissingIndexes, ServerVersion, SecantusVersion), which the doctor reaches
// by type assertion; the embedded Store is never called.
type mongoLikeStore struct {
	regstack.Store
	missing  []string
	version  string
	secantus string
}

func (s mongoLikeStore) MissingIndexes(context.Context) ([]string, error) { return s.missing, nil }
func (s mongoLikeStore) ServerVersion(context.Context) (string, error)    { return s.version, nil }
func (s mongoLikeStore) SecantusVersion(context.Context) (string, error)  { return s.secantus, nil }

func TestDoctorMongoChecks(t *testing.T) {
	ctx := context.Background()
	t.Run("missing core indexes fail the schema check", func(t *testing.T) {
		b := backendState{kind: "mongo", store: mongoLikeStore{missing: []string{"people.email_unique", "token_blacklist.jti_unique"}}}
		want := checkResult{"schema", markFail, "missing: people.email_unique, token_blacklist.jti_unique (call install_schema)"}
		if got := checkSchema(ctx, b); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("present core indexes pass", func(t *testing.T) {
		b := backendState{kind: "mongo", store: mongoLikeStore{}}
		want := checkResult{"schema", markPass, "core indexes present"}
		if got := checkSchema(ctx, b); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("a vulnerable server is an advisory", func(t *testing.T) {
		got, ok := checkMongoServer(ctx, backendState{kind: "mongo", store: mongoLikeStore{version: "7.0.5"}})
		if !ok || got.mark != markWarn || !strings.Contains(got.detail, "vulnerable to CVE-2025-14847") {
			t.Errorf("got %+v (%v), want a ⚠", got, ok)
		}
	})
	t.Run("SecantusDB is reported as such", func(t *testing.T) {
		got, _ := checkMongoServer(ctx, backendState{kind: "mongo", store: mongoLikeStore{version: "7.0.0", secantus: "0.4.1"}})
		want := checkResult{"mongo server", markPass, "SecantusDB 0.4.1 (MongoDB 7.0 compatibility)"}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("SQL backends have no mongo server line", func(t *testing.T) {
		if _, ok := checkMongoServer(ctx, backendState{kind: "sqlite", store: mongoLikeStore{version: "7.0.5"}}); ok {
			t.Error("a sqlite backend got a mongo server line")
		}
	})
}

func TestDoctorDirectoryWithoutTOMLIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	res := runRegstack(t, "", "doctor", "--config", dir)
	want := "Error: config file not found: " + filepath.Join(dir, "regstack.toml")
	if res.code != 2 || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", res.code, res.stderr, want)
	}
}
