//! Why an OAuth access token could not be refreshed before a use. A connection test
//! records it as its result (the service was not asked: the provider failed first), so
//! the page says which provider failed and how, instead of a generic outage; other uses
//! turn it into an [`AppError`].

use app::error::AppError;
use app::model::probe::ErrorClass;

use super::connectors::REAUTHENTICATION_NEEDED;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshProblem {
    /// The provider refused the refresh token or the client: someone must sign in again
    /// (the instance is marked so already).
    Refused { provider: String },
    /// The token endpoint's address breaks an outbound rule; nothing was sent.
    Blocked { provider: String, reason: String },
    /// The provider did not give a token, even after retries: down, erroring, or
    /// unreachable. `what` says what happened the last time, for people.
    Unavailable {
        provider: String,
        what: String,
        attempts: u32,
    },
}

impl RefreshProblem {
    /// The provider as people know it here: the token endpoint's host.
    pub fn provider(&self) -> &str {
        match self {
            RefreshProblem::Refused { provider }
            | RefreshProblem::Blocked { provider, .. }
            | RefreshProblem::Unavailable { provider, .. } => provider,
        }
    }

    /// The class a connection test records: the credentials for a refusal (a person must
    /// act), the provider otherwise.
    pub fn class(&self) -> ErrorClass {
        match self {
            RefreshProblem::Refused { .. } => ErrorClass::Auth,
            RefreshProblem::Blocked { .. } | RefreshProblem::Unavailable { .. } => {
                ErrorClass::Provider
            }
        }
    }

    /// What happened and what to do, naming the provider.
    pub fn message(&self) -> String {
        match self {
            RefreshProblem::Refused { provider } => format!(
                "{REAUTHENTICATION_NEEDED}: the OAuth provider {provider} no longer accepts this connector's sign-in (it refused to refresh the access token), so the service was not asked. Re-authenticate it."
            ),
            RefreshProblem::Blocked { provider, reason } => format!(
                "The access token could not be refreshed at the OAuth provider {provider}, so the service was not asked. {reason}"
            ),
            RefreshProblem::Unavailable {
                provider,
                what,
                attempts,
            } => format!(
                "The OAuth provider {provider} did not refresh the access token ({what}; {attempts} attempts), so the service was not asked. The provider may be down: try again in a few minutes, or check its status page."
            ),
        }
    }

    /// One line on the last attempt, for the trace's step.
    pub fn detail(&self) -> String {
        match self {
            RefreshProblem::Refused { .. } => "refresh token refused".to_owned(),
            RefreshProblem::Blocked { .. } => "not sent".to_owned(),
            RefreshProblem::Unavailable { what, attempts, .. } => {
                format!("{what} ({attempts} attempts)")
            }
        }
    }

    /// The error for uses other than connection tests.
    pub fn into_app_error(self) -> AppError {
        match self {
            RefreshProblem::Refused { .. } => AppError::Conflict(format!(
                "{REAUTHENTICATION_NEEDED}: the provider no longer accepts this connector's sign-in. Re-authenticate it."
            )),
            RefreshProblem::Blocked { reason, .. } => AppError::Conflict(reason),
            RefreshProblem::Unavailable { .. } => AppError::Unavailable(self.message()),
        }
    }
}
