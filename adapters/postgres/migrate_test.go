package postgres_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	sqlstore "github.com/regstack/regstack/adapters/sql"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/storetest"
)

// alembicScript is `alembic upgrade 0003 --sql` for PostgreSQL with
// Python regstack's migrations, kept by adapters/sql.
const alembicScript = "../sql/testdata/alembic_postgresql.sql"

// alembicUpTo returns the golden Alembic script cut after revision rev,
// committed.
func alembicUpTo(t *testing.T, rev string) string {
	t.Helper()
	raw, err := os.ReadFile(alembicScript)
	if err != nil {
		t.Fatal(err)
	}
	script := string(raw)
	if rev == sqlstore.HeadRevision {
		return script
	}
	marker := fmt.Sprintf("-- Running upgrade %s -> ", rev)
	cut := strings.Index(script, marker)
	if cut < 0 {
		t.Fatalf("%s has no %q", alembicScript, marker)
	}
	return script[:cut] + "COMMIT;\n"
}

// execIn runs a multi-statement script in schema, as Python's tools
// would have against a database whose search_path is that schema.
func execIn(t *testing.T, conn *pgx.Conn, schema, script string) {
	t.Helper()
	if _, err := conn.Exec(t.Context(), "SET search_path TO "+schema); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = conn.Exec(t.Context(), "RESET search_path") }()
	// No arguments: pgx sends the script as one simple-protocol query.
	if _, err := conn.Exec(t.Context(), script); err != nil {
		t.Fatalf("run script: %v", err)
	}
}

// The rows Python regstack (asyncpg) wrote into a 0002 database.
const (
	aliceID     = "0f8fad5bd9cb469fa16570867728950e"
	bobID       = "7c9e6679742540de944be07fc1f90ae7"
	pyHash      = "$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$hTsnKkTbFCHAKWJmmlXrCZTzyrOF7RxMeSU+7hm6tJ4"
	pyStateID   = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	pythonsRows = `
INSERT INTO users (id, email, hashed_password, is_active, is_verified, is_superuser, full_name, phone_number,
	is_mfa_enabled, created_at, updated_at, last_login, tokens_invalidated_after) VALUES
 ('` + aliceID + `', 'alice@example.com', '` + pyHash + `', true, true, false, 'Alice Example', '+14155552671',
	true, '2025-01-01 00:00:00+00', '2025-01-02 03:04:05.123456+00', '2025-01-02 04:04:05.123456+01', NULL),
 ('` + bobID + `', 'bob@example.com', NULL, true, false, true, NULL, NULL,
	false, '2025-01-01 12:00:00.5+00', '2025-01-01 12:00:00.5+00', NULL, '2025-01-01 12:30:00+00');
INSERT INTO oauth_identities (id, user_id, provider, subject_id, email, linked_at, last_used_at) VALUES
 ('a3bb189e8bf9488899b39f2c9d3b2c1b', '` + bobID + `', 'google', '109876543210', 'bob@example.com', '2025-01-01 12:00:00+00', NULL);
INSERT INTO oauth_states (id, provider, code_verifier, nonce, redirect_to, mode, linking_user_id, created_at, expires_at, result_token) VALUES
 ('` + pyStateID + `', 'google', 'verifier', 'nonce', '/', 'signin', NULL, '2025-01-01 00:00:00+00', '2025-01-01 00:10:00+00', NULL);
`
)

