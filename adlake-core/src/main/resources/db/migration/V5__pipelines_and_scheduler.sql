-- Pipelines, retries, backfills, deadlines and the scheduler.

-- One run of a pipeline: the jobs it selected run in the order their datasets imply.
CREATE TABLE pipeline_runs (
    pipeline_run_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trigger         TEXT        NOT NULL,
    selection       TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at        TIMESTAMPTZ,
    jobs            INT         NOT NULL,
    jobs_succeeded  INT,
    jobs_failed     INT,
    jobs_skipped    INT,
    host            TEXT        NOT NULL,
    pid             BIGINT      NOT NULL,
    CHECK ((status = 'running') = (ended_at IS NULL))
);

-- A backfill: one job over a range of days, in order, each day once.
CREATE TABLE backfills (
    backfill_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_name    TEXT        NOT NULL,
    first_day   DATE        NOT NULL,
    last_day    DATE        NOT NULL,
    force       BOOLEAN     NOT NULL,
    parameters  JSONB       NOT NULL DEFAULT '{}'::jsonb,
    status      TEXT        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at    TIMESTAMPTZ,
    CHECK (first_day <= last_day)
);

-- Each attempt of a job is a run: its number, the pipeline run or backfill it belongs to, and
-- when it was ready to start (due, or its inputs done): started_at - ready_at is its wait.
ALTER TABLE job_runs
    ADD COLUMN attempt         INT NOT NULL DEFAULT 1,
    ADD COLUMN pipeline_run_id BIGINT REFERENCES pipeline_runs,
    ADD COLUMN backfill_id     BIGINT REFERENCES backfills,
    ADD COLUMN ready_at        TIMESTAMPTZ;

CREATE INDEX job_runs_by_pipeline_run ON job_runs (pipeline_run_id) WHERE pipeline_run_id IS NOT NULL;
CREATE INDEX job_runs_by_backfill ON job_runs (backfill_id) WHERE backfill_id IS NOT NULL;

-- Alerts the platform raised, such as a job past its deadline; one per subject and due time.
CREATE TABLE alerts (
    alert_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind      TEXT        NOT NULL,
    subject   TEXT        NOT NULL,
    due_at    TIMESTAMPTZ NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    message   TEXT        NOT NULL,
    UNIQUE (kind, subject, due_at)
);

-- db-scheduler's table: each schedule's next execution, claimed by one scheduler at a time.
CREATE TABLE scheduled_tasks (
    task_name            TEXT                     NOT NULL,
    task_instance        TEXT                     NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN                  NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMP WITH TIME ZONE,
    last_failure         TIMESTAMP WITH TIME ZONE,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP WITH TIME ZONE,
    version              BIGINT                   NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_execution_time ON scheduled_tasks (priority DESC, execution_time ASC);
