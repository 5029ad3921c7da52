-- The outbox, the rate-limit counters and the one-time codes are queue-like: rows are updated
-- or die within minutes, at the rate of requests. PostgreSQL's default autovacuum waits until a
-- fifth of a table is dead; until then every scan of the outbox's pending index walks the dead
-- entries of delivered mail (load benchmark, bench/results.md). Vacuum them after 2% instead,
-- and keep their statistics as fresh, so the planner knows how big the queue really is.

-- A user's live codes of a purpose (at most one: a new code revokes the others) get an index
-- of their own. Revoking scanned every code the user ever had of that purpose through
-- one_time_codes_user_purpose_idx, checking each for consumed_at/revoked_at: 0.24 ms a request
-- once a user had a few thousand, the costliest statement of every code-mailing flow. A plain
-- CREATE INDEX (it holds off writes while it builds) is enough: codes are swept soon after they
-- expire, so the table stays small.

-- +goose Up
CREATE INDEX one_time_codes_live_idx ON one_time_codes (user_id, purpose) WHERE consumed_at IS NULL AND revoked_at IS NULL;
ALTER TABLE outbox_messages SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE rate_limits SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE one_time_codes SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- +goose Down
DROP INDEX one_time_codes_live_idx;
ALTER TABLE one_time_codes RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
ALTER TABLE rate_limits RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
ALTER TABLE outbox_messages RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