func TestPythonDatabaseIsMigratedAndStaysReadable(t *testing.T) {
	t.Parallel()
	u, schema := freshSchema(t)
	execIn(t, adminConn(t), schema, alembicUpTo(t, "0002")+pythonsRows)

	epoch := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := storetest.NewClock(epoch.Add(time.Minute))
	st := openStore(t, u, clock)
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
		want := regstack.User{
			ID: aliceID, Email: "alice@example.com", HashedPassword: ptr(pyHash),
			IsActive: true, IsVerified: true, FullName: ptr("Alice Example"),
			PhoneNumber: ptr("+14155552671"), IsMFAEnabled: true,
			CreatedAt: epoch, UpdatedAt: stamp, LastLogin: &stamp,
		}
		if d := diffUser(got, &want); d != "" {
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
		want := regstack.User{
			ID: bobID, Email: "bob@example.com", IsActive: true, IsSuperuser: true,
			CreatedAt: created, UpdatedAt: created, TokensInvalidatedAfter: &cutoff,
		}
		if d := diffUser(got, &want); d != "" {
			t.Error(d)
		}
		id, err := st.OAuthIdentities().FindBySubject(ctx, "google", "109876543210")
		if err != nil || id == nil || id.UserID != bobID {
			t.Errorf("FindBySubject = %+v, %v", id, err)
		}
	})

	t.Run("a state Python started gets result_was_new false and completes", func(t *testing.T) {
		s, err := st.OAuthStates().Find(ctx, pyStateID)
		if err != nil || s == nil || s.ResultWasNew || s.ResultToken != nil || s.Mode != regstack.OAuthModeSignin {
			t.Fatalf("Find = %+v, %v", s, err)
		}
		ok, err := st.OAuthStates().Complete(ctx, pyStateID, "jwt", true, epoch.Add(2*time.Minute))
		if err != nil || !ok {
			t.Fatalf("Complete = %v, %v", ok, err)
		}
	})

	t.Run("a new user round-trips and the email stays unique", func(t *testing.T) {
		last := epoch.Add(30 * time.Second).Add(789 * time.Microsecond)
		u := &regstack.User{Email: "dave@example.com", HashedPassword: ptr(pyHash), IsActive: true, FullName: ptr("Dave"), LastLogin: &last}
		if err := st.Users().Create(ctx, u); err != nil {
			t.Fatalf("Create: %v", err)
		}
		got, err := st.Users().GetByID(ctx, u.ID)
		if err != nil || got == nil {
			t.Fatalf("GetByID = %v, %v", got, err)
		}
		if d := diffUser(got, u); d != "" {
			t.Error(d)
		}
		dup := &regstack.User{Email: "alice@example.com", IsActive: true}
		if err := st.Users().Create(ctx, dup); !errors.Is(err, regstack.ErrUserExists) {
			t.Fatalf("Create with Alice's email: %v, want ErrUserExists", err)
		}
	})
}

func TestMigratedSchemaEqualsAlembics(t *testing.T) {
	t.Parallel()
	conn := adminConn(t)
	_, alembic := freshSchema(t)
	execIn(t, conn, alembic, alembicUpTo(t, sqlstore.HeadRevision))
	u, ours := freshSchema(t)
	if err := openStore(t, u, nil).InstallSchema(t.Context()); err != nil {
		t.Fatalf("InstallSchema: %v", err)
	}
	want, got := describeSchema(t, conn, alembic), describeSchema(t, conn, ours)
	if !slices.Equal(got, want) {
		for _, l := range got {
			if !slices.Contains(want, l) {
				t.Errorf("only in the Go schema: %s", l)
			}
		}
		for _, l := range want {
			if !slices.Contains(got, l) {
				t.Errorf("only in Alembic's schema: %s", l)
			}
		}
	}
	if len(want) < 50 {
		t.Errorf("the schema description has %d lines; the catalog queries find too little to compare", len(want))
	}
}

