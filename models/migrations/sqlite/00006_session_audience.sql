-- Every session belongs to one API (account.SessionSpec.Audience): its tokens are credentials
-- for that API only. Sessions opened before this migration get the empty audience, which no
-- API accepts, so their holders log in again.

-- +goose Up
ALTER TABLE sessions ADD COLUMN audience text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN audience;
