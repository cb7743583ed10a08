package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"
)

// Dialect is what only the module that links the database driver knows:
// how to read its error codes. adapters/sql imports no driver.
type Dialect struct {
	// IsUniqueViolation reports whether err is a unique or primary-key
	// violation (SQLite extended codes 2067 and 1555, PostgreSQL SQLSTATE
	// 23505). Stores map it to ErrUserExists / ErrIdentityLinked.
	IsUniqueViolation func(error) bool
	// IsBusy reports whether err is lock contention worth retrying
	// (SQLITE_BUSY). InstallSchema retries such errors. Nil: never.
	IsBusy func(error) bool
}

func (d Dialect) uniqueViolation(err error) bool {
	return err != nil && d.IsUniqueViolation != nil && d.IsUniqueViolation(err)
}

func (d Dialect) busy(err error) bool {
	return err != nil && d.IsBusy != nil && d.IsBusy(err)
}

// Everything below is the one place where SQL differs between SQLite and
// PostgreSQL; the rest of the package is written once.

// supported reports whether the package can drive a database of bun
// dialect name.
func supported(name dialect.Name) error {
	switch name {
	case dialect.SQLite, dialect.PG:
		return nil
	default:
		return fmt.Errorf("sqlstore: unsupported SQL dialect %s", name)
	}
}

// pgTimeLayout is a timestamptz literal in UTC at microsecond precision.
const pgTimeLayout = "2006-01-02 15:04:05.000000+00:00"

// appendTime writes t into a query: SQLite gets the text encoding Python
// uses (domain.md §4.2), PostgreSQL a timestamptz literal.
func appendTime(gen schema.QueryGen, b []byte, t time.Time) []byte {
	if gen.Dialect().Name() == dialect.SQLite {
		return gen.Dialect().AppendString(b, FormatTime(t))
	}
	return gen.Dialect().AppendString(b, t.UTC().Format(pgTimeLayout))
}

// columnType is the DDL type SQLAlchemy emits for a logical column type
// (domain.md §4.2 type mapping).
func columnType(name dialect.Name, c column) string {
	switch c.typ {
	case typeVarchar:
		return fmt.Sprintf("VARCHAR(%d)", c.size)
	case typeText:
		return "TEXT"
	case typeBool:
		return "BOOLEAN"
	case typeInt:
		return "INTEGER"
	case typeSerial:
		if name == dialect.PG {
			return "SERIAL"
		}
		return "INTEGER"
	case typeTime:
		if name == dialect.PG {
			return "TIMESTAMP WITH TIME ZONE"
		}
		return "DATETIME"
	}
	panic(fmt.Sprintf("sqlstore: unknown column type %d", c.typ))
}

// falseDefault is how SQLAlchemy renders server_default=false(): SQLite
// has no boolean literal and wraps expression defaults in parentheses.
func falseDefault(name dialect.Name) string {
	if name == dialect.PG {
		return "false"
	}
	return "(0)"
}

// versionTableExists reports whether alembic_version exists.
func versionTableExists(ctx context.Context, db bun.IDB) (bool, error) {
	var n int
	var err error
	if db.Dialect().Name() == dialect.PG {
		err = db.NewRaw("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'alembic_version'").Scan(ctx, &n)
	} else {
		err = db.NewRaw("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").Scan(ctx, &n)
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: look for alembic_version: %w", err)
	}
	return n > 0, nil
}

// schemaLockKey is the PostgreSQL advisory lock that serialises migrations
// ("regstk" in ASCII).
const schemaLockKey = 0x726567737466

// lockSchema serialises concurrent migrations of one database, across
// processes, until tx ends. On SQLite the write transaction itself is the
// lock (the dialect module begins transactions IMMEDIATE), so nothing is
// needed; PostgreSQL takes a transaction-scoped advisory lock.
func lockSchema(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(schemaLockKey)); err != nil {
		return fmt.Errorf("sqlstore: take the schema lock: %w", err)
	}
	return nil
}

// alterColumnSteps is the DDL that changes an existing table from old to
// next (same name) the way Alembic's batch_alter_table does it: PostgreSQL
// alters in place with pgAlter; SQLite, which cannot ALTER a column or add
// one with an expression default in place, copies the table into
// _alembic_tmp_<name>, drops the original, renames the copy and recreates
// the indexes.
func alterColumnSteps(name dialect.Name, old, next table, pgAlter string) []string {
	if name == dialect.PG {
		return []string{pgAlter}
	}
	return rebuildTable(name, old, next)
}
