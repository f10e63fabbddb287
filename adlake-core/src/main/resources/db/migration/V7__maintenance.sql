-- What the maintenance domain did to each table: retention's deletes, Iceberg upkeep (snapshot
-- expiry, orphan removal, compaction, manifest rewrites) and erasures, with rows, files and bytes,
-- so that 'adlake maintenance history' can say what was reclaimed per table.
CREATE TABLE adlake.maintenance_actions (
    action_id     BIGSERIAL PRIMARY KEY,
    run_id        BIGINT,
    table_name    TEXT        NOT NULL,
    action        TEXT        NOT NULL,
    rows_removed  BIGINT      NOT NULL DEFAULT 0,
    files_removed BIGINT      NOT NULL DEFAULT 0,
    bytes_removed BIGINT      NOT NULL DEFAULT 0,
    files_added   BIGINT      NOT NULL DEFAULT 0,
    bytes_added   BIGINT      NOT NULL DEFAULT 0,
    detail        TEXT,
    done_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_actions_table ON adlake.maintenance_actions (table_name, done_at DESC);
