package sqlstore

import (
	"strings"

	"github.com/uptrace/bun/dialect"
)

// The tables as Python's Alembic revisions create them (domain.md §4.2).
// DDL is rendered from these descriptions in SQLAlchemy's own layout, so a
// database Go creates has, statement for statement, the schema Python
// creates; the SQLite tests compare sqlite_master against a database
// Python made.

type columnKind int

const (
	typeVarchar columnKind = iota + 1
	typeText
	typeBool
	typeInt
	typeSerial // auto-increment integer primary key
	typeTime
)

type column struct {
	name       string
	typ        columnKind
	size       int  // VARCHAR length
	nullable   bool // SQLAlchemy's default is NOT NULL here: every column states it
	falseByDef bool // server default false (oauth_states.result_was_new)
}

type index struct {
	name    string
	columns []string
}

type table struct {
	name        string
	columns     []column
	constraints []string // rendered table constraints, in SQLAlchemy's order
	indexes     []index
}

func varchar(name string, size int) column { return column{name: name, typ: typeVarchar, size: size} }
func text(name string) column              { return column{name: name, typ: typeText} }
func boolean(name string) column           { return column{name: name, typ: typeBool} }
func integer(name string) column           { return column{name: name, typ: typeInt} }
func serial(name string) column            { return column{name: name, typ: typeSerial} }
func timestamp(name string) column         { return column{name: name, typ: typeTime} }

func (c column) null() column { c.nullable = true; return c }

// quoteIdent quotes the one column name that is an SQL reserved word,
// as SQLAlchemy does.
func quoteIdent(name string) string {
	if name == "when" {
		return `"when"`
	}
	return name
}

// usersTable is users at revision 0001 (hashed_password NOT NULL) or, with
// nullablePassword, from 0002 on.
func usersTable(nullablePassword bool) table {
	pw := text("hashed_password")
	pw.nullable = nullablePassword
	return table{
		name: "users",
		columns: []column{
			varchar("id", 36),
			varchar("email", 320),
			pw,
			boolean("is_active"),
			boolean("is_verified"),
			boolean("is_superuser"),
			varchar("full_name", 200).null(),
			varchar("phone_number", 20).null(),
			boolean("is_mfa_enabled"),
			timestamp("created_at"),
			timestamp("updated_at"),
			timestamp("last_login").null(),
			timestamp("tokens_invalidated_after").null(),
		},
		constraints: []string{
			"CONSTRAINT pk_users PRIMARY KEY (id)",
			"CONSTRAINT email_unique UNIQUE (email)",
		},
	}
}

var pendingTable = table{
	name: "pending_registrations",
	columns: []column{
		varchar("id", 36),
		varchar("email", 320),
		text("hashed_password"),
		varchar("full_name", 200).null(),
		varchar("token_hash", 64),
		timestamp("created_at"),
		timestamp("expires_at"),
	},
	constraints: []string{
		"CONSTRAINT pk_pending_registrations PRIMARY KEY (id)",
		"CONSTRAINT pending_email_unique UNIQUE (email)",
		"CONSTRAINT pending_token_unique UNIQUE (token_hash)",
	},
	indexes: []index{{"ix_pending_expires_at", []string{"expires_at"}}},
}

var blacklistTable = table{
	name: "token_blacklist",
	columns: []column{
		serial("id"),
		varchar("jti", 64),
		timestamp("exp"),
	},
	constraints: []string{
		"CONSTRAINT pk_token_blacklist PRIMARY KEY (id)",
		"CONSTRAINT jti_unique UNIQUE (jti)",
	},
	indexes: []index{{"ix_blacklist_exp", []string{"exp"}}},
}

var loginAttemptsTable = table{
	name: "login_attempts",
	columns: []column{
		serial("id"),
		varchar("email", 320),
		timestamp("when"),
		varchar("ip", 64).null(),
	},
	constraints: []string{
		"CONSTRAINT pk_login_attempts PRIMARY KEY (id)",
	},
	indexes: []index{{"ix_login_attempts_email_when", []string{"email", "when"}}},
}

// The CHECK constraint names are doubled because Python's naming
// convention "ck_%(table_name)s_%(constraint_name)s" is applied to names
// its migrations already spelled out in full; this is what Python's
// databases contain.
var mfaCodesTable = table{
	name: "mfa_codes",
	columns: []column{
		serial("id"),
		varchar("user_id", 36),
		varchar("kind", 32),
		varchar("code_hash", 64),
		timestamp("expires_at"),
		integer("attempts"),
		integer("max_attempts"),
		timestamp("created_at"),
	},
	constraints: []string{
		"CONSTRAINT pk_mfa_codes PRIMARY KEY (id)",
		"CONSTRAINT user_kind_unique UNIQUE (user_id, kind)",
		"CONSTRAINT ck_mfa_codes_ck_mfa_codes_attempts_nonneg CHECK (attempts >= 0)",
	},
	indexes: []index{{"ix_mfa_codes_expires_at", []string{"expires_at"}}},
}

