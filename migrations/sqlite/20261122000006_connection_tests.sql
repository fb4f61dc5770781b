-- Connection test results (DESIGN.md §8), newest kept per instance; traces are redacted.

CREATE TABLE connection_tests (
    id            TEXT PRIMARY KEY NOT NULL,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    connector_id  TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    ok            INTEGER NOT NULL,
    error_class   TEXT CHECK (error_class IN ('dns', 'connect', 'tls', 'timeout', 'auth', 'http', 'unexpected')),
    trace         TEXT NOT NULL CHECK (json_valid(trace)),
    trigger       TEXT NOT NULL CHECK (trigger IN ('user', 'schedule', 'wizard')),
    -- The instance's status before this test set `error`; a later passing test restores it.
    status_before TEXT CHECK (status_before IN ('pending', 'inactive', 'active'))
);
CREATE INDEX connection_tests_connector ON connection_tests (connector_id, started_at);
