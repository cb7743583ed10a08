package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regstack/regstack/adapters/smtp/mailpittest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The doctor against real servers: the Mailpit and FerretDB (or MongoDB)
// instances scripts/services.d starts.

// randomHex is n random bytes in hex, for names no other run uses.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// smtpInstall is a migrated SQLite install whose email backend is SMTP to
// host:port with smtp_tls = "none".
func smtpInstall(t *testing.T, host string, port int) testInstall {
	t.Helper()
	in := newTestInstall(t, "", fmt.Sprintf("smtp_host = %q\nsmtp_port = %d\nsmtp_tls = \"none\"\n", host, port))
	toml := filepath.Join(in.dir, "regstack.toml")
	data, err := os.ReadFile(toml)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, toml, strings.Replace(string(data), `backend = "console"`, `backend = "smtp"`, 1))
	in.migrate(t)
	return in
}

func TestDoctorSendsTheProbeThroughSMTP(t *testing.T) {
	t.Run("Mailpit receives the probe and the check passes", func(t *testing.T) {
		mp := mailpittest.Instance(t, mailpittest.Plain)
		in := smtpInstall(t, mp.Host, mp.Port)
		to := "doctor-" + randomHex(6) + "@example.com"
		res := doctorRun(t, in, "--send-test-email", to)
		if res.code != 0 {
			t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantLines(t, res.stdout,
			"✔ email backend: smtp → smtp.Mailer",
			"✔ email send: probe delivered to "+to+" via smtp",
		)
		m := mp.WaitFor(t, to, "[DoctorTest] regstack doctor probe")
		if len(m.To) != 1 || m.To[0].Address != to {
			t.Errorf("To = %+v, want only %s", m.To, to)
		}
		if m.From.Address != "noreply@mail.example.com" || m.From.Name != "DoctorTest" {
			t.Errorf("From = %+v, want DoctorTest <noreply@mail.example.com>", m.From)
		}
		if !strings.Contains(m.Text, "regstack doctor probe — if you can read this, your email backend works.") {
			t.Errorf("text body = %q", m.Text)
		}
	})

	t.Run("a server that refuses the message fails the check with exit 1", func(t *testing.T) {
		// This Mailpit requires STARTTLS and refuses mail sent in the clear.
		mp := mailpittest.Instance(t, mailpittest.StartTLS)
		in := smtpInstall(t, mp.Host, mp.Port)
		to := "refused-" + randomHex(6) + "@example.com"
		res := doctorRun(t, in, "--send-test-email", to)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantLines(t, res.stdout, "✔ email backend: smtp → smtp.Mailer")
		// 530: the server's own refusal, not a failure to connect.
		if !strings.Contains(res.stdout, "\n✘ email send: send failed: ") || !strings.Contains(res.stdout, "530") {
			t.Errorf("stdout = %q, want a ✘ email send line with the server's 530", res.stdout)
		}
		if !strings.Contains(res.stderr, "1 check(s) failed.") {
			t.Errorf("stderr = %q, want one failed check", res.stderr)
		}
		if n := mp.Count(t, to); n != 0 {
			t.Errorf("the refusing server holds %d messages to %s", n, to)
		}
	})
}

// mongoURLVar names the Mongo-wire server scripts/services.d/20-ferretdb.sh
// starts (or a MongoDB the environment points at).
const mongoURLVar = "REGSTACK_TEST_MONGO_URL"

// mongoInstall is an install whose database is a fresh database of the
// test server, dropped when t ends; it returns the install and a client of
// that database for looking behind the doctor's back.
func mongoInstall(t *testing.T, extraTOML string) (testInstall, *mongo.Database) {
	t.Helper()
	return mongoInstallAt(t, mongoURLVar, extraTOML)
}

// mongoInstallAt is mongoInstall on the server named by the variable urlVar.
func mongoInstallAt(t *testing.T, urlVar, extraTOML string) (testInstall, *mongo.Database) {
	t.Helper()
	base := os.Getenv(urlVar)
	if base == "" {
		msg := urlVar + " is unset: start a server with scripts/services.sh (scripts/services.d/20-ferretdb.sh) to run the doctor against MongoDB"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	name := "regstack_doctor_" + randomHex(6)
	client, err := mongo.Connect(options.Client().ApplyURI(base))
	if err != nil {
		t.Fatalf("connect to %s: %v", urlVar, err)
	}
	db := client.Database(name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		_ = client.Disconnect(ctx)
	})
	dbURL := strings.TrimRight(base, "/") + "/" + name
	if i := strings.Index(base, "?"); i >= 0 {
		dbURL = strings.TrimRight(base[:i], "/") + "/" + name + base[i:]
	}
	return newTestInstall(t, extraTOML, "", "REGSTACK_DATABASE_URL="+dbURL), db
}

func TestDoctorOnMongo(t *testing.T) {
	in, db := mongoInstall(t, `user_collection = "people"`)

	// What the server says of itself decides the advisory line; its rules
	// are TestMongoServerCheck's.
	var info struct {
		Version  string `bson:"version"`
		Secantus string `bson:"secantusVersion"`
	}
	if err := db.RunCommand(t.Context(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		t.Fatalf("buildInfo: %v", err)
	}
	server := mongoServerCheck(info.Version, info.Secantus, nil)
	if server.mark == markFail {
		t.Fatalf("the advisory failed: %+v", server)
	}
	serverLine := fmt.Sprintf("%s mongo server: %s", server.mark.symbol(), server.detail)
	t.Logf("the test server reports version %q: %s", info.Version, serverLine)

	t.Run("before the schema is installed every core index is missing, and nothing is created", func(t *testing.T) {
		res := doctorRun(t, in)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantLines(t, res.stdout,
			"✔ backend: mongo reachable",
			"✘ schema: missing: people.email_unique, token_blacklist.jti_unique, pending_registrations.pending_email_unique, "+
				"pending_registrations.pending_token_unique, login_attempts.email_when, mfa_codes.user_kind_unique, "+
				"oauth_identities.provider_subject_unique, oauth_identities.user_provider_unique (call install_schema)",
			serverLine,
		)
		colls, err := db.ListCollectionNames(t.Context(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if len(colls) != 0 {
			t.Errorf("doctor created collections %v", colls)
		}
	})

	in.migrate(t)

	t.Run("after the schema is installed every check passes", func(t *testing.T) {
		res := doctorRun(t, in)
		if res.code != 0 {
			t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
		}
		wantLines(t, res.stdout,
			"✔ jwt secret: present (40 chars)",
			"✔ backend: mongo reachable",
			"✔ schema: core indexes present",
			serverLine,
			"✔ email backend: console → regstack.ConsoleMailer",
		)
	})

	t.Run("a dropped index is named", func(t *testing.T) {
		if err := db.Collection("people").Indexes().DropOne(t.Context(), "email_unique"); err != nil {
			t.Fatal(err)
		}
		res := doctorRun(t, in)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1; stdout:\n%s", res.code, res.stdout)
		}
		wantLines(t, res.stdout, "✘ schema: missing: people.email_unique (call install_schema)", serverLine)
		if !strings.Contains(res.stderr, "1 check(s) failed.") {
			t.Errorf("stderr = %q, want one failed check", res.stderr)
		}
	})
}

// A server below the CVE-2025-14847 patched baseline (FerretDB made to
// report 7.0.5) gets the ⚠ advisory, which does not fail the run.
func TestDoctorWarnsAboutAnUnpatchedMongoServer(t *testing.T) {
	in, _ := mongoInstallAt(t, "REGSTACK_TEST_MONGO_OLD_URL", "")
	in.migrate(t)
	res := doctorRun(t, in)
	if res.code != 0 {
		t.Fatalf("exit %d, want 0 (a warning does not fail); stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	wantLines(t, res.stdout,
		"✔ schema: core indexes present",
		"⚠ mongo server: server 7.0.5 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 7.0.28, or disable zlib compression in mongod.conf",
	)
}
