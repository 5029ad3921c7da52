-- A code remembers the normalised key (account.AddressKey) of the address it was sent to, so
-- that a resend by address finds it however the address is written, as every other lookup of
-- an address does (it matched lower(email) before). Codes live at most an hour: those made
-- before this migration get SQL's lower() as an approximation of their key.

-- +goose Up
ALTER TABLE one_time_codes ADD COLUMN email_key text NOT NULL DEFAULT '';
UPDATE one_time_codes SET email_key = lower(email);
CREATE INDEX one_time_codes_live_email_key_idx ON one_time_codes (email_key) WHERE consumed_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP INDEX one_time_codes_live_email_key_idx;
ALTER TABLE one_time_codes DROP COLUMN email_key;
