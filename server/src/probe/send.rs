//! Sending a probe's request through the outbound client, one hop at a time so each
//! redirect is seen, checked against the outbound rules and shown in the trace; and,
//! when a hop gets no answer, the class and message that say why (refused, TLS,
//! connect, timeout).

use std::time::Instant;

use app::model::probe::ErrorClass;

use super::Prober;
use super::record::{Recorder, shown_headers};
use super::request::Outgoing;
use crate::outbound::guard::NoPublicAddress;
use crate::outbound::{OutboundError, Refusal};

impl Prober {
    /// Sends the request and follows redirects one hop at a time under the outbound
    /// rules, each hop a `request` step and each redirect a `redirect` step (where it
    /// points, and whether it was followed), so a trace shows how the answer was reached.
    /// Returns the last answer and the addresses asked, the first one first; `None` when
    /// a hop got no answer (recorded as the failure).
    pub(super) async fn send_following(
        &self,
        mut outgoing: Outgoing,
        url: reqwest::Url,
        recorder: &mut Recorder,
    ) -> Option<(reqwest::Response, Vec<reqwest::Url>)> {
        let mut chain = vec![url];
        loop {
            let current = chain.last()?.clone();
            let request = outgoing.request(current.clone());
            if chain.len() == 1 {
                recorder.trace.request_headers =
                    shown_headers(request.headers(), &recorder.redactor);
            }
            let sent = Instant::now();
            let response = match self
                .outbound
                .execute_single_hop(request, outgoing.carries)
                .await
            {
                Ok(response) => response,
                Err(error) => {
                    recorder.step("request", false, sent, Some(describe(&error)));
                    let (class, message) = classify(&error, &current);
                    recorder.fail(class, message);
                    return None;
                }
            };
            recorder.step("request", true, sent, None);
            let status = response.status();
            let Some(next) = redirect_target(&response, &current) else {
                return Some((response, chain));
            };
            let followed = self.outbound.may_redirect(&chain, &next);
            recorder.step(
                "redirect",
                followed,
                Instant::now(),
                Some(format!(
                    "{} to {next}{}",
                    status.as_u16(),
                    if followed { "" } else { ": not followed" }
                )),
            );
            if !followed {
                return Some((response, chain));
            }
            outgoing.redirected(status, &current, &next);
            chain.push(next);
        }
    }
}

/// Where a redirect answer points, resolved against the address asked.
fn redirect_target(response: &reqwest::Response, asked: &reqwest::Url) -> Option<reqwest::Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    asked.join(location).ok()
}

/// The class and message of a request that got no response.
fn classify(error: &OutboundError, url: &reqwest::Url) -> (ErrorClass, String) {
    let error = match error {
        OutboundError::Refused(refusal @ Refusal::PlainHttp { .. }) => {
            return (ErrorClass::Tls, refusal.to_string());
        }
        OutboundError::Refused(refusal @ Refusal::PrivateAddress { .. }) => {
            return (ErrorClass::Blocked, refusal.to_string());
        }
        OutboundError::Refused(refusal) => return (ErrorClass::Connect, refusal.to_string()),
        OutboundError::Transport(error) => error,
        OutboundError::TooLarge | OutboundError::NoClient | OutboundError::Malformed => {
            return (
                ErrorClass::Unexpected,
                "The request failed before the service answered.".into(),
            );
        }
    };
    let host = url.host_str().unwrap_or_default();
    if error.is_timeout() {
        return (
            ErrorClass::Timeout,
            "The service did not answer within 5 seconds. Check that the address is right and the service is up.".into(),
        );
    }
    let chain = describe(error).to_lowercase();
    if has_source::<NoPublicAddress>(error) {
        return (
            ErrorClass::Dns,
            Refusal::NoPublicAddress {
                host: host.to_owned(),
            }
            .to_string(),
        );
    }
    if chain.contains("certificate") || chain.contains("tls") || chain.contains("handshake") {
        return (
            ErrorClass::Tls,
            format!(
                "The TLS handshake with {host} failed (certificate or protocol). The certificate may be self-signed, expired or for another name."
            ),
        );
    }
    if error.is_connect() {
        return (
            ErrorClass::Connect,
            format!(
                "Could not connect to {host}. Check the address and port, and that the service accepts connections from this server."
            ),
        );
    }
    (
        ErrorClass::Unexpected,
        "The request failed before the service answered.".into(),
    )
}

fn has_source<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if error.is::<T>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// An error with its causes, one line.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut current = error.source();
    while let Some(cause) = current {
        parts.push(cause.to_string());
        current = cause.source();
    }
    parts.join(": ")
}
