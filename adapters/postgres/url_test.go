package postgres

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, url, conn, masked string
	}{
		{"postgresql:// becomes pgx's postgres://",
			"postgresql://app:s3cret-pw@db.example.com:5432/app",
			"postgres://app:s3cret-pw@db.example.com:5432/app",
			"postgresql://app:***@db.example.com:5432/app"},
		{"the Python driver suffix is dropped",
			"postgresql+asyncpg://app:s3cret-pw@db/app",
			"postgres://app:s3cret-pw@db/app",
			"postgresql+asyncpg://app:***@db/app"},
		{"postgres:// is accepted and the scheme is case-insensitive",
			"Postgres://app@db/app", "postgres://app@db/app", "Postgres://app@db/app"},
		{"a password holding @, / and : is read up to the last @ and encoded",
			"postgresql://app:p@ss/w:rd@db/app",
			"postgres://app:p%40ss%2Fw%3Ard@db/app",
			"postgresql://app:***@db/app"},
		{"a percent-encoded password stays encoded",
			"postgresql://app:p%40ss@db/app", "postgres://app:p%40ss@db/app", "postgresql://app:***@db/app"},
		{"a bare % in a password is taken literally",
			"postgresql://app:100%pure@db/app", "postgres://app:100%25pure@db/app", "postgresql://app:***@db/app"},
		{"asyncpg's ssl=require is libpq's sslmode=require",
			"postgresql+asyncpg://app@db/app?ssl=require", "postgres://app@db/app?sslmode=require", "postgresql+asyncpg://app@db/app?ssl=require"},
		{"ssl=true means sslmode=require",
			"postgresql://app@db/app?ssl=true", "postgres://app@db/app?sslmode=require", "postgresql://app@db/app?ssl=true"},
		{"sslmode wins over ssl",
			"postgresql://app@db/app?sslmode=disable&ssl=require", "postgres://app@db/app?sslmode=disable", "postgresql://app@db/app?sslmode=disable&ssl=require"},
		{"other parameters pass through untouched",
			"postgresql://app@db/app?pool_max_conns=3&search_path=x", "postgres://app@db/app?pool_max_conns=3&search_path=x", "postgresql://app@db/app?pool_max_conns=3&search_path=x"},
		{"no user at all", "postgresql://db/app", "postgres://db/app", "postgresql://db/app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := parseURL(tt.url)
			if err != nil {
				t.Fatalf("parseURL(%q): %v", tt.url, err)
			}
			if loc.connString != tt.conn || loc.masked != tt.masked {
				t.Errorf("parseURL(%q) = conn %q masked %q, want %q and %q", tt.url, loc.connString, loc.masked, tt.conn, tt.masked)
			}
		})
	}
}

func TestParseURLRefusesWhatIsNotPostgreSQL(t *testing.T) {
	for _, raw := range []string{
		"sqlite:///x.db",
		"mongodb://db/app",
		"postgresql:/db/app",
		"db.example.com/app",
		"postgresql://app:s3cret-pw@db/app?ssl=sometimes",
		"postgresql://app:s3cret-pw@db/app?%zz",
	} {
		_, err := parseURL(raw)
		if err == nil {
			t.Errorf("parseURL(%q) succeeded, want an error", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("parseURL(%q) error %q shows the password", raw, err)
		}
	}
}

func TestPoolSettingsComeFromTheURL(t *testing.T) {
	loc, err := parseURL("postgresql+asyncpg://app:s3cret-pw@db/app?pool_max_conns=7&pool_min_conns=2" +
		"&pool_max_conn_lifetime=90s&pool_max_conn_idle_time=1m&pool_health_check_period=5s&search_path=tenant")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(loc.connString)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConns != 7 || cfg.MinConns != 2 || cfg.MaxConnLifetime != 90*time.Second ||
		cfg.MaxConnIdleTime != time.Minute || cfg.HealthCheckPeriod != 5*time.Second {
		t.Errorf("pool = max %d min %d lifetime %s idle %s health %s", cfg.MaxConns, cfg.MinConns,
			cfg.MaxConnLifetime, cfg.MaxConnIdleTime, cfg.HealthCheckPeriod)
	}
	if got := cfg.ConnConfig.RuntimeParams; len(got) != 1 || got["search_path"] != "tenant" {
		t.Errorf("server settings = %v, want only search_path (pool settings must not reach the server)", got)
	}
	if cfg.ConnConfig.Password != "s3cret-pw" || cfg.ConnConfig.User != "app" || cfg.ConnConfig.Database != "app" {
		t.Errorf("user %q password %q database %q", cfg.ConnConfig.User, cfg.ConnConfig.Password, cfg.ConnConfig.Database)
	}
}

func TestWrapHidesThePasswordAndKeepsOneLine(t *testing.T) {
	loc, err := parseURL("postgresql://app:p@ss-w0rd@db/app")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"p@ss-w0rd", "p%40ss-w0rd"}; !slices.Equal(loc.password, want) {
		t.Fatalf("password forms = %q, want %q", loc.password, want)
	}
	err = loc.wrap("connect to", errString("dial p@ss-w0rd\n\tand p%40ss-w0rd"))
	want := "postgres: connect to postgresql://app:***@db/app: dial *** and ***"
	if err.Error() != want {
		t.Errorf("wrap = %q, want %q", err, want)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
