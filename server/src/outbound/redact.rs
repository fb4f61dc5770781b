//! The one redaction of the server: whatever shows what went over the wire (connection
//! test traces, error messages, logged URLs) passes through a [`Redactor`] built from the
//! credentials that were used.
//!
//! A credential is sought in every form it takes on the wire, not only as typed:
//! - as typed, and with any of its characters percent-encoded (upper- or lower-case hex,
//!   `%20` or `+` for a space, encoded twice as `%2520`), JSON-escaped (`\"`, `\/`,
//!   `\u00e9`) or HTML-escaped; and its bytes in hex;
//! - base64 (standard and URL-safe, padded or not) of the value alone, and the base64
//!   characters that depend only on the value wherever it sits inside a longer encoded
//!   text: base64 encodes three bytes at a time, so a value starting at byte offset 0, 1
//!   or 2 (mod 3) of the plaintext has one stable encoding each. That finds a password in
//!   `base64(user:password)`, the `Basic` header an upstream echoes back, whatever the
//!   username's length;
//! - the values callers add because they combined credentials: `user:password`, and each
//!   header value as sent (`Basic …`, `Token …`).
//!
//! Values shorter than [`MIN_ANYWHERE`] characters (a 3-letter PIN, a one-character
//! username) are redacted only where they stand alone, not next to a letter, digit or
//! `_` (`"pin": "123"`, `?pin=123&`, `u:ab@`): replacing every `a` inside other words would
//! leave a trace nobody can read, and such a value is guessed, not leaked, anyway. Their
//! base64 is not sought (it would be 2–4 characters of noise), but a pair or header they
//! are part of is, as a longer value.
//!
//! Redact before cutting: [`Redactor::excerpt`] redacts the whole text and only then
//! shortens it, on a character boundary and never inside a marker, so a secret across the
//! cut leaves nothing of itself.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use regex::Regex;

/// What stands in for a secret.
pub const MARKER: &str = "[redacted]";

/// Values at least this long (in characters) are redacted wherever they appear.
pub const MIN_ANYWHERE: usize = 4;

/// Redacts a fixed set of credential values in all their forms.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// `None` when there is nothing to redact.
    pattern: Option<Regex>,
}

impl Redactor {
    /// A redactor for `values` (empty ones are ignored).
    pub fn new<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values: Vec<String> = values
            .into_iter()
            .map(|value| value.as_ref().to_owned())
            .filter(|value| !value.is_empty())
            .collect();
        // Longest first: a pair or header is replaced whole before its parts.
        values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        values.dedup();
        if values.is_empty() {
            return Redactor::default();
        }
        let alternatives: Vec<String> = values.iter().flat_map(|value| forms(value)).collect();
        // A pattern built only from escaped parts always compiles; should the size limit
        // ever be hit, redact everything rather than nothing.
        let pattern = Regex::new(&alternatives.join("|"))
            .or_else(|_| Regex::new(r"(?s).+"))
            .ok();
        Redactor { pattern }
    }

    /// `text` with every form of every value replaced by [`MARKER`].
    pub fn redact(&self, text: &str) -> String {
        match &self.pattern {
            Some(pattern) => pattern.replace_all(text, MARKER).into_owned(),
            None => text.to_owned(),
        }
    }

    /// At most `max` bytes of `text`, redacted first and then cut on a safe boundary: a
    /// character boundary, and never inside a marker.
    pub fn excerpt(&self, text: &str, max: usize) -> String {
        let mut redacted = self.redact(text);
        let mut cut = max.min(redacted.len());
        while !redacted.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some((start, _)) = redacted
            .match_indices(MARKER)
            .find(|(start, _)| *start < cut && cut < start + MARKER.len())
        {
            cut = start;
        }
        redacted.truncate(cut);
        redacted
    }
}

/// `raw` (a URL) with its password redacted, for logs; unparseable input is hidden whole,
/// since it might be a secret pasted into the wrong variable.
pub fn url_password(raw: &str) -> String {
    let Ok(parsed) = url::Url::parse(raw) else {
        return "[unparseable URL, redacted]".to_owned();
    };
    match parsed.password() {
        Some(password) => {
            let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
            Redactor::new([&*decoded, password]).redact(raw)
        }
        None => raw.to_owned(),
    }
}

