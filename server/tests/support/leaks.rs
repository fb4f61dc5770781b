//! What a leaked credential looks like, for tests that must find none: the forms a secret
//! takes on the wire, and an upstream on loopback that echoes them back.
#![allow(dead_code)] // each test crate uses a different part of this module

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
use serde_json::{Value, json};

/// A username, and a password with characters that encode differently in every scheme:
/// a space (`%20` or `+`), `+`, `/`, a quote (JSON `\"`) and a non-ASCII letter.
pub const USER: &str = "hub-user";
pub const PASSWORD: &str = "Zq9 xK+wv/Jm\"ÜpR7";

fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Percent-encoding with lower-case hex digits, as some clients write it.
fn percent_lower(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02x}")
            }
        })
        .collect()
}

/// JSON's escapes as some encoders write them: `\/`, and `\u` for anything non-ASCII.
fn json_ascii(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// The base64 characters that depend only on `secret` when it sits `offset` bytes (mod 3)
/// into a longer encoded text.
fn base64_core(secret: &str, offset: usize) -> String {
    let mut bytes = vec![0u8; offset];
    bytes.extend_from_slice(secret.as_bytes());
    let encoded = STANDARD_NO_PAD.encode(&bytes);
    let (start_bit, end_bit) = (8 * offset, 8 * bytes.len());
    encoded
        .char_indices()
        .filter(|(i, _)| 6 * i >= start_bit && 6 * i + 6 <= end_bit)
        .map(|(_, c)| c)
        .collect()
}

/// Every form of `secret` a trace must not hold.
pub fn forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_owned(),
        percent(secret),
        percent_lower(secret),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        serde_json::to_string(secret)
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned(),
        json_ascii(secret),
        STANDARD.encode(secret),
        URL_SAFE.encode(secret),
    ];
    forms.extend((0..3).map(|offset| base64_core(secret, offset)));
    forms
}

/// Every string in `value`, recursively: compared as values, so that an escaped quote in
/// the JSON text is compared as the quote it stands for.
pub fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(key, value)| {
                let mut found = vec![key.clone()];
                found.extend(strings(value));
                found
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Panics if `value` (a trace, a response) holds [`PASSWORD`] in any form: plain, percent-
/// or form-encoded, JSON-escaped, base64 alone or inside `user:password`, at any alignment,
/// or any 4 characters of it in a row (what a cut through the secret leaves).
pub fn assert_no_password(value: &Value) {
    let pair = format!("{USER}:{PASSWORD}");
    let mut forbidden = forms(PASSWORD);
    forbidden.extend(
        forms(&pair)
            .into_iter()
            .filter(|form| form.len() > USER.len() + 1),
    );
    let chars: Vec<char> = PASSWORD.chars().collect();
    forbidden.extend(
        chars
            .windows(4)
            .map(|window| window.iter().collect::<String>()),
    );
    let mut texts = strings(value);
    texts.push(value.to_string());
    for text in &texts {
        for form in &forbidden {
            assert!(
                !text.contains(form.as_str()),
                "the password leaks as {form:?} in: {text}"
            );
        }
    }
}

/// An upstream on loopback that echoes the credentials it gets, the way some APIs and
/// proxies do: `/echo` sends the `Authorization` header back in a response header and in
/// a body that also holds the password in the other encodings; `/straddle` answers a body
/// in which the password straddles the trace's 2 KiB excerpt. Returns its base URL.
pub async fn echo_upstream() -> String {
    use axum::http::HeaderMap;
    use axum::response::IntoResponse;
    let app = axum::Router::new()
        .route(
            "/echo",
            axum::routing::get(|headers: HeaderMap| async move {
                let authorization = headers
                    .get("authorization")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let body = json!({
                    "authorization": authorization,
                    "password": PASSWORD,
                    "percent": percent(PASSWORD),
                    "percent_lower": percent_lower(PASSWORD),
                    "form": url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>(),
                    "embedded": [
                        STANDARD.encode(format!("a{USER}:{PASSWORD}z")),
                        STANDARD.encode(format!("ab{PASSWORD}")),
                        URL_SAFE.encode(format!("abc:{PASSWORD}")),
                    ],
                });
                let text = format!(
                    "{}\n{{\"escaped\": \"{}\"}}",
                    body,
                    json_ascii(PASSWORD)
                );
                ([("x-echo-authorization", authorization)], text).into_response()
            }),
        )
        .route(
            "/straddle",
            axum::routing::get(|| async { format!("{}{PASSWORD} and more", "x".repeat(2048 - 5)) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("echo upstream") });
    base
}
