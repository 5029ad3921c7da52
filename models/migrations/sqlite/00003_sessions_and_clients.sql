-- Generated from ../postgres/00003_sessions_and_clients.sql by type substitution (timestamptz -> DATETIME, bytea -> BLOB); keep the two in step.
-- Sessions with rotating refresh tokens (shared by every vendor that logs users in), and API
-- clients owned by an organisation with their application tokens. Times are UTC, set by the
-- service.

-- +goose Up

-- An API client an organisation's integration authenticates as. id is the public client_id;
-- only an HMAC of the secret is kept.
CREATE TABLE api_clients (
    id              text PRIMARY KEY,
    organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    secret_hash     BLOB NOT NULL,
    scopes          text NOT NULL DEFAULT '',
    sends_own_mail  BOOLEAN NOT NULL DEFAULT false,
    created_at      DATETIME NOT NULL,
    revoked_at      DATETIME
);
CREATE INDEX api_clients_organization_idx ON api_clients (organization_id);

-- A session (token family): every access and refresh token minted by one login and its
-- refreshes points here, so ending the session, or a refresh token presented twice, revokes
-- them all at once. secret_hash is an optional per-session secret (a CSRF secret, say).
CREATE TABLE sessions (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    text REFERENCES api_clients (id) ON DELETE CASCADE,
    scopes       text NOT NULL DEFAULT '',
    secret_hash  BLOB,
    expires_at   DATETIME,
    refreshed_at DATETIME,
    revoked_at   DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE INDEX sessions_live_by_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

ALTER TABLE credentials ADD COLUMN session_id text REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX credentials_session_idx ON credentials (session_id) WHERE session_id IS NOT NULL;

-- Application tokens: a client acting for itself, with no user behind it. Only a SHA-256 of
-- the token is kept.
CREATE TABLE client_tokens (
    id         text PRIMARY KEY,
    client_id  text NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL,
    scopes     text NOT NULL DEFAULT '',
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX client_tokens_token_hash_key ON client_tokens (token_hash);

-- +goose Down
DROP TABLE client_tokens;
DROP INDEX credentials_session_idx;
-- SQLite cannot drop a column that is a foreign key; without its sessions the column stays NULL.
UPDATE credentials SET session_id = NULL;
DROP TABLE sessions;
DROP TABLE api_clients;