// describeSchema lists the columns, constraints and indexes of every
// table in schema, without the schema name, sorted.
func describeSchema(t *testing.T, conn *pgx.Conn, schema string) []string {
	t.Helper()
	rows, err := conn.Query(t.Context(), `
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
	|| coalesce('(' || character_maximum_length || ')', '') || ' null=' || is_nullable
	|| ' default=' || coalesce(column_default, '-') || ' pos=' || ordinal_position
FROM information_schema.columns WHERE table_schema = $1
UNION ALL
SELECT 'constraint ' || cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = $1
UNION ALL
SELECT 'index ' || tablename || '.' || indexname || ' ' || replace(indexdef, $1 || '.', '')
FROM pg_indexes WHERE schemaname = $1
UNION ALL
SELECT 'sequence ' || sequence_name || ' ' || data_type
FROM information_schema.sequences WHERE sequence_schema = $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range out {
		out[i] = strings.ReplaceAll(l, schema+".", "")
	}
	slices.Sort(out)
	return out
}

func TestConcurrentInstallSchemaOnOneEmptyDatabaseAllSucceed(t *testing.T) {
	t.Parallel()
	u := freshDatabase(t)
	const n = 5
	// Separate stores, each with its own pool: as separate processes would.
	stores := make([]regstack.Store, n)
	for i := range stores {
		stores[i] = openStore(t, u, nil)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i, st := range stores {
		wg.Go(func() {
			<-start
			errs[i] = st.InstallSchema(t.Context())
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("InstallSchema #%d: %v", i, err)
		}
	}
	if got := revisionOf(t, stores[0]); got != sqlstore.HeadRevision {
		t.Errorf("revision = %q, want %s", got, sqlstore.HeadRevision)
	}
	u2 := &regstack.User{Email: "one@example.com", IsActive: true}
	if err := stores[n-1].Users().Create(t.Context(), u2); err != nil {
		t.Fatalf("Create after the concurrent installs: %v", err)
	}
}

func TestMigrateStepsThroughRevisions(t *testing.T) {
	t.Parallel()
	u, _ := freshSchema(t)
	st := openStore(t, u, nil)
	m := st.(migrator)
	for _, step := range []struct{ target, want string }{
		{"0001", "0001"}, {"0001", "0001"}, {"0002", "0002"}, {"head", sqlstore.HeadRevision},
	} {
		if err := m.Migrate(t.Context(), step.target); err != nil {
			t.Fatalf("Migrate(%s): %v", step.target, err)
		}
		if got := revisionOf(t, st); got != step.want {
			t.Fatalf("after Migrate(%s) revision = %q, want %q", step.target, got, step.want)
		}
	}
	if err := m.Migrate(t.Context(), "0001"); err == nil || !strings.Contains(err.Error(), "downgrades are not supported") {
		t.Errorf("Migrate down to 0001 = %v, want a refusal", err)
	}
}

func TestUnknownRevisionIsRefused(t *testing.T) {
	t.Parallel()
	u, schema := freshSchema(t)
	execIn(t, adminConn(t), schema, alembicUpTo(t, sqlstore.HeadRevision)+
		"UPDATE alembic_version SET version_num = '0004';")
	err := openStore(t, u, nil).InstallSchema(t.Context())
	if !errors.Is(err, regstack.ErrUnknownRevision) || !strings.Contains(err.Error(), "0004") {
		t.Fatalf("InstallSchema on a 0004 database = %v, want ErrUnknownRevision naming 0004", err)
	}
}

// diffUser describes how got differs from want ("" when equal); times
// compare as instants and must be UTC.
func diffUser(got, want *regstack.User) string {
	var diffs []string
	add := func(field string, g, w any) { diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", field, g, w)) }
	if got.ID != want.ID || got.Email != want.Email {
		add("ID, Email", []string{got.ID, got.Email}, []string{want.ID, want.Email})
	}
	for _, s := range []struct {
		field     string
		got, want *string
	}{
		{"HashedPassword", got.HashedPassword, want.HashedPassword},
		{"FullName", got.FullName, want.FullName},
		{"PhoneNumber", got.PhoneNumber, want.PhoneNumber},
	} {
		if (s.got == nil) != (s.want == nil) || (s.got != nil && *s.got != *s.want) {
			add(s.field, deref(s.got), deref(s.want))
		}
	}
	if g, w := []bool{got.IsActive, got.IsVerified, got.IsSuperuser, got.IsMFAEnabled},
		[]bool{want.IsActive, want.IsVerified, want.IsSuperuser, want.IsMFAEnabled}; !slices.Equal(g, w) {
		add("flags (active, verified, superuser, mfa)", g, w)
	}
	for _, tm := range []struct {
		field     string
		got, want *time.Time
	}{
		{"CreatedAt", &got.CreatedAt, &want.CreatedAt},
		{"UpdatedAt", &got.UpdatedAt, &want.UpdatedAt},
		{"LastLogin", got.LastLogin, want.LastLogin},
		{"TokensInvalidatedAfter", got.TokensInvalidatedAfter, want.TokensInvalidatedAfter},
	} {
		switch {
		case (tm.got == nil) != (tm.want == nil):
			add(tm.field, tm.got, tm.want)
		case tm.got != nil && (!tm.got.Equal(*tm.want) || tm.got.Location() != time.UTC):
			add(tm.field, *tm.got, *tm.want)
		}
	}
	return strings.Join(diffs, "; ")
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
