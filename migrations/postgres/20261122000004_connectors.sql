-- Connector instances, their credentials (sealed by the vault) and the audit trail.

CREATE TABLE connectors (
    id             UUID PRIMARY KEY,
    tenant_id      UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    catalog_id     UUID NOT NULL REFERENCES connector_catalog (id),
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('pending', 'inactive', 'active', 'error')),
    scope          TEXT NOT NULL CHECK (scope IN ('global', 'tenant', 'user')),
    owner_user_id  UUID REFERENCES users (id) ON DELETE SET NULL,
    allowed_roles  JSONB NOT NULL,
    config         JSONB NOT NULL,
    tags           JSONB NOT NULL,
    last_tested_at TIMESTAMPTZ,
    last_test_ok   BOOLEAN,
    last_error     TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    created_by     UUID,
    updated_by     UUID
);
CREATE INDEX connectors_tenant ON connectors (tenant_id);
CREATE INDEX connectors_catalog ON connectors (catalog_id);
CREATE UNIQUE INDEX connectors_tenant_name ON connectors (tenant_id, lower(name));

CREATE TABLE credentials (
    id           UUID PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    connector_id UUID NOT NULL UNIQUE REFERENCES connectors (id) ON DELETE CASCADE,
    key_id       TEXT NOT NULL,
    nonce        BYTEA NOT NULL,
    ciphertext   BYTEA NOT NULL,
    masked       JSONB NOT NULL,
    expires_at   TIMESTAMPTZ,
    refreshed_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    created_by   UUID,
    updated_by   UUID
);
CREATE INDEX credentials_tenant ON credentials (tenant_id);
CREATE INDEX credentials_key ON credentials (key_id);

CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    actor       UUID,                          -- user id; NULL for the system
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   UUID NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    details     JSONB NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id);
CREATE INDEX audit_log_target ON audit_log (target_id, at);
