-- A known plaintext sealed under each master key, checked at startup so that a wrong key
-- stops the server with a clear message instead of producing garbage later.
CREATE TABLE vault_canary (
    key_id     TEXT PRIMARY KEY,
    nonce      BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
