//! Whether a probe's answer is the one the type's test declares good (`test.success` in
//! a connector definition): an expected status, a content type the API gives, and in
//! JSON what the API always sends (WordPress: `/id`; Slack: `/ok` equal to `true`).
//!
//! A status alone is not enough: a website, a login page, a proxy or a catch-all answers
//! 200 to every path, so "200" proved nothing when the address reached something other
//! than the API. Such answers get their own class ([`ErrorClass::NotApi`]) and a
//! sentence that says what came back and where to look.

use app::model::ConnectorType;
use app::model::probe::ErrorClass;
use serde_json::Value;

use super::record::Recorder;
use crate::outbound::Redactor;

/// How much of the service's own error message a diagnosis quotes.
const QUOTED_CHARS: usize = 200;

/// What came back, as far as judging it goes.
pub(super) struct Answer<'a> {
    pub status: u16,
    /// The `Content-Type` header as sent.
    pub content_type: Option<&'a str>,
    pub body: &'a str,
    /// The `Location` of a redirect that was not followed.
    pub location: Option<&'a str>,
    /// Where redirects that were followed led, if any did.
    pub redirected_to: Option<&'a str>,
    /// Whether the body was cut at the read cap (its JSON cannot be judged then).
    pub truncated: bool,
}

/// Judges `answer` against `entry`'s test and records the verdict.
pub(super) fn judge(entry: &ConnectorType, answer: &Answer, recorder: &mut Recorder) {
    let success = entry.test.get("success").unwrap_or(&Value::Null);
    let expected: Vec<u64> = success
        .get("status")
        .and_then(Value::as_array)
        .map(|codes| codes.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_else(|| vec![200]);
    let status = answer.status;
    if !expected.contains(&u64::from(status)) {
        let (class, message) = refused_status(status, &expected, answer.location);
        let message = match service_said(answer.body, &recorder.redactor) {
            Some(said) => format!("{message} The service said: “{said}”."),
            None => message,
        };
        recorder.fail(class, message);
        return;
    }
    // A body cut at the read cap (a large answer) is judged by its content type only.
    let json_check = success
        .get("json")
        .filter(|check| !check.is_null() && !answer.truncated);
    // No content means nothing to judge (204), unless the test needs a JSON document.
    let nothing_to_judge = status == 204 || (answer.body.is_empty() && json_check.is_none());
    if !nothing_to_judge && let Some(problem) = content_problem(success, answer, json_check) {
        recorder.fail(ErrorClass::NotApi, not_the_api(entry, answer, &problem));
        return;
    }
    if let Some(check) = json_check
        && !nothing_to_judge
    {
        let pointer = check
            .get("pointer")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let found = parse_json(answer.body).and_then(|json| json.pointer(pointer).cloned());
        match (found, check.get("equals")) {
            (None, _) => {
                let problem = format!("JSON without {pointer}, which the API always sends");
                recorder.fail(ErrorClass::NotApi, not_the_api(entry, answer, &problem));
                return;
            }
            (Some(found), Some(equals)) if &found != equals => {
                let message = format!(
                    "The service answered {status}, but its response does not confirm access (at {pointer}). The credentials may lack a permission."
                );
                let message = match service_said(answer.body, &recorder.redactor) {
                    Some(said) => format!("{message} The service said: “{said}”."),
                    None => message,
                };
                recorder.fail(ErrorClass::Unexpected, message);
                return;
            }
            _ => {}
        }
    }
    recorder.trace.ok = true;
    recorder.trace.error_class = None;
    recorder.trace.message = format!("Connected: the service answered {status} as expected.");
}

/// The class and sentence for a status the test does not expect.
fn refused_status(status: u16, expected: &[u64], location: Option<&str>) -> (ErrorClass, String) {
    match status {
        401 => (
            ErrorClass::Auth,
            "The service refused the credentials (401). Check them, or re-authenticate if the connector signs in with OAuth.".to_owned(),
        ),
        403 => (
            ErrorClass::Auth,
            "The service knows who is asking but refused access (403): the account may lack a permission, or the API may be turned off or blocked on the service.".to_owned(),
        ),
        300..=399 => (
            ErrorClass::Http,
            format!(
                "The service redirected ({status}) to {}, which is not followed (only redirects within the same host are, and never from https to http). Use the final address as the base URL.",
                location.unwrap_or("another address")
            ),
        ),
        _ => (
            ErrorClass::Http,
            format!(
                "The service answered {status}, where the test expects {}. Check the address and the service's status.",
                list(expected)
            ),
        ),
    }
}

/// What is wrong with the answer's content type, in words that fit "answered 200 with
/// …", or `None` when it is one the test accepts. A test that lists no content types
/// accepts anything but a web page; one that expects JSON needs a body.
fn content_problem(success: &Value, answer: &Answer, json_check: Option<&Value>) -> Option<String> {
    if answer.body.trim().is_empty() {
        return Some("an empty answer".to_owned());
    }
    let essence = answer
        .content_type
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .filter(|essence| !essence.is_empty());
    let accepted: Option<Vec<&str>> = success
        .get("content_type")
        .and_then(Value::as_array)
        .map(|listed| listed.iter().filter_map(Value::as_str).collect());
    let fits = match (&accepted, essence.as_deref()) {
        (Some(listed), Some(essence)) => {
            listed.iter().any(|listed| media_type_fits(listed, essence))
        }
        (Some(_), None) => false,
        (None, essence) => !essence.is_some_and(is_web_page),
    };
    if !fits {
        return Some(match essence.as_deref() {
            Some(essence) if is_web_page(essence) => "an HTML page".to_owned(),
            Some(essence) => format!("a {essence} answer"),
            None => "an answer without a content type".to_owned(),
        });
    }
    if json_check.is_some() && parse_json(answer.body).is_none() {
        return Some("text that is not JSON".to_owned());
    }
    None
}

/// The body as JSON, a leading byte order mark allowed (some WordPress plugins send one).
fn parse_json(body: &str) -> Option<Value> {
    serde_json::from_str(body.trim_start_matches('\u{feff}')).ok()
}

/// `application/json` also accepts the structured `+json` types (`application/vnd.api+json`).
fn media_type_fits(listed: &str, essence: &str) -> bool {
    listed.eq_ignore_ascii_case(essence)
        || (listed.eq_ignore_ascii_case("application/json")
            && essence.starts_with("application/")
            && essence.ends_with("+json"))
}

fn is_web_page(essence: &str) -> bool {
    essence == "text/html" || essence == "application/xhtml+xml"
}

/// The sentence for an answer that is not the API's, with the type's own hint.
fn not_the_api(entry: &ConnectorType, answer: &Answer, problem: &str) -> String {
    let after = answer
        .redirected_to
        .map(|to| format!(" (after a redirect to {to})"))
        .unwrap_or_default();
    let hint = entry
        .test
        .pointer("/success/hint")
        .and_then(Value::as_str)
        .map(|hint| format!(" {hint}"))
        .unwrap_or_default();
    // "the HTTP / REST API", not "the HTTP / REST API API".
    let api = if entry.name.ends_with(" API") {
        entry.name.clone()
    } else {
        format!("{} API", entry.name)
    };
    format!(
        "The service answered {status} with {problem}, not the {api}{after}. The address in the configuration reaches something, but not the API: a website, a login page or a proxy in front of it answers like this.{hint}",
        status = answer.status,
    )
}

fn list(codes: &[u64]) -> String {
    codes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The service's own explanation in a JSON error body (`message`, `error.message`,
/// `error` with `error_description` as OAuth servers answer, `detail`, `title`), redacted
/// and then shortened, on one line; `None` when the body says nothing of the kind.
fn service_said(body: &str, redactor: &Redactor) -> Option<String> {
    let json: Value = serde_json::from_str(body).ok()?;
    let text = |pointer: &str| json.pointer(pointer).and_then(Value::as_str).map(str::trim);
    let said = match (text("/error"), text("/error_description")) {
        (Some(code), Some(description)) => format!("{code}: {description}"),
        _ => [
            "/message",
            "/error/message",
            "/error_description",
            "/error",
            "/detail",
            "/title",
        ]
        .into_iter()
        .find_map(|pointer| text(pointer).filter(|said| !said.is_empty()))?
        .to_owned(),
    };
    let one_line = said.split_whitespace().collect::<Vec<_>>().join(" ");
    let redacted = redactor.redact(&one_line);
    let mut quoted: String = redacted.chars().take(QUOTED_CHARS).collect();
    if quoted.len() < redacted.len() {
        // Never end inside a marker: cut before it instead.
        if let Some(open) = quoted.rfind('[')
            && !quoted[open..].contains(']')
        {
            quoted.truncate(open);
        }
        quoted.push('…');
    }
    (!quoted.is_empty()).then_some(quoted)
}
