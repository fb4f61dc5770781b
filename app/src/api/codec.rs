//! `StrictJson`: the JSON input encoding of server functions, refusing unknown keys.
//!
//! Leptos decodes a server function's arguments into a struct it generates, which takes
//! no serde attributes, so `{"id": …, "input": {…}, "surprise": 1}` passed and the extra
//! key was dropped, where the REST API answers 400. This encoding decodes the same JSON
//! and then compares the body's keys with the arguments it decoded (serialised back: the
//! generated struct writes every argument), so an unknown key is a decoding error, which
//! the server answers with 400 like any undecodable argument. The arguments' own types
//! close their objects with `deny_unknown_fields` as before.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::{DeserializeOwned, Error as _};

/// Arguments as JSON in a `POST` body; unknown argument names are refused.
pub type StrictJson = Post<StrictJsonEncoding>;

pub struct StrictJsonEncoding;

impl ContentType for StrictJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for StrictJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned + Serialize> Decodes<T> for StrictJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let sent: serde_json::Value = serde_json::from_slice(&bytes)?;
        let decoded: T = serde_json::from_value(sent.clone())?;
        let known = serde_json::to_value(&decoded)?;
        if let (Some(sent), Some(known)) = (sent.as_object(), known.as_object())
            && let Some(unknown) = sent.keys().find(|key| !known.contains_key(*key))
        {
            return Err(serde_json::Error::custom(format!(
                "unknown field `{unknown}`"
            )));
        }
        Ok(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Args {
        id: u32,
        #[serde(default)]
        confirm: bool,
    }

    fn decode(text: &'static str) -> Result<Args, serde_json::Error> {
        <StrictJsonEncoding as Decodes<Args>>::decode(Bytes::from(text))
    }

    #[test]
    fn unknown_argument_names_are_refused() {
        assert_eq!(
            decode(r#"{"id": 1}"#).ok(),
            Some(Args {
                id: 1,
                confirm: false
            })
        );
        assert!(decode(r#"{"id": 1, "confirm": true}"#).is_ok());
        let refused = decode(r#"{"id": 1, "surprise": true}"#).unwrap_err();
        assert!(refused.to_string().contains("`surprise`"), "{refused}");
        assert!(decode(r#"{"id": "x"}"#).is_err());
    }
}
