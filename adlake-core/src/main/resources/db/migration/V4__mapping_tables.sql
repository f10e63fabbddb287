-- The index of the identity mapping's published tables, serving.map_<partner>_<region>: one row
-- per table of the current publication, rewritten by the mapping publisher in the transaction
-- that swaps the tables in. The publisher drops only the tables listed here. IF NOT EXISTS: the
-- publisher created this table itself before this migration.
CREATE TABLE IF NOT EXISTS serving.mapping_tables (
    table_name   TEXT        PRIMARY KEY,
    partner      TEXT        NOT NULL,
    region       TEXT        NOT NULL,
    row_count    BIGINT      NOT NULL,
    snapshot_id  BIGINT,                 -- of identity.user_ids; null when it had none
    run_id       BIGINT,                 -- adlake.job_runs
    published_at TIMESTAMPTZ NOT NULL,
    UNIQUE (partner, region)
);
