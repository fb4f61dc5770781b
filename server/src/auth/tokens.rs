//! Random bearer secrets (session cookies, API tokens) and their stored hashes.
//!
//! Only SHA-256 hashes are stored. A fast hash is right here: the values are 256 random
//! bits, so unlike passwords they cannot be guessed from a stolen hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// API tokens start with this, so they are recognisable in configs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "chub_";

/// How many leading characters of an API token are kept to recognise it.
const SHOWN_PREFIX_LEN: usize = API_TOKEN_PREFIX.len() + 6;

/// A fresh random secret: 32 bytes from the OS, URL-safe base64.
fn random_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret: SHA-256, hex.
pub fn hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

/// A new session cookie value and the id (its hash) the session is stored under.
pub fn new_session() -> Result<(SecretString, String), getrandom::Error> {
    let value = random_secret()?;
    let id = hash(&value);
    Ok((SecretString::from(value), id))
}

/// A new OAuth `state` (32 random bytes) and the hash it is stored under.
pub fn new_oauth_state() -> Result<(SecretString, String), getrandom::Error> {
    new_session()
}

/// A new API token, returned with its hash and the prefix kept for display.
pub struct NewApiToken {
    pub token: SecretString,
    pub hash: String,
    pub prefix: String,
}

pub fn new_api_token() -> Result<NewApiToken, getrandom::Error> {
    let token = format!("{API_TOKEN_PREFIX}{}", random_secret()?);
    let hash = hash(&token);
    let prefix = token[..SHOWN_PREFIX_LEN].to_owned();
    Ok(NewApiToken {
        token: SecretString::from(token),
        hash,
        prefix,
    })
}

/// Whether two secrets' hashes are for the same secret (for tests and checks).
pub fn matches(secret: &SecretString, stored_hash: &str) -> bool {
    hash(secret.expose_secret()) == stored_hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_stored_only_as_hashes() {
        let (first, first_id) = new_session().unwrap();
        let (second, second_id) = new_session().unwrap();
        assert_ne!(first.expose_secret(), second.expose_secret());
        assert_ne!(first_id, second_id);
        assert_eq!(first_id.len(), 64);
        assert!(!first_id.contains(first.expose_secret()));
        assert!(matches(&first, &first_id));
        assert!(!matches(&second, &first_id));
    }

    #[test]
    fn api_tokens_are_recognisable_by_prefix() {
        let token = new_api_token().unwrap();
        assert!(token.token.expose_secret().starts_with("chub_"));
        assert_eq!(token.token.expose_secret().len(), 5 + 43);
        assert!(token.token.expose_secret().starts_with(&token.prefix));
        assert_eq!(token.prefix.len(), 11);
    }
}
