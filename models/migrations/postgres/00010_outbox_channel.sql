-- The outbox carries webhook deliveries beside mail (same transaction as the change, same
-- leases, retries and dead letters, same operator commands). channel tells the two apart, and
-- each channel's dispatcher claims only its own due rows through its own part of the index.

-- +goose Up
ALTER TABLE outbox_messages ADD COLUMN channel text NOT NULL DEFAULT 'mail' CHECK (channel IN ('mail', 'webhook'));
CREATE INDEX outbox_messages_channel_due_idx ON outbox_messages (channel, next_attempt_at) WHERE status = 'pending';
DROP INDEX outbox_messages_due_idx;

-- +goose Down
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending';
DROP INDEX outbox_messages_channel_due_idx;
ALTER TABLE outbox_messages DROP COLUMN channel;
