-- /healthz proves that a write can happen, not only that the database answers: it
-- rewrites this one row each time (a database on a full disk or a read-only filesystem
-- answers reads but refuses writes).
CREATE TABLE health_writes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at BIGINT NOT NULL
);
