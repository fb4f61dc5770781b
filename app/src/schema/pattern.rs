//! `pattern` and `patternProperties` regexes, matched in the browser with `regex-lite` (the
//! full `regex` crate would weigh on the WASM) exactly where it agrees with the server.
//!
//! The server's `jsonschema` translates the ECMA-262 pattern for `regex`/`fancy-regex`: `\d`
//! and `\w` stay ASCII (as in `regex-lite`), `\s` becomes ECMA-262 white space, which is
//! Unicode (`regex-lite`'s is ASCII). So `\s` and `\S` are spelt out here the same way.
//! Where the engines still differ (Unicode `\b`, case folding, class set operations,
//! look-around, `\p{…}`, anything `regex-lite` refuses) the answer is unknown: the browser
//! does not judge the text, the server does.

/// ECMA-262 `\s` (`WhiteSpace` and `LineTerminator`), as the server's translation lists it.
const SPACE: &str =
    r"\t-\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}";

/// A pattern compiled for `regex-lite`.
#[derive(Debug)]
pub struct Pattern {
    regex: regex_lite::Regex,
    /// `\b` and `\B` are ASCII here but Unicode on the server: they agree on ASCII text only.
    exact_on_ascii_only: bool,
}

impl Pattern {
    /// `None` when the pattern uses something the two engines treat differently.
    pub fn compile(source: &str) -> Option<Pattern> {
        let (translated, exact_on_ascii_only) = translate(source)?;
        let regex = regex_lite::Regex::new(&translated).ok()?;
        Some(Pattern {
            regex,
            exact_on_ascii_only,
        })
    }

    /// Whether `text` holds a match, as the server would say; `None` when unsure.
    pub fn is_match(&self, text: &str) -> Option<bool> {
        if self.exact_on_ascii_only && !text.is_ascii() {
            return None;
        }
        Some(self.regex.is_match(text))
    }
}

/// The pattern with `\s` and `\S` spelt out, and whether it is exact on ASCII text only.
fn translate(source: &str) -> Option<(String, bool)> {
    let mut out = String::with_capacity(source.len());
    let mut in_class = false;
    let mut ascii_only = false;
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match (chars.next()?, in_class) {
                ('s', false) => out.extend(["[", SPACE, "]"]),
                ('S', false) => out.extend(["[^", SPACE, "]"]),
                ('s', true) => out.push_str(SPACE),
                // `\cJ` is the control character (letter mod 32), as the server translates it.
                ('c', _) => {
                    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
                    out.push_str(&format!("\\x{{{:x}}}", u32::from(letter) % 32));
                }
                // `\S` in a class would need a nested class.
                ('S', _) => return None,
                (escaped, _) => {
                    ascii_only |= matches!(escaped, 'b' | 'B') && !in_class;
                    out.push('\\');
                    out.push(escaped);
                }
            },
            // Nested classes and POSIX classes parse differently in the two engines.
            '[' if in_class => return None,
            '[' => {
                in_class = true;
                out.push('[');
                if chars.next_if_eq(&'^').is_some() {
                    out.push('^');
                }
                // `[]` matches nothing in ECMA-262; Rust reads the `]` as a literal.
                if chars.peek() == Some(&']') {
                    return None;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            // Class set operations (`--`, `&&`, `~~`): the server escapes them, regex-lite may not.
            '-' | '&' | '~' if in_class && chars.peek() == Some(&c) => return None,
            // Inline flags: `(?i)` folds case by Unicode on the server, by ASCII here.
            '(' if !in_class && chars.peek() == Some(&'?') => {
                let mut after_question_mark = chars.clone().skip(1);
                if after_question_mark
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
                {
                    return None;
                }
                out.push('(');
            }
            _ => out.push(c),
        }
    }
    Some((out, ascii_only))
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn verdict(pattern: &str, text: &str) -> Option<bool> {
        Pattern::compile(pattern).and_then(|pattern| pattern.is_match(text))
    }

    #[test]
    fn space_classes_are_ecma_262_white_space() {
        assert_eq!(verdict(r"^\s$", "\u{3000}"), Some(true));
        assert_eq!(verdict(r"^[\s]$", "\u{feff}"), Some(true));
        assert_eq!(verdict(r"^[^\s]$", "\u{a0}"), Some(false));
        assert_eq!(verdict(r"^\S$", "\u{2028}"), Some(false));
        assert_eq!(verdict(r"^\S$", "é"), Some(true));
        // Not white space in ECMA-262 (a format character, not `Zs`).
        assert_eq!(verdict(r"^\s$", "\u{200b}"), Some(false));
    }

    #[test]
    fn digit_and_word_classes_stay_ascii_as_on_the_server() {
        assert_eq!(verdict(r"^\d$", "٣"), Some(false));
        assert_eq!(verdict(r"^\w$", "é"), Some(false));
        assert_eq!(verdict(r"^\W$", "é"), Some(true));
    }

    #[test]
    fn what_the_engines_disagree_on_is_unknown() {
        assert_eq!(verdict(r"\bcafé\b", "café"), None);
        assert_eq!(verdict(r"\bcat\b", "a cat"), Some(true));
        for pattern in [
            r"(?i)straße",
            r"^(?=a)a",
            r"\p{L}",
            r"[\S]",
            r"[a-z--b]",
            r"[[a]]",
            r"[]a",
            r"(a)\1",
        ] {
            assert!(Pattern::compile(pattern).is_none(), "{pattern}");
        }
        assert_eq!(verdict(r"^(?:ab)+$", "abab"), Some(true));
        assert_eq!(verdict(r"^\cJ$", "\n"), Some(true));
        assert_eq!(verdict(r"^\cj$", "\\cj"), Some(false));
    }
}
