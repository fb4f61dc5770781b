//! Connection tests: a connector type's declarative probe run with an instance's
//! configuration and credentials (docs/decisions.md, Connection tests), through the
//! server's [`Outbound`] (its address guard, HTTPS rule, body cap and redirect rules)
//! within a 5-second budget. The result is a [`ProbeTrace`] with every form of every
//! credential already redacted.
//!
//! This module holds the [`Prober`] and its run under the time budget, which takes a
//! probe's steps in order. Each step has a module of its own: `request` builds the
//! request from the type's test template and the credentials; `resolve`, `handshake`
//! and `send` take the network steps; `response` records the answer and `answer` judges
//! it. All of them write the trace through `record`.

mod answer;
mod handshake;
mod record;
mod request;
mod resolve;
mod response;
mod send;
pub mod template;

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::ConnectorType;
use app::model::probe::{ErrorClass, ProbeTrace};
use serde_json::Value;

use self::record::Recorder;
use self::request::Planned;
use crate::credentials::Secrets;
use crate::outbound::{Outbound, Refusal};

/// Everything a probe may take, from resolving the name to the last byte read.
pub const BUDGET: Duration = Duration::from_secs(5);
/// How much of a response body is read at most.
pub const BODY_CAP: usize = crate::outbound::BODY_CAP;
/// Headers whose values are never shown, whatever they hold.
const SENSITIVE_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// A budget as people read it: "5 seconds", or "300 ms" under a second.
fn spoken(budget: Duration) -> String {
    match budget.as_secs() {
        0 => format!("{} ms", budget.as_millis()),
        1 => "1 second".to_owned(),
        seconds => format!("{seconds} seconds"),
    }
}

/// Runs probes; one per server, sharing the outbound connection pool.
pub struct Prober {
    outbound: Arc<Outbound>,
    /// Everything one probe may take: [`BUDGET`] unless a test sets a shorter one.
    budget: Duration,
    /// For the TLS step; `None` only if ring offered no safe protocol version.
    tls: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
}

impl Prober {
    /// A prober with an outbound client of its own (tests); the server shares one.
    pub fn new(allow_private: bool) -> Self {
        Self::with_outbound(Arc::new(Outbound::new(allow_private)))
    }

    pub fn with_outbound(outbound: Arc<Outbound>) -> Self {
        Prober {
            outbound,
            budget: BUDGET,
            tls: handshake::tls_config(),
        }
    }

    /// The same prober with another time budget (tests of a slow service need not wait
    /// the whole [`BUDGET`]).
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// Runs `entry`'s test for an instance with `config` and (decrypted) `secrets`.
    pub async fn run(
        &self,
        entry: &ConnectorType,
        config: &Value,
        secrets: Option<&Secrets>,
    ) -> ProbeTrace {
        let started = Instant::now();
        let mut recorder = Recorder::new();
        let step_started = Instant::now();
        let finished = tokio::time::timeout(
            self.budget,
            self.probe(entry, config, secrets, &mut recorder),
        )
        .await;
        if finished.is_err() {
            let phase = if recorder.trace.status.is_some() {
                "response"
            } else {
                "request"
            };
            recorder.step(
                phase,
                false,
                step_started,
                Some(format!("no answer within {}", spoken(self.budget))),
            );
            recorder.fail(
                ErrorClass::Timeout,
                format!(
                    "The service did not answer within {}. Check that the address is right and the service is up; a firewall may be dropping the connection.",
                    spoken(self.budget)
                ),
            );
        }
        recorder.trace.duration_ms = started.elapsed().as_millis() as u64;
        recorder.trace
    }

    /// A probe's steps in order, each recorded in the trace; a failed step ends it.
    async fn probe(
        &self,
        entry: &ConnectorType,
        config: &Value,
        secrets: Option<&Secrets>,
        recorder: &mut Recorder,
    ) {
        let Planned {
            method,
            url: url_text,
            query,
            redactor,
            outgoing,
        } = request::plan(entry, config, secrets);
        let carries = outgoing.carries;
        recorder.redactor = redactor;
        recorder.trace.method = method;
        recorder.trace.url = recorder.redactor.redact(&url_text);

        let Ok(mut url) = reqwest::Url::parse(&url_text) else {
            recorder.fail(
                ErrorClass::Unexpected,
                "The test address is not a valid URL. Check the base URL in the configuration.",
            );
            return;
        };
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        // Credentials only over HTTPS, refused before any connection with what to do. A
        // refused IP literal is the stronger reason and is named by the resolve step; a
        // name without an allowed address still gets the HTTPS reason, which holds whatever
        // it is (and, being the same for every name, tells nothing about which exist).
        let checked = Instant::now();
        let plain_http = match self.outbound.check(&url, carries) {
            Err(refusal @ Refusal::PlainHttp { .. }) => Some(refusal),
            _ => None,
        };
        let Some((host, addresses)) = self.resolve(&url, recorder).await else {
            if let Some(refusal) = plain_http
                && recorder.trace.error_class == Some(ErrorClass::Dns)
            {
                recorder.fail(ErrorClass::Tls, refusal.to_string());
            }
            return;
        };
        if let Err(refusal) = self.outbound.check(&url, carries) {
            recorder.step("tls", false, checked, Some(format!("{host}: not sent")));
            recorder.fail(ErrorClass::Tls, refusal.to_string());
            return;
        }
        if !handshake::connect_and_handshake(
            &self.outbound,
            &url,
            &host,
            &addresses,
            self.tls.as_ref(),
            recorder,
        )
        .await
        {
            return;
        }

        let Some((response, chain)) = self.send_following(outgoing, url, recorder).await else {
            return;
        };
        response::record(entry, response, &chain, recorder).await;
    }
}
