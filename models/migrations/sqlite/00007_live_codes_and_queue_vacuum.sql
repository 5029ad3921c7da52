-- A user's live codes of a purpose get an index of their own (see PostgreSQL's 00007). The
-- autovacuum settings there have no SQLite counterpart (its files reuse free pages).

-- +goose Up
CREATE INDEX one_time_codes_live_idx ON one_time_codes (user_id, purpose) WHERE consumed_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP INDEX one_time_codes_live_idx;
