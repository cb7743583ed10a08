package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	sqlstore "github.com/regstack/regstack/adapters/sql"
)

func revisionOf(t *testing.T, st regstack.Store) string {
	t.Helper()
	rev, err := st.(migrator).CurrentRevision(t.Context())
	if err != nil {
		t.Fatalf("CurrentRevision: %v", err)
	}
	return rev
}

func TestPythonDatabaseIsMigratedAndStaysReadable(t *testing.T) {
	path := loadPythonFixture(t)
	clock := newClock(pyEpoch.Add(time.Minute))
	st := openFileStore(t, path, clock)
	if got := revisionOf(t, st); got != "0002" {
		t.Fatalf("fixture revision = %q, want 0002", got)
	}
	if err := st.InstallSchema(t.Context()); err != nil {
		t.Fatalf("InstallSchema: %v", err)
	}
	if got := revisionOf(t, st); got != sqlstore.HeadRevision {
		t.Fatalf("revision after InstallSchema = %q, want %s", got, sqlstore.HeadRevision)
	}
	ctx := t.Context()

	t.Run("a user Python wrote reads back field for field", func(t *testing.T) {
		got, err := st.Users().GetByEmail(ctx, "alice@example.com")
		if err != nil || got == nil {
			t.Fatalf("GetByEmail = %v, %v", got, err)
		}
		stamp := time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
		want := &regstack.User{
			ID: aliceID, Email: "alice@example.com", HashedPassword: ptr(pyArgon2Hash),
			IsActive: true, IsVerified: true, FullName: ptr("Alice Example"),
			PhoneNumber: ptr("+14155552671"), IsMFAEnabled: true,
			CreatedAt: pyEpoch, UpdatedAt: stamp, LastLogin: &stamp,
		}
		if d := diffUser(got, want); d != "" {
			t.Error(d)
		}
	})

	t.Run("an OAuth-only user Python wrote has no password", func(t *testing.T) {
		got, err := st.Users().GetByID(ctx, bobID)
		if err != nil || got == nil {
			t.Fatalf("GetByID = %v, %v", got, err)
		}
		created := time.Date(2025, 1, 1, 12, 0, 0, 500000000, time.UTC)
		cutoff := time.Date(2025, 1, 1, 12, 30, 0, 0, time.UTC)
		want := &regstack.User{
			ID: bobID, Email: "bob@example.com", IsActive: true, IsSuperuser: true,
			CreatedAt: created, UpdatedAt: created, TokensInvalidatedAfter: &cutoff,
		}
		if d := diffUser(got, want); d != "" {
			t.Error(d)
		}
	})

	t.Run("the other Python rows are found", func(t *testing.T) {
		p, err := st.Pending().FindByTokenHash(ctx, pyCodeHash)
		if err != nil || p == nil || p.Email != "carol@example.com" || !p.ExpiresAt.Equal(pyEpoch.Add(24*time.Hour)) {
			t.Errorf("FindByTokenHash = %+v, %v", p, err)
		}
		if ok, err := st.Blacklist().IsRevoked(ctx, "AAAAAAAAAAAAAAAAAAAAAA"); err != nil || !ok {
			t.Errorf("IsRevoked = %v, %v", ok, err)
		}
		if n, err := st.LoginAttempts().CountRecent(ctx, "alice@example.com", 10*time.Minute, pyEpoch.Add(10*time.Minute)); err != nil || n != 1 {
			t.Errorf("CountRecent = %d, %v", n, err)
		}
		id, err := st.OAuthIdentities().FindBySubject(ctx, "google", "109876543210")
		if err != nil || id == nil || id.UserID != bobID {
			t.Errorf("FindBySubject = %+v, %v", id, err)
		}
		s, err := st.OAuthStates().Find(ctx, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
		if err != nil || s == nil || s.ResultWasNew || s.ResultToken != nil || s.Mode != regstack.OAuthModeSignin {
			t.Errorf("OAuthStates.Find = %+v, %v", s, err)
		}
	})

	t.Run("a code Python issued verifies once", func(t *testing.T) {
		check, err := st.MFACodes().Verify(ctx, aliceID, regstack.MFAKindLoginMFA, pyCodeHash, clock.Now())
		if err != nil || check.Outcome != regstack.MFAOK {
			t.Fatalf("Verify = %+v, %v; want OK", check, err)
		}
	})

	t.Run("new rows go in and the email stays unique", func(t *testing.T) {
		u := &regstack.User{Email: "dave@example.com", HashedPassword: ptr(pyArgon2Hash), IsActive: true}
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatalf("Create: %v", err)
		}
		dup := &regstack.User{Email: "alice@example.com", IsActive: true}
		if err := st.Users().Create(ctx, dup); !errors.Is(err, regstack.ErrUserExists) {
			t.Fatalf("Create with Alice's email: %v, want ErrUserExists", err)
		}
		ok, err := st.OAuthStates().Complete(ctx, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "jwt", true, pyEpoch.Add(2*time.Minute))
		if err != nil || !ok {
			t.Fatalf("Complete = %v, %v", ok, err)
		}
	})
}

