-- `alembic upgrade 0003 --sql` for PostgreSQL with Python regstack's
-- migrations (SQLAlchemy 1.4, Alembic 1.8): the statements that take an
-- empty database to revision 0003.
BEGIN;

CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, 
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade  -> 0001

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
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    last_login TIMESTAMP WITH TIME ZONE, 
    tokens_invalidated_after TIMESTAMP WITH TIME ZONE, 
    CONSTRAINT pk_users PRIMARY KEY (id), 
    CONSTRAINT email_unique UNIQUE (email)
);

CREATE TABLE pending_registrations (
    id VARCHAR(36) NOT NULL, 
    email VARCHAR(320) NOT NULL, 
    hashed_password TEXT NOT NULL, 
    full_name VARCHAR(200), 
    token_hash VARCHAR(64) NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    CONSTRAINT pk_pending_registrations PRIMARY KEY (id), 
    CONSTRAINT pending_email_unique UNIQUE (email), 
    CONSTRAINT pending_token_unique UNIQUE (token_hash)
);

CREATE INDEX ix_pending_expires_at ON pending_registrations (expires_at);

CREATE TABLE token_blacklist (
    id SERIAL NOT NULL, 
    jti VARCHAR(64) NOT NULL, 
    exp TIMESTAMP WITH TIME ZONE NOT NULL, 
    CONSTRAINT pk_token_blacklist PRIMARY KEY (id), 
    CONSTRAINT jti_unique UNIQUE (jti)
);

CREATE INDEX ix_blacklist_exp ON token_blacklist (exp);

CREATE TABLE login_attempts (
    id SERIAL NOT NULL, 
    email VARCHAR(320) NOT NULL, 
    "when" TIMESTAMP WITH TIME ZONE NOT NULL, 
    ip VARCHAR(64), 
    CONSTRAINT pk_login_attempts PRIMARY KEY (id)
);

CREATE INDEX ix_login_attempts_email_when ON login_attempts (email, "when");

CREATE TABLE mfa_codes (
    id SERIAL NOT NULL, 
    user_id VARCHAR(36) NOT NULL, 
    kind VARCHAR(32) NOT NULL, 
    code_hash VARCHAR(64) NOT NULL, 
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    attempts INTEGER NOT NULL, 
    max_attempts INTEGER NOT NULL, 
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    CONSTRAINT pk_mfa_codes PRIMARY KEY (id), 
    CONSTRAINT user_kind_unique UNIQUE (user_id, kind), 
    CONSTRAINT ck_mfa_codes_ck_mfa_codes_attempts_nonneg CHECK (attempts >= 0)
);

CREATE INDEX ix_mfa_codes_expires_at ON mfa_codes (expires_at);

INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;

-- Running upgrade 0001 -> 0002

CREATE TABLE oauth_identities (
    id VARCHAR(36) NOT NULL, 
    user_id VARCHAR(36) NOT NULL, 
    provider VARCHAR(32) NOT NULL, 
    subject_id VARCHAR(255) NOT NULL, 
    email VARCHAR(320), 
    linked_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    last_used_at TIMESTAMP WITH TIME ZONE, 
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
    created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
    result_token TEXT, 
    CONSTRAINT pk_oauth_states PRIMARY KEY (id), 
    CONSTRAINT ck_oauth_states_ck_oauth_states_mode_valid CHECK (mode IN ('signin', 'link'))
);

CREATE INDEX ix_oauth_states_expires_at ON oauth_states (expires_at);

ALTER TABLE users ALTER COLUMN hashed_password DROP NOT NULL;

UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';

-- Running upgrade 0002 -> 0003

ALTER TABLE oauth_states ADD COLUMN result_was_new BOOLEAN DEFAULT false NOT NULL;

UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002';

COMMIT;

