//! How a leaf widget holds its value as text, and turns text back into a value. An empty
//! input means "absent": the key is removed, so an optional field left blank is not sent.

use serde_json::{Number, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    /// Strings as typed.
    Text,
    /// Numbers; text that is not exactly a number is kept as a string, so nothing typed
    /// is lost and the validator says "Must be of type integer."
    Number,
    /// A choice among values; the option's value is the JSON of the choice.
    Choice,
    /// `true` / `false`; untouched stays absent.
    Checkbox,
    /// A JSON editor for what the form cannot lay out.
    Json,
    /// Shown, never edited (`const`, `readOnly`).
    Fixed,
}

impl Codec {
    pub fn to_text(self, value: Option<&Value>) -> String {
        let Some(value) = value else {
            return String::new();
        };
        match (self, value) {
            (Codec::Text | Codec::Number, Value::String(text)) => text.clone(),
            (Codec::Number, Value::Number(number)) => number.to_string(),
            (Codec::Json, value) => {
                serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
            }
            (_, value) => value.to_string(),
        }
    }

    /// The value for `text`; `Ok(None)` for an empty input. Only the JSON editor refuses
    /// text (it must parse).
    pub fn from_text(self, text: &str) -> Result<Option<Value>, String> {
        if text.trim().is_empty() && self != Codec::Text {
            return Ok(None);
        }
        Ok(Some(match self {
            Codec::Text if text.is_empty() => return Ok(None),
            Codec::Text => Value::String(text.to_owned()),
            Codec::Number => number(text).unwrap_or_else(|| Value::String(text.to_owned())),
            Codec::Checkbox => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => json_or_string(other),
            },
            Codec::Choice | Codec::Fixed => json_or_string(text),
            Codec::Json => {
                serde_json::from_str(text).map_err(|error| format!("Not valid JSON: {error}."))?
            }
        }))
    }

    /// As [`Codec::from_text`], for an item of a list: an empty item stays in place (an
    /// empty string, or `null` for choices and JSON) so later items keep their positions.
    pub fn item_from_text(self, text: &str) -> Result<Value, String> {
        Ok(match self.from_text(text)? {
            Some(value) => value,
            None if matches!(self, Codec::Text | Codec::Number) => Value::String(String::new()),
            None => Value::Null,
        })
    }

    /// Whether a value of this kind can be edited with this codec without changing its
    /// type; otherwise the field falls back to the JSON editor.
    pub fn fits(self, value: &Value) -> bool {
        match self {
            Codec::Text => value.is_string(),
            // A string that spells a number would come back as that number.
            Codec::Number => match value {
                Value::Number(_) => true,
                Value::String(text) => number(text).is_none(),
                _ => false,
            },
            Codec::Checkbox => value.is_boolean(),
            Codec::Choice | Codec::Json | Codec::Fixed => true,
        }
    }
}

/// The number `text` spells exactly (so `1.` or `01` stay text while being typed).
fn number(text: &str) -> Option<Value> {
    if let Ok(integer) = text.parse::<i64>() {
        return (integer.to_string() == text).then(|| Value::Number(integer.into()));
    }
    let float = text.parse::<f64>().ok()?;
    let number = Number::from_f64(float)?;
    (number.to_string() == text).then_some(Value::Number(number))
}

fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// A value as a person reads it: strings without quotes.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_round_trip_and_partial_input_stays_text() {
        for value in [
            json!(0),
            json!(-12),
            json!(2.5),
            json!(1e300),
            json!(u32::MAX),
        ] {
            let text = Codec::Number.to_text(Some(&value));
            assert_eq!(Codec::Number.from_text(&text), Ok(Some(value)));
        }
        assert_eq!(Codec::Number.from_text("1."), Ok(Some(json!("1."))));
        assert_eq!(Codec::Number.from_text("01"), Ok(Some(json!("01"))));
        assert_eq!(Codec::Number.from_text(""), Ok(None));
    }

    #[test]
    fn text_keeps_spaces_and_empty_means_absent() {
        assert_eq!(Codec::Text.from_text("  a "), Ok(Some(json!("  a "))));
        assert_eq!(Codec::Text.from_text(""), Ok(None));
        assert_eq!(Codec::Text.item_from_text(""), Ok(json!("")));
        assert_eq!(Codec::Number.item_from_text(""), Ok(json!("")));
        assert_eq!(Codec::Choice.item_from_text(""), Ok(Value::Null));
    }

    #[test]
    fn choices_and_checkboxes() {
        assert_eq!(Codec::Choice.to_text(Some(&json!("draft"))), "\"draft\"");
        assert_eq!(
            Codec::Choice.from_text("\"draft\""),
            Ok(Some(json!("draft")))
        );
        assert_eq!(Codec::Choice.from_text("3"), Ok(Some(json!(3))));
        assert_eq!(Codec::Checkbox.from_text("false"), Ok(Some(json!(false))));
        assert_eq!(Codec::Checkbox.to_text(None), "");
    }

    #[test]
    fn json_editor_refuses_broken_json() {
        assert_eq!(
            Codec::Json.from_text("{\"a\": [1]}"),
            Ok(Some(json!({"a": [1]})))
        );
        assert!(Codec::Json.from_text("{\"a\": ").is_err());
        assert_eq!(Codec::Json.from_text("  "), Ok(None));
    }
}
