-- One-off data fixes that run at start (account.RekeyAddresses) record here that they finished,
-- so a start does not read every address again: at a few million addresses that pass took
-- minutes and held every row in memory.

-- +goose Up
CREATE TABLE maintenance_runs (
    name    text PRIMARY KEY,
    done_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE maintenance_runs;
