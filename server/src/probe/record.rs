//! The trace as a probe builds it: each step with its time and detail, the failure with
//! its class and message, and headers as a trace may show them. Everything written here
//! goes through the probe's [`Redactor`], so no form of a credential reaches the trace;
//! keeping the recorder outside the timed part lets a timeout keep what happened.

use std::time::Instant;

use app::model::probe::{ErrorClass, ProbeStep, ProbeTrace};
use reqwest::header::{AUTHORIZATION, HeaderMap};

use super::SENSITIVE_HEADERS;
use crate::outbound::Redactor;

/// The trace as it grows; kept outside the timed part so a timeout keeps what happened.
pub(super) struct Recorder {
    pub(super) trace: ProbeTrace,
    pub(super) redactor: Redactor,
}

impl Recorder {
    /// An empty, failed trace (nothing proved yet) with a redactor that knows no secret;
    /// the probe gives it the real redactor once the request is built.
    pub(super) fn new() -> Self {
        Recorder {
            trace: ProbeTrace {
                ok: false,
                error_class: None,
                message: String::new(),
                method: String::new(),
                url: String::new(),
                steps: Vec::new(),
                request_headers: Vec::new(),
                status: None,
                response_headers: Vec::new(),
                body_excerpt: None,
                duration_ms: 0,
            },
            redactor: Redactor::default(),
        }
    }

    pub(super) fn step(&mut self, name: &str, ok: bool, since: Instant, detail: Option<String>) {
        self.trace.steps.push(ProbeStep {
            name: name.to_owned(),
            ok,
            millis: since.elapsed().as_millis() as u64,
            detail: detail.map(|detail| self.redactor.redact(&detail)),
        });
    }

    pub(super) fn fail(&mut self, class: ErrorClass, message: impl Into<String>) {
        self.trace.ok = false;
        self.trace.error_class = Some(class);
        self.trace.message = self.redactor.redact(&message.into());
    }
}

/// Headers as a trace shows them: sensitive ones masked, secrets redacted from the rest,
/// names included (an upstream may echo a credential as a header name).
pub(super) fn shown_headers(headers: &HeaderMap, redactor: &Redactor) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if SENSITIVE_HEADERS.contains(&name.as_str()) || name == AUTHORIZATION {
                "[redacted]".to_owned()
            } else {
                redactor.redact(&String::from_utf8_lossy(value.as_bytes()))
            };
            (redactor.redact(name.as_str()), shown)
        })
        .collect()
}
