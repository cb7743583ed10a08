package cli

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
)

func TestCreateAdminRefusesBadInput(t *testing.T) {
	in := newTestInstall(t, "", "")
	tests := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"a missing --email is a usage error", "", []string{"--password", "long-enough-pw"}, 2, "Error: Missing option '--email'."},
		{"a short --password is a usage error", "", []string{"--email", "a@example.com", "--password", "short"}, 2, "Password must be at least 8 characters."},
		{"a short prompted password is a usage error", "short\nshort\n", []string{"--email", "a@example.com"}, 2, "Password must be at least 8 characters."},
		{"a password over 128 characters is a usage error", "", []string{"--email", "a@example.com", "--password", strings.Repeat("p", 129)}, 2, "Password must be at most 128 characters."},
		{"an invalid email is a runtime error", "", []string{"--email", "not-an-email", "--password", "long-enough-pw"}, 1, "value is not a valid email address"},
		{"input ending before a password aborts", "", []string{"--email", "a@example.com"}, 1, "Aborted!"},
		{"input ending before the confirmation aborts", "long-enough-pw\n", []string{"--email", "a@example.com"}, 1, "Aborted!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"create-admin", "--config", in.dir}, tt.args...)
			res := runRegstack(t, tt.stdin, args...)
			if res.code != tt.wantCode {
				t.Fatalf("exit code = %d, want %d; stderr:\n%s", res.code, tt.wantCode, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", res.stderr, tt.wantErr)
			}
		})
	}
	t.Run("nothing was written to the database", func(t *testing.T) {
		if _, err := os.Stat(in.dbPath); err == nil {
			t.Errorf("%s exists after refused runs", in.dbPath)
		}
	})
}

func TestCreateAdminConfigNotFoundIsAUsageError(t *testing.T) {
	missing := t.TempDir() + "/nowhere.toml"
	res := runRegstack(t, "", "create-admin", "--config", missing, "--email", "a@example.com", "--password", "long-enough-pw")
	if res.code != 2 || !strings.Contains(res.stderr, "config file not found: "+missing) {
		t.Fatalf("code %d, stderr %q; want 2 and config file not found", res.code, res.stderr)
	}
}

var createdLine = regexp.MustCompile(`^User (\S+) (created|promoted to admin|is already an admin) \(id=(\S+)\)\.$`)

// adminMessage runs create-admin and returns the email, outcome and id it
// reported.
func adminMessage(t *testing.T, in testInstall, stdin string, args ...string) (email, outcome, id string) {
	t.Helper()
	res := runRegstack(t, stdin, append([]string{"create-admin", "--config", in.dir}, args...)...)
	if res.code != 0 {
		t.Fatalf("create-admin exit %d; stderr:\n%s", res.code, res.stderr)
	}
	last := lines(res.stderr)
	m := createdLine.FindStringSubmatch(last[len(last)-1])
	if m == nil {
		t.Fatalf("stderr = %q, want a final `User … (id=…).` line", res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout = %q, want nothing", res.stdout)
	}
	return m[1], m[2], m[3]
}

func TestCreateAdminCreatesAnActiveVerifiedSuperuser(t *testing.T) {
	in := newTestInstall(t, "", "")
	email, outcome, id := adminMessage(t, in, "", "--email", "Admin@Example.COM", "--password", "first-password")
	if email != "Admin@example.com" || outcome != "created" {
		t.Fatalf("reported %q %q, want Admin@example.com created", email, outcome)
	}
	rs := in.regstack(t)
	u, err := rs.Store().Users().GetByEmail(context.Background(), "Admin@example.com")
	if err != nil || u == nil {
		t.Fatalf("user not stored: %v", err)
	}
	if u.ID != id || !u.IsActive || !u.IsVerified || !u.IsSuperuser {
		t.Errorf("stored user id=%s active=%v verified=%v superuser=%v; want id %s and all true", u.ID, u.IsActive, u.IsVerified, u.IsSuperuser, id)
	}
	if _, err := rs.Login(context.Background(), regstack.LoginInput{Email: "Admin@example.com", Password: "first-password"}); err != nil {
		t.Errorf("login with the given password: %v", err)
	}

	t.Run("a second run changes nothing and says so", func(t *testing.T) {
		_, outcome, again := adminMessage(t, in, "", "--email", "Admin@EXAMPLE.com", "--password", "other-password")
		if outcome != "is already an admin" || again != id {
			t.Errorf("second run: %q id %s, want `is already an admin` id %s", outcome, again, id)
		}
		if _, err := rs.Login(context.Background(), regstack.LoginInput{Email: "Admin@example.com", Password: "first-password"}); err != nil {
			t.Errorf("the first password no longer works: %v", err)
		}
	})
}

func TestCreateAdminPromotesAnExistingUserKeepingItsState(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	st := in.open(t)
	ctx := context.Background()
	// An unverified OAuth-only user: no password to keep, flags to keep.
	existing := &regstack.User{Email: "user@example.com", IsActive: true}
	if err := st.Users().Create(ctx, existing); err != nil {
		t.Fatal(err)
	}

	_, outcome, id := adminMessage(t, in, "", "--email", "user@example.com", "--password", "ignored-password")
	if outcome != "promoted to admin" || id != existing.ID {
		t.Fatalf("reported %q id %s, want `promoted to admin` id %s", outcome, id, existing.ID)
	}
	u, err := st.Users().GetByEmail(ctx, "user@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsSuperuser || u.IsVerified || u.HashedPassword != nil {
		t.Errorf("superuser=%v verified=%v password set=%v; want promoted, still unverified, still no password",
			u.IsSuperuser, u.IsVerified, u.HashedPassword != nil)
	}
}

func TestCreateAdminPromptsForThePassword(t *testing.T) {
	tests := []struct {
		name      string
		stdin     string
		password  string
		wantNotes []string
	}{
		{"matching answers are taken", "prompted-password\nprompted-password\n", "prompted-password", nil},
		{"a mismatch asks again", "prompted-password\ntypo-password\nsecond-password\r\nsecond-password\r\n", "second-password",
			[]string{"Error: The two entered values do not match."}},
		{"an empty answer asks again", "\nprompted-password\nprompted-password\n", "prompted-password", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newTestInstall(t, "", "")
			res := runRegstack(t, tt.stdin, "create-admin", "--config", in.dir, "--email", "admin@example.com")
			if res.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			for _, want := range append(tt.wantNotes, "Password: ", "Repeat for confirmation: ") {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr = %q, want %q", res.stderr, want)
				}
			}
			if strings.Contains(res.stderr+res.stdout, tt.password) {
				t.Errorf("the password was echoed: %q", res.stderr)
			}
			rs := in.regstack(t)
			if _, err := rs.Login(context.Background(), regstack.LoginInput{Email: "admin@example.com", Password: tt.password}); err != nil {
				t.Errorf("login with %q: %v", tt.password, err)
			}
		})
	}
}
