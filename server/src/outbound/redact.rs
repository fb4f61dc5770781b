//! The one redaction of the server: whatever shows what went over the wire (connection
//! test traces, error messages, logged URLs, header names and values) passes through a
//! [`Redactor`] built from the credentials that were used.
//!
//! Why one long file: every encoding a secret can take (percent, base64 in its variants,
//! JSON escapes, fragments) must be found by the same matcher, and reviewed together; over
//! a quarter is tests.
//!
//! # Method: match a canonical view, replace the original spans
//!
//! Listing every encoding of a secret as a pattern does not scale: each escape scheme
//! (percent, JSON, JavaScript, HTML named, decimal and hex references, in either hex case),
//! their mixtures, case changes, UTF-16 and line-wrapped base64 multiply. Instead the text
//! is turned into a *canonical view* in which these differences disappear, and a
//! [`MARKER`] replaces the part of the original text a match in that view came from
//! (every canonical byte keeps the byte span of the original it was decoded from):
//!
//! 1. decode, one level: HTML character references (every named one of HTML5 with its
//!    `;`, decimal and hex with or without it), backslash escapes of JSON, JavaScript
//!    and most languages (`\"`, `\/`, `\'`, `\\`, `\n`…, `\xHH`, `\uHHHH` with surrogate
//!    pairs, `\u{H…}`, `\UHHHHHHHH`, any other ASCII punctuation after a backslash), and
//!    percent-encoding (`%HH`, twice as `%25HH`, and JavaScript's `%uHHHH`); NUL bytes are
//!    dropped, so UTF-16 read as UTF-8 (`A\0T\0…`) reads as its characters;
//! 2. drop a line break (and the blanks around it) between two base64 characters, so
//!    MIME- or PEM-wrapped base64 reads as one run whatever the line length;
//! 3. fold: lower-case (Unicode), and a space and `+` become the same character (a form
//!    encodes one as the other).
//!
//! Each secret gives patterns in the same view (all found at once by one Aho–Corasick
//! automaton, in time linear in the text): the value as typed and as decoded by step 1
//! (a secret holding `%41` or `&amp;` stays found both verbatim and escaped once); its
//! base64 (standard and URL-safe, padded or not) and the base64 characters that depend
//! only on it wherever it sits in a longer encoded text (base64 encodes three bytes at a
//! time, so a value starting at offset 0, 1 or 2 mod 3 has one stable encoding each: a
//! password inside `base64(user:password)`, whatever the username); its bytes in hex; and
//! its *fragments*: every run of [`fragment_len`] characters of the value, forwards and
//! reversed, so a prefix, a half, or a reversed copy echoed on its own is redacted. The
//! fragment length is half the secret, at least [`MIN_ANYWHERE`] and at most
//! [`MAX_FRAGMENT`] characters: long enough that ordinary words rarely collide with it
//! (the cost of a collision is an over-redacted word, never a leak), short enough that
//! what is left of a secret is at most 7 characters, or less than half of it. The values
//! callers combined (`user:password`, each header value as sent, `Basic …`) are secrets
//! too, and are matched the same way.
//!
//! Values shorter than [`MIN_ANYWHERE`] characters (a 3-letter PIN, a one-character
//! username) are redacted only where they stand alone, not next to a letter, digit or
//! `_` (`"pin": "123"`, `?pin=123&`, `u:ab@`): replacing every `a` inside other words would
//! leave a trace nobody can read, and such a value is guessed, not leaked, anyway. Their
//! base64 and fragments are not sought, but a pair or header they are part of is.
//!
//! Redact before cutting: [`Redactor::excerpt`] redacts the whole text and only then
//! shortens it, on a character boundary and never inside a marker, so a secret across the
//! cut leaves nothing of itself.
//!
//! # Limits
//!
//! - One level of each escaping, and no mixture inside one escape: `&amp;lt;` is seen as
//!   `&lt;` (the secret's fragments still find most of it), and a secret escaped twice
//!   over by HTML or by backslashes is found only through fragments between the escapes.
//! - `\xHH` is read as the character U+00HH (JavaScript), not as one byte of UTF-8 (C,
//!   Python bytes): a non-ASCII character written that way is not matched, its
//!   neighbours are (fragments).
//! - Lossy decoding happens before the redactor sees the body: a non-ASCII character of
//!   UTF-16 text becomes U+FFFD there; the ASCII runs around it are matched as fragments.
//! - Other transformations (encryption, hashing, compression, base32, encodings of
//!   encodings such as base64 of the hex) are not undone; a fragment shorter than its
//!   length (at most 7 characters) is ordinary text.
//! - Over-redaction: a word of the text that happens to be a fragment of a secret (a
//!   username's half, say) is replaced too.

