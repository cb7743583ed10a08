-- A regstack 0.5.0 (Python) SQLite database at Alembic revision 0002.
-- Made by running Python regstack 0.5.0's Alembic migrations 0001 and 0002
-- (SQLAlchemy 1.4, Alembic 1.8) on an empty SQLite file, inserting the rows
-- below through its SQLAlchemy tables (so times, booleans and ids are
-- encoded the way Python writes them), then `sqlite3 .dump`. Loading this
-- script reproduces that database's sqlite_master byte for byte.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version VALUES('0002');
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
INSERT INTO pending_registrations VALUES('16fd27068baf433b82eb8c7fada847da','carol@example.com','$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$hTsnKkTbFCHAKWJmmlXrCZTzyrOF7RxMeSU+7hm6tJ4',NULL,'8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92','2025-01-01 00:00:00.000000','2025-01-02 00:00:00.000000');
CREATE TABLE token_blacklist (
	id INTEGER NOT NULL, 
	jti VARCHAR(64) NOT NULL, 
	exp DATETIME NOT NULL, 
	CONSTRAINT pk_token_blacklist PRIMARY KEY (id), 
	CONSTRAINT jti_unique UNIQUE (jti)
);
INSERT INTO token_blacklist VALUES(1,'AAAAAAAAAAAAAAAAAAAAAA','2025-01-01 02:00:00.000000');
CREATE TABLE login_attempts (
	id INTEGER NOT NULL, 
	email VARCHAR(320) NOT NULL, 
	"when" DATETIME NOT NULL, 
	ip VARCHAR(64), 
	CONSTRAINT pk_login_attempts PRIMARY KEY (id)
);
INSERT INTO login_attempts VALUES(1,'alice@example.com','2025-01-01 00:05:00.250000',NULL);
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
INSERT INTO mfa_codes VALUES(1,'0f8fad5bd9cb469fa16570867728950e','login_mfa','8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92','2025-01-01 00:05:00.000000',1,5,'2025-01-01 00:00:00.000000');
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
INSERT INTO oauth_identities VALUES('9b2b0a4c1e4d4f8aa6a4d1f0e2c3b4a5','7c9e6679742540de944be07fc1f90ae7','google','109876543210','bob@example.com','2025-01-01 12:00:00.500000',NULL);
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
INSERT INTO oauth_states VALUES('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk','google','vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv','nnnnnnnnnnnnnnnnnnnnnn','/','signin',NULL,'2025-01-01 00:00:00.000000','2025-01-01 00:05:00.000000',NULL);
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
INSERT INTO users VALUES('0f8fad5bd9cb469fa16570867728950e','alice@example.com','$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$hTsnKkTbFCHAKWJmmlXrCZTzyrOF7RxMeSU+7hm6tJ4',1,1,0,'Alice Example','+14155552671',1,'2025-01-01 00:00:00.000000','2025-01-02 03:04:05.123456','2025-01-02 03:04:05.123456',NULL);
INSERT INTO users VALUES('7c9e6679742540de944be07fc1f90ae7','bob@example.com',NULL,1,0,1,NULL,NULL,0,'2025-01-01 12:00:00.500000','2025-01-01 12:00:00.500000',NULL,'2025-01-01 12:30:00.000000');
CREATE INDEX ix_pending_expires_at ON pending_registrations (expires_at);
CREATE INDEX ix_blacklist_exp ON token_blacklist (exp);
CREATE INDEX ix_login_attempts_email_when ON login_attempts (email, "when");
CREATE INDEX ix_mfa_codes_expires_at ON mfa_codes (expires_at);
CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);
COMMIT;
