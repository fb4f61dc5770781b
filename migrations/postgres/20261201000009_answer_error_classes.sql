-- Two more error classes for connection tests: `not_api` (the address answers, but not
-- with the service's API: an HTML page, another content type) and `provider` (the OAuth
-- provider failed to refresh the token before the test).
ALTER TABLE connection_tests DROP CONSTRAINT connection_tests_error_class_check;
ALTER TABLE connection_tests ADD CONSTRAINT connection_tests_error_class_check
    CHECK (error_class IN ('dns', 'connect', 'tls', 'timeout', 'auth', 'http', 'unexpected', 'not_api', 'provider'));
