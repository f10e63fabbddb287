-- The serving store: what the HTTP API, the dashboard and BI tools read. Rebuilt from the lake's
-- reporting tables by the ad-metrics job; every rewritten hour is replaced in one transaction.
CREATE SCHEMA IF NOT EXISTS serving;

-- The ad-metric design's tables, "partitioned on ad_id" (by hash, so any ad id has a partition).
CREATE TABLE serving.ad_metrics (
    ad_id             INT       NOT NULL,
    hour              TIMESTAMP NOT NULL, -- UTC
    total_impressions INT       NOT NULL,
    total_clicks      INT       NOT NULL,
    total_sessions    INT       NOT NULL,
    PRIMARY KEY (ad_id, hour)
) PARTITION BY HASH (ad_id);

CREATE TABLE serving.users (
    ad_id   INT       NOT NULL,
    hour    TIMESTAMP NOT NULL, -- UTC
    user_id VARCHAR   NOT NULL,
    UNIQUE (ad_id, hour, user_id)
) PARTITION BY HASH (ad_id);

DO $$
BEGIN
    FOR i IN 0..7 LOOP
        EXECUTE format('CREATE TABLE serving.ad_metrics_p%s PARTITION OF serving.ad_metrics'
                       ' FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
        EXECUTE format('CREATE TABLE serving.users_p%s PARTITION OF serving.users'
                       ' FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
    END LOOP;
END $$;
-- The ad-metrics job replaces whole hours.
CREATE INDEX ad_metrics_by_hour ON serving.ad_metrics (hour);
CREATE INDEX users_by_hour ON serving.users (hour);

-- Rollups by hour at three levels: an ad, a campaign (all its ads), an advertiser (all its
-- campaigns). Impressions, clicks and conversions are exact at every level. Sessions (distinct
-- IPs) and users are exact per ad and hour; elsewhere they come from the HLL sketches (Apache
-- DataSketches, lgK 12, of xxhash64 of the IP or user id), which merge over any set of rows.
CREATE TABLE serving.metrics_hourly (
    level           TEXT        NOT NULL CHECK (level IN ('ad', 'campaign', 'advertiser')),
    id              INT         NOT NULL, -- the ad, campaign or advertiser id, by level
    hour            TIMESTAMPTZ NOT NULL,
    campaign_id     INT,                  -- of an ad or a campaign; null for an advertiser
    advertiser_id   INT         NOT NULL,
    impressions     BIGINT      NOT NULL,
    clicks          BIGINT      NOT NULL,
    conversions     BIGINT      NOT NULL,
    sessions        BIGINT,               -- exact, ad level only
    users           BIGINT,               -- exact, ad level only
    sessions_sketch BYTEA       NOT NULL,
    users_sketch    BYTEA       NOT NULL,
    PRIMARY KEY (level, id, hour)
);
-- Sketches are a few KB and read in bulk: keep them uncompressed, out of the way of the figures.
ALTER TABLE serving.metrics_hourly ALTER COLUMN sessions_sketch SET STORAGE EXTERNAL;
ALTER TABLE serving.metrics_hourly ALTER COLUMN users_sketch SET STORAGE EXTERNAL;
-- Top ads of a campaign or an advertiser over a range.
CREATE INDEX metrics_hourly_ads_of_campaign ON serving.metrics_hourly (campaign_id, hour)
    WHERE level = 'ad';
CREATE INDEX metrics_hourly_ads_of_advertiser ON serving.metrics_hourly (advertiser_id, hour)
    WHERE level = 'ad';
-- Top ads overall, and the newest hour.
CREATE INDEX metrics_hourly_by_hour ON serving.metrics_hourly (level, hour);

-- The same by UTC day: day-granularity series and unique users over long ranges read a row a day.
CREATE TABLE serving.metrics_daily (
    level           TEXT        NOT NULL CHECK (level IN ('ad', 'campaign', 'advertiser')),
    id              INT         NOT NULL,
    day             DATE        NOT NULL,
    campaign_id     INT,
    advertiser_id   INT         NOT NULL,
    impressions     BIGINT      NOT NULL,
    clicks          BIGINT      NOT NULL,
    conversions     BIGINT      NOT NULL,
    sessions_sketch BYTEA       NOT NULL,
    users_sketch    BYTEA       NOT NULL,
    PRIMARY KEY (level, id, day)
);
ALTER TABLE serving.metrics_daily ALTER COLUMN sessions_sketch SET STORAGE EXTERNAL;
ALTER TABLE serving.metrics_daily ALTER COLUMN users_sketch SET STORAGE EXTERNAL;
CREATE INDEX metrics_daily_ads_of_campaign ON serving.metrics_daily (campaign_id, day)
    WHERE level = 'ad';
CREATE INDEX metrics_daily_ads_of_advertiser ON serving.metrics_daily (advertiser_id, day)
    WHERE level = 'ad';
CREATE INDEX metrics_daily_by_day ON serving.metrics_daily (level, day);

-- Breakdown of a campaign's traffic by a dimension (site_domain, device_type), by UTC day.
CREATE TABLE serving.dimension_daily (
    dimension     TEXT   NOT NULL,
    value         TEXT   NOT NULL,
    day           DATE   NOT NULL,
    campaign_id   INT    NOT NULL,
    advertiser_id INT    NOT NULL,
    impressions   BIGINT NOT NULL,
    clicks        BIGINT NOT NULL,
    PRIMARY KEY (dimension, campaign_id, day, value)
);
CREATE INDEX dimension_daily_of_advertiser ON serving.dimension_daily (dimension, advertiser_id, day);
CREATE INDEX dimension_daily_by_day ON serving.dimension_daily (day);

-- One row per refresh of the serving store: when the data was last updated, and up to which hour.
CREATE TABLE serving.refreshes (
    refresh_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id         BIGINT,               -- adlake.job_runs, when a job refreshed it
    refreshed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    hours_replaced INT         NOT NULL,
    first_hour     TIMESTAMPTZ,
    last_hour      TIMESTAMPTZ
);

-- The loads the ad-metrics job has rolled up: a run recomputes the hours touched by the archived
-- loads not listed here, then lists them, so a rerun finds nothing to do.
CREATE TABLE metrics_loads (
    load_id      BIGINT PRIMARY KEY REFERENCES loads (load_id),
    run_id       BIGINT,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
