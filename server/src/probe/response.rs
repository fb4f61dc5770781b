//! The response step of a probe: the status and headers into the trace, the body read
//! up to the outbound cap and kept as a redacted excerpt, and the answer handed to
//! [`answer::judge`](super::answer::judge), which decides whether it is the one the
//! type's test declares good.

use std::time::Instant;

use app::model::ConnectorType;

use super::answer;
use super::record::{Recorder, shown_headers};

/// How much of the body a trace keeps.
const EXCERPT: usize = 2 * 1024;

/// Records and judges `response`, the last answer of the addresses in `chain` (the
/// first one first).
pub(super) async fn record(
    entry: &ConnectorType,
    response: reqwest::Response,
    chain: &[reqwest::Url],
    recorder: &mut Recorder,
) {
    let status = response.status();
    recorder.trace.status = Some(status.as_u16());
    recorder.trace.response_headers = shown_headers(response.headers(), &recorder.redactor);
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(reqwest::header::LOCATION);
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let reading = Instant::now();
    let (body, truncated) = crate::outbound::read_capped(response).await;
    let body = String::from_utf8_lossy(&body).into_owned();
    recorder.step(
        "response",
        true,
        reading,
        Some(format!(
            "{} bytes{}",
            body.len(),
            if truncated { " (capped at 64 KiB)" } else { "" }
        )),
    );
    // Redacted whole, then cut: a secret across the cut leaves nothing of itself. A
    // NUL the service sent (UTF-16 text) becomes U+FFFD after redacting, which reads
    // through NULs, so the trace can be stored on PostgreSQL.
    recorder.trace.body_excerpt = (!body.is_empty())
        .then(|| crate::store::storable_lossy(recorder.redactor.excerpt(&body, EXCERPT)));
    let redirected_to = (chain.len() > 1)
        .then(|| {
            chain
                .last()
                .map(|url| recorder.redactor.redact(url.as_str()))
        })
        .flatten();
    let answer = answer::Answer {
        status: status.as_u16(),
        content_type: content_type.as_deref(),
        body: &body,
        location: location.as_deref(),
        redirected_to: redirected_to.as_deref(),
        truncated,
    };
    answer::judge(entry, &answer, recorder);
}
