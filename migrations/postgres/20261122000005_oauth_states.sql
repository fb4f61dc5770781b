-- OAuth authorization requests in flight: one row per "Connect" click, single use, short-lived.
-- The state itself is never stored, only its SHA-256; the PKCE verifier is sealed by the vault.

CREATE TABLE oauth_states (
    state_hash   TEXT PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connector_id UUID NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    key_id       TEXT NOT NULL,
    nonce        BYTEA NOT NULL,
    ciphertext   BYTEA NOT NULL,
    return_to    TEXT NOT NULL CHECK (return_to IN ('wizard', 'detail')),
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
