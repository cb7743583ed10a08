package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	regstack "github.com/regstack/regstack/core"

	"github.com/regstack/regstack/adapters/postgres"
)

// passwordGroup is the role whose members the test server authenticates
// by password over TCP (scripts/services.d/10-postgres.sh); everyone else
// is trusted there.
const passwordGroup = "regstack_password_login"

// passwordRole creates a login role with password pw (dropped at cleanup)
// in passwordGroup when the server has that group.
func passwordRole(t *testing.T, pw string) string {
	t.Helper()
	conn := adminConn(t)
	name := randomName("rs_pw_")
	create := fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", name, pw)
	_, err := conn.Exec(t.Context(), create+" IN ROLE "+passwordGroup)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "42704" { // no such group
		_, err = conn.Exec(t.Context(), create)
	}
	if err != nil {
		t.Fatalf("create role: %v", err)
	}
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP ROLE "+name) })
	return name
}

// checkOpenError checks that Open failed with a one-line error that
// contains each of wants and not secret.
func checkOpenError(t *testing.T, err error, secret string, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("Open succeeded, want an error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	if strings.Contains(msg, secret) || strings.Contains(msg, url.QueryEscape(secret)) {
		t.Errorf("error shows the password: %q", msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
}

func openErr(t *testing.T, rawURL string) error {
	t.Helper()
	st, err := postgres.Open(t.Context(), rawURL, regstack.StoreOptions{})
	if err == nil {
		_ = st.Close()
	}
	return err
}

func TestOpenChecksThePassword(t *testing.T) {
	t.Parallel()
	// The password holds "@", "/" and ":", unescaped, as operators write them.
	right := randomName("r1ght@pass/w:")
	role := passwordRole(t, right)
	base := parsedServerURL(t)
	at := func(pw string) string {
		return "postgresql+asyncpg://" + role + ":" + pw + "@" + base.Host + base.Path
	}

	t.Run("the right password, written unescaped, connects", func(t *testing.T) {
		st := openStore(t, at(right), nil)
		if err := st.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("a wrong password fails with a one-line error that masks it", func(t *testing.T) {
		wrong := randomName("wr0ng-")
		err := openErr(t, at(wrong))
		if err == nil {
			t.Fatalf("the server accepted a wrong password for %s: its pg_hba.conf must require a password for members of %s over TCP", role, passwordGroup)
		}
		checkOpenError(t, err, wrong, "password authentication failed", role+":***@"+base.Host)
	})
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

func TestOpenReportsBadURLsAndUnreachableServers(t *testing.T) {
	t.Parallel()
	const secret = "Sup3r-s3cret"
	port := closedPort(t)
	tests := []struct {
		name  string
		url   string
		wants []string
	}{
		{"an unreachable port", fmt.Sprintf("postgresql://app:%s@127.0.0.1:%d/app", secret, port),
			[]string{"postgres: connect to", fmt.Sprintf("app:***@127.0.0.1:%d/app", port), "connection refused"}},
		{"an unreachable port with the password in the query", fmt.Sprintf("postgresql://app@127.0.0.1:%d/app?password=%s", port, secret),
			[]string{"password=***", "connection refused"}},
		{"a port that is not a number", "postgresql://app:" + secret + "@127.0.0.1:http/app",
			[]string{"invalid database URL", "app:***@127.0.0.1:http/app", "port"}},
		{"a pool size that is not a number", "postgresql://app:" + secret + "@127.0.0.1/app?pool_max_conns=many",
			[]string{"invalid database URL", "pool_max_conns"}},
		{"a scheme that is not PostgreSQL's", "mysql://app:" + secret + "@127.0.0.1/app",
			[]string{"not a postgresql:// URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkOpenError(t, openErr(t, tt.url), secret, tt.wants...)
		})
	}
}

func TestOpenHonoursContextCancellation(t *testing.T) {
	t.Parallel()
	u, _ := freshSchema(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := postgres.Open(ctx, u, regstack.StoreOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Open with a cancelled context = %v, want context.Canceled", err)
	}
	st := openStore(t, u, nil)
	if err := st.InstallSchema(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("InstallSchema with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := st.Users().GetByEmail(ctx, "a@example.com"); !errors.Is(err, context.Canceled) {
		t.Errorf("GetByEmail with a cancelled context = %v, want context.Canceled", err)
	}
	if rev := revisionOf(t, st); rev != "" {
		t.Errorf("revision after the cancelled InstallSchema = %q, want none", rev)
	}
}

func TestOpenStoreKnowsEveryPostgreSQLScheme(t *testing.T) {
	t.Parallel()
	u, _ := freshSchema(t)
	rest := strings.TrimPrefix(u, "postgres://")
	for _, scheme := range []string{"postgresql", "postgres", "postgresql+asyncpg", "POSTGRESQL"} {
		t.Run(scheme, func(t *testing.T) {
			st, err := regstack.OpenStore(t.Context(), scheme+"://"+rest, regstack.StoreOptions{})
			if err != nil {
				t.Fatalf("OpenStore: %v", err)
			}
			defer st.Close()
			if err := st.Ping(t.Context()); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	}
}
