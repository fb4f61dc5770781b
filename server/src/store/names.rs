//! When two names are the same name: the one rule, in Rust, for both backends.
//!
//! Connector names (per tenant) and tenant names are unique ignoring case. SQLite's
//! `lower()` folds ASCII only and PostgreSQL's follows the database's locale, so the
//! backends disagreed ("Ärger" and "ärger" were two names on SQLite, one on PostgreSQL).
//! The key is computed here instead and stored in a `name_key` column with a unique
//! index on both backends.
//!
//! The key is NFKC, then Unicode lower case (`str::to_lowercase`), then NFKC again
//! (lower-casing can leave a string unnormalised): "Ärger", "ÄRGER" and "A\u{308}rger"
//! (a decomposed Ä) are one name, and so are compatibility forms ("ﬁle" and "file",
//! full-width letters). It is lower case, not full case folding: "ß" and "ss" stay two
//! names, as a person reading them would expect.

use unicode_normalization::UnicodeNormalization;

/// The key under which `name` must be unique.
pub fn name_key(name: &str) -> String {
    let composed: String = name.trim().nfkc().collect();
    composed.to_lowercase().nfkc().collect()
}

/// The key of an existing row whose name clashed with an older one when the rule
/// arrived (migration `…08_name_keys`): both rows stay as they were, the newer one with a
/// key of its own until it is renamed. Keys of real names never end in `#<uuid>` unless
/// someone types that, which at worst gets them a 409.
pub(crate) fn clashing_key(key: &str, id: &str) -> String {
    format!("{key}#{id}")
}

/// Ids and keys are written as text in logs, so say which rows clashed.
pub(crate) fn warn_clash(table: &str, id: &str) {
    tracing::warn!(
        table,
        id,
        "an existing name equals an older one ignoring case (Unicode rules); both kept, rename one"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_encoding_do_not_make_a_new_name() {
        let key = name_key("Ärger");
        for same in ["ärger", "ÄRGER", "A\u{308}rger", " ärger "] {
            assert_eq!(name_key(same), key, "{same}");
        }
        assert_eq!(name_key("Caf\u{e9}"), name_key("CAFE\u{301}"));
        assert_eq!(name_key("\u{fb01}le"), name_key("FILE"));
        assert_eq!(name_key("ＡＢＣ"), name_key("abc"));
        assert_ne!(name_key("Ärger"), name_key("Arger"));
    }
}
