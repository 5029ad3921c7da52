-- One normalised key per address (account.AddressKey: NFC, case-folded local part, IDNA A-label
-- domain), unique across users in both databases. lower(address) was not enough: SQLite's
-- lower() folds only ASCII, and neither database merges NFC/NFD forms or punycode domains.
-- Existing rows get lower(address) here; the service recomputes every key at start
-- (account.Service.RekeyAddresses), so non-ASCII addresses stored before get their real key.

-- +goose Up
ALTER TABLE emails ADD COLUMN address_key text;
UPDATE emails SET address_key = lower(address);
ALTER TABLE emails ALTER COLUMN address_key SET NOT NULL;
DROP INDEX emails_address_key;
CREATE UNIQUE INDEX emails_address_key_key ON emails (address_key);

-- +goose Down
DROP INDEX emails_address_key_key;
CREATE UNIQUE INDEX emails_address_key ON emails (lower(address));
ALTER TABLE emails DROP COLUMN address_key;
