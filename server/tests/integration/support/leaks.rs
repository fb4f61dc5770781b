//! What a leaked credential looks like, for tests that must find none: the forms a secret
//! takes on the wire, and an upstream on loopback that echoes them back.
#![allow(dead_code)] // each test crate uses a different part of this module

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

/// A username, and a password with characters that encode differently in every scheme:
/// a space (`%20` or `+`), `+`, `/`, a quote (JSON `\"`), what HTML escapes (`'`, `<`,
/// `>`, `&`) and a non-ASCII letter.
pub const USER: &str = "hub-user";
pub const PASSWORD: &str = "Zq9 x'K+w<v/J>m&\"ÜpR7";

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

/// HTML-escaped as PHP's `htmlspecialchars` (and WordPress's `esc_html`) write it.
fn html_special(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            c => out.push(c),
        }
    }
    out
}

/// Every character as an HTML character reference: decimal, or hex with `x`/`X` and
/// digits in either case.
fn html_numeric(text: &str, hex: Option<bool>) -> String {
    text.chars()
        .map(|c| match hex {
            None => format!("&#{};", u32::from(c)),
            Some(false) => format!("&#x{:x};", u32::from(c)),
            Some(true) => format!("&#X{:X};", u32::from(c)),
        })
        .collect()
}

/// JavaScript's escapes: `\xHH` for ASCII punctuation and space, `\uHHHH` beyond ASCII.
fn js_escaped(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else if c.is_ascii() {
                format!("\\x{:02x}", u32::from(c))
            } else {
                format!("\\u{:04x}", u32::from(c))
            }
        })
        .collect()
}

/// `text` in UTF-16LE, as a lossy UTF-8 decoder reads it (`Z\0q\0…`).
pub fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// `text` broken into lines of `width` characters by CRLF (MIME).
fn wrapped(text: &str, width: usize) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
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
        html_special(secret),
        html_numeric(secret, None),
        html_numeric(secret, Some(false)),
        html_numeric(secret, Some(true)),
        js_escaped(secret),
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
/// or form-encoded, JSON-, JavaScript- or HTML-escaped, base64 alone or inside
/// `user:password`, at any alignment, also line-wrapped; in any case; as UTF-16 (NULs
/// between its characters); any 8 characters of it in a row, forwards or backwards; or
/// any 4 characters of it in a row as written (what a cut through the secret leaves).
pub fn assert_no_password(value: &Value) {
    let pair = format!("{USER}:{PASSWORD}");
    let mut forbidden = forms(PASSWORD);
    forbidden.extend(
        forms(&pair)
            .into_iter()
            .filter(|form| form.len() > USER.len() + 1),
    );
    let chars: Vec<char> = PASSWORD.chars().collect();
    let reversed: Vec<char> = chars.iter().rev().copied().collect();
    forbidden.extend(
        chars
            .windows(8)
            .chain(reversed.windows(8))
            .map(|window| window.iter().collect::<String>()),
    );
    let forbidden: Vec<String> = forbidden.iter().map(|form| form.to_lowercase()).collect();
    let cut: Vec<String> = chars
        .windows(4)
        .map(|window| window.iter().collect::<String>())
        .collect();
    let mut texts = strings(value);
    texts.push(value.to_string());
    for text in &texts {
        for form in &cut {
            assert!(
                !text.contains(form.as_str()),
                "the password leaks as {form:?} in: {text}"
            );
        }
        let lower = text.to_lowercase();
        for seen in [
            lower.clone(),
            lower.replace('\0', ""),
            lower.replace(['\r', '\n'], ""),
        ] {
            for form in &forbidden {
                assert!(
                    !seen.contains(form.as_str()),
                    "the password leaks as {form:?} in: {text:?}"
                );
            }
        }
    }
}

/// An upstream on loopback that echoes the credentials it gets, the way some APIs and
/// proxies do: `/echo` sends the `Authorization` header back in a response header and in
/// a body that also holds the password in the other encodings; `/straddle` answers a body
/// in which the password straddles the trace's 2 KiB excerpt; `/forms` echoes it in the
/// forms an outside review found surviving: HTML-escaped, JavaScript-escaped, changed in
/// case, reversed, half of it, in a response header's name, line-wrapped base64 and
/// UTF-16LE, all within the excerpt. Returns its base URL.
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
        .route("/forms", axum::routing::get(|| async { echo_forms() }))
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

/// The answer of `/forms` (see [`echo_upstream`]).
fn echo_forms() -> axum::response::Response {
    use axum::http::{HeaderMap, HeaderName, HeaderValue};
    use axum::response::IntoResponse;
    let half: String = PASSWORD
        .chars()
        .take(PASSWORD.chars().count() / 2)
        .collect();
    let mut text = String::new();
    for form in [
        html_special(PASSWORD),
        html_numeric(PASSWORD, None),
        html_numeric(PASSWORD, Some(false)),
        html_numeric(PASSWORD, Some(true)),
        js_escaped(PASSWORD),
        PASSWORD.to_uppercase(),
        PASSWORD.to_lowercase(),
        PASSWORD.chars().rev().collect(),
        half,
        // The pair's base64 with a break inside the password, and MIME's 76 a line.
        wrapped(&STANDARD.encode(format!("{USER}:{PASSWORD}")), 20),
        wrapped(
            &STANDARD.encode(format!("{}{USER}:{PASSWORD}", "-".repeat(45))),
            76,
        ),
    ] {
        text.push_str(&form);
        text.push('\n');
    }
    let mut body = text.into_bytes();
    body.extend(utf16le(PASSWORD));
    body.extend(b"\n");
    assert!(
        body.len() < 2048,
        "all within the excerpt: {} bytes",
        body.len()
    );
    let mut headers = HeaderMap::new();
    for name in [
        format!("x-{}", percent_lower(PASSWORD)),
        format!("x-{}", URL_SAFE_NO_PAD.encode(PASSWORD)),
    ] {
        if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
            headers.insert(name, HeaderValue::from_static("echo"));
        }
    }
    assert_eq!(headers.len(), 2, "the names are valid header names");
    (headers, body).into_response()
}
