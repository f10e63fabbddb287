-- API tokens of the HTTP API and dashboard: only a SHA-256 of each token is kept (tokens are 256
-- random bits, so a plain hash cannot be searched), with its scope; revoked tokens stay listed.
CREATE TABLE adlake.api_tokens (
    token_id     BIGSERIAL PRIMARY KEY,
    name         TEXT        NOT NULL,
    scope        TEXT        NOT NULL CHECK (scope IN ('read', 'manage', 'admin')),
    token_sha256 TEXT        NOT NULL UNIQUE,
    prefix       TEXT        NOT NULL,
    created_by   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
-- One live token per name; a revoked name can be reused.
CREATE UNIQUE INDEX api_tokens_live_name ON adlake.api_tokens (name) WHERE revoked_at IS NULL;

-- Every change to platform data and to access: who (a token's name or the operating-system user),
-- what, on what, and the details.
CREATE TABLE adlake.audit_log (
    audit_id   BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor      TEXT        NOT NULL,
    action     TEXT        NOT NULL,
    target     TEXT        NOT NULL,
    details    JSONB       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON adlake.audit_log (at DESC);
