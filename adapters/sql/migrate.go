package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	regstack "github.com/regstack/regstack/core"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// HeadRevision is the newest schema revision this build knows: the
// Alembic revision id Python's migrations also end at (domain.md §4.3).
const HeadRevision = "0003"

// revision is one step of the linear Alembic chain.
type revision struct {
	id    string
	steps func(dialect.Name) []string
}

// revisions is the chain, oldest first; ids and content match Python's.
var revisions = []revision{
	{"0001", revision0001},
	{"0002", revision0002},
	{"0003", revision0003},
}

// revision0001 creates the five original tables.
func revision0001(name dialect.Name) []string {
	var steps []string
	for _, t := range []table{usersTable(false), pendingTable, blacklistTable, loginAttemptsTable, mfaCodesTable} {
		steps = append(steps, createTableWithIndexes(name, t)...)
	}
	return steps
}

// revision0002 adds the OAuth tables and lets users.hashed_password be
// null (OAuth-only users).
func revision0002(name dialect.Name) []string {
	steps := createTableWithIndexes(name, oauthIdentitiesTable)
	steps = append(steps, createTableWithIndexes(name, oauthStatesTable(false))...)
	return append(steps, alterColumnSteps(name, usersTable(false), usersTable(true),
		"ALTER TABLE users ALTER COLUMN hashed_password DROP NOT NULL")...)
}

// revision0003 adds oauth_states.result_was_new, false for existing rows.
func revision0003(name dialect.Name) []string {
	next := oauthStatesTable(true)
	wasNew := next.columns[len(next.columns)-1]
	return alterColumnSteps(name, oauthStatesTable(false), next,
		"ALTER TABLE oauth_states ADD COLUMN "+columnDef(name, wasNew))
}

// Revisions lists the revision ids this build knows, oldest first, for
// tools that resolve relative targets (`regstack migrate --target +1`).
func Revisions() []string {
	ids := make([]string, len(revisions))
	for i, r := range revisions {
		ids[i] = r.id
	}
	return ids
}

// revisionIndex is the position of id in the chain; "" (an empty
// database) is -1.
func revisionIndex(id string) (int, error) {
	if id == "" {
		return -1, nil
	}
	i := slices.IndexFunc(revisions, func(r revision) bool { return r.id == id })
	if i < 0 {
		return 0, fmt.Errorf("%w %q: this build knows revisions up to %s; upgrade regstack before opening this database",
			regstack.ErrUnknownRevision, id, HeadRevision)
	}
	return i, nil
}

// CurrentRevision reads the revision recorded in alembic_version: "" when
// the table does not exist or is empty (a database never migrated).
func CurrentRevision(ctx context.Context, db bun.IDB) (string, error) {
	ok, err := versionTableExists(ctx, db)
	if err != nil || !ok {
		return "", err
	}
	var ids []string
	if err := db.NewRaw("SELECT version_num FROM alembic_version").Scan(ctx, &ids); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlstore: read alembic_version: %w", err)
	}
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return ids[0], nil
	default:
		return "", fmt.Errorf("sqlstore: alembic_version holds %d rows, expected one (branched history is not supported)", len(ids))
	}
}

// Migrate brings the schema of db from its current revision up to target
// ("" or "head" for HeadRevision), the way `alembic upgrade` does: it
// applies the missing revisions in order and records each in
// alembic_version. Already at target: nothing happens. A current revision
// this build does not know fails with an error wrapping
// regstack.ErrUnknownRevision; a target below the current revision fails
// too (downgrades are not supported). The whole upgrade is one
// transaction, serialised against concurrent migrations of the same
// database.
func Migrate(ctx context.Context, db *bun.DB, target string) error {
	_, err := migrate(ctx, db, target)
	return err
}

// migrationResult says what a migration did: from "" (empty database) or
// a revision, through the revisions applied.
type migrationResult struct {
	from    string
	applied []string
}

func migrate(ctx context.Context, db *bun.DB, target string) (migrationResult, error) {
	if err := supported(db.Dialect().Name()); err != nil {
		return migrationResult{}, err
	}
	if target == "" || target == "head" {
		target = HeadRevision
	}
	if target == "base" {
		return migrationResult{}, errors.New("sqlstore: downgrades are not supported")
	}
	targetIdx, err := revisionIndex(target)
	if err != nil {
		return migrationResult{}, fmt.Errorf("sqlstore: unknown target revision %q", target)
	}
	var res migrationResult
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res = migrationResult{}
		if err := lockSchema(ctx, tx); err != nil {
			return err
		}
		// Read the revision only now, inside the write lock: a concurrent
		// migrator that got there first has committed, and we see its result.
		cur, err := CurrentRevision(ctx, tx)
		if err != nil {
			return err
		}
		res.from = cur
		curIdx, err := revisionIndex(cur)
		if err != nil {
			return err
		}
		if curIdx > targetIdx {
			return fmt.Errorf("sqlstore: database is at revision %s, above the target %s; downgrades are not supported", cur, target)
		}
		if curIdx == targetIdx {
			return nil
		}
		if cur == "" {
			exists, err := versionTableExists(ctx, tx)
			if err != nil {
				return err
			}
			if !exists {
				if _, err := tx.ExecContext(ctx, createTable(tx.Dialect().Name(), versionTable, versionTable.name)); err != nil {
					return fmt.Errorf("sqlstore: create alembic_version: %w", err)
				}
			}
		}
		prev := cur
		for _, rev := range revisions[curIdx+1 : targetIdx+1] {
			for _, stmt := range rev.steps(tx.Dialect().Name()) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("sqlstore: apply revision %s: %w", rev.id, err)
				}
			}
			if err := recordRevision(ctx, tx, prev, rev.id); err != nil {
				return err
			}
			res.applied = append(res.applied, rev.id)
			prev = rev.id
		}
		return nil
	})
	return res, err
}

// recordRevision stores the new revision as Alembic does: INSERT the first
// one, UPDATE for every later one.
func recordRevision(ctx context.Context, tx bun.Tx, prev, next string) error {
	var err error
	if prev == "" {
		_, err = tx.ExecContext(ctx, "INSERT INTO alembic_version (version_num) VALUES (?)", next)
	} else {
		_, err = tx.ExecContext(ctx, "UPDATE alembic_version SET version_num = ? WHERE alembic_version.version_num = ?", next, prev)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: record revision %s: %w", next, err)
	}
	return nil
}

// migrateRetrying is migrate that outlasts lock contention from other
// processes migrating or writing the same database at start-up.
func migrateRetrying(ctx context.Context, db *bun.DB, target string, d Dialect, log *slog.Logger) error {
	const attempts = 10
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		res, err := migrate(ctx, db, target)
		if err == nil {
			logMigration(ctx, log, res)
			return nil
		}
		if !d.busy(err) || attempt == attempts {
			return err
		}
		log.DebugContext(ctx, "schema migration waits for a database lock", "attempt", attempt)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

func logMigration(ctx context.Context, log *slog.Logger, res migrationResult) {
	if len(res.applied) == 0 {
		return
	}
	from := res.from
	if from == "" {
		from = "none"
	}
	to := res.applied[len(res.applied)-1]
	log.InfoContext(ctx, "database schema migrated", "from", from, "to", to, "applied", res.applied)
	if res.from != "" && slices.Contains(res.applied, "0003") {
		log.WarnContext(ctx, "database schema is now at revision 0003: regstack for Python older than 0.8.3 can no longer open it")
	}
}
