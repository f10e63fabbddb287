-- Each erasure of a user's data: who asked and when, the ids it expanded to through the identity
-- graph, the rows removed per table, and its proof (per table, the retained snapshots scanned and
-- the rows of the ids found in them: zero).
CREATE TABLE adlake.erasures (
    erasure_id    BIGSERIAL PRIMARY KEY,
    run_id        BIGINT,
    subject       TEXT        NOT NULL,
    requested_by  TEXT        NOT NULL,
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    status        TEXT        NOT NULL CHECK (status IN ('running', 'erased', 'failed')),
    ids           JSONB       NOT NULL,
    rows_removed  JSONB,
    proof         JSONB,
    error         TEXT
);
