-- Generated from ../postgres/00001_account_core.sql by type substitution (timestamptz -> DATETIME, bytea -> BLOB); keep the two in step.
-- The account core shared by every vendor API. Times are UTC, set by the service (not now()), so
-- PostgreSQL and SQLite behave the same and tests can move the clock.

-- +goose Up
CREATE TABLE users (
    id                       text PRIMARY KEY,
    password_hash            text,
    status                   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
    tos_accepted_at          DATETIME,
    marketing_email_accepted BOOLEAN NOT NULL DEFAULT false,
    created_at               DATETIME NOT NULL,
    updated_at               DATETIME NOT NULL,
    deleted_at               DATETIME
);

-- An address belongs to at most one user, compared case-insensitively, enforced here and not
-- only in code: two concurrent claims cannot both commit.
CREATE TABLE emails (
    id                   text PRIMARY KEY,
    user_id              text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address              text NOT NULL,
    is_primary           BOOLEAN NOT NULL DEFAULT false,
    verified_at          DATETIME,
    verification_sent_at DATETIME,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);
CREATE UNIQUE INDEX emails_address_key ON emails (lower(address));
CREATE UNIQUE INDEX emails_one_primary_per_user ON emails (user_id) WHERE is_primary = 1;
CREATE INDEX emails_user_id_idx ON emails (user_id);

CREATE TABLE organizations (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE memberships (
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('member', 'site_admin', 'business_admin')),
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

-- Opaque bearer secrets of every kind. Only a SHA-256 of the token is stored.
CREATE TABLE credentials (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('api_token', 'access_token', 'refresh_token', 'session')),
    token_hash   BLOB NOT NULL,
    scopes       text NOT NULL DEFAULT '',
    expires_at   DATETIME,
    revoked_at   DATETIME,
    last_used_at DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX credentials_token_hash_key ON credentials (token_hash);
CREATE INDEX credentials_live_by_user_idx ON credentials (user_id) WHERE revoked_at IS NULL;

-- One-time codes: only an HMAC (keyed by ACCOUNTD_SECRET) is stored. A code is live while
-- consumed_at and revoked_at are NULL, expires_at is ahead and attempts < max_attempts.
CREATE TABLE one_time_codes (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose      text NOT NULL CHECK (purpose IN ('activation', 'email_change', 'add_email', 'password_reset')),
    email        text NOT NULL,
    code_hash    BLOB NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    expires_at   DATETIME NOT NULL,
    resend_at    DATETIME NOT NULL,
    consumed_at  DATETIME,
    revoked_at   DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX one_time_codes_code_hash_key ON one_time_codes (code_hash);
CREATE INDEX one_time_codes_user_purpose_idx ON one_time_codes (user_id, purpose, created_at);

-- Mail written in the same transaction as the change it announces. The subject and body are
-- sealed (AES-GCM, key derived from ACCOUNTD_SECRET) because they carry live codes.
CREATE TABLE outbox_messages (
    id              text PRIMARY KEY,
    kind            text NOT NULL,
    recipient       text NOT NULL,
    sealed          BLOB NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'logged', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    locked_until    DATETIME,
    last_error      text NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME
);
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending';

-- Security events, append only.
CREATE TABLE audit_events (
    id         text PRIMARY KEY,
    user_id    text REFERENCES users (id) ON DELETE SET NULL,
    kind       text NOT NULL,
    detail     text NOT NULL DEFAULT '{}',
    created_at DATETIME NOT NULL
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, created_at);

-- Fixed-window counters shared by every replica. Keys are HMACs, never raw addresses.
CREATE TABLE rate_limits (
    key          text PRIMARY KEY,
    window_start DATETIME NOT NULL,
    hits         integer NOT NULL
);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE audit_events;
DROP TABLE outbox_messages;
DROP TABLE one_time_codes;
DROP TABLE credentials;
DROP TABLE memberships;
DROP TABLE organizations;
DROP TABLE emails;
DROP TABLE users;
