-- One more error class for connection tests: `blocked` (a private or reserved address,
-- which the server does not connect to: a rule, not a network failure, so it is not
-- `connect`). Earlier rows keep the class they were stored with.
ALTER TABLE connection_tests DROP CONSTRAINT connection_tests_error_class_check;
ALTER TABLE connection_tests ADD CONSTRAINT connection_tests_error_class_check
    CHECK (error_class IN ('dns', 'connect', 'blocked', 'tls', 'timeout', 'auth', 'http', 'unexpected', 'not_api', 'provider'));
