-- The link in the notice to the old address after an email change (undo_email_change) is a
-- one-time code of its own purpose (account/undo_email_change.go). SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt (its rows, then its indexes).

-- +goose Up
CREATE TABLE one_time_codes_new (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose      text NOT NULL CHECK (purpose IN ('activation', 'email_change', 'add_email', 'password_reset', 'undo_email_change')),
    email        text NOT NULL,
    code_hash    BLOB NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    expires_at   DATETIME NOT NULL,
    resend_at    DATETIME NOT NULL,
    consumed_at  DATETIME,
    revoked_at   DATETIME,
    created_at   DATETIME NOT NULL,
    email_key    text NOT NULL DEFAULT ''
);
INSERT INTO one_time_codes_new (id, user_id, purpose, email, code_hash, attempts, max_attempts, expires_at, resend_at, consumed_at, revoked_at, created_at, email_key)
    SELECT id, user_id, purpose, email, code_hash, attempts, max_attempts, expires_at, resend_at, consumed_at, revoked_at, created_at, email_key FROM one_time_codes;
DROP TABLE one_time_codes;
ALTER TABLE one_time_codes_new RENAME TO one_time_codes;
CREATE UNIQUE INDEX one_time_codes_code_hash_key ON one_time_codes (code_hash);
CREATE INDEX one_time_codes_user_purpose_idx ON one_time_codes (user_id, purpose, created_at);
CREATE INDEX one_time_codes_live_idx ON one_time_codes (user_id, purpose) WHERE consumed_at IS NULL AND revoked_at IS NULL;
CREATE INDEX one_time_codes_live_email_key_idx ON one_time_codes (email_key) WHERE consumed_at IS NULL AND revoked_at IS NULL;

-- +goose Down
CREATE TABLE one_time_codes_old (
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
    created_at   DATETIME NOT NULL,
    email_key    text NOT NULL DEFAULT ''
);
INSERT INTO one_time_codes_old (id, user_id, purpose, email, code_hash, attempts, max_attempts, expires_at, resend_at, consumed_at, revoked_at, created_at, email_key)
    SELECT id, user_id, purpose, email, code_hash, attempts, max_attempts, expires_at, resend_at, consumed_at, revoked_at, created_at, email_key
    FROM one_time_codes WHERE purpose <> 'undo_email_change';
DROP TABLE one_time_codes;
ALTER TABLE one_time_codes_old RENAME TO one_time_codes;
CREATE UNIQUE INDEX one_time_codes_code_hash_key ON one_time_codes (code_hash);
CREATE INDEX one_time_codes_user_purpose_idx ON one_time_codes (user_id, purpose, created_at);
CREATE INDEX one_time_codes_live_idx ON one_time_codes (user_id, purpose) WHERE consumed_at IS NULL AND revoked_at IS NULL;
CREATE INDEX one_time_codes_live_email_key_idx ON one_time_codes (email_key) WHERE consumed_at IS NULL AND revoked_at IS NULL;
