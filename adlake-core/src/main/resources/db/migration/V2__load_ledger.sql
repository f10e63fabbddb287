-- The load ledger: every object discovered in the landing zone and how loading it went.
CREATE TABLE loads (
    load_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed           TEXT        NOT NULL,
    object_key     TEXT        NOT NULL,
    size_bytes     BIGINT      NOT NULL,
    modified_at    TIMESTAMPTZ NOT NULL,
    checksum       TEXT,
    status         TEXT        NOT NULL DEFAULT 'ready',
    attempts       INT         NOT NULL DEFAULT 0,
    rows_read      BIGINT,
    rows_written   BIGINT,
    rows_rejected  BIGINT,
    snapshot_id    BIGINT,
    error          TEXT,
    message        TEXT,
    stored_key     TEXT,
    claimed_host   TEXT,
    claimed_pid    BIGINT,
    discovered_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The same object is recorded once, so it is never loaded twice.
    UNIQUE (feed, object_key, modified_at, size_bytes)
);

CREATE INDEX loads_ready ON loads (feed, modified_at, load_id) WHERE status = 'ready';
CREATE INDEX loads_by_status ON loads (status, load_id);
CREATE INDEX loads_by_key ON loads (feed, object_key);

-- The only status changes there are; anything else is refused by the trigger below.
CREATE TABLE load_transitions (
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    PRIMARY KEY (from_status, to_status)
);

INSERT INTO load_transitions VALUES
    ('ready', 'ingesting'),
    ('ingesting', 'ready_for_archiving'),
    ('ingesting', 'ready_for_erroring'),
    ('ingesting', 'ready'),
    ('ready_for_archiving', 'archiving'),
    ('archiving', 'archived'),
    ('archiving', 'ready_for_archiving'),
    ('ready_for_erroring', 'erroring'),
    ('erroring', 'errored'),
    ('erroring', 'ready_for_erroring'),
    ('errored', 'ready');

ALTER TABLE loads ADD CONSTRAINT loads_status_known
    CHECK (status IN ('ready', 'ingesting', 'ready_for_archiving', 'archiving', 'archived',
                      'ready_for_erroring', 'erroring', 'errored'));

CREATE FUNCTION check_load_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status <> OLD.status AND NOT EXISTS (
        SELECT 1 FROM adlake.load_transitions WHERE from_status = OLD.status AND to_status = NEW.status
    ) THEN
        RAISE EXCEPTION 'Illegal load status transition % -> % for load %',
            OLD.status, NEW.status, OLD.load_id USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER loads_transition BEFORE UPDATE ON loads
    FOR EACH ROW EXECUTE FUNCTION check_load_transition();

-- Full-snapshot feeds: each generation of a table, and the loads made in it
-- (the ingestion design's *_table_ods_snapshots and *_load_ods_snapshots).
CREATE TABLE table_snapshots (
    table_name    TEXT        NOT NULL,
    snapshot      TIMESTAMPTZ NOT NULL,
    snapshot_key  TEXT        NOT NULL,
    PRIMARY KEY (table_name, snapshot)
);

CREATE TABLE load_snapshots (
    load_id   BIGINT      NOT NULL REFERENCES loads (load_id),
    snapshot  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (load_id)
);
