-- Every statement Alembic ran, in order, to take an empty SQLite database
-- to revision 0003 with Python regstack's migrations (SQLAlchemy 1.4,
-- Alembic 1.8; captured from the engine's before_cursor_execute event,
-- PRAGMA and SELECT statements left out).
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

CREATE TABLE users (
	id VARCHAR(36) NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	hashed_password TEXT NOT NULL, 
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

INSERT INTO alembic_version (version_num) VALUES ('0001');

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

CREATE TABLE oauth_states (
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
	CONSTRAINT pk_oauth_states PRIMARY KEY (id), 
	CONSTRAINT ck_oauth_states_ck_oauth_states_mode_valid CHECK (mode IN ('signin', 'link'))
);

CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);

CREATE TABLE _alembic_tmp_users (
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

INSERT INTO _alembic_tmp_users (id, email, hashed_password, is_active, is_verified, is_superuser, full_name, phone_number, is_mfa_enabled, created_at, updated_at, last_login, tokens_invalidated_after) SELECT users.id, users.email, users.hashed_password, users.is_active, users.is_verified, users.is_superuser, users.full_name, users.phone_number, users.is_mfa_enabled, users.created_at, users.updated_at, users.last_login, users.tokens_invalidated_after 
FROM users;

DROP TABLE users;

ALTER TABLE _alembic_tmp_users RENAME TO users;

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

CREATE TABLE _alembic_tmp_oauth_states (
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

INSERT INTO _alembic_tmp_oauth_states (id, provider, code_verifier, nonce, redirect_to, mode, linking_user_id, created_at, expires_at, result_token) SELECT oauth_states.id, oauth_states.provider, oauth_states.code_verifier, oauth_states.nonce, oauth_states.redirect_to, oauth_states.mode, oauth_states.linking_user_id, oauth_states.created_at, oauth_states.expires_at, oauth_states.result_token 
FROM oauth_states;

DROP TABLE oauth_states;

ALTER TABLE _alembic_tmp_oauth_states RENAME TO oauth_states;

CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';
