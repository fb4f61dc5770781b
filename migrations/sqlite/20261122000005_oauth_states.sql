-- OAuth authorization requests in flight: one row per "Connect" click, single use, short-lived.
-- The state itself is never stored, only its SHA-256; the PKCE verifier is sealed by the vault.

CREATE TABLE oauth_states (
    state_hash   TEXT PRIMARY KEY NOT NULL,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    key_id       TEXT NOT NULL,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    return_to    TEXT NOT NULL CHECK (return_to IN ('wizard', 'detail')),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