use aho_corasick::AhoCorasick;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use std::collections::BTreeMap;

/// What stands in for a secret.
pub const MARKER: &str = "[redacted]";

/// Values at least this long (in characters) are redacted wherever they appear.
pub const MIN_ANYWHERE: usize = 4;

/// The longest run of a secret's characters that may be shown on its own.
pub const MAX_FRAGMENT: usize = 8;

/// How many characters in a row of a `chars`-character secret are redacted wherever they
/// appear: half of it, at least [`MIN_ANYWHERE`], at most [`MAX_FRAGMENT`].
pub fn fragment_len(chars: usize) -> usize {
    chars.div_ceil(2).clamp(MIN_ANYWHERE, MAX_FRAGMENT)
}

/// Redacts a fixed set of credential values in all their forms.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// `None` when there is nothing to redact.
    matcher: Option<AhoCorasick>,
    /// For each pattern of `matcher`: whether it counts only where it stands alone.
    alone: Vec<bool>,
}

impl Redactor {
    /// A redactor for `values` (empty ones are ignored).
    pub fn new<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        // Each canonical pattern, and whether it must stand alone (false wins).
        let mut patterns: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
        for value in values {
            let value = value.as_ref();
            if value.is_empty() {
                continue;
            }
            let alone = value.chars().count() < MIN_ANYWHERE;
            for pattern in forms(value) {
                if !pattern.is_empty() {
                    let entry = patterns.entry(pattern).or_insert(alone);
                    *entry &= alone;
                }
            }
        }
        if patterns.is_empty() {
            return Redactor::default();
        }
        let alone = patterns.values().copied().collect();
        // Plain byte patterns always build; should a limit ever be hit, redact everything
        // rather than nothing (a pattern of nothing matches everywhere).
        let matcher = AhoCorasick::new(patterns.keys())
            .or_else(|_| AhoCorasick::new([""]))
            .ok();
        Redactor { matcher, alone }
    }

    /// `text` with every form of every value replaced by [`MARKER`].
    pub fn redact(&self, text: &str) -> String {
        let Some(matcher) = &self.matcher else {
            return text.to_owned();
        };
        if matcher.patterns_len() == 1 && matcher.max_pattern_len() == 0 {
            return if text.is_empty() {
                String::new()
            } else {
                MARKER.to_owned()
            };
        }
        let view = View::canonical(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for found in matcher.find_overlapping_iter(&view.bytes) {
            let (Some(first), Some(last)) = (
                view.spans.get(found.start()),
                view.spans.get(found.end().saturating_sub(1)),
            ) else {
                continue;
            };
            let (mut start, mut end) = (first.0, last.1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let alone = self.alone.get(found.pattern().as_usize()) == Some(&true);
            if alone && !(stands_alone(text, start, end)) {
                continue;
            }
            spans.push((start, end));
        }
        if spans.is_empty() {
            return text.to_owned();
        }
        spans.sort_unstable();
        let mut shown = String::with_capacity(text.len());
        let mut done = 0;
        let mut spans = spans.into_iter().peekable();
        while let Some((start, mut end)) = spans.next() {
            while let Some(&(next_start, next_end)) = spans.peek() {
                if next_start > end {
                    break;
                }
                end = end.max(next_end);
                spans.next();
            }
            shown.push_str(&text[done..start]);
            shown.push_str(MARKER);
            done = end;
        }
        shown.push_str(&text[done..]);
        shown
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

/// Whether `text[start..end]` is not next to a letter, digit or `_`.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    !text[..start].chars().next_back().is_some_and(word)
        && !text[end..].chars().next().is_some_and(word)
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

/// The canonical patterns for one value.
fn forms(value: &str) -> Vec<Vec<u8>> {
    let typed = View::folded(value).bytes;
    let decoded = View::canonical(value).bytes;
    if value.chars().count() < MIN_ANYWHERE {
        return vec![typed, decoded];
    }
    let mut forms = Vec::new();
    for plain in [&typed, &decoded] {
        let text = String::from_utf8_lossy(plain);
        let forwards: Vec<char> = text.chars().collect();
        let backwards: Vec<char> = forwards.iter().rev().copied().collect();
        let length = fragment_len(forwards.len()).min(forwards.len());
        for chars in [&forwards, &backwards] {
            forms.extend(
                chars
                    .windows(length)
                    .map(|window| window.iter().collect::<String>().into_bytes()),
            );
        }
    }
    let mut encoded: Vec<String> = [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .map(|engine| engine.encode(value))
        .collect();
    encoded.push(value.bytes().map(|byte| format!("{byte:02x}")).collect());
    for offset in 0..3 {
        for url_safe in [false, true] {
            let core = base64_core(value.as_bytes(), offset, url_safe);
            if core.len() >= MIN_ANYWHERE {
                encoded.push(core);
            }
        }
    }
    forms.extend(encoded.iter().map(|form| View::folded(form).bytes));
    forms.push(typed);
    forms.push(decoded);
    forms.sort();
    forms.dedup();
    forms
}

/// Text as matching sees it, each byte with the span of the original text it stands for.
struct View {
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl View {
    /// All three steps: decoded, unwrapped, folded.
    fn canonical(text: &str) -> View {
        decode(text).unwrapped().fold()
    }

    /// Unwrapped and folded, not decoded: a secret as typed.
    fn folded(text: &str) -> View {
        View {
            bytes: text.as_bytes().to_vec(),
            spans: (0..text.len()).map(|i| (i, i + 1)).collect(),
        }
        .unwrapped()
        .fold()
    }

    fn with_capacity(capacity: usize) -> View {
        View {
            bytes: Vec::with_capacity(capacity),
            spans: Vec::with_capacity(capacity),
        }
    }

    fn push(&mut self, byte: u8, span: (usize, usize)) {
        self.bytes.push(byte);
        self.spans.push(span);
    }

    /// Without the line breaks (and blanks around them) between two base64 characters.
    fn unwrapped(self) -> View {
        let base64 = |byte: &u8| byte.is_ascii_alphanumeric() || b"+/-_=".contains(byte);
        let blank = |byte: &u8| matches!(byte, b' ' | b'\t' | b'\r' | b'\n');
        if !self.bytes.iter().any(|byte| matches!(byte, b'\r' | b'\n')) {
            return self;
        }
        let mut out = View::with_capacity(self.bytes.len());
        let mut i = 0;
        while i < self.bytes.len() {
            if blank(&self.bytes[i]) {
                let end = i + self.bytes[i..].iter().take_while(|b| blank(b)).count();
                let breaks = self.bytes[i..end]
                    .iter()
                    .any(|b| matches!(b, b'\r' | b'\n'));
                let joins = i > 0
                    && self.bytes.get(i - 1).is_some_and(base64)
                    && self.bytes.get(end).is_some_and(base64);
                if !(breaks && joins) {
                    for j in i..end {
                        out.push(self.bytes[j], self.spans[j]);
                    }
                }
                i = end;
            } else {
                out.push(self.bytes[i], self.spans[i]);
                i += 1;
            }
        }
        out
    }

    /// Lower-cased, and a space as `+`.
    fn fold(self) -> View {
        let mut out = View::with_capacity(self.bytes.len());
        let mut i = 0;
        while i < self.bytes.len() {
            let byte = self.bytes[i];
            if byte.is_ascii() {
                let folded = if byte == b' ' {
                    b'+'
                } else {
                    byte.to_ascii_lowercase()
                };
                out.push(folded, self.spans[i]);
                i += 1;
                continue;
            }
            let width = utf8_width(byte);
            let character = self
                .bytes
                .get(i..i + width)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .and_then(|text| text.chars().next());
            match character {
                Some(character) => {
                    let span = (self.spans[i].0, self.spans[i + width - 1].1);
                    let mut buffer = [0u8; 4];
                    for lower in character.to_lowercase() {
                        for byte in lower.encode_utf8(&mut buffer).bytes() {
                            out.push(byte, span);
                        }
                    }
                    i += width;
                }
                None => {
                    out.push(byte, self.spans[i]);
                    i += 1;
                }
            }
        }
        out
    }
}

/// The length of the UTF-8 sequence `lead` starts (1 for a byte that starts none).
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => 1,
    }
}

/// Step 1: one level of HTML references, backslash escapes and percent-encoding decoded,
/// NUL bytes dropped.
fn decode(text: &str) -> View {
    let bytes = text.as_bytes();
    let mut out = View::with_capacity(bytes.len());
    let mut scratch = Vec::with_capacity(8);
    let mut i = 0;
    while i < bytes.len() {
        scratch.clear();
        let used = match bytes[i] {
            b'&' => reference(text, i, &mut scratch),
            b'\\' => backslash(bytes, i, &mut scratch),
            b'%' => percent(bytes, i, &mut scratch),
            _ => 0,
        };
        if used == 0 {
            if bytes[i] != 0 {
                out.push(bytes[i], (i, i + 1));
            }
            i += 1;
        } else {
            for &byte in scratch.iter().filter(|byte| **byte != 0) {
                out.push(byte, (i, i + used));
            }
            i += used;
        }
    }
    out
}

fn push_char(out: &mut Vec<u8>, code: u32) -> bool {
    match char::from_u32(code) {
        Some(character) => {
            out.extend_from_slice(character.encode_utf8(&mut [0; 4]).as_bytes());
            true
        }
        None => false,
    }
}

/// The value of up to `max` hex digits at `bytes[at..]`, and how many there were.
fn hex_digits(bytes: &[u8], at: usize, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut count = 0;
    while count < max {
        let Some(digit) = bytes
            .get(at + count)
            .and_then(|b| char::from(*b).to_digit(16))
        else {
            break;
        };
        value = value * 16 + digit;
        count += 1;
    }
    (value, count)
}

/// Exactly `count` hex digits at `bytes[at..]`.
fn hex_exact(bytes: &[u8], at: usize, count: usize) -> Option<u32> {
    let (value, found) = hex_digits(bytes, at, count);
    (found == count).then_some(value)
}

/// An HTML character reference at `text[at..]` (at `&`): its length, its character in
/// `out`; 0 if there is none.
fn reference(text: &str, at: usize, out: &mut Vec<u8>) -> usize {
    let bytes = text.as_bytes();
    let semicolon = |end: usize| usize::from(bytes.get(end) == Some(&b';'));
    if bytes.get(at + 1) == Some(&b'#') {
        let (code, digits, start) = if matches!(bytes.get(at + 2), Some(b'x' | b'X')) {
            let (code, digits) = hex_digits(bytes, at + 3, 6);
            (code, digits, at + 3)
        } else {
            let digits = bytes[at + 2..]
                .iter()
                .take(7)
                .take_while(|b| b.is_ascii_digit())
                .count();
            let code = text[at + 2..at + 2 + digits].parse().unwrap_or(u32::MAX);
            (code, digits, at + 2)
        };
        if digits == 0 || !push_char(out, code) {
            return 0;
        }
        return start + digits + semicolon(start + digits) - at;
    }
    let name = bytes[at + 1..]
        .iter()
        .take(32)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let end = at + 1 + name;
    if name == 0 || semicolon(end) == 0 {
        return 0;
    }
    let reference = &text[at..=end];
    let decoded = html_escape::decode_html_entities(reference);
    if decoded == reference {
        return 0;
    }
    out.extend_from_slice(decoded.as_bytes());
    end + 1 - at
}

/// A backslash escape at `bytes[at..]`: its length, its character in `out`; 0 if none.
fn backslash(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> usize {
    let Some(&kind) = bytes.get(at + 1) else {
        return 0;
    };
    let simple = match kind {
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'v' => Some(0x0b),
        b'0' => Some(0),
        punctuation if punctuation.is_ascii_punctuation() => Some(punctuation),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return 2;
    }
    match kind {
        b'x' => match hex_exact(bytes, at + 2, 2) {
            Some(code) if push_char(out, code) => 4,
            _ => 0,
        },
        b'U' => match hex_exact(bytes, at + 2, 8) {
            Some(code) if push_char(out, code) => 10,
            _ => 0,
        },
        b'u' if bytes.get(at + 2) == Some(&b'{') => {
            let (code, digits) = hex_digits(bytes, at + 3, 6);
            if digits > 0 && bytes.get(at + 3 + digits) == Some(&b'}') && push_char(out, code) {
                digits + 4
            } else {
                0
            }
        }
        b'u' => {
            let Some(unit) = hex_exact(bytes, at + 2, 4) else {
                return 0;
            };
            // A surrogate pair, as JSON writes a character beyond the BMP.
            if (0xd800..0xdc00).contains(&unit)
                && bytes.get(at + 6..at + 8) == Some(b"\\u")
                && let Some(low) =
                    hex_exact(bytes, at + 8, 4).filter(|low| (0xdc00..0xe000).contains(low))
            {
                let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                return if push_char(out, code) { 12 } else { 0 };
            }
            if push_char(out, unit) { 6 } else { 0 }
        }
        _ => 0,
    }
}

/// Percent-encoding at `bytes[at..]`: its length, its byte (or character) in `out`; 0 if
/// none.
fn percent(bytes: &[u8], at: usize, out: &mut Vec<u8>) -> usize {
    if bytes.get(at + 1..at + 3) == Some(b"25")
        && let Some(byte) = hex_exact(bytes, at + 3, 2)
    {
        out.push(byte as u8);
        return 5;
    }
    if matches!(bytes.get(at + 1), Some(b'u' | b'U'))
        && let Some(code) = hex_exact(bytes, at + 2, 4)
        && push_char(out, code)
    {
        return 6;
    }
    match hex_exact(bytes, at + 1, 2) {
        Some(byte) => {
            out.push(byte as u8);
            3
        }
        None => 0,
    }
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

    /// The password of the outside review: a quote, `<`, `>` and `&`, all of which HTML
    /// escapes.
    const REVIEW: &str = "it's<My>Pass&1!";

    fn assert_hidden(redactor: &Redactor, text: &str) {
        let shown = redactor.redact(&format!("<p>{text}</p>"));
        assert_eq!(shown.replace('\0', ""), "<p>[redacted]</p>", "{text:?}");
    }

    #[test]
    fn html_character_references_are_redacted() {
        let redactor = Redactor::new([REVIEW]);
        let decimal: String = REVIEW
            .chars()
            .map(|c| format!("&#{};", u32::from(c)))
            .collect();
        let hex: String = REVIEW
            .chars()
            .map(|c| format!("&#x{:x};", u32::from(c)))
            .collect();
        let hex_upper: String = REVIEW
            .chars()
            .map(|c| format!("&#X{:X}", u32::from(c)))
            .collect();
        for text in [
            "it&#039;s&lt;My&gt;Pass&amp;1!".to_owned(),
            "it&#x27;s&#x3c;My&#x3E;Pass&amp;1&#x21;".to_owned(),
            "it&apos;s&LT;My&gt;Pass&#38;1&excl;".to_owned(),
            decimal,
            hex,
            hex_upper,
        ] {
            assert_hidden(&redactor, &text);
        }
    }

    #[test]
    fn javascript_and_json_escapes_are_redacted() {
        let redactor = Redactor::new([REVIEW, SECRET]);
        for text in [
            r"it\x27s\x3cMy\x3ePass\x261\x21",
            r"it\u0027s\u003CMy\u003ePass\u00261!",
            r"it\u{27}s<My>Pass&1!",
            r"it\'s<My>Pass&1!",
            r"p@ss w\xf6rd\/\x22x+",
            r"p@ss w\u00F6rd\/\u0022x\u002b",
        ] {
            assert_hidden(&redactor, text);
        }
    }

    #[test]
    fn utf16_text_decoded_as_utf8_is_redacted() {
        let redactor = Redactor::new([REVIEW]);
        let bytes: Vec<u8> = REVIEW.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_hidden(&redactor, &String::from_utf8_lossy(&bytes));
        let bytes: Vec<u8> = REVIEW.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_hidden(&redactor, &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn line_wrapped_base64_is_redacted_wherever_it_breaks() {
        let redactor = Redactor::new([REVIEW]);
        for prefix in ["", "u:", "user:"] {
            let encoded = STANDARD.encode(format!("{prefix}{REVIEW}"));
            let core = base64_core(REVIEW.as_bytes(), prefix.len() % 3, false);
            for at in 1..encoded.len() {
                for newline in ["\r\n", "\n", "\n "] {
                    let wrapped = format!("{}{newline}{}", &encoded[..at], &encoded[at..]);
                    let shown = redactor.redact(&wrapped);
                    let joined: String = shown.split_whitespace().collect();
                    assert!(!joined.contains(&core), "{wrapped:?}: {shown:?}");
                }
            }
        }
        // MIME: 76 characters a line, the secret somewhere in the middle.
        let encoded = STANDARD.encode(format!("{}{REVIEW}{}", "x".repeat(50), "y".repeat(50)));
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .filter_map(|line| std::str::from_utf8(line).ok())
            .collect();
        let shown = redactor.redact(&lines.join("\r\n"));
        assert!(shown.contains(MARKER), "{shown}");
        let joined: String = shown.split_whitespace().collect();
        let core = base64_core(REVIEW.as_bytes(), 50 % 3, false);
        assert!(!joined.contains(&core), "{shown}");
    }

    #[test]
    fn case_changed_copies_are_redacted() {
        let redactor = Redactor::new(["Bearer AT-QQQQaccesstokenvalue9"]);
        for text in [
            "bearer at-qqqqaccesstokenvalue9",
            "BEARER AT-QQQQACCESSTOKENVALUE9",
            "Bearer%20at-QQQQaccesstokenvalue9",
        ] {
            assert_hidden(&redactor, text);
        }
        assert_eq!(Redactor::new(["Ab1"]).redact("x=aB1&"), "x=[redacted]&");
    }

    #[test]
    fn long_pieces_and_reversed_copies_are_redacted() {
        let token = "AT-QQQQaccesstokenvalue9";
        let redactor = Redactor::new([token]);
        let reversed: String = token.chars().rev().collect();
        for text in [
            &token[..8],
            &token[..12],
            &token[12..],
            &token[5..17],
            &reversed,
            &reversed[3..14],
        ] {
            assert_hidden(&redactor, text);
        }
        // Shorter pieces are ordinary text (8 characters at most are asked for).
        assert_eq!(redactor.redact("AT-QQQQ"), "AT-QQQQ");
        // A shorter secret: any half of it.
        let redactor = Redactor::new(["hunter2pw!"]);
        assert_hidden(&redactor, "hunte");
        assert_hidden(&redactor, "er2pw!");
        assert_eq!(redactor.redact("hunt"), "hunt");
    }

    #[test]
    fn a_large_body_is_redacted_quickly() {
        let secrets = [
            REVIEW,
            SECRET,
            "AT-QQQQaccesstokenvalue9",
            "hub-user",
            "hub-user:x",
        ];
        let redactor = Redactor::new(secrets);
        let mut body = String::new();
        while body.len() < 64 * 1024 {
            body.push_str(
                "{\"id\": 12345, \"name\": \"Some &amp; Thing\\n\", \"data\": \"QUJD\"}\n",
            );
        }
        body.push_str(REVIEW);
        let start = std::time::Instant::now();
        let shown = redactor.redact(&body);
        let spent = start.elapsed();
        assert!(shown.ends_with(MARKER));
        // Well under a millisecond or two in a release build; unoptimised tests are slower.
        assert!(spent < std::time::Duration::from_millis(100), "{spent:?}");
    }
}