// diffUser describes how got differs from want ("" when equal); times
// compare as instants.
func diffUser(got, want *regstack.User) string {
	var diffs []string
	add := func(field string, g, w any) { diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", field, g, w)) }
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	if got.Email != want.Email {
		add("Email", got.Email, want.Email)
	}
	if deref(got.HashedPassword) != deref(want.HashedPassword) || (got.HashedPassword == nil) != (want.HashedPassword == nil) {
		add("HashedPassword", got.HashedPassword, want.HashedPassword)
	}
	if got.IsActive != want.IsActive || got.IsVerified != want.IsVerified || got.IsSuperuser != want.IsSuperuser || got.IsMFAEnabled != want.IsMFAEnabled {
		add("flags (active, verified, superuser, mfa)",
			[]bool{got.IsActive, got.IsVerified, got.IsSuperuser, got.IsMFAEnabled},
			[]bool{want.IsActive, want.IsVerified, want.IsSuperuser, want.IsMFAEnabled})
	}
	if deref(got.FullName) != deref(want.FullName) || (got.FullName == nil) != (want.FullName == nil) {
		add("FullName", got.FullName, want.FullName)
	}
	if deref(got.PhoneNumber) != deref(want.PhoneNumber) || (got.PhoneNumber == nil) != (want.PhoneNumber == nil) {
		add("PhoneNumber", got.PhoneNumber, want.PhoneNumber)
	}
	for _, tm := range []struct {
		field     string
		got, want time.Time
	}{{"CreatedAt", got.CreatedAt, want.CreatedAt}, {"UpdatedAt", got.UpdatedAt, want.UpdatedAt}} {
		if !tm.got.Equal(tm.want) || tm.got.Location() != time.UTC {
			add(tm.field, tm.got, tm.want)
		}
	}
	for _, tm := range []struct {
		field     string
		got, want *time.Time
	}{{"LastLogin", got.LastLogin, want.LastLogin}, {"TokensInvalidatedAfter", got.TokensInvalidatedAfter, want.TokensInvalidatedAfter}} {
		if (tm.got == nil) != (tm.want == nil) || (tm.got != nil && (!tm.got.Equal(*tm.want) || tm.got.Location() != time.UTC)) {
			add(tm.field, tm.got, tm.want)
		}
	}
	return strings.Join(diffs, "\n")
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestGoSchemaEqualsPythonSchema(t *testing.T) {
	t.Run("at 0002 a database Go migrated equals the Python fixture", func(t *testing.T) {
		path := tempDBPath(t)
		st := openFileStore(t, path, nil)
		if err := st.(migrator).Migrate(t.Context(), "0002"); err != nil {
			t.Fatalf("Migrate 0002: %v", err)
		}
		assertSameSchema(t, schemaOf(t, path), schemaOf(t, loadPythonFixture(t)))
	})
	t.Run("at head a new database equals one Python migrated to 0003", func(t *testing.T) {
		path := tempDBPath(t)
		installedStore(t, path, nil)
		assertSameSchema(t, schemaOf(t, path), schemaOf(t, runScript(t, "python_0003_schema.sql")))
	})
	t.Run("at head a new database equals the migrated Python fixture", func(t *testing.T) {
		fresh := tempDBPath(t)
		installedStore(t, fresh, nil)
		migrated := loadPythonFixture(t)
		installedStore(t, migrated, nil)
		assertSameSchema(t, schemaOf(t, fresh), schemaOf(t, migrated))
	})
}

func assertSameSchema(t *testing.T, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("unexpected: %s", g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing:    %s", w)
		}
	}
}

func TestDatabaseAt0001IsUpgraded(t *testing.T) {
	path := tempDBPath(t)
	bdb := bun.NewDB(rawDB(t, path), sqlitedialect.New())
	if err := sqlstore.Migrate(t.Context(), bdb, "0001"); err != nil {
		t.Fatalf("Migrate 0001: %v", err)
	}
	if _, err := bdb.ExecContext(t.Context(), "INSERT INTO users (id, email, hashed_password, is_active, is_verified, is_superuser, is_mfa_enabled, created_at, updated_at) "+
		"VALUES ('0f8fad5bd9cb469fa16570867728950e', 'alice@example.com', 'hash', 1, 1, 0, 0, '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000')"); err != nil {
		t.Fatal(err)
	}
	notNull := "SELECT \"notnull\" FROM pragma_table_info('users') WHERE name = 'hashed_password'"
	if got := rawString(t, path, notNull); got != "1" {
		t.Fatalf("hashed_password notnull at 0001 = %s, want 1", got)
	}

	st := installedStore(t, path, nil)
	if got := revisionOf(t, st); got != sqlstore.HeadRevision {
		t.Fatalf("revision = %q, want %s", got, sqlstore.HeadRevision)
	}
	if got := rawString(t, path, notNull); got != "0" {
		t.Errorf("hashed_password notnull after upgrade = %s, want 0 (nullable)", got)
	}
	if u, err := st.Users().GetByID(t.Context(), aliceID); err != nil || u == nil || deref(u.HashedPassword) != "hash" {
		t.Errorf("the 0001 user after upgrade: %+v, %v", u, err)
	}
	oauthOnly := &regstack.User{Email: "oauth@example.com", IsActive: true}
	if err := st.Users().Create(t.Context(), oauthOnly); err != nil {
		t.Errorf("creating a user without password after upgrade: %v", err)
	}
}

func TestUnknownRevisionIsRefused(t *testing.T) {
	path := loadPythonFixture(t)
	if _, err := rawDB(t, path).ExecContext(t.Context(), "UPDATE alembic_version SET version_num = '0004'"); err != nil {
		t.Fatal(err)
	}
	before := schemaOf(t, path)
	st := openFileStore(t, path, nil)
	err := st.InstallSchema(t.Context())
	if !errors.Is(err, regstack.ErrUnknownRevision) {
		t.Fatalf("InstallSchema = %v, want ErrUnknownRevision", err)
	}
	if !strings.Contains(err.Error(), "0004") {
		t.Errorf("error %q does not name revision 0004", err)
	}
	if got := revisionOf(t, st); got != "0004" {
		t.Errorf("revision = %q, want it left at 0004", got)
	}
	assertSameSchema(t, schemaOf(t, path), before)
}

func TestMigrateRefusesBadTargets(t *testing.T) {
	st := installedStore(t, tempDBPath(t), nil)
	for _, target := range []string{"0002", "0004", "base"} {
		if err := st.(migrator).Migrate(t.Context(), target); err == nil {
			t.Errorf("Migrate(%q) on a database at head succeeded", target)
		}
	}
	if got := revisionOf(t, st); got != sqlstore.HeadRevision {
		t.Errorf("revision = %q after refused migrations, want %s", got, sqlstore.HeadRevision)
	}
}

func TestInstallSchemaIsIdempotent(t *testing.T) {
	for _, tt := range []struct {
		name string
		path func(t *testing.T) string
	}{
		{"on a new database", tempDBPath},
		{"on the Python fixture", loadPythonFixture},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			st := installedStore(t, path, nil)
			first := schemaOf(t, path)
			for range 2 {
				if err := st.InstallSchema(t.Context()); err != nil {
					t.Fatalf("InstallSchema again: %v", err)
				}
			}
			assertSameSchema(t, schemaOf(t, path), first)
			if got := revisionOf(t, st); got != sqlstore.HeadRevision {
				t.Errorf("revision = %q, want %s", got, sqlstore.HeadRevision)
			}
		})
	}
}

