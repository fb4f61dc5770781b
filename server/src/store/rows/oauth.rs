//! Rows of OAuth states in flight.

use time::OffsetDateTime;

use super::uuid_column;
use crate::store::{OAuthReturn, OAuthStateRecord, Sealed, StoreError};

/// The columns of `oauth_states` (ids as text on both backends).
#[derive(sqlx::FromRow)]
pub(crate) struct OAuthStateRow {
    pub state_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    pub connector_id: String,
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub return_to: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

impl TryFrom<OAuthStateRow> for OAuthStateRecord {
    type Error = StoreError;

    fn try_from(row: OAuthStateRow) -> Result<Self, StoreError> {
        let table = "oauth_states";
        Ok(OAuthStateRecord {
            state_hash: row.state_hash,
            tenant_id: uuid_column(table, &row.tenant_id)?,
            user_id: uuid_column(table, &row.user_id)?,
            connector_id: uuid_column(table, &row.connector_id)?,
            verifier: Sealed {
                key_id: row.key_id,
                nonce: row.nonce,
                ciphertext: row.ciphertext,
            },
            return_to: OAuthReturn::parse(&row.return_to).ok_or_else(|| {
                StoreError::Corrupt(format!("oauth_states.return_to: {}", row.return_to))
            })?,
            created_at: row.created_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
        })
    }
}
