-- The link in the notice to the old address after an email change (undo_email_change) is a
-- one-time code of its own purpose (account/undo_email_change.go).

-- +goose Up
ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_purpose_check;
ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_purpose_check
    CHECK (purpose IN ('activation', 'email_change', 'add_email', 'password_reset', 'undo_email_change'));

-- +goose Down
DELETE FROM one_time_codes WHERE purpose = 'undo_email_change';
ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_purpose_check;
ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_purpose_check
    CHECK (purpose IN ('activation', 'email_change', 'add_email', 'password_reset'));