func TestConcurrentInstallSchemaAllSucceed(t *testing.T) {
	reference := tempDBPath(t)
	installedStore(t, reference, nil)
	want := schemaOf(t, reference)

	t.Run("separate stores in goroutines", func(t *testing.T) {
		path := tempDBPath(t)
		const n = 8
		stores := make([]regstack.Store, n)
		for i := range stores {
			stores[i] = openFileStore(t, path, nil)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, st := range stores {
			wg.Go(func() { errs[i] = st.InstallSchema(t.Context()) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("store %d: InstallSchema: %v", i, err)
			}
		}
		assertSameSchema(t, schemaOf(t, path), want)
	})

	t.Run("separate processes", func(t *testing.T) {
		path := tempDBPath(t)
		const n = 4
		cmds := make([]*exec.Cmd, n)
		outs := make([]strings.Builder, n)
		for i := range cmds {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestInstallSchemaHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), installHelperEnv+"="+path)
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			cmds[i] = cmd
		}
		for _, cmd := range cmds {
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
			}
		}
		assertSameSchema(t, schemaOf(t, path), want)
	})
}

// installHelperEnv names the database a helper process migrates.
const installHelperEnv = "REGSTACK_SQLITE_INSTALL_HELPER_DB"

// TestInstallSchemaHelperProcess is the body of the processes that
// TestConcurrentInstallSchemaAllSucceed starts; on its own it does nothing.
func TestInstallSchemaHelperProcess(t *testing.T) {
	path := os.Getenv(installHelperEnv)
	if path == "" {
		return
	}
	installedStore(t, path, nil)
	var n int
	if err := rawDB(t, path).QueryRowContext(t.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("the users table is not usable: %v", err)
	}
}
