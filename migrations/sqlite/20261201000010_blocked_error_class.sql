-- One more error class for connection tests: `blocked` (a private or reserved address,
-- which the server does not connect to: a rule, not a network failure, so it is not
-- `connect`). SQLite cannot change a CHECK constraint, so the table is rebuilt with the
-- rows kept (as in migration 9).
CREATE TABLE connection_tests_new (
    id            TEXT PRIMARY KEY NOT NULL,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    connector_id  TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    ok            INTEGER NOT NULL,
    error_class   TEXT CHECK (error_class IN ('dns', 'connect', 'blocked', 'tls', 'timeout', 'auth', 'http', 'unexpected', 'not_api', 'provider')),
    trace         TEXT NOT NULL CHECK (json_valid(trace)),
    trigger       TEXT NOT NULL CHECK (trigger IN ('user', 'schedule', 'wizard')),
    -- The instance's status before this test set `error`; a later passing test restores it.
    status_before TEXT CHECK (status_before IN ('pending', 'inactive', 'active'))
);
INSERT INTO connection_tests_new
    (id, tenant_id, connector_id, started_at, duration_ms, ok, error_class, trace, trigger, status_before)
SELECT id, tenant_id, connector_id, started_at, duration_ms, ok, error_class, trace, trigger, status_before
FROM connection_tests;
DROP TABLE connection_tests;
ALTER TABLE connection_tests_new RENAME TO connection_tests;
CREATE INDEX connection_tests_connector ON connection_tests (connector_id, started_at);
