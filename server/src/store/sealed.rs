//! A sealed secret as the store keeps it. The vault seals and opens; the store only keeps
//! the bytes, so the type lives here and the vault uses it (never the other way round).

use std::fmt;

use sqlx::query::Query;
use sqlx::{Database, Encode, Type};

/// A sealed secret as stored: the key id, the nonce and the ciphertext (with its tag).
/// Read as a row from the columns of those names.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealed")
            .field("key_id", &self.key_id)
            .field("bytes", &self.ciphertext.len())
            .finish()
    }
}

/// Binds a sealed secret's three columns, `key_id, nonce, ciphertext`, in that order (the
/// order of every table that keeps one). Generic over the backend: the columns have the
/// same types on both.
pub(crate) trait BindSealed {
    fn bind_sealed(self, sealed: &Sealed) -> Self;
}

impl<DB> BindSealed for Query<'_, DB, <DB as Database>::Arguments>
where
    DB: Database,
    String: for<'a> Encode<'a, DB> + Type<DB>,
    Vec<u8>: for<'a> Encode<'a, DB> + Type<DB>,
{
    fn bind_sealed(self, sealed: &Sealed) -> Self {
        self.bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
    }
}
