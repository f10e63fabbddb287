-- Every run of a job: what ran, with which parameters, how it ended and what it moved.
CREATE TABLE job_runs (
    run_id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_name    TEXT        NOT NULL,
    domain      TEXT        NOT NULL,
    parameters  JSONB       NOT NULL DEFAULT '{}'::jsonb,
    status      TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at    TIMESTAMPTZ,
    rows_in     BIGINT,
    rows_out    BIGINT,
    figures     JSONB,
    error       TEXT,
    host        TEXT        NOT NULL,
    pid         BIGINT      NOT NULL,
    CHECK ((status = 'running') = (ended_at IS NULL))
);

CREATE INDEX job_runs_by_job ON job_runs (job_name, started_at DESC);
CREATE INDEX job_runs_by_start ON job_runs (started_at DESC);
