-- The domain classification's answer for serving: one IAB Content Taxonomy 3.1 category per
-- domain and region, replaced per region in one transaction by domain-iab-category (readers see
-- the previous classification or the new one, never a mix).
CREATE TABLE serving.domain_categories (
    region        TEXT             NOT NULL,
    domain        TEXT             NOT NULL,
    iab_tier1_id  TEXT             NOT NULL,
    iab_tier2_id  TEXT             NOT NULL,
    confidence    DOUBLE PRECISION NOT NULL,
    source        TEXT             NOT NULL,
    classified_at TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (region, domain)
);
