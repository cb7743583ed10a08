-- The schema (sqlite_master) of an empty SQLite database that Python
-- regstack (>= 0.8.3) migrated to Alembic revision 0003, as `sqlite3 .schema`
-- prints it. Made with regstack's migrations 0001-0003 on SQLAlchemy 1.4 and
-- Alembic 1.8. Revision 0003 is rebuilt through _alembic_tmp_oauth_states
-- because its server default is an SQL expression (false()).
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE pending_registrations (
	id VARCHAR(36) NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	hashed_password TEXT NOT NULL, 
	full_name VARCHAR(200), 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	CONSTRAINT pk_pending_registrations PRIMARY KEY (id), 
	CONSTRAINT pending_email_unique UNIQUE (email), 
	CONSTRAINT pending_token_unique UNIQUE (token_hash)
);
CREATE INDEX ix_pending_expires_at ON pending_registrations (expires_at);
CREATE TABLE token_blacklist (
	id INTEGER NOT NULL, 
	jti VARCHAR(64) NOT NULL, 
	exp DATETIME NOT NULL, 
	CONSTRAINT pk_token_blacklist PRIMARY KEY (id), 
	CONSTRAINT jti_unique UNIQUE (jti)
);
CREATE INDEX ix_blacklist_exp ON token_blacklist (exp);
CREATE TABLE login_attempts (
	id INTEGER NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	"when" DATETIME NOT NULL, 
	ip VARCHAR(64), 
	CONSTRAINT pk_login_attempts PRIMARY KEY (id)
);
CREATE INDEX ix_login_attempts_email_when ON login_attempts (email, "when");
CREATE TABLE mfa_codes (
	id INTEGER NOT NULL, 
	user_id VARCHAR(36) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	code_hash VARCHAR(64) NOT NULL, 
	expires_at DATETIME NOT NULL, 
	attempts INTEGER NOT NULL, 
	max_attempts INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_mfa_codes PRIMARY KEY (id), 
	CONSTRAINT user_kind_unique UNIQUE (user_id, kind), 
	CONSTRAINT ck_mfa_codes_ck_mfa_codes_attempts_nonneg CHECK (attempts >= 0)
);
CREATE INDEX ix_mfa_codes_expires_at ON mfa_codes (expires_at);
CREATE TABLE oauth_identities (
	id VARCHAR(36) NOT NULL, 
	user_id VARCHAR(36) NOT NULL, 
	provider VARCHAR(32) NOT NULL, 
	subject_id VARCHAR(255) NOT NULL, 
	email VARCHAR(320), 
	linked_at DATETIME NOT NULL, 
	last_used_at DATETIME, 
	CONSTRAINT pk_oauth_identities PRIMARY KEY (id), 
	CONSTRAINT provider_subject_unique UNIQUE (provider, subject_id), 
	CONSTRAINT user_provider_unique UNIQUE (user_id, provider)
);
CREATE TABLE IF NOT EXISTS "users" (
	id VARCHAR(36) NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	hashed_password TEXT, 
	is_active BOOLEAN NOT NULL, 
	is_verified BOOLEAN NOT NULL, 
	is_superuser BOOLEAN NOT NULL, 
	full_name VARCHAR(200), 
	phone_number VARCHAR(20), 
	is_mfa_enabled BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	last_login DATETIME, 
	tokens_invalidated_after DATETIME, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT email_unique UNIQUE (email)
);
CREATE TABLE IF NOT EXISTS "oauth_states" (
	id VARCHAR(64) NOT NULL, 
	provider VARCHAR(32) NOT NULL, 
	code_verifier TEXT NOT NULL, 
	nonce VARCHAR(64) NOT NULL, 
	redirect_to TEXT NOT NULL, 
	mode VARCHAR(16) NOT NULL, 
	linking_user_id VARCHAR(36), 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	result_token TEXT, 
	result_was_new BOOLEAN DEFAULT (0) NOT NULL, 
	CONSTRAINT pk_oauth_states PRIMARY KEY (id), 
	CONSTRAINT ck_oauth_states_ck_oauth_states_mode_valid CHECK (mode IN ('signin', 'link'))
);
CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);
