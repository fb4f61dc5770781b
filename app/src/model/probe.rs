//! Connection tests: what a probe did and found (docs/decisions.md, Connection tests).
//! Every secret is already redacted when a trace exists; it can be stored and shown as it
//! is.

use serde::{Deserialize, Serialize};

/// Why a connection test failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The host name does not resolve (or resolves only to refused addresses).
    Dns,
    /// No connection: refused or unreachable.
    Connect,
    /// Not tried: the address is a private or reserved one, which this server does not
    /// connect to (a rule of ours, not a network failure).
    Blocked,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// No answer within the time budget.
    Timeout,
    /// The service answered 401 or 403: the credentials are wrong or lack access.
    Auth,
    /// Another status than the test expects.
    Http,
    /// Anything else, e.g. a body that does not say what the test expects.
    Unexpected,
    /// An answer that is not what the service's API gives: an HTML page, another content
    /// type, JSON without what the API always sends. The address reaches something, but
    /// not the API (a website, a login page, a proxy, a catch-all).
    NotApi,
    /// The OAuth provider failed to refresh the access token before the test (down,
    /// erroring, or not reachable under the server's rules), so the service was not
    /// asked at all.
    Provider,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 10] = [
        ErrorClass::Dns,
        ErrorClass::Connect,
        ErrorClass::Blocked,
        ErrorClass::Tls,
        ErrorClass::Timeout,
        ErrorClass::Auth,
        ErrorClass::Http,
        ErrorClass::Unexpected,
        ErrorClass::NotApi,
        ErrorClass::Provider,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.as_str() == value)
    }

    /// What failed, in a few words for people.
    pub fn label(self) -> &'static str {
        match self {
            ErrorClass::Dns => "Host name not found",
            ErrorClass::Connect => "No connection",
            ErrorClass::Blocked => "Blocked: private address",
            ErrorClass::Tls => "TLS handshake failed",
            ErrorClass::Timeout => "Timed out",
            ErrorClass::Auth => "Credentials refused",
            ErrorClass::Http => "Unexpected HTTP status",
            ErrorClass::Unexpected => "Unexpected response",
            ErrorClass::NotApi => "Not the service's API",
            ErrorClass::Provider => "Sign-in provider failed",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Dns => "dns",
            ErrorClass::Connect => "connect",
            ErrorClass::Blocked => "blocked",
            ErrorClass::Tls => "tls",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Auth => "auth",
            ErrorClass::Http => "http",
            ErrorClass::Unexpected => "unexpected",
            ErrorClass::NotApi => "not_api",
            ErrorClass::Provider => "provider",
        }
    }
}

/// One phase of a probe and how long it took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProbeStep {
    /// `resolve`, `connect`, `tls` (https only), `request` (sending, up to the response
    /// headers, on the client's own connection; one per address asked), `redirect` (a
    /// redirect answer, its detail where it points and whether it was followed),
    /// `response` (reading the body), or `refresh` (an OAuth token refresh before the
    /// test that failed).
    pub name: String,
    pub ok: bool,
    pub millis: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What a connection test did and found, secrets redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProbeTrace {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_class: Option<ErrorClass>,
    /// What happened and the likely fix, for people.
    pub message: String,
    pub method: String,
    pub url: String,
    pub steps: Vec<ProbeStep>,
    pub request_headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// The start of the response body (at most a few KiB of the 64 KiB read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_excerpt: Option<String>,
    pub duration_ms: u64,
}

/// One connection test result, as the API and the Tests tab show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionTest {
    pub id: uuid::Uuid,
    /// RFC 3339.
    pub started_at: String,
    pub duration_ms: i64,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_class: Option<ErrorClass>,
    pub trigger: TestTrigger,
    pub trace: ProbeTrace,
}

/// `POST /api/connectors/{id}/test`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    /// `user` (default) or `wizard`; `schedule` is the health checker's own.
    #[serde(default)]
    pub trigger: Option<TestTrigger>,
}

/// What started a connection test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestTrigger {
    /// "Test connection" on a card or the connector page, or the API.
    User,
    /// The health checker.
    Schedule,
    /// The setup wizard's test step.
    Wizard,
}

impl TestTrigger {
    pub const ALL: [TestTrigger; 3] = [
        TestTrigger::User,
        TestTrigger::Schedule,
        TestTrigger::Wizard,
    ];

    /// Who started the test, for people.
    pub fn label(self) -> &'static str {
        match self {
            TestTrigger::User => "Run by a person",
            TestTrigger::Schedule => "Scheduled check",
            TestTrigger::Wizard => "Setup wizard",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TestTrigger::User => "user",
            TestTrigger::Schedule => "schedule",
            TestTrigger::Wizard => "wizard",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|trigger| trigger.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for class in ErrorClass::ALL {
            assert_eq!(ErrorClass::parse(class.as_str()), Some(class));
        }
        for trigger in TestTrigger::ALL {
            assert_eq!(TestTrigger::parse(trigger.as_str()), Some(trigger));
        }
        assert_eq!(ErrorClass::parse("nope"), None);
    }
}
