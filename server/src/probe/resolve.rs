//! The resolve step of a probe: the test address's host and the addresses the outbound
//! guard allows for it. It is taken on its own, before any connection, so a trace can
//! tell a name that does not resolve from one with only private addresses and from a
//! refused IP literal, each with what to check.

use std::time::Instant;

use app::model::probe::ErrorClass;

use super::Prober;
use super::record::Recorder;
use crate::outbound::{Refusal, Unresolved};

impl Prober {
    /// The resolve step: the host and its allowed addresses. A refused IP literal is
    /// named as such (the client's resolver never sees literals); with the guard on, a
    /// name without an allowed address fails like an unknown one.
    pub(super) async fn resolve(
        &self,
        url: &reqwest::Url,
        recorder: &mut Recorder,
    ) -> Option<(String, Vec<std::net::IpAddr>)> {
        let started = Instant::now();
        let Some(host) = url.host_str().map(|host| {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned()
        }) else {
            recorder.fail(
                ErrorClass::Unexpected,
                "The test address has no host. Check the base URL.",
            );
            return None;
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let allowed = match self.outbound.resolve(&host, port).await {
            Ok(allowed) => allowed,
            Err(Unresolved::NotFound) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host} did not resolve")),
                );
                recorder.fail(
                    ErrorClass::Dns,
                    format!("The name {host} does not resolve. Check the spelling of the address in the configuration."),
                );
                return None;
            }
            Err(Unresolved::NotPublic) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host}: no public address")),
                );
                recorder.fail(
                    ErrorClass::Dns,
                    Refusal::NoPublicAddress { host: host.clone() }.to_string(),
                );
                return None;
            }
            Err(Unresolved::RefusedLiteral) => {
                recorder.step(
                    "resolve",
                    false,
                    started,
                    Some(format!("{host}: a private or reserved address")),
                );
                recorder.fail(
                    ErrorClass::Blocked,
                    Refusal::PrivateAddress { host: host.clone() }.to_string(),
                );
                return None;
            }
        };
        let shown: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        recorder.step("resolve", true, started, Some(shown.join(", ")));
        Some((host, allowed))
    }
}
