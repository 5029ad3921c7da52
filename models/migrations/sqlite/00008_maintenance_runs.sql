-- One-off data fixes that run at start (account.RekeyAddresses) record here that they finished,
-- so a start does not read every address again.

-- +goose Up
CREATE TABLE maintenance_runs (
    name    text PRIMARY KEY,
    done_at datetime NOT NULL
);

-- +goose Down
DROP TABLE maintenance_runs;
