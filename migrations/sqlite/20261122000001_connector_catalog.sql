-- The global catalog of connector types, written only by the seeder.
CREATE TABLE connector_catalog (
    id            TEXT PRIMARY KEY NOT NULL,   -- UUID, hyphenated
    key           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    icon          TEXT NOT NULL,               -- SVG document
    auth_type     TEXT NOT NULL CHECK (auth_type IN ('oauth2', 'api_key', 'basic', 'none', 'custom')),
    capabilities  TEXT NOT NULL CHECK (json_valid(capabilities)),
    config_schema TEXT NOT NULL CHECK (json_valid(config_schema)),
    auth_schema   TEXT NOT NULL CHECK (json_valid(auth_schema)),
    oauth         TEXT CHECK (oauth IS NULL OR json_valid(oauth)),
    test          TEXT NOT NULL CHECK (json_valid(test)),
    docs_url      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE INDEX connector_catalog_category ON connector_catalog (category);