var oauthIdentitiesTable = table{
	name: "oauth_identities",
	columns: []column{
		varchar("id", 36),
		varchar("user_id", 36),
		varchar("provider", 32),
		varchar("subject_id", 255),
		varchar("email", 320).null(),
		timestamp("linked_at"),
		timestamp("last_used_at").null(),
	},
	constraints: []string{
		"CONSTRAINT pk_oauth_identities PRIMARY KEY (id)",
		"CONSTRAINT provider_subject_unique UNIQUE (provider, subject_id)",
		"CONSTRAINT user_provider_unique UNIQUE (user_id, provider)",
	},
}

// oauthStatesTable is oauth_states at revision 0002 or, withWasNew, from
// 0003 on.
func oauthStatesTable(withWasNew bool) table {
	cols := []column{
		varchar("id", 64),
		varchar("provider", 32),
		text("code_verifier"),
		varchar("nonce", 64),
		text("redirect_to"),
		varchar("mode", 16),
		varchar("linking_user_id", 36).null(),
		timestamp("created_at"),
		timestamp("expires_at"),
		text("result_token").null(),
	}
	if withWasNew {
		wasNew := boolean("result_was_new")
		wasNew.falseByDef = true
		cols = append(cols, wasNew)
	}
	return table{
		name:    "oauth_states",
		columns: cols,
		constraints: []string{
			"CONSTRAINT pk_oauth_states PRIMARY KEY (id)",
			"CONSTRAINT ck_oauth_states_ck_oauth_states_mode_valid CHECK (mode IN ('signin', 'link'))",
		},
		indexes: []index{{"ix_oauth_states_expires_at", []string{"expires_at"}}},
	}
}

// versionTable is Alembic's bookkeeping table.
var versionTable = table{
	name:        "alembic_version",
	columns:     []column{varchar("version_num", 32)},
	constraints: []string{"CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)"},
}

// columnDef renders one column as SQLAlchemy does: name, type, server
// default, NOT NULL.
func columnDef(name dialect.Name, c column) string {
	var b strings.Builder
	b.WriteString(quoteIdent(c.name))
	b.WriteByte(' ')
	b.WriteString(columnType(name, c))
	if c.falseByDef {
		b.WriteString(" DEFAULT ")
		b.WriteString(falseDefault(name))
	}
	if !c.nullable {
		b.WriteString(" NOT NULL")
	}
	return b.String()
}

// createTable renders CREATE TABLE under the given physical name (the
// constraints keep the names of t).
func createTable(name dialect.Name, t table, as string) string {
	items := make([]string, 0, len(t.columns)+len(t.constraints))
	for _, c := range t.columns {
		items = append(items, columnDef(name, c))
	}
	items = append(items, t.constraints...)
	return "CREATE TABLE " + as + " (\n\t" + strings.Join(items, ", \n\t") + "\n)"
}

func createIndexes(t table) []string {
	out := make([]string, 0, len(t.indexes))
	for _, ix := range t.indexes {
		cols := make([]string, len(ix.columns))
		for i, c := range ix.columns {
			cols[i] = quoteIdent(c)
		}
		out = append(out, "CREATE INDEX "+ix.name+" ON "+t.name+" ("+strings.Join(cols, ", ")+")")
	}
	return out
}

// createTableWithIndexes is op.create_table followed by op.create_index.
func createTableWithIndexes(name dialect.Name, t table) []string {
	return append([]string{createTable(name, t, t.name)}, createIndexes(t)...)
}

// rebuildTable is Alembic's SQLite "move and copy": the rows of old are
// copied into a new table shaped like next.
func rebuildTable(name dialect.Name, old, next table) []string {
	tmp := "_alembic_tmp_" + next.name
	cols := make([]string, len(old.columns))
	qualified := make([]string, len(old.columns))
	for i, c := range old.columns {
		cols[i] = quoteIdent(c.name)
		qualified[i] = old.name + "." + quoteIdent(c.name)
	}
	steps := []string{
		createTable(name, next, tmp),
		"INSERT INTO " + tmp + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(qualified, ", ") + " \nFROM " + old.name,
		"DROP TABLE " + old.name,
		"ALTER TABLE " + tmp + " RENAME TO " + next.name,
	}
	return append(steps, createIndexes(next)...)
}
