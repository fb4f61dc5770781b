//! The one error type shared by services, server functions and the REST API.
//!
//! Every variant knows its HTTP status and its stable `code`, so the REST layer and the
//! UI describe a failure the same way. Messages are written for people and never carry
//! secrets or backend internals.

use std::collections::BTreeMap;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Field errors keyed by the path of the offending input (e.g. `category` or `config.base_url`).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// The request is malformed or fails validation; `fields` says where.
    #[error("{message}")]
    InvalidInput {
        message: String,
        fields: FieldErrors,
    },
    #[error("sign in to continue")]
    Unauthorized,
    #[error("you do not have permission to do this")]
    Forbidden,
    /// Something that does not exist, or that the caller may not know exists.
    #[error("{0}")]
    NotFound(String),
    /// A transition that is not allowed, or another clash with the current state.
    #[error("{0}")]
    Conflict(String),
    /// The name is in use (409 `conflict`); `fields` names the `name` field so a form can
    /// show the message there.
    #[error("{0}")]
    NameTaken(String),
    /// Allowed, but only when asked again with explicit confirmation (e.g. activating a
    /// connector whose last test failed). 409 with its own code, so a UI can ask.
    #[error("{0}")]
    ConfirmationRequired(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// Refused for a while, e.g. after repeated failed sign-ins.
    #[error("{0}")]
    TooManyRequests(String),
    /// A dependency (the database) cannot serve right now; retrying may help. The message
    /// names the cause a person can act on ("the disk is full"), never internals.
    #[error("{0}")]
    Unavailable(String),
    /// A fault on our side. The detail went to the server log, not to the caller.
    #[error("an internal error occurred")]
    Internal,
    /// The server function call itself failed (network, encoding) before reaching a service.
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// An `InvalidInput` error for one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = FieldErrors::new();
        fields.insert(field.to_owned(), vec![message.clone()]);
        AppError::InvalidInput { message, fields }
    }

    /// The stable machine-readable code of the JSON error shape.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::InvalidInput { .. } => "invalid_input",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) | AppError::NameTaken(_) => "conflict",
            AppError::ConfirmationRequired(_) => "confirmation_required",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::InvalidInput { .. } => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) | AppError::NameTaken(_) | AppError::ConfirmationRequired(_) => {
                409
            }
            AppError::PayloadTooLarge => 413,
            AppError::TooManyRequests(_) => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// Field errors, empty for errors that are not about particular inputs.
    pub fn fields(&self) -> FieldErrors {
        match self {
            AppError::InvalidInput { fields, .. } => fields.clone(),
            AppError::NameTaken(message) => {
                FieldErrors::from([("name".to_owned(), vec![message.clone()])])
            }
            _ => FieldErrors::new(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Arguments the server cannot decode are the caller's input error (400), never a
    /// fault of ours; everything else is the call itself failing. On the server,
    /// `Deserialization` is the JSON-encoded arguments failing to decode (an unknown key,
    /// a wrong type); in the browser it is a response that does not decode, which stays
    /// a transport failure.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let bad_arguments = matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::UnsupportedRequestMethod(_)
        ) || (cfg!(feature = "ssr")
            && matches!(value, ServerFnErrorErr::Deserialization(_)));
        if !bad_arguments {
            return AppError::Transport(value.to_string());
        }
        let detail = match value {
            ServerFnErrorErr::Deserialization(detail) => detail,
            other => other.to_string(),
        };
        AppError::InvalidInput {
            message: format!(
                "The request could not be read: {}",
                without_quoted_values(&detail)
            ),
            fields: FieldErrors::new(),
        }
    }
}

/// A decoder's message with every double-quoted part replaced by `"…"`. Decoders quote
/// the offending input (`invalid type: string "sk_live_…"`), and input may be a secret;
/// field names, which they quote with backticks, stay.
pub fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"\u{2026}\"");
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_field_names_the_field() {
        let error = AppError::invalid_field("category", "unknown category");
        assert_eq!(error.status_code(), 400);
        assert_eq!(error.code(), "invalid_input");
        assert_eq!(
            error.fields()["category"],
            vec!["unknown category".to_owned()]
        );
    }

    /// Server functions send errors to the browser as JSON: every variant must survive.
    #[test]
    fn every_variant_round_trips_through_json() {
        let all = [
            AppError::invalid_field("name", "too long"),
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound("no such type".into()),
            AppError::Conflict("name taken".into()),
            AppError::ConfirmationRequired("last test failed".into()),
            AppError::PayloadTooLarge,
            AppError::TooManyRequests("wait".into()),
            AppError::Unavailable("the disk is full".into()),
            AppError::Internal,
            AppError::Transport("offline".into()),
        ];
        for error in all {
            let json = serde_json::to_string(&error).unwrap_or_else(|e| panic!("{error:?}: {e}"));
            assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
        }
    }

    #[test]
    fn decoder_messages_lose_quoted_input_but_keep_field_names() {
        let message = "invalid type: string \"sk_live_SECRET\", expected a boolean at `confirm`";
        let cleaned = without_quoted_values(message);
        assert!(!cleaned.contains("SECRET"), "{cleaned}");
        assert!(cleaned.contains("`confirm`") && cleaned.contains("expected a boolean"));
    }

    #[test]
    fn server_failures_never_leak_details() {
        assert_eq!(AppError::Internal.to_string(), "an internal error occurred");
        assert_eq!(AppError::Unavailable("retry".into()).status_code(), 503);
    }
}
