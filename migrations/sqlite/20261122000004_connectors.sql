-- Connector instances, their credentials (sealed by the vault) and the audit trail.

CREATE TABLE connectors (
    id             TEXT PRIMARY KEY NOT NULL,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    catalog_id     TEXT NOT NULL REFERENCES connector_catalog (id),
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'inactive', 'active', 'error')),
    scope          TEXT NOT NULL CHECK (scope IN ('global', 'tenant', 'user')),
    owner_user_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    allowed_roles  TEXT NOT NULL CHECK (json_valid(allowed_roles)),
    config         TEXT NOT NULL CHECK (json_valid(config)),
    tags           TEXT NOT NULL CHECK (json_valid(tags)),
    last_tested_at TEXT,
    last_test_ok   INTEGER,
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    created_by     TEXT,
    updated_by     TEXT
);
CREATE INDEX connectors_tenant ON connectors (tenant_id);
CREATE INDEX connectors_catalog ON connectors (catalog_id);
CREATE UNIQUE INDEX connectors_tenant_name ON connectors (tenant_id, lower(name));

CREATE TABLE credentials (
    id           TEXT PRIMARY KEY NOT NULL,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL UNIQUE REFERENCES connectors (id) ON DELETE CASCADE,
    key_id       TEXT NOT NULL,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    masked       TEXT NOT NULL CHECK (json_valid(masked)),
    expires_at   TEXT,
    refreshed_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT,
    updated_by   TEXT
);
CREATE INDEX credentials_tenant ON credentials (tenant_id);
CREATE INDEX credentials_key ON credentials (key_id);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    actor       TEXT,                          -- user id; NULL for the system
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    at          TEXT NOT NULL,
    details     TEXT NOT NULL CHECK (json_valid(details))
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id);
CREATE INDEX audit_log_target ON audit_log (target_id, at);