/// The regex alternatives for one value, most specific first.
fn forms(value: &str) -> Vec<String> {
    let wire: String = value.chars().map(char_forms).collect();
    if value.chars().count() < MIN_ANYWHERE {
        return vec![format!(r"\b{{start-half}}{wire}\b{{end-half}}")];
    }
    let mut forms: Vec<String> = [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .map(|engine| regex::escape(&engine.encode(value)))
        .collect();
    forms.push(wire);
    let hex: String = value
        .bytes()
        .map(|byte| hex_any_case(u32::from(byte), 2))
        .collect();
    forms.push(hex);
    for offset in 0..3 {
        for url_safe in [false, true] {
            let core = base64_core(value.as_bytes(), offset, url_safe);
            if core.len() >= MIN_ANYWHERE {
                forms.push(regex::escape(&core));
            }
        }
    }
    forms.dedup();
    forms
}

/// One character as it may appear on the wire: itself, percent-encoded, as `+` for a
/// space, or JSON- or HTML-escaped.
fn char_forms(c: char) -> String {
    let mut alternatives = vec![regex::escape(c.encode_utf8(&mut [0; 4]))];
    let percent: String = c
        .encode_utf8(&mut [0; 4])
        .bytes()
        .map(|byte| format!("%(?:25)?{}", hex_any_case(u32::from(byte), 2)))
        .collect();
    alternatives.push(percent);
    let json: String = c
        .encode_utf16(&mut [0; 2])
        .iter()
        .map(|unit| format!(r"\\u{}", hex_any_case(u32::from(*unit), 4)))
        .collect();
    alternatives.push(json);
    let escaped: &[&str] = match c {
        ' ' => &[r"\+"],
        '"' => &[r#"\\""#, "&quot;", "&#34;", "&#x22;"],
        '\\' => &[r"\\\\"],
        '/' => &[r"\\/"],
        '\n' => &[r"\\n"],
        '\r' => &[r"\\r"],
        '\t' => &[r"\\t"],
        '&' => &["&amp;", "&#38;"],
        '<' => &["&lt;"],
        '>' => &["&gt;"],
        '\'' => &["&#39;", "&#x27;", "&apos;"],
        _ => &[],
    };
    alternatives.extend(escaped.iter().map(|form| (*form).to_owned()));
    format!("(?:{})", alternatives.join("|"))
}

/// `value` as `digits` hex digits, each letter matching either case.
fn hex_any_case(value: u32, digits: usize) -> String {
    format!("{value:0digits$x}")
        .chars()
        .map(|digit| {
            if digit.is_ascii_alphabetic() {
                format!("[{digit}{}]", digit.to_ascii_uppercase())
            } else {
                digit.to_string()
            }
        })
        .collect()
}

/// The base64 characters that depend only on `secret` when it starts `offset` bytes
/// (mod 3) into a longer plaintext: those whose six bits all come from the secret.
fn base64_core(secret: &[u8], offset: usize, url_safe: bool) -> String {
    let mut bytes = vec![0u8; offset];
    bytes.extend_from_slice(secret);
    let encoded = if url_safe {
        URL_SAFE_NO_PAD.encode(&bytes)
    } else {
        STANDARD_NO_PAD.encode(&bytes)
    };
    let (first_bit, end_bit) = (8 * offset, 8 * bytes.len());
    encoded
        .char_indices()
        .filter(|(i, _)| 6 * i >= first_bit && 6 * i + 6 <= end_bit)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "p@ss wörd/\"x+";

    #[test]
    fn every_wire_form_is_redacted() {
        let redactor = Redactor::new([SECRET]);
        let percent =
            percent_encoding::utf8_percent_encode(SECRET, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let form: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
        let json = serde_json::to_string(SECRET).unwrap_or_default();
        for text in [
            SECRET.to_owned(),
            percent.clone(),
            percent.to_lowercase(),
            form,
            json.trim_matches('"').to_owned(),
            r#"p@ss w\u00f6rd\/\"x+"#.to_owned(),
            "p%40ss+w%C3%B6rd%2F%22x%2B".to_owned(),
            "p%2540ss%2520w%25C3%25B6rd%252F%2522x%252B".to_owned(),
            SECRET.bytes().map(|byte| format!("{byte:02X}")).collect(),
            STANDARD.encode(SECRET),
            URL_SAFE_NO_PAD.encode(SECRET),
        ] {
            let shown = redactor.redact(&format!("<{text}>"));
            assert_eq!(shown, "<[redacted]>", "{text}");
        }
    }

    #[test]
    fn base64_inside_a_longer_text_is_redacted_at_every_alignment() {
        let redactor = Redactor::new([SECRET]);
        for prefix in ["", "u", "us", "use", "user:", "a-much-longer-user:"] {
            let encoded = STANDARD.encode(format!("{prefix}{SECRET}-and-more"));
            let shown = redactor.redact(&encoded);
            assert!(shown.contains(MARKER), "{prefix:?}: {shown}");
            let core = base64_core(SECRET.as_bytes(), prefix.len() % 3, false);
            assert!(!shown.contains(&core), "{prefix:?}: {shown}");
        }
        // The Basic header as sent, when the pair is given: replaced whole.
        let pair = format!("ada:{SECRET}");
        let header = format!("Basic {}", STANDARD.encode(&pair));
        let redactor = Redactor::new([SECRET, pair.as_str(), header.as_str()]);
        assert_eq!(
            redactor.redact(&format!("got {header}!")),
            "got [redacted]!"
        );
    }

    #[test]
    fn short_values_only_where_they_stand_alone() {
        let redactor = Redactor::new(["ab", "ab c"]);
        assert_eq!(
            redactor.redact("lab ab ab%20c ab+c \"ab\" x=ab&"),
            "lab [redacted] [redacted] [redacted] \"[redacted]\" x=[redacted]&"
        );
        assert_eq!(Redactor::new(Vec::<String>::new()).redact("ab"), "ab");
    }

    #[test]
    fn excerpts_are_redacted_before_the_cut_and_never_end_in_a_marker() {
        let redactor = Redactor::new(["0123456789abcdef"]);
        let text = format!("{}0123456789abcdef tail", "x".repeat(20));
        // The cut at 24 would keep "0123" of the secret, or split the marker.
        assert_eq!(redactor.excerpt(&text, 24), "x".repeat(20));
        assert_eq!(
            redactor.excerpt(&text, 30),
            format!("{}[redacted]", "x".repeat(20))
        );
        assert_eq!(redactor.excerpt("é", 1), "");
    }

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            url_password("postgres://app:hunter2@db.example/hub"),
            "postgres://app:[redacted]@db.example/hub"
        );
        assert_eq!(
            url_password("postgres://app:p%40ss@db/hub"),
            "postgres://app:[redacted]@db/hub"
        );
        assert_eq!(url_password("sqlite://data/c.db"), "sqlite://data/c.db");
        assert!(!url_password("not a url hunter2").contains("hunter2"));
    }
}
