-- The global catalog of connector types, written only by the seeder.
CREATE TABLE connector_catalog (
    id            UUID PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    icon          TEXT NOT NULL,
    auth_type     TEXT NOT NULL CHECK (auth_type IN ('oauth2', 'api_key', 'basic', 'none', 'custom')),
    capabilities  JSONB NOT NULL,
    config_schema JSONB NOT NULL,
    auth_schema   JSONB NOT NULL,
    oauth         JSONB,
    test          JSONB NOT NULL,
    docs_url      TEXT NOT NULL,
    version       BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE INDEX connector_catalog_category ON connector_catalog (category);
